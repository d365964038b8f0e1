// Identity checks for account questions: the agent sends a one-time code to the
// contact's known e-mail address or WhatsApp number; the customer types it in the
// conversation and the ticket says "identity verified" (who, when, how).
import { html, useState, useEffect } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, formatTime } from '../../i18n.js';
import { problemText } from '../../words.js';

const WAYS = [['email', 'email'], ['whatsapp', 'whatsapp']]; // [via, the contact's identity kind]

export function IdentitySection({ thread, onChanged }) {
  const { ticket, contact } = thread;
  const [check, setCheck] = useState(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.identityCheck(ticket.id).then((answer) => setCheck(answer.check)).catch(() => {});
  }, [ticket.id, ticket.version]);
  const known = WAYS.filter(([, kind]) => (contact?.identities || []).some((i) => i.kind === kind));
  const send = async (via) => {
    setBusy(true);
    try {
      setCheck(await api.sendIdentityCode(ticket.id, via));
      setNotice(t('identity.sent'));
      onChanged();
    } catch (problem) {
      setNotice(problemText(problem));
    } finally {
      setBusy(false);
    }
  };
  const status = check ? (check.status === 'pending' && new Date(check.expires_at) <= new Date() ? 'expired' : check.status) : 'none';
  const values = check && {
    to: check.to, via: t(`channel.${check.via}`), left: check.attempts_left,
    time: formatTime(status === 'verified' ? check.verified_at : check.expires_at),
  };
  return html`
    <section aria-labelledby="identity-title" class=${`identity identity-${status}`}>
      <h2 id="identity-title">${t('identity.title')}</h2>
      <p>${t(`identity.${status === 'none' ? 'none' : status}`, values || {})}</p>
      ${status !== 'verified' && ticket.status !== 'closed' && known.map(([via]) => html`
        <button type="button" disabled=${busy} onClick=${() => send(via)}>${t(`identity.send_${via}`)}</button>`)}
      ${notice && html`<p class="notice" role="status">${notice}</p>`}
    </section>`;
}

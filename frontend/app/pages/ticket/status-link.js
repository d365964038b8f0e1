// The customer's status page: the acknowledgment links it; here an agent makes a
// new signed link to share (valid 30 days) or turns off every link sent so far.
import { html, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, formatTime } from '../../i18n.js';
import { problemText } from '../../words.js';

export function StatusLinkSection({ ticket }) {
  const [link, setLink] = useState(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const act = async (work) => {
    setBusy(true);
    try {
      await work();
    } catch (problem) {
      setNotice(problemText(problem));
    } finally {
      setBusy(false);
    }
  };
  const make = () => act(async () => {
    const answer = await api.newStatusLink(ticket.id);
    setLink({ url: `${location.origin}${answer.path}`, expires: answer.expires_at });
    setNotice('');
  });
  const revoke = () => act(async () => {
    await api.revokeStatusLinks(ticket.id);
    setLink(null);
    setNotice(t('status_link.revoked'));
  });
  return html`
    <section aria-labelledby="status-link-title" class="status-link">
      <h2 id="status-link-title">${t('status_link.title')}</h2>
      <button type="button" disabled=${busy} onClick=${make}>${t('status_link.new')}</button>
      <button type="button" disabled=${busy} onClick=${revoke}>${t('status_link.revoke')}</button>
      ${link && html`<p>${t('status_link.made', { time: formatTime(link.expires) })}</p>
        <input type="text" readonly value=${link.url} aria-label=${t('status_link.title')} />`}
      ${notice && html`<p class="notice" role="status">${notice}</p>`}
    </section>`;
}

// Administration · set-aside mail: what reached the support address and became
// no ticket (spam, a virus, an auto-reply answering nothing, unreadable, a bounce
// nobody sent), by month, with the reason; read one, and make it a ticket once.
import { html, useState, useEffect } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, tOr, formatTime } from '../../i18n.js';
import { problemText } from '../../words.js';
import { AdminForm, Outcome, useOutcome } from '../../components/form.js';
import { AdminTable, Loading, thisMonth, useMonthly } from '../../components/table.js';

const TAKEN_IN = ['quarantined_spam', 'automatic_without_ticket', 'unreadable']; // as the server allows

// One mail, as a person reads it before deciding (sanitized HTML in a sandboxed frame)
function Reading({ entry, onClose, onTaken }) {
  const [mail, setMail] = useState(null);
  const [failed, setFailed] = useState('');
  const [outcome, run] = useOutcome();
  useEffect(() => {
    api.setAsideMail(entry.id, entry.received_at).then(setMail).catch((problem) => setFailed(problemText(problem)));
  }, [entry.id]);
  const take = () => run(async () => {
    const filed = await api.takeIn(entry.id, entry.received_at);
    onTaken(filed);
  }, t('admin.aside.taken'));
  return html`
    <section class="aside-mail" aria-labelledby="aside-mail-title">
      <h2 id="aside-mail-title">${entry.subject || t('admin.aside.no_subject')}</h2>
      <p class="muted">${entry.sender || t('admin.aside.no_sender')} · ${formatTime(entry.received_at)} ·
        ${tOr(`aside.${entry.reason}`, entry.reason)}</p>
      ${!mail ? html`<${Loading} failed=${failed} />`
        : mail.html ? html`<iframe class="mail-html" title=${t('admin.aside.original')} sandbox="" srcdoc=${mail.html}></iframe>`
        : html`<pre class="mail-text">${mail.text}</pre>`}
      <div class="buttons">
        ${entry.ticket_id ? html`<a href=${`#/tickets/${entry.ticket_id}`}>${t('admin.aside.open_ticket')}</a>`
          : TAKEN_IN.includes(entry.reason) && html`<button type="button" onClick=${take}>${t('admin.aside.take_in')}</button>`}
        <button type="button" class="secondary" onClick=${onClose}>${t('admin.aside.close')}</button>
      </div>
      <${Outcome} outcome=${outcome} />
    </section>`;
}

export function AdminSetAside() {
  const { month, setMonth, answer, setAnswer, failed } = useMonthly((chosen) => api.setAside(chosen));
  const [open, setOpen] = useState(null);
  const taken = (filed) => {
    setAnswer({ ...answer, entries: answer.entries.map((e) => (e.id === filed.id ? filed : e)) });
    setOpen(filed);
  };
  const columns = ['admin.aside.received', 'admin.aside.reason', 'admin.aside.sender', 'admin.aside.subject',
    'admin.actions'].map((key) => t(key));
  const row = (entry) => html`
    <tr data-entry=${entry.id} data-reason=${entry.reason}>
      <td><time datetime=${entry.received_at}>${formatTime(entry.received_at)}</time></td>
      <td>${tOr(`aside.${entry.reason}`, entry.reason)}${entry.detail && html`<br /><span class="hint">${entry.detail}</span>`}</td>
      <td>${entry.sender || '—'}</td>
      <th scope="row">${entry.subject || t('admin.aside.no_subject')}</th>
      <td>${entry.ticket_id ? html`<a href=${`#/tickets/${entry.ticket_id}`}>${t('admin.aside.open_ticket')}</a>`
        : html`<button type="button" class="secondary" onClick=${() => setOpen(entry)}>
            ${t('admin.aside.read')}<span class="sr-only"> ${entry.subject}</span></button>`}</td>
    </tr>`;
  return html`
    <p class="hint">${t('admin.aside.hint')}</p>
    <${AdminForm} onSubmit=${(e) => e.preventDefault()}>
      <label>${t('admin.audit.month')}
        <input type="month" name="month" required value=${month} max=${thisMonth()} onChange=${(e) => setMonth(e.target.value)} /></label>
    <//>
    ${open && html`<${Reading} key=${open.id} entry=${open} onClose=${() => setOpen(null)} onTaken=${taken} />`}
    ${!answer ? html`<${Loading} failed=${failed} />`
      : answer.entries.length === 0 ? html`<p class="muted">${t('admin.aside.empty')}</p>`
      : html`<${AdminTable} name="set-aside" caption=${t('admin.set-aside')} columns=${columns} items=${answer.entries} row=${row} />`}`;
}

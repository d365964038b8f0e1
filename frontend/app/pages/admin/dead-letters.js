// Administration · failed messages: what the queues gave up on (mail that kept
// failing, replies, WhatsApp updates, escalations), with samples, and a redrive
// that sends a queue's messages back to be processed once the cause is fixed.
import { html, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, tOr, formatTime } from '../../i18n.js';
import { Outcome, useOutcome } from '../../components/form.js';
import { Loading, useAdminData } from '../../components/table.js';

// "atiende-prod-outbound-dlq" → "outbound": the part the texts name
const kind = (name) => ['inbound-mail', 'webhook-deliveries', 'outbound', 'whatsapp-updates', 'escalation'].find((k) => name.includes(k)) || name;

export function AdminDeadLetters() {
  const [data, load, failed] = useAdminData(() => api.deadLetters());
  const [confirming, setConfirming] = useState(null);
  const [outcome, run] = useOutcome();
  if (!data) return html`<${Loading} failed=${failed} />`;
  const redrive = async (queue) => {
    setConfirming(null);
    let moved = 0;
    if (await run(async () => { moved = (await api.redrive(queue)).moved; }, '')) {
      await run(async () => {}, t('admin.dead.redriven', { count: moved }));
      await load();
    }
  };
  return html`
    <p class="hint">${t('admin.dead.hint')}</p>
    <${Outcome} outcome=${outcome} />
    ${data.queues.map((queue) => html`
      <section class="dead-queue" data-queue=${queue.name} aria-labelledby=${`dq-${queue.name}`}>
        <h2 id=${`dq-${queue.name}`}>${tOr(`admin.dead.queue.${kind(queue.name)}`, queue.name)}
          <span class="count"> · ${t('admin.dead.waiting', { count: queue.waiting })}</span></h2>
        ${queue.waiting === 0 ? html`<p class="muted">${t('admin.dead.empty')}</p>` : html`
          <ol class="samples">${queue.samples.map((sample) => html`
            <li><p class="muted">${sample.first_sent_at ? formatTime(sample.first_sent_at) : '—'} ·
              ${t('admin.dead.attempts', { count: sample.receive_count })}</p>
              <pre class="mail-text">${sample.body}</pre></li>`)}
          </ol>
          ${confirming === queue.name ? html`
            <div class="confirm" role="group" aria-label=${t('admin.dead.redrive')}>
              <span>${t('admin.dead.confirm', { count: queue.waiting })}</span>
              <button type="button" onClick=${() => redrive(queue.name)}>${t('admin.dead.redrive_now')}</button>
              <button type="button" class="secondary" onClick=${() => setConfirming(null)}>${t('admin.cancel')}</button>
            </div>`
            : html`<button type="button" onClick=${() => setConfirming(queue.name)}>${t('admin.dead.redrive')}</button>`}`}
      </section>`)}`;
}

// Administration · webhooks: the addresses ticket and message events are POSTed
// to, signed with each one's secret; a test ping, and each one's delivery log.
import { html, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, formatTime } from '../../i18n.js';
import { AdminForm, Outcome, useDraft, useOutcome } from '../../components/form.js';
import { AdminTable, Loading, useAdminData } from '../../components/table.js';
import './webhooks-texts.js';

const EVENTS = ['ticket.created', 'ticket.updated', 'message.created', 'ticket.solved', 'survey.answered'];
const BLANK = { url: '', events: [], secret: '', description: '', active: true };

function DeliveryLog({ endpoint, attempts, onClose }) {
  const columns = ['webhooks.at', 'webhooks.event', 'webhooks.attempt', 'webhooks.status', 'webhooks.duration',
    'webhooks.error'].map((key) => t(key));
  const row = (a) => html`
    <tr data-attempt=${a.id} class=${a.delivered ? 'ok' : 'failed'}>
      <td>${formatTime(a.at)}</td><td>${t(`webhooks.event.${a.event}`)}</td><td>${a.attempt}</td>
      <td>${a.status_code ?? '—'}</td><td>${a.duration_ms} ms</td><td>${a.delivered ? t('webhooks.ok') : a.error}</td>
    </tr>`;
  return html`
    <section class="webhook-log" aria-labelledby="webhook-log-title">
      <h2 id="webhook-log-title">${t('webhooks.log_title', { url: endpoint.url })}</h2>
      ${attempts.length ? html`<${AdminTable} name="webhook-attempts" caption=${t('webhooks.log_title', { url: endpoint.url })}
        columns=${columns} items=${attempts} row=${row} />` : html`<p class="muted">${t('webhooks.log_empty')}</p>`}
      <button type="button" class="secondary" onClick=${onClose}>${t('webhooks.close')}</button>
    </section>`;
}

export function AdminWebhooks() {
  const [data, load, failed] = useAdminData(() => api.webhooks());
  const { draft, setDraft, set, editing, edit, reset } = useDraft(BLANK);
  const [confirming, setConfirming] = useState(null);
  const [log, setLog] = useState(null);
  const [outcome, run, fail] = useOutcome();
  if (!data) return html`<${Loading} failed=${failed} />`;
  const toggle = (name) => (e) => setDraft({
    ...draft, events: e.target.checked ? [...draft.events, name] : draft.events.filter((n) => n !== name),
  });
  const start = (endpoint) => {
    fail('');
    edit(endpoint.id, { url: endpoint.url, events: endpoint.events, secret: '', description: endpoint.description,
      active: endpoint.active });
  };
  const submit = async (event) => {
    event.preventDefault();
    const body = { url: draft.url.trim(), events: EVENTS.filter((e) => draft.events.includes(e)),
      description: draft.description.trim(), active: draft.active };
    if (draft.secret) body.secret = draft.secret;
    let generated = null;
    const saved = editing === null
      ? await run(async () => { generated = (await api.addWebhook(body)).secret; }, t('webhooks.saved', { url: body.url }))
      : await run(() => api.changeWebhook(editing, body), t('webhooks.saved', { url: body.url }));
    if (saved) {
      reset();
      await load();
      if (generated) await run(async () => {}, t('webhooks.generated', { secret: generated }));
    }
  };
  const remove = async (endpoint) => {
    setConfirming(null);
    if (await run(() => api.deleteWebhook(endpoint.id), t('webhooks.deleted', { url: endpoint.url }))) {
      if (editing === endpoint.id) reset();
      if (log?.endpoint.id === endpoint.id) setLog(null);
      await load();
    }
  };
  const ping = async (endpoint) => {
    let sent = null;
    await run(async () => { sent = await api.pingWebhook(endpoint.id); }, '');
    if (sent) {
      await run(async () => {}, sent.delivered ? t('webhooks.pinged', { status: sent.status_code, ms: sent.duration_ms }) : '');
      if (!sent.delivered) fail(t('webhooks.ping_failed', { error: sent.error }));
    }
  };
  const showLog = async (endpoint) => {
    await run(async () => setLog({ endpoint, attempts: (await api.webhookDeliveries(endpoint.id)).attempts }), '');
  };
  const title = editing === null ? t('webhooks.new') : t('webhooks.editing', { url: draft.url });
  const columns = ['webhooks.url', 'webhooks.events', 'webhooks.state', 'webhooks.secret_shown', 'admin.actions']
    .map((key) => t(key));
  const row = (endpoint) => html`
    <tr data-webhook=${endpoint.id}>
      <th scope="row"><code>${endpoint.url}</code>${endpoint.description && html`<br /><span class="muted">${endpoint.description}</span>`}</th>
      <td>${endpoint.events.map((e) => t(`webhooks.event.${e}`)).join(', ')}</td>
      <td>${endpoint.active ? t('webhooks.active') : t('webhooks.paused')}</td>
      <td><code>${endpoint.secret_hint}</code></td>
      <td>${confirming === endpoint.id ? html`
        <div class="confirm" role="group" aria-labelledby=${`confirm-${endpoint.id}`}>
          <span id=${`confirm-${endpoint.id}`}>${t('webhooks.confirm', { url: endpoint.url })}</span>
          <button type="button" class="danger" onClick=${() => remove(endpoint)}>${t('webhooks.confirm_yes')}</button>
          <button type="button" class="secondary" onClick=${() => setConfirming(null)}>${t('admin.cancel')}</button>
        </div>` : html`
        <button type="button" class="secondary" onClick=${() => start(endpoint)}>${t('admin.edit')}</button>
        <button type="button" class="secondary" onClick=${() => ping(endpoint)}>${t('webhooks.ping')}</button>
        <button type="button" class="secondary" onClick=${() => showLog(endpoint)}>${t('webhooks.log')}</button>
        <button type="button" class="danger" onClick=${() => setConfirming(endpoint.id)}>${t('webhooks.delete')}</button>`}</td>
    </tr>`;
  return html`
    <p class="hint">${t('webhooks.hint')}</p>
    <${AdminForm} titleId="webhook-form-title" title=${title} onSubmit=${submit} submit=${t('webhooks.save')}
      onCancel=${editing !== null && (() => { reset(); fail(''); })}>
      <label>${t('webhooks.url')}
        <input name="url" type="url" required maxlength="2048" placeholder="https://" value=${draft.url}
          onInput=${set('url')} /></label>
      <fieldset><legend>${t('webhooks.events')}</legend>
        ${EVENTS.map((name) => html`<label class="inline"><input type="checkbox" name="events" value=${name}
          checked=${draft.events.includes(name)} onChange=${toggle(name)} /> ${t(`webhooks.event.${name}`)}</label>`)}
      </fieldset>
      <label>${t('webhooks.secret')}
        <input name="secret" type="password" autocomplete="new-password" minlength="16" maxlength="256"
          aria-describedby="webhook-secret-hint" value=${draft.secret} onInput=${set('secret')} /></label>
      <p class="hint" id="webhook-secret-hint">${t('webhooks.secret_hint')}</p>
      <label>${t('webhooks.description')}
        <input name="description" maxlength="200" value=${draft.description} onInput=${set('description')} /></label>
      <label class="inline"><input type="checkbox" name="active" checked=${draft.active} onChange=${set('active')} />
        ${t('webhooks.active')}</label>
    <//>
    <${Outcome} outcome=${outcome} />
    ${data.endpoints.length ? html`<${AdminTable} name="webhooks" caption=${t('admin.webhooks')} columns=${columns}
      items=${data.endpoints} row=${row} />` : html`<p class="muted">${t('webhooks.empty')}</p>`}
    ${log && html`<${DeliveryLog} endpoint=${log.endpoint} attempts=${log.attempts} onClose=${() => setLog(null)} />`}`;
}

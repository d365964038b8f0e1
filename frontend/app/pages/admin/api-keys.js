// Administration · API keys: create one (shown once, with a copy button), list them, revoke one.
import { html, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, formatTime } from '../../i18n.js';
import { AdminForm, Outcome, useDraft, useOutcome } from '../../components/form.js';
import { AdminTable, Loading, useAdminData } from '../../components/table.js';
import './api-keys-texts.js';

const SCOPES = ['tickets:read', 'tickets:write', 'contacts:read', 'contacts:write', 'kb:read'];

function keyState(key) {
  if (key.revoked_at) return t('admin.api_keys.revoked');
  if (key.expires_at && new Date(key.expires_at) <= new Date()) return t('admin.api_keys.expired');
  return key.expires_at ? `${t('admin.api_keys.active')}, ${t('admin.api_keys.until', { at: formatTime(key.expires_at) })}`
    : t('admin.api_keys.active');
}

// The new key, this once: select it or copy it, then put it away
function NewKey({ issued, onDone }) {
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(issued.key);
      setCopied(t('admin.api_keys.copied'));
    } catch {
      setCopied(t('admin.api_keys.copy_failed'));
    }
  };
  return html`
    <section class="new-key" aria-labelledby="new-key-title">
      <h2 id="new-key-title">${issued.api_key.name}</h2>
      <p class="notice">${t('admin.api_keys.shown_once')}</p>
      <p><code class="api-key" data-key=${issued.key} tabindex="0">${issued.key}</code></p>
      <div class="buttons">
        <button type="button" onClick=${copy}>${t('admin.api_keys.copy')}</button>
        <button type="button" class="secondary" onClick=${onDone}>${t('admin.api_keys.done')}</button>
        <span role="status">${copied}</span>
      </div>
    </section>`;
}

export function AdminApiKeys() {
  const [data, load, failed] = useAdminData(() => api.apiKeys());
  const { draft, set, setDraft, reset } = useDraft({ name: '', scopes: [], expires: '' });
  const [issued, setIssued] = useState(null);
  const [confirming, setConfirming] = useState(null);
  const [outcome, run, fail] = useOutcome();
  if (!data) return html`<${Loading} failed=${failed} />`;
  const toggle = (scope) => (e) => setDraft({
    ...draft, scopes: e.target.checked ? [...draft.scopes, scope] : draft.scopes.filter((s) => s !== scope),
  });
  const submit = async (event) => {
    event.preventDefault();
    if (draft.scopes.length === 0) {
      fail(t('admin.api_keys.pick_scope'));
      return;
    }
    const body = { name: draft.name.trim(), scopes: draft.scopes, expires_at: draft.expires ? new Date(draft.expires).toISOString() : null };
    let answer = null;
    if (await run(async () => { answer = await api.createApiKey(body); }, t('admin.api_keys.created', { name: body.name }))) {
      setIssued(answer);
      reset();
      await load();
    }
  };
  const revoke = async (key) => {
    setConfirming(null);
    if (await run(() => api.revokeApiKey(key.id), t('admin.api_keys.revoked_named', { name: key.name }))) await load();
  };
  const columns = ['admin.api_keys.name', 'admin.api_keys.scopes', 'admin.api_keys.prefix', 'admin.api_keys.created_by',
    'admin.api_keys.last_used', 'admin.api_keys.state', 'admin.actions'].map((key) => t(key));
  const row = (key) => html`
    <tr data-api-key=${key.id} data-revoked=${key.revoked_at ? 'true' : 'false'}>
      <th scope="row">${key.name}</th>
      <td>${key.scopes.map((s) => html`<span class="tag" title=${t(`scope.${s}`)}>${s}</span> `)}</td>
      <td><code>${key.prefix}…</code></td>
      <td>${key.created_by.name || '—'}, <time datetime=${key.created_at}>${formatTime(key.created_at)}</time></td>
      <td>${key.last_used_at ? html`<time datetime=${key.last_used_at}>${formatTime(key.last_used_at)}</time>` : t('admin.api_keys.never')}</td>
      <td>${keyState(key)}</td>
      <td>${key.revoked_at ? '' : confirming === key.id ? html`
        <div class="confirm" role="group" aria-labelledby=${`confirm-${key.id}`}>
          <span id=${`confirm-${key.id}`}>${t('admin.api_keys.confirm', { name: key.name })}</span>
          <button type="button" class="danger" onClick=${() => revoke(key)}>${t('admin.api_keys.confirm_yes')}</button>
          <button type="button" class="secondary" onClick=${() => setConfirming(null)}>${t('admin.cancel')}</button>
        </div>` : html`
        <button type="button" class="danger" onClick=${() => setConfirming(key.id)}>
          ${t('admin.api_keys.revoke')}<span class="sr-only"> ${key.name}</span></button>`}</td>
    </tr>`;
  return html`
    <p class="hint">${t('admin.api_keys.intro')}</p>
    ${issued && html`<${NewKey} issued=${issued} onDone=${() => setIssued(null)} />`}
    <${AdminForm} titleId="api-key-form-title" title=${t('admin.api_keys.new')} onSubmit=${submit}
      submit=${t('admin.api_keys.create')}>
      <label>${t('admin.api_keys.name')}
        <input name="name" required maxlength="80" aria-describedby="api-key-name-hint" value=${draft.name}
          onInput=${set('name')} /></label>
      <p class="hint" id="api-key-name-hint">${t('admin.api_keys.name_hint')}</p>
      <fieldset><legend>${t('admin.api_keys.scopes')}</legend>
        ${SCOPES.map((scope) => html`
          <label class="check"><input type="checkbox" name="scope" value=${scope} checked=${draft.scopes.includes(scope)}
            onChange=${toggle(scope)} /> ${t(`scope.${scope}`)} <code>${scope}</code></label>`)}
      </fieldset>
      <label>${t('admin.api_keys.expires')}
        <input type="datetime-local" name="expires" value=${draft.expires} onInput=${set('expires')} /></label>
    <//>
    <${Outcome} outcome=${outcome} />
    ${data.api_keys.length === 0 ? html`<p class="muted">${t('admin.api_keys.empty')}</p>`
      : html`<${AdminTable} name="api-keys" caption=${t('admin.api-keys')} columns=${columns} items=${data.api_keys} row=${row} />`}`;
}

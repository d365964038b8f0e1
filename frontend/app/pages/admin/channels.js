// Administration · channels: the support addresses, WhatsApp numbers and web chat
// sites the help desk answers, each with its display name, default group and
// language (a chat site also with the origins its widget may be on), and the
// channels where the virtual assistant answers first. Saved as
// one list with the version it was read at: when another admin saved first, the
// server refuses (409), the list is loaded again and the form keeps the draft.
import { html, useRef, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { groupName, problemText } from '../../words.js';
import { AdminForm, Outcome, splitList, useDraft, useOutcome } from '../../components/form.js';
import { AdminTable, Loading, useAdminData } from '../../components/table.js';
import './channels-texts.js';

const BLANK = {
  kind: 'email', address: '', display_number: '', phone_number_id: '', site: '', origins: '', display_name: '',
  default_group_id: '', language: 'es', active: true,
};
const KINDS = { email: 'email', whatsapp: 'whatsapp', chat: 'chat_sites' }; // a row's kind → its list in the setup
const COMMON = (entry) => ({
  display_name: entry.display_name.trim(), default_group_id: entry.default_group_id || null, language: entry.language,
  active: entry.active,
});

const ASSISTANT_CHANNELS = ['chat', 'whatsapp', 'messenger', 'instagram'];

// One row of the list: what kind it is, the key it is edited by, and the entry as the API has it
const keyOf = (kind, entry) => `${kind}:${{ email: entry.address, whatsapp: entry.phone_number_id, chat: entry.site }[kind]}`;
const rowsOf = (setup) => Object.entries(KINDS).flatMap(([kind, list]) =>
  (setup[list] || []).map((entry) => ({ kind, key: keyOf(kind, entry), entry })));

function fromDraft(draft) {
  if (draft.kind === 'email') return { address: draft.address.trim().toLowerCase(), ...COMMON(draft) };
  if (draft.kind === 'chat') {
    return { site: draft.site.trim().toLowerCase(), origins: splitList(draft.origins.replace(/\s+/g, ',')), ...COMMON(draft) };
  }
  return { display_number: draft.display_number.replace(/[\s().-]/g, ''), phone_number_id: draft.phone_number_id.trim(), ...COMMON(draft) };
}

function toDraft({ kind, entry }) {
  return { ...BLANK, ...entry, kind, default_group_id: entry.default_group_id || '', origins: (entry.origins || []).join(', ') };
}

function where(item) {
  const { kind, entry } = item;
  if (kind === 'email') return entry.address;
  if (kind === 'chat') return html`${entry.site} <span class="muted">(${entry.origins.length ? entry.origins.join(', ') : t('channels.any_origin')})</span>`;
  return html`${entry.display_number} <span class="muted">(${entry.phone_number_id})</span>`;
}

export function AdminChannels({ onSaved }) {
  const [data, load, failed] = useAdminData(async () => {
    const [setup, found] = await Promise.all([api.channels(), api.groups()]);
    return { setup, groups: found.groups };
  });
  const { draft, set, editing, edit, reset } = useDraft(BLANK);
  const [outcome, run, fail] = useOutcome();
  const firstInput = useRef(null);
  const [asking, setAsking] = useState(null); // the assistant's channels while their save is on its way
  if (!data) return html`<${Loading} failed=${failed} />`;
  const rows = rowsOf(data.setup);

  // Save the whole list (rows as they should be); true when saved
  const save = async (next, done, assistant = data.setup.assistant) => {
    const setup = { version: data.setup.version, assistant };
    for (const [kind, list] of Object.entries(KINDS)) setup[list] = next.filter((row) => row.kind === kind).map((row) => row.entry);
    let conflict = null;
    const saved = await run(async () => {
      try {
        await api.saveChannels(setup);
      } catch (problem) {
        if (problem?.status === 409) conflict = problem;
        throw problem;
      }
    }, done);
    if (saved) {
      await load();
      onSaved();
    } else if (conflict) {
      await load();
      fail(`${problemText(conflict)} ${t('channels.reloaded')}`);
    }
    return saved;
  };
  const submit = async (event) => {
    event.preventDefault();
    const entry = fromDraft(draft);
    const key = keyOf(draft.kind, entry);
    const others = rows.filter((row) => row.key !== editing);
    if (others.some((row) => row.key === key)) {
      fail(t('channels.exists'));
      return;
    }
    const next = editing === null ? [...rows, { kind: draft.kind, key, entry }]
      : rows.map((row) => (row.key === editing ? { kind: draft.kind, key, entry } : row));
    if (await save(next, t('channels.saved', { name: entry.display_name }))) reset();
  };
  const toggle = (row) => save(
    rows.map((r) => (r.key === row.key ? { ...r, entry: { ...r.entry, active: !r.entry.active } } : r)),
    t(row.entry.active ? 'channels.deactivated' : 'channels.activated', { name: row.entry.display_name }),
  );
  const remove = async (row) => {
    if (await save(rows.filter((r) => r.key !== row.key), t('channels.removed', { name: row.entry.display_name }))) {
      if (editing === row.key) reset();
    }
  };
  const assistant = asking ?? data.setup.assistant;
  const answersOn = async (channel) => {
    const next = assistant.includes(channel) ? assistant.filter((c) => c !== channel)
      : ASSISTANT_CHANNELS.filter((c) => c === channel || assistant.includes(c));
    setAsking(next);
    await save(rows, t('assistant.saved'), next);
    setAsking(null);
  };
  const start = (row) => {
    fail('');
    edit(row.key, toDraft(row));
    firstInput.current?.focus();
  };

  const email = draft.kind === 'email';
  const title = editing === null ? t('channels.new') : t('channels.editing', { name: draft.display_name });
  const columns = ['channels.display_name', 'channels.kind', 'channels.where', 'channels.default_group', 'channels.language',
    'channels.state', 'admin.actions'].map((key) => t(key));
  const row = (item) => {
    const { entry } = item;
    const name = entry.display_name;
    return html`
      <tr data-channel=${item.key} class=${entry.active ? undefined : 'muted'}>
        <th scope="row">${name}</th>
        <td>${t(`channels.kind.${item.kind}`)}</td>
        <td>${where(item)}</td>
        <td>${entry.default_group_id ? groupName(data.groups, entry.default_group_id) : '—'}</td>
        <td>${t(`channels.language.${entry.language}`)}</td>
        <td>${t(entry.active ? 'channels.state.active' : 'channels.state.inactive')}</td>
        <td>
          <button type="button" class="secondary" onClick=${() => start(item)}>${t('admin.edit')}<span class="sr-only"> ${name}</span></button>
          <button type="button" class="secondary" onClick=${() => toggle(item)}>
            ${t(entry.active ? 'channels.deactivate' : 'channels.activate')}<span class="sr-only"> ${name}</span></button>
          <button type="button" class="danger" onClick=${() => remove(item)}>${t('channels.remove')}<span class="sr-only"> ${name}</span></button>
        </td>
      </tr>`;
  };
  return html`
    <p class="hint">${t('channels.hint')}</p>
    <${AdminForm} titleId="channel-form-title" title=${title} onSubmit=${submit} submit=${t('channels.save')}
      onCancel=${editing !== null && (() => { reset(); fail(''); })}>
      <label>${t('channels.kind')}
        <select name="kind" ref=${firstInput} value=${draft.kind} onChange=${set('kind')}>
          <option value="email">${t('channels.kind.email')}</option>
          <option value="whatsapp">${t('channels.kind.whatsapp')}</option>
          <option value="chat">${t('channels.kind.chat')}</option>
        </select></label>
      ${draft.kind === 'chat' ? html`
        <label>${t('channels.site')}
          <input name="site" required pattern="[a-z0-9][a-z0-9\-]{0,39}" maxlength="40" autocomplete="off"
            aria-describedby="channel-site-hint" value=${draft.site} onInput=${set('site')} /></label>
        <label>${t('channels.origins')}
          <textarea name="origins" rows="2" aria-describedby="channel-site-hint" value=${draft.origins}
            onInput=${set('origins')} /></label>`
      : email ? html`
        <label>${t('channels.address')}
          <input type="email" name="address" required maxlength="254" autocomplete="off" aria-describedby="channel-email-hint"
            value=${draft.address} onInput=${set('address')} /></label>`
      : html`
        <label>${t('channels.display_number')}
          <input type="tel" name="display_number" required pattern="\\+[0-9 \\-]{7,24}" maxlength="24" autocomplete="off"
            aria-describedby="channel-number-hint" value=${draft.display_number} onInput=${set('display_number')} /></label>
        <label>${t('channels.phone_number_id')}
          <input name="phone_number_id" required pattern="[0-9]{1,64}" maxlength="64" inputmode="numeric" autocomplete="off"
            aria-describedby="channel-number-hint" value=${draft.phone_number_id} onInput=${set('phone_number_id')} /></label>`}
      <label>${t('channels.display_name')}
        <input name="display_name" required maxlength="100" value=${draft.display_name} onInput=${set('display_name')} /></label>
      <label>${t('channels.default_group')}
        <select name="default_group_id" value=${draft.default_group_id} onChange=${set('default_group_id')}>
          <option value="">${t('channels.none')}</option>
          ${data.groups.map((group) => html`<option value=${group.id}>${group.name}</option>`)}
        </select></label>
      <label>${t('channels.language')}
        <select name="language" value=${draft.language} onChange=${set('language')}>
          <option value="es">${t('channels.language.es')}</option>
          <option value="en">${t('channels.language.en')}</option>
        </select></label>
      <label><input type="checkbox" name="active" checked=${draft.active} onChange=${set('active')} /> ${t('channels.active')}</label>
      ${draft.kind === 'chat' ? html`<p class="hint" id="channel-site-hint">${t('channels.site_hint')}</p>`
        : email ? html`<p class="hint" id="channel-email-hint">${t('channels.email_hint')}</p>`
        : html`<p class="hint" id="channel-number-hint">${t('channels.number_hint')}</p>`}
    <//>
    <${Outcome} outcome=${outcome} />
    ${rows.length === 0 ? html`<p class="muted">${t('channels.empty')}</p>`
      : html`<${AdminTable} name="channels" caption=${t('admin.channels')} columns=${columns} items=${rows} row=${row} />`}
    <section aria-labelledby="assistant-title">
      <h3 id="assistant-title">${t('assistant.title')}</h3>
      <p class="hint">${t('assistant.hint')}</p>
      <fieldset><legend>${t('assistant.on')}</legend>
        ${ASSISTANT_CHANNELS.map((channel) => html`
          <label><input type="checkbox" name=${`assistant-${channel}`} checked=${assistant.includes(channel)}
            onChange=${() => answersOn(channel)} /> ${t(`assistant.channel.${channel}`)}</label>`)}
      </fieldset>
    </section>`;
}

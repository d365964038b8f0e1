// Administration · tags and custom fields: the team's tags, and the fields a
// ticket carries (text, number, checkbox, dropdown), saved together.
import { html, useState, useEffect, useRef } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { normalizeTag, problemText } from '../../words.js';
import { AdminForm, Outcome, splitList, useOutcome } from '../../components/form.js';
import { AdminTable, Loading } from '../../components/table.js';

const FIELD_KINDS = ['text', 'number', 'checkbox', 'dropdown'];
const TAG = /^[\p{L}\p{N}\p{M}_-]+$/u; // as the server's pattern: letters (any script), digits, _ and -

const fieldDrafts = (setup) => ({
  tags: [...setup.tags],
  fields: setup.custom_fields.map((field) => ({ ...field, optionsText: field.options.join(', '), saved: true })),
});

function TeamTags({ tags, onChange, fail }) {
  const [newTag, setNewTag] = useState('');
  const addTag = () => {
    const tag = normalizeTag(newTag);
    if (!tag) return;
    if (!TAG.test(tag) || tag.length > 64) {
      fail(t('admin.fields.bad_tag'));
      return;
    }
    if (!tags.includes(tag)) onChange([...tags, tag]);
    setNewTag('');
  };
  return html`
    <fieldset>
      <legend>${t('admin.fields.tags')}</legend>
      <p class="hint" id="tags-hint">${t('admin.fields.tags_hint')}</p>
      ${tags.length === 0 ? html`<p class="muted">${t('admin.fields.no_tags')}</p>`
        : html`<ul class="tag-list" aria-label=${t('admin.fields.tags')}>${tags.map((tag) => html`
          <li><span class="tag">${tag}</span><button type="button" class="remove"
            onClick=${() => onChange(tags.filter((x) => x !== tag))}>
            <span aria-hidden="true">×</span><span class="sr-only">${t('admin.fields.remove_tag', { tag })}</span></button></li>`)}
          </ul>`}
      <label>${t('admin.fields.new_tag')}
        <input name="new_tag" maxlength="64" aria-describedby="tags-hint" value=${newTag}
          onInput=${(e) => setNewTag(e.target.value)}
          onKeyDown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); addTag(); } }} /></label>
      <button type="button" class="secondary" onClick=${addTag}>${t('admin.fields.add_tag')}</button>
    </fieldset>`;
}

function CustomFieldRow({ field, setField, remove }) {
  const labelFor = (what) => `${t(what)} (${field.key || t('admin.fields.new_field')})`;
  return html`
    <tr data-key=${field.key}>
      <td>${field.saved ? html`<code>${field.key}</code>` : html`
        <input name="key" required maxlength="64" pattern="[a-z][a-z0-9_]{0,63}" class="narrow"
          aria-label=${labelFor('admin.fields.key')} title=${t('admin.fields.key_hint')}
          value=${field.key} onInput=${(e) => setField({ key: e.target.value })} />`}</td>
      <td><input name="label_es" required maxlength="120" aria-label=${labelFor('admin.fields.label_es')}
        value=${field.label_es} onInput=${(e) => setField({ label_es: e.target.value })} /></td>
      <td><input name="label_en" required maxlength="120" aria-label=${labelFor('admin.fields.label_en')}
        value=${field.label_en} onInput=${(e) => setField({ label_en: e.target.value })} /></td>
      <td><select name="kind" aria-label=${labelFor('admin.fields.kind')} value=${field.kind}
          onChange=${(e) => setField({ kind: e.target.value })}>
        ${FIELD_KINDS.map((kind) => html`<option value=${kind}>${t(`kind.${kind}`)}</option>`)}
      </select></td>
      <td>${field.kind === 'dropdown' ? html`
        <input name="options" required aria-label=${labelFor('admin.fields.options')}
          value=${field.optionsText} onInput=${(e) => setField({ optionsText: e.target.value })} />`
        : html`<span class="muted">—</span>`}</td>
      <td><input type="checkbox" name="active" aria-label=${labelFor('admin.fields.active')}
        checked=${field.active} onChange=${(e) => setField({ active: e.target.checked })} /></td>
      <td><input type="checkbox" name="sensitive" aria-label=${labelFor('admin.fields.sensitive')}
        checked=${Boolean(field.sensitive)} onChange=${(e) => setField({ sensitive: e.target.checked })} /></td>
      <td>${!field.saved && html`<button type="button" class="secondary" onClick=${remove}>
        ${t('admin.fields.remove_field')}<span class="sr-only"> ${field.key || t('admin.fields.new_field')}</span></button>`}</td>
    </tr>`;
}

export function AdminFields({ onSaved }) {
  const [draft, setDraft] = useState(null);
  const [failed, setFailed] = useState('');
  const [dirty, setDirty] = useState(false);
  const [outcome, run, fail] = useOutcome();
  const focusNewField = useRef(false);
  useEffect(() => {
    api.ticketFields().then((setup) => setDraft(fieldDrafts(setup))).catch((problem) => setFailed(problemText(problem)));
  }, []);
  useEffect(() => {
    if (!focusNewField.current) return;
    focusNewField.current = false;
    document.querySelector('table.custom-fields tbody tr:last-child input')?.focus();
  });
  if (!draft) return html`<${Loading} failed=${failed} />`;
  const update = (next) => { setDraft(next); setDirty(true); };
  const setField = (index, changes) =>
    update({ ...draft, fields: draft.fields.map((field, i) => (i === index ? { ...field, ...changes } : field)) });
  const addField = () => {
    focusNewField.current = true;
    const field = { key: '', label_es: '', label_en: '', kind: 'text', options: [], optionsText: '', active: true, sensitive: false, saved: false };
    update({ ...draft, fields: [...draft.fields, field] });
  };
  const save = async (event) => {
    event.preventDefault();
    const setup = {
      tags: draft.tags,
      custom_fields: draft.fields.map((field) => ({
        key: field.key.trim(), label_es: field.label_es.trim(), label_en: field.label_en.trim(), kind: field.kind,
        options: field.kind === 'dropdown' ? splitList(field.optionsText) : [], active: field.active,
        sensitive: Boolean(field.sensitive),
      })),
    };
    let saved = null;
    if (await run(async () => { saved = await api.saveTicketFields(setup); }, t('admin.fields.saved'))) {
      setDraft(fieldDrafts(saved));
      setDirty(false);
      onSaved();
    }
  };
  const columns = ['admin.fields.key', 'admin.fields.label_es', 'admin.fields.label_en', 'admin.fields.kind',
    'admin.fields.options', 'admin.fields.active', 'admin.fields.sensitive', 'admin.actions'].map((key) => t(key));
  const row = (field, index) => html`<${CustomFieldRow} field=${field} setField=${(changes) => setField(index, changes)}
    remove=${() => update({ ...draft, fields: draft.fields.filter((_, i) => i !== index) })} />`;
  return html`
    <${AdminForm} className="fields-setup" onSubmit=${save} submit=${t('admin.fields.save')}
      note=${html`<span class="muted">${dirty ? t('admin.fields.unsaved') : ''}</span>`}>
      <${TeamTags} tags=${draft.tags} onChange=${(tags) => update({ ...draft, tags })} fail=${fail} />
      <fieldset>
        <legend>${t('admin.fields.custom')}</legend>
        <p class="hint">${t('admin.fields.custom_hint')}</p>
        ${draft.fields.length === 0 ? html`<p class="muted">${t('admin.fields.no_custom')}</p>` : html`
          <${AdminTable} name="custom-fields" caption=${t('admin.fields.custom')} columns=${columns}
            items=${draft.fields} row=${row} />`}
        <button type="button" class="secondary" onClick=${addField}>${t('admin.fields.add_field')}</button>
      </fieldset>
    <//>
    <${Outcome} outcome=${outcome} />`;
}

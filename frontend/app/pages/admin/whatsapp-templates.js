// Administration · WhatsApp templates: the ones Meta approved for the business
// number (name, language, body with {{1}}, {{2}}…), which the reply box offers
// once the 24-hour window has closed. Saved as one list (audited).
import { html, useRef } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { AdminForm, Outcome, useDraft, useOutcome } from '../../components/form.js';
import { AdminTable, Loading, useAdminData } from '../../components/table.js';

const key = (template) => `${template.name}/${template.language}`;

export function AdminWhatsAppTemplates({ onSaved }) {
  const [data, load, failed] = useAdminData(() => api.whatsappTemplates());
  const { draft, set, editing, edit, reset } = useDraft({ name: '', language: 'es', label: '', body: '', category: 'utility' });
  const [outcome, run, fail] = useOutcome();
  const nameInput = useRef(null);
  if (!data) return html`<${Loading} failed=${failed} />`;
  const templates = data.templates;
  const save = async (next, done) => {
    if (await run(() => api.saveWhatsappTemplates({ templates: next }), done)) {
      reset();
      await load();
      onSaved();
    }
  };
  const submit = (event) => {
    event.preventDefault();
    const template = {
      name: draft.name.trim(), language: draft.language.trim(), label: draft.label.trim(), body: draft.body,
      category: draft.category || 'utility',
    };
    if (editing === null && templates.some((x) => key(x) === key(template))) {
      fail(t('admin.wa.exists'));
      return;
    }
    const others = templates.filter((x) => key(x) !== editing);
    save([...others, template], t('admin.wa.saved', { label: template.label }));
  };
  const start = (template) => {
    fail('');
    edit(key(template), { ...template });
    nameInput.current?.focus();
  };
  const columns = ['admin.wa.label', 'admin.wa.name', 'admin.wa.language', 'admin.wa.body', 'admin.actions'].map((k) => t(k));
  const row = (template) => html`
    <tr data-template=${key(template)}>
      <th scope="row">${template.label}</th><td><code>${template.name}</code></td><td>${template.language}</td>
      <td class="body">${template.body}</td>
      <td><button type="button" class="secondary" onClick=${() => start(template)}>
          ${t('admin.edit')}<span class="sr-only"> ${template.label}</span></button>
        <button type="button" class="secondary" onClick=${() => save(templates.filter((x) => key(x) !== key(template)),
          t('admin.wa.removed', { label: template.label }))}>${t('admin.wa.remove')}<span class="sr-only"> ${template.label}</span></button></td>
    </tr>`;
  return html`
    <p class="hint">${t('admin.wa.hint')}</p>
    <${AdminForm} titleId="wa-form-title" title=${editing === null ? t('admin.wa.new') : t('admin.wa.editing', { label: draft.label })}
      onSubmit=${submit} submit=${t('admin.wa.save')} onCancel=${editing !== null && (() => { reset(); fail(''); })}>
      <label>${t('admin.wa.name')}<input ref=${nameInput} name="name" required pattern="[a-z0-9_]{1,512}" readOnly=${editing !== null}
        aria-describedby="wa-name-hint" value=${draft.name} onInput=${set('name')} /></label>
      <label>${t('admin.wa.language')}<input name="language" required pattern="[a-z]{2,3}(_[A-Z]{2})?" class="narrow"
        readOnly=${editing !== null} value=${draft.language} onInput=${set('language')} /></label>
      <label>${t('admin.wa.label')}<input name="label" required maxlength="120" value=${draft.label} onInput=${set('label')} /></label>
      <label>${t('admin.wa.category')}<select name="category" value=${draft.category || 'utility'} onChange=${set('category')}>
        ${['utility', 'marketing', 'authentication'].map((c) => html`<option value=${c}>${t(`admin.wa.category.${c}`)}</option>`)}</select></label>
      <label class="block">${t('admin.wa.body')}<textarea name="body" required maxlength="1024" rows="4"
        aria-describedby="wa-body-hint" value=${draft.body} onInput=${set('body')}></textarea></label>
      <p class="hint" id="wa-name-hint">${t('admin.wa.name_hint')}</p>
      <p class="hint" id="wa-body-hint">${t('admin.wa.body_hint')}</p>
    <//>
    <${Outcome} outcome=${outcome} />
    ${templates.length === 0 ? html`<p class="muted">${t('admin.wa.empty')}</p>`
      : html`<${AdminTable} name="whatsapp-templates" caption=${t('admin.whatsapp')} columns=${columns} items=${templates} row=${row} />`}`;
}

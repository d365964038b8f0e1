// Administration · macros: a reply and changes to the ticket, applied in one click.
import { html, useState, useEffect, useRef } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { STATUSES, PRIORITIES, normalizeTag, groupName } from '../../words.js';
import { AdminForm, Outcome, splitList, useDraft, useOutcome } from '../../components/form.js';
import { AdminTable, Loading, useAdminData } from '../../components/table.js';

const PLACEHOLDERS = ['contact.first_name', 'contact.name', 'ticket.number', 'ticket.subject', 'agent.name', 'agent.first_name'];

function macroSummary(macro, groups) {
  const parts = [];
  if (macro.status) parts.push(`${t('list.status')}: ${t(`status.${macro.status}`)}`);
  if (macro.priority) parts.push(`${t('list.priority')}: ${t(`priority.${macro.priority}`)}`);
  if (macro.group_id) parts.push(`${t('ticket.group')}: ${groupName(groups, macro.group_id)}`);
  if (macro.add_tags.length) parts.push(`${t('ticket.tags')}: ${macro.add_tags.join(', ')}`);
  if (macro.reply.trim()) parts.push(t('admin.macros.with_reply'));
  if (macro.requires_identity) parts.push(t('admin.macros.requires_identity_short'));
  return parts.join(' · ') || '—';
}

// A change the macro makes, or "unchanged"
function Change({ label, name, value, onChange, options }) {
  return html`<label>${label}
    <select name=${name} value=${value} onChange=${onChange}>
      <option value="">${t('admin.unchanged')}</option>
      ${options.map(([id, text]) => html`<option value=${id}>${text}</option>`)}
    </select></label>`;
}

export function AdminMacros({ onSaved }) {
  const [data, load, failed] = useAdminData(async () => {
    const [saved, found] = await Promise.all([api.macros(), api.groups()]);
    return { macros: saved.macros, groups: found.groups };
  });
  const { draft, set, editing, edit, reset } = useDraft(
    { id: '', name: '', reply: '', status: '', priority: '', group_id: '', tags: '', requires_identity: false },
  );
  const [confirming, setConfirming] = useState(null);
  const [outcome, run, fail] = useOutcome();
  const nameInput = useRef(null);
  useEffect(() => {
    if (confirming) document.querySelector('.confirm button.secondary')?.focus();
  }, [confirming]);
  if (!data) return html`<${Loading} failed=${failed} />`;
  const start = (macro) => {
    fail('');
    edit(macro.id, {
      id: macro.id, name: macro.name, reply: macro.reply, status: macro.status || '', priority: macro.priority || '',
      group_id: macro.group_id || '', tags: macro.add_tags.join(', '), requires_identity: Boolean(macro.requires_identity),
    });
    nameInput.current?.focus();
  };
  const changed = async () => {
    await load();
    onSaved();
  };
  const submit = async (event) => {
    event.preventDefault();
    const macro = {
      id: draft.id.trim(), name: draft.name.trim(), reply: draft.reply, status: draft.status || null,
      priority: draft.priority || null, group_id: draft.group_id || null, add_tags: splitList(draft.tags).map(normalizeTag),
      requires_identity: draft.requires_identity,
    };
    if (editing === null && data.macros.some((m) => m.id === macro.id)) {
      fail(t('admin.macros.exists'));
      return;
    }
    if (await run(() => api.saveMacro(macro), t('admin.macros.saved', { name: macro.name }))) {
      reset();
      await changed();
    }
  };
  const remove = async (macro) => {
    setConfirming(null);
    if (await run(() => api.deleteMacro(macro.id), t('admin.macros.deleted', { name: macro.name }))) {
      if (editing === macro.id) reset();
      await changed();
    }
  };
  const title = editing === null ? t('admin.macros.new') : t('admin.macros.editing', { name: draft.name });
  const columns = ['admin.macros.name', 'admin.macros.id', 'admin.macros.does', 'admin.actions'].map((key) => t(key));
  const row = (macro) => html`
    <tr data-macro=${macro.id}>
      <th scope="row">${macro.name}</th><td><code>${macro.id}</code></td>
      <td>${macroSummary(macro, data.groups)}</td>
      <td>${confirming === macro.id ? html`
        <div class="confirm" role="group" aria-labelledby=${`confirm-${macro.id}`}>
          <span id=${`confirm-${macro.id}`}>${t('admin.macros.confirm', { name: macro.name })}</span>
          <button type="button" class="danger" onClick=${() => remove(macro)}>${t('admin.macros.confirm_yes')}</button>
          <button type="button" class="secondary" onClick=${() => setConfirming(null)}>${t('admin.cancel')}</button>
        </div>` : html`
        <button type="button" class="secondary" onClick=${() => start(macro)}>
          ${t('admin.edit')}<span class="sr-only"> ${macro.name}</span></button>
        <button type="button" class="danger" onClick=${() => setConfirming(macro.id)}>
          ${t('admin.macros.delete')}<span class="sr-only"> ${macro.name}</span></button>`}</td>
    </tr>`;
  return html`
    <${AdminForm} titleId="macro-form-title" title=${title} onSubmit=${submit} submit=${t('admin.macros.save')}
      onCancel=${editing !== null && (() => { reset(); fail(''); })}>
      <label>${t('admin.macros.id')}
        <input name="id" required pattern="[a-z0-9_\\-]{1,64}" maxlength="64" readOnly=${editing !== null}
          aria-describedby="macro-id-hint" value=${draft.id} onInput=${set('id')} /></label>
      <label>${t('admin.macros.name')}
        <input name="name" ref=${nameInput} required maxlength="120" value=${draft.name} onInput=${set('name')} /></label>
      <p class="hint" id="macro-id-hint">${t('admin.macros.id_hint')}</p>
      <label class="block" for="macro-reply">${t('admin.macros.reply')}</label>
      <textarea id="macro-reply" name="reply" rows="5" aria-describedby="macro-placeholders" value=${draft.reply}
        onInput=${set('reply')}></textarea>
      <p class="hint" id="macro-placeholders">${t('admin.macros.placeholders')}
        ${PLACEHOLDERS.map((name, i) => html`${i ? ', ' : ' '}<code>${`{{${name}}}`}</code>`)}</p>
      <${Change} label=${t('list.status')} name="status" value=${draft.status} onChange=${set('status')}
        options=${STATUSES.map((s) => [s, t(`status.${s}`)])} />
      <${Change} label=${t('list.priority')} name="priority" value=${draft.priority} onChange=${set('priority')}
        options=${PRIORITIES.map((p) => [p, t(`priority.${p}`)])} />
      <${Change} label=${t('ticket.group')} name="group" value=${draft.group_id} onChange=${set('group_id')}
        options=${data.groups.map((group) => [group.id, group.name])} />
      <label>${t('admin.macros.tags')}
        <input name="tags" value=${draft.tags} onInput=${set('tags')} /></label>
      <label><input type="checkbox" name="requires_identity" checked=${draft.requires_identity}
        onChange=${set('requires_identity')} /> ${t('admin.macros.requires_identity')}</label>
    <//>
    <${Outcome} outcome=${outcome} />
    <${AdminTable} name="macros" caption=${t('admin.macros')} columns=${columns} items=${data.macros} row=${row} />`;
}

// The ticket's fields: status, priority, group, assignee, macros, tags and custom fields.
import { html, useState, useEffect } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, language } from '../../i18n.js';
import { STATUSES, PRIORITIES, normalizeTag, agentName, groupName, auditValue, problemText } from '../../words.js';

export function TicketFields({ thread, me, onChanged }) {
  const ticket = thread.ticket;
  const [notice, setNotice] = useState('');
  const change = async (changes) => {
    try {
      await api.update(ticket.id, { version: ticket.version, ...changes });
      setNotice(t('ticket.saved'));
    } catch (problem) {
      setNotice(problem.status === 409 ? t('ticket.conflict') : problemText(problem));
    }
    onChanged();
  };
  const applyMacro = async (macroId) => {
    if (!macroId) return;
    const macro = me.macros.find((m) => m.id === macroId);
    try {
      await api.applyMacro(ticket.id, macroId);
      setNotice(t('macro.applied', { name: macro?.name || macroId }));
    } catch (problem) {
      setNotice(problemText(problem));
    }
    onChanged();
  };
  return html`
    <section class="fields" aria-label=${t('list.status')}>
      <label>${t('list.status')}
        <select name="status" value=${ticket.status} onChange=${(e) => change({ status: e.target.value })}>
          ${STATUSES.map((s) => html`<option value=${s}>${t(`status.${s}`)}</option>`)}
          ${ticket.status === 'closed' && html`<option value="closed" disabled>${t('status.closed')}</option>`}
        </select></label>
      <label>${t('list.priority')}
        <select name="priority" value=${ticket.priority} onChange=${(e) => change({ priority: e.target.value })}>
          ${PRIORITIES.map((p) => html`<option value=${p}>${t(`priority.${p}`)}</option>`)}
        </select></label>
      <label>${t('ticket.group')}
        <select name="group" value=${ticket.group_id || ''} onChange=${(e) => change({ group_id: e.target.value || null })}>
          <option value="">${t('ticket.none')}</option>
          ${[...new Set([...(me.role === 'agent' ? me.group_ids || [] : me.groups.map((g) => g.id)), ticket.group_id].filter(Boolean))]
            .map((g) => html`<option value=${g}>${groupName(me.groups, g)}</option>`)}
        </select></label>
      ${me.role !== 'agent' && html`
        <label>${t('list.assignee')}
          <select name="assignee" value=${ticket.assignee_id || ''} onChange=${(e) => change({ assignee_id: e.target.value || null })}>
            <option value="">${t('list.unassigned')}</option>
            ${me.team.filter((agent) => agent.active || agent.id === ticket.assignee_id)
              .map((agent) => html`<option value=${agent.id}>${agent.name}</option>`)}
          </select></label>`}
      ${me.role === 'agent' && ticket.assignee_id && ticket.assignee_id !== me.agent_id
        && html`<span class="muted">${t('list.assignee')}: ${agentName(me, ticket.assignee_id)}</span>`}
      ${ticket.assignee_id === me.agent_id
        ? html`<button type="button" onClick=${() => change({ assignee_id: null })}>${t('ticket.release')}</button>`
        : html`<button type="button" onClick=${() => change({ assignee_id: me.agent_id })}>${t('ticket.take')}</button>`}
      ${me.macros.length > 0 && ticket.status !== 'closed' && html`
        <label>${t('macro.apply')}
          <select name="macro" value="" onChange=${(e) => applyMacro(e.target.value)}>
            <option value="">${t('macro.choose')}</option>
            ${me.macros.map((macro) => html`<option value=${macro.id}>${macro.name}</option>`)}
          </select></label>`}
      <div class="fields-more">
        <${TagEditor} tags=${ticket.tags} known=${me.fields.tags} onChange=${(tags) => change({ tags })} />
        <${CustomFields} ticket=${ticket} definitions=${me.fields.custom_fields}
          onSave=${(key, value) => change({ custom_fields: { [key]: value } })} />
      </div>
      ${notice && html`<p class="notice" role="status">${notice}</p>`}
    </section>`;
}

function TagEditor({ tags, known, onChange }) {
  const [draft, setDraft] = useState('');
  const add = () => {
    const tag = normalizeTag(draft);
    if (!tag) return;
    setDraft('');
    if (!tags.includes(tag)) onChange([...tags, tag]);
  };
  return html`
    <div class="tag-editor" role="group" aria-labelledby="ticket-tags-label">
      <span id="ticket-tags-label">${t('ticket.tags')}</span>
      ${tags.length === 0 ? html`<span class="muted">${t('ticket.no_tags')}</span>`
        : html`<ul class="tag-list">${tags.map((tag) => html`
          <li><span class="tag">${tag}</span><button type="button" class="remove" onClick=${() => onChange(tags.filter((x) => x !== tag))}>
            <span aria-hidden="true">×</span><span class="sr-only">${t('ticket.remove_tag', { tag })}</span></button></li>`)}
          </ul>`}
      <label class="sr-only" for="ticket-new-tag">${t('ticket.new_tag')}</label>
      <input id="ticket-new-tag" name="tag" list="team-tags" maxlength="64" autocomplete="off" value=${draft}
        placeholder=${t('ticket.new_tag')} onInput=${(e) => setDraft(e.target.value)}
        onKeyDown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } }} />
      <datalist id="team-tags">${known.filter((tag) => !tags.includes(tag)).map((tag) => html`<option value=${tag}></option>`)}</datalist>
      <button type="button" class="secondary" onClick=${add}>${t('ticket.add_tag')}</button>
    </div>`;
}

// One custom field on the ticket page, by its kind; text and numbers save when
// the agent leaves the box (or presses Enter), the others at once.
function CustomFieldControl({ definition, value, onSave }) {
  const label = language() === 'en' ? definition.label_en : definition.label_es;
  const name = `cf_${definition.key}`;
  const [draft, setDraft] = useState(value ?? '');
  useEffect(() => setDraft(value ?? ''), [value]);
  if (definition.kind === 'checkbox') {
    return html`<label><input type="checkbox" name=${name} checked=${value === true}
      onChange=${(e) => onSave(e.target.checked)} /> ${label}</label>`;
  }
  if (definition.kind === 'dropdown') {
    const options = value != null && !definition.options.includes(value) ? [...definition.options, value] : definition.options;
    return html`<label>${label}
      <select name=${name} value=${value ?? ''} onChange=${(e) => onSave(e.target.value || null)}>
        <option value="">—</option>
        ${options.map((option) => html`<option value=${option}>${option}</option>`)}
      </select></label>`;
  }
  const number = definition.kind === 'number';
  const commit = () => {
    const text = String(draft).trim();
    const next = text === '' ? null : number ? Number(text) : text;
    if (number && Number.isNaN(next)) return;
    if (next !== (value ?? null)) onSave(next);
  };
  return html`<label>${label}
    <input type=${number ? 'number' : 'text'} step=${number ? 'any' : undefined} name=${name} class=${number ? 'narrow' : ''}
      maxlength=${number ? undefined : 1000} value=${draft} onInput=${(e) => setDraft(e.target.value)} onChange=${commit} /></label>`;
}

function CustomFields({ ticket, definitions, onSave }) {
  const active = definitions.filter((definition) => definition.active);
  const retired = definitions.filter((definition) => !definition.active && ticket.custom_fields[definition.key] != null);
  if (!active.length && !retired.length) return null;
  const label = (definition) => (language() === 'en' ? definition.label_en : definition.label_es);
  return html`
    <div class="custom-values" role="group" aria-label=${t('ticket.custom_fields')}>
      ${active.map((definition) => html`<${CustomFieldControl} key=${definition.key} definition=${definition}
        value=${ticket.custom_fields[definition.key]} onSave=${(value) => onSave(definition.key, value)} />`)}
      ${retired.map((definition) => html`<span class="muted" data-key=${definition.key}>
        ${label(definition)}: ${auditValue(ticket.custom_fields[definition.key])}</span>`)}
    </div>`;
}

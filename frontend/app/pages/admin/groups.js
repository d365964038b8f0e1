// Administration · groups: name, supervisor, and round-robin assignment.
import { html, useRef } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { groupName } from '../../words.js';
import { AdminForm, Outcome, useDraft, useOutcome } from '../../components/form.js';
import { AdminTable, Loading, useAdminData } from '../../components/table.js';

export function AdminGroups({ onSaved }) {
  const [data, load, failed] = useAdminData(async () => {
    const [found, team] = await Promise.all([api.groups(), api.agents()]);
    return { groups: found.groups, agents: team.agents };
  });
  const { draft, set, editing, edit, reset } = useDraft(
    { id: '', name: '', supervisor_id: '', round_robin: false, max_open_per_agent: '10' },
  );
  const [outcome, run, fail] = useOutcome();
  const nameInput = useRef(null);
  if (!data) return html`<${Loading} failed=${failed} />`;
  const start = (group) => {
    fail('');
    edit(group.id, {
      id: group.id, name: group.name, supervisor_id: group.supervisor_id || '',
      round_robin: group.assignment.round_robin, max_open_per_agent: String(group.assignment.max_open_per_agent),
    });
    nameInput.current?.focus();
  };
  const submit = async (event) => {
    event.preventDefault();
    const group = {
      id: draft.id.trim(), name: draft.name.trim(), supervisor_id: draft.supervisor_id || null,
      assignment: { round_robin: draft.round_robin, max_open_per_agent: Number(draft.max_open_per_agent) },
    };
    if (editing === null && data.groups.some((g) => g.id === group.id)) {
      fail(t('admin.groups.exists'));
      return;
    }
    if (await run(() => api.saveGroup(group), t('admin.groups.saved', { name: group.name }))) {
      reset();
      await load();
      onSaved();
    }
  };
  const supervisors = data.agents.filter((agent) => agent.active || agent.id === draft.supervisor_id);
  const title = editing === null ? t('admin.groups.new') : t('admin.groups.editing', { name: groupName(data.groups, editing) });
  const columns = ['admin.groups.name', 'admin.groups.id', 'admin.groups.supervisor', 'admin.groups.round_robin',
    'admin.groups.max_open', 'admin.actions'].map((key) => t(key));
  const row = (group) => html`
    <tr data-group=${group.id}>
      <th scope="row">${group.name}</th><td><code>${group.id}</code></td>
      <td>${group.supervisor_id ? data.agents.find((a) => a.id === group.supervisor_id)?.name || group.supervisor_id : '—'}</td>
      <td>${group.assignment.round_robin ? t('admin.yes') : t('admin.no')}</td>
      <td>${group.assignment.max_open_per_agent}</td>
      <td><button type="button" class="secondary" onClick=${() => start(group)}>
        ${t('admin.edit')}<span class="sr-only"> ${group.name}</span></button></td>
    </tr>`;
  return html`
    <${AdminForm} titleId="group-form-title" title=${title} onSubmit=${submit} submit=${t('admin.groups.save')}
      onCancel=${editing !== null && (() => { reset(); fail(''); })}>
      <label>${t('admin.groups.id')}
        <input name="id" required pattern="[a-z0-9][a-z0-9_\\-]{0,63}" maxlength="64" readOnly=${editing !== null}
          aria-describedby="group-id-hint" value=${draft.id} onInput=${set('id')} /></label>
      <label>${t('admin.groups.name')}
        <input name="name" ref=${nameInput} required maxlength="120" value=${draft.name} onInput=${set('name')} /></label>
      <label>${t('admin.groups.supervisor')}
        <select name="supervisor" value=${draft.supervisor_id} onChange=${set('supervisor_id')}>
          <option value="">${t('ticket.none')}</option>
          ${supervisors.map((agent) => html`<option value=${agent.id}>${agent.name}</option>`)}
        </select></label>
      <label><input type="checkbox" name="round_robin" checked=${draft.round_robin} onChange=${set('round_robin')} />
        ${t('admin.groups.round_robin')}</label>
      <label>${t('admin.groups.max_open')}
        <input type="number" name="max_open_per_agent" required min="1" max="500" step="1" class="narrow"
          value=${draft.max_open_per_agent} onInput=${set('max_open_per_agent')} /></label>
      <p class="hint" id="group-id-hint">${t('admin.groups.id_hint')}</p>
    <//>
    <${Outcome} outcome=${outcome} />
    <${AdminTable} name="groups" caption=${t('admin.groups')} columns=${columns} items=${data.groups} row=${row} />`;
}

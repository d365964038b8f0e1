// Administration · agents: invite through Cognito, role, groups, deactivate.
import { html, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { AdminForm, Outcome, useDraft, useOutcome } from '../../components/form.js';
import { AdminTable, Loading, useAdminData } from '../../components/table.js';

const ROLES = ['agent', 'supervisor', 'admin'];

const toggled = (list, id, on) => (on ? [...new Set([...list, id])] : list.filter((x) => x !== id));

function GroupChecks({ legend, groups, chosen, onToggle, name, hiddenLegend = false }) {
  return html`<fieldset class="checks">
    <legend class=${hiddenLegend ? 'sr-only' : ''}>${legend}</legend>
    ${groups.map((group) => html`
      <label><input type="checkbox" name=${name} value=${group.id} checked=${chosen.includes(group.id)}
        onChange=${(e) => onToggle(group.id, e.target.checked)} /> ${group.name}</label>`)}
  </fieldset>`;
}

const roleOptions = () => ROLES.map((role) => html`<option value=${role}>${t(`role.${role}`)}</option>`);

function InviteForm({ groups, run, onInvited }) {
  const { draft, setDraft, set, reset } = useDraft({ email: '', name: '', role: 'agent', group_ids: [] });
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    const invite = { ...draft, email: draft.email.trim(), name: draft.name.trim() };
    if (await run(() => api.invite(invite), t('admin.agents.invited', { email: invite.email }))) {
      reset();
      onInvited();
    }
    setBusy(false);
  };
  return html`
    <${AdminForm} titleId="invite-title" title=${t('admin.agents.invite')} onSubmit=${submit}>
      <p class="hint">${t('admin.agents.invite_hint')}</p>
      <label>${t('admin.agents.email')}
        <input type="email" name="email" required maxlength="254" autocomplete="off" value=${draft.email}
          onInput=${set('email')} /></label>
      <label>${t('admin.agents.name')}
        <input name="name" required maxlength="120" autocomplete="off" value=${draft.name} onInput=${set('name')} /></label>
      <label>${t('admin.agents.role')}
        <select name="role" value=${draft.role} onChange=${set('role')}>${roleOptions()}</select></label>
      <${GroupChecks} legend=${t('admin.agents.groups')} groups=${groups} chosen=${draft.group_ids} name="invite_groups"
        onToggle=${(id, on) => setDraft({ ...draft, group_ids: toggled(draft.group_ids, id, on) })} />
      <button type="submit" disabled=${busy}>${t('admin.agents.send')}</button>
    <//>`;
}

export function AdminAgents({ me, onSaved }) {
  const [data, load, failed, setData] = useAdminData(async () => {
    const [team, found] = await Promise.all([api.agents(), api.groups()]);
    return { agents: team.agents, groups: found.groups };
  });
  const [outcome, run] = useOutcome();
  if (!data) return html`<${Loading} failed=${failed} />`;
  const change = async (agent, changes, done) => {
    // shown at once (a checkbox stays as clicked), then as the server kept it
    setData((old) => ({ ...old, agents: old.agents.map((a) => (a.id === agent.id ? { ...a, ...changes } : a)) }));
    await run(() => api.changeAgent(agent.id, changes), done);
    await load(); // what the server kept, also when it refused (e.g. the last admin)
    onSaved();
  };
  const saved = (agent) => t('admin.agents.changed', { name: agent.name });
  const columns = ['admin.agents.name', 'admin.agents.email', 'admin.agents.role', 'admin.agents.groups',
    'admin.agents.status', 'admin.actions'].map((key) => t(key));
  const row = (agent) => html`
    <tr data-agent=${agent.id} data-email=${agent.email} class=${agent.active ? '' : 'inactive'}>
      <th scope="row">${agent.name}${agent.id === me.agent_id && html` <span class="muted">${t('admin.agents.you')}</span>`}</th>
      <td>${agent.email}</td>
      <td><select name="role" aria-label=${t('admin.agents.role_of', { name: agent.name })} value=${agent.role}
            onChange=${(e) => change(agent, { role: e.target.value }, saved(agent))}>${roleOptions()}</select>
          <label class="check" title=${t('admin.agents.quality_hint')}><input type="checkbox" name="quality"
            aria-label=${t('admin.agents.quality_of', { name: agent.name })} checked=${agent.quality || agent.role === 'admin'}
            disabled=${agent.role === 'admin'} onChange=${(e) => change(agent, { quality: e.target.checked }, saved(agent))} />
            ${t('quality.title')}</label>
          <label class="check" title=${t('admin.agents.editor_hint')}><input type="checkbox" name="editor"
            aria-label=${t('admin.agents.editor_of', { name: agent.name })} checked=${agent.editor || agent.role === 'admin'}
            disabled=${agent.role === 'admin'} onChange=${(e) => change(agent, { editor: e.target.checked }, saved(agent))} />
            ${t('admin.agents.editor')}</label></td>
      <td><${GroupChecks} legend=${t('admin.agents.groups_of', { name: agent.name })} hiddenLegend=${true}
            groups=${data.groups} chosen=${agent.group_ids} name="groups"
            onToggle=${(id, on) => change(agent, { group_ids: toggled(agent.group_ids, id, on) }, saved(agent))} /></td>
      <td>${agent.active ? t('admin.agents.active') : t('admin.agents.inactive')}</td>
      <td>${agent.active
        ? html`<button type="button" class="danger" onClick=${() => change(agent, { active: false }, t('admin.agents.deactivated', { name: agent.name }))}>
            ${t('admin.agents.deactivate')}<span class="sr-only"> ${agent.name}</span></button>`
        : html`<button type="button" class="secondary" onClick=${() => change(agent, { active: true }, t('admin.agents.reactivated', { name: agent.name }))}>
            ${t('admin.agents.reactivate')}<span class="sr-only"> ${agent.name}</span></button>`}</td>
    </tr>`;
  return html`
    <${InviteForm} groups=${data.groups} run=${run} onInvited=${() => { load(); onSaved(); }} />
    <${Outcome} outcome=${outcome} />
    <${AdminTable} name="agents" caption=${t('admin.agents')} columns=${columns} items=${data.agents} row=${row} />`;
}

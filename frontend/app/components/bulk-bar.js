// Bulk changes on the checked tickets of a view: status, priority, group and
// assignee in one request (POST /api/tickets/bulk); each ticket says how it went,
// and those that could not change stay checked with the reason.
import { html, useState } from '../../vendor/preact-htm.js';
import { api } from '../api.js';
import { addTexts, t, tOr } from '../i18n.js';
import { problemText } from '../words.js';

addTexts({
  es: {
    'bulk.title': 'Cambiar {count} tickets', 'bulk.keep': 'Sin cambio', 'bulk.status': 'Estado', 'bulk.priority': 'Prioridad',
    'bulk.group': 'Grupo', 'bulk.assignee': 'Asignar a', 'bulk.nobody': 'Nadie', 'bulk.me': 'Yo',
    'bulk.apply': 'Aplicar', 'bulk.clear': 'Quitar la selección', 'bulk.nothing': 'Elige al menos un cambio.',
    'bulk.done': '{ok} tickets cambiados.', 'bulk.partly': '{ok} tickets cambiados; {failed} no: {reasons}.',
    'error.stale_ticket': 'alguien lo cambió al mismo tiempo', 'error.ticket_closed': 'está cerrado',
    'error.ticket_not_found': 'no existe o no lo puedes ver', 'error.forbidden': 'no tienes permiso',
    'error.agent_at_capacity': 'el agente llegó a su máximo de tickets', 'error.group_not_found': 'el grupo no existe',
  },
  en: {
    'bulk.title': 'Change {count} tickets', 'bulk.keep': 'No change', 'bulk.status': 'Status', 'bulk.priority': 'Priority',
    'bulk.group': 'Group', 'bulk.assignee': 'Assign to', 'bulk.nobody': 'Nobody', 'bulk.me': 'Me',
    'bulk.apply': 'Apply', 'bulk.clear': 'Clear the selection', 'bulk.nothing': 'Choose at least one change.',
    'bulk.done': '{ok} tickets changed.', 'bulk.partly': '{ok} tickets changed; {failed} not: {reasons}.',
    'error.stale_ticket': 'someone changed it at the same time', 'error.ticket_closed': 'it is closed',
    'error.ticket_not_found': 'it does not exist or you cannot see it', 'error.forbidden': 'you are not allowed',
    'error.agent_at_capacity': 'the agent reached their ticket limit', 'error.group_not_found': 'the group does not exist',
  },
});

const STATUSES = ['open', 'pending', 'on_hold', 'solved'];
const PRIORITIES = ['urgent', 'high', 'normal', 'low'];
const NOBODY = '-'; // "clear it", apart from "no change" ('')

export function BulkBar({ ids, me, onDone }) {
  const [choice, setChoice] = useState({ status: '', priority: '', group_id: '', assignee_id: '' });
  const [said, setSaid] = useState({ ok: '', error: '' });
  const [busy, setBusy] = useState(false);
  const pick = (name) => (e) => setChoice({ ...choice, [name]: e.target.value });
  const apply = async (event) => {
    event.preventDefault();
    const changes = {};
    for (const [name, value] of Object.entries(choice)) {
      if (value) changes[name] = value === NOBODY ? null : value;
    }
    if (Object.keys(changes).length === 0) {
      setSaid({ ok: '', error: t('bulk.nothing') });
      return;
    }
    setBusy(true);
    try {
      const { results } = await api.bulk(ids, changes);
      const failed = results.filter((result) => !result.ok);
      const ok = results.length - failed.length;
      const reasons = [...new Set(failed.map((result) => tOr(result.error, result.error)))].join('; ');
      // the ones that did not change stay checked, the bar open with the reasons
      if (failed.length) setSaid({ ok: '', error: t('bulk.partly', { ok, failed: failed.length, reasons }) });
      onDone(failed.map((result) => result.ticket_id), failed.length ? '' : t('bulk.done', { ok }));
    } catch (problem) {
      setSaid({ ok: '', error: problemText(problem) });
    } finally {
      setBusy(false);
    }
  };
  const select = (name, label, options) => html`
    <label>${label}<select name=${`bulk_${name}`} value=${choice[name]} onChange=${pick(name)}>
      <option value="">${t('bulk.keep')}</option>
      ${options.map(([value, text]) => html`<option value=${value}>${text}</option>`)}</select></label>`;
  return html`
    <form class="bulk-bar" onSubmit=${apply} aria-labelledby="bulk-title">
      <h2 id="bulk-title">${t('bulk.title', { count: ids.length })}</h2>
      ${select('status', t('bulk.status'), STATUSES.map((s) => [s, t(`status.${s}`)]))}
      ${select('priority', t('bulk.priority'), PRIORITIES.map((p) => [p, t(`priority.${p}`)]))}
      ${select('group_id', t('bulk.group'), (me.groups || []).map((g) => [g.id, g.name]))}
      ${select('assignee_id', t('bulk.assignee'), [[me.agent_id, t('bulk.me')], [NOBODY, t('bulk.nobody')],
        ...(me.team || []).filter((a) => a.active && a.id !== me.agent_id).map((a) => [a.id, a.name])])}
      <button type="submit" disabled=${busy}>${t('bulk.apply')}</button>
      <button type="button" class="secondary" onClick=${() => onDone([], '')}>${t('bulk.clear')}</button>
      <p class="notice" role="status">${said.ok}</p>
      ${said.error && html`<p class="error" role="alert">${said.error}</p>`}
    </form>`;
}

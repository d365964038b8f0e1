// Administration · audit log: every settings change, export and erasure, by month.
import { html } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, tOr, formatTime } from '../../i18n.js';
import { auditValue } from '../../words.js';
import { AdminForm } from '../../components/form.js';
import { AdminTable, Loading, thisMonth, useMonthly } from '../../components/table.js';

export function AdminAudit() {
  const { month, setMonth, answer, failed } = useMonthly((chosen) => api.audit(chosen));
  const columns = ['admin.audit.when', 'admin.audit.actor', 'admin.audit.action', 'admin.audit.target',
    'admin.audit.changes'].map((key) => t(key));
  const row = (entry) => html`
    <tr data-action=${entry.action}>
      <td><time datetime=${entry.at}>${formatTime(entry.at)}</time></td>
      <td>${entry.actor.name || entry.actor.kind}</td>
      <td>${tOr(`audit.${entry.action}`, entry.action)}</td>
      <td>${entry.target}</td>
      <td>${entry.changes.length === 0 ? '—' : html`<ul class="changes">${entry.changes.map((change) => html`
        <li><code>${change.field}</code>: ${auditValue(change.old)} → ${auditValue(change.new)}</li>`)}</ul>`}</td>
    </tr>`;
  return html`
    <${AdminForm} onSubmit=${(e) => e.preventDefault()}>
      <label>${t('admin.audit.month')}
        <input type="month" name="month" required value=${month} max=${thisMonth()} onChange=${(e) => setMonth(e.target.value)} /></label>
    <//>
    ${!answer ? html`<${Loading} failed=${failed} />`
      : answer.entries.length === 0 ? html`<p class="muted">${t('admin.audit.empty')}</p>`
      : html`<${AdminTable} name="audit" data-month=${answer.month} caption=${t('admin.audit')} columns=${columns}
          items=${answer.entries} row=${row} />`}`;
}

// The supervisors' dashboard (#/reports): the KPIs of a date range from the daily
// rollups (GET /api/reports/kpis), each tile with its change against the period
// before, and the tickets created and solved per day as an SVG chart (no chart
// library: this page alone draws it, loaded with import(), never in the first load).
import { html, useState, useEffect } from '../../vendor/preact-htm.js';
import { api } from '../api.js';
import { t, addTexts } from '../i18n.js';
import { problemText } from '../words.js';

addTexts({
  es: {
    'reports.title': 'Indicadores', 'reports.from': 'Desde', 'reports.to': 'Hasta',
    'reports.channel': 'Canal', 'reports.all_channels': 'Todos los canales', 'reports.created': 'Tickets creados',
    'reports.solved': 'Tickets resueltos', 'reports.reopened': 'Reabiertos', 'reports.frt': 'Primera respuesta (mediana)',
    'reports.frt_p90': 'Primera respuesta (p90)', 'reports.resolution': 'Resolución (mediana)',
    'reports.sla': 'Cumplimiento de SLA', 'reports.none': 'sin datos', 'reports.previous': 'Antes: {value}',
    'reports.per_day': 'Creados y resueltos por día', 'reports.day': 'Día',
    'reports.within': 'hasta {time}', 'reports.minutes': '{n} min', 'reports.hours': '{n} h', 'reports.days': '{n} d',
  },
  en: {
    'reports.title': 'KPIs', 'reports.from': 'From', 'reports.to': 'To',
    'reports.channel': 'Channel', 'reports.all_channels': 'All channels', 'reports.created': 'Tickets created',
    'reports.solved': 'Tickets solved', 'reports.reopened': 'Reopened', 'reports.frt': 'First response (median)',
    'reports.frt_p90': 'First response (p90)', 'reports.resolution': 'Resolution (median)',
    'reports.sla': 'SLA compliance', 'reports.none': 'no data', 'reports.previous': 'Before: {value}',
    'reports.per_day': 'Created and solved per day', 'reports.day': 'Day',
    'reports.within': 'up to {time}', 'reports.minutes': '{n} min', 'reports.hours': '{n} h', 'reports.days': '{n} d',
  },
});

const CHANNELS = ['email', 'whatsapp', 'chat', 'web_form', 'messenger', 'instagram', 'phone'];

const isoDay = (date) => date.toISOString().slice(0, 10);

function duration(seconds) {
  if (seconds === null || seconds === undefined) return t('reports.none');
  const time = seconds < 3600 ? t('reports.minutes', { n: Math.round(seconds / 60) })
    : seconds < 172800 ? t('reports.hours', { n: Math.round(seconds / 3600) })
      : t('reports.days', { n: Math.round(seconds / 86400) });
  return t('reports.within', { time });
}

const percent = (value) => (value === null || value === undefined ? t('reports.none') : `${value} %`);

function Tile({ label, now, before, show }) {
  return html`<li class="kpi-tile">
    <span class="kpi-label">${label}</span>
    <strong class="kpi-value">${show(now)}</strong>
    <span class="hint">${t('reports.previous', { value: show(before) })}</span>
  </li>`;
}

// Bars per day: created (left) and solved (right), scaled to the busiest day.
function PerDayChart({ days }) {
  const most = Math.max(1, ...days.map((d) => Math.max(d.created, d.solved)));
  const width = Math.max(300, days.length * 18);
  const height = 120;
  const bar = (value) => (value / most) * (height - 20);
  return html`<figure class="kpi-chart">
    <figcaption>${t('reports.per_day')}</figcaption>
    <svg viewBox=${`0 0 ${width} ${height}`} role="img" aria-label=${t('reports.per_day')} preserveAspectRatio="none">
      ${days.map((d, i) => html`<g key=${d.day}>
        <title>${d.day}: ${t('reports.created')} ${d.created}, ${t('reports.solved')} ${d.solved}</title>
        <rect x=${i * 18 + 2} y=${height - bar(d.created)} width="7" height=${bar(d.created)} class="bar-created" />
        <rect x=${i * 18 + 9} y=${height - bar(d.solved)} width="7" height=${bar(d.solved)} class="bar-solved" />
      </g>`)}
    </svg>
  </figure>`;
}

export function ReportsPage() {
  const today = new Date();
  const [range, setRange] = useState({ from: isoDay(new Date(today - 6 * 86400000)), to: isoDay(today), channel: '' });
  const [report, setReport] = useState(null);
  const [problem, setProblem] = useState('');
  useEffect(() => {
    let current = true;
    const params = { from: range.from, to: range.to, ...(range.channel ? { channel: range.channel } : {}) };
    setProblem('');
    api.kpis(params).then((answer) => { if (current) setReport(answer); })
      .catch((error) => { if (current) setProblem(problemText(error)); });
    return () => { current = false; };
  }, [range.from, range.to, range.channel]);
  const change = (name) => (event) => setRange((old) => ({ ...old, [name]: event.target.value }));
  const tiles = report && [
    ['reports.created', (f) => f.created, String],
    ['reports.solved', (f) => f.solved, String],
    ['reports.reopened', (f) => f.reopened, String],
    ['reports.frt', (f) => f.first_response_median_seconds, duration],
    ['reports.frt_p90', (f) => f.first_response_p90_seconds, duration],
    ['reports.resolution', (f) => f.resolution_median_seconds, duration],
    ['reports.sla', (f) => f.sla_compliance_percent, percent],
  ];
  return html`
    <main id="content" class="reports">
      <h1>${t('reports.title')}</h1>
      <form class="kpi-filters" onSubmit=${(e) => e.preventDefault()}>
        <label>${t('reports.from')} <input type="date" name="from" value=${range.from} max=${range.to} onChange=${change('from')} /></label>
        <label>${t('reports.to')} <input type="date" name="to" value=${range.to} min=${range.from} onChange=${change('to')} /></label>
        <label>${t('reports.channel')} <select name="channel" value=${range.channel} onChange=${change('channel')}>
          <option value="">${t('reports.all_channels')}</option>
          ${CHANNELS.map((c) => html`<option value=${c}>${t(`channel.${c}`)}</option>`)}
        </select></label>
      </form>
      ${problem ? html`<p class="error" role="alert">${problem}</p>`
        : report === null ? html`<p role="status">${t('loading')}</p>`
          : html`
        <ul class="kpi-tiles">${tiles.map(([key, pick, show]) => html`
          <${Tile} key=${key} label=${t(key)} now=${pick(report.totals)} before=${pick(report.previous)} show=${show} />`)}
        </ul>
        <${PerDayChart} days=${report.days} />`}
    </main>`;
}

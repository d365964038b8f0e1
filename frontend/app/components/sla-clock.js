// SLA clocks: a timer's time left (or overdue) on the list and the ticket page.
import { html } from '../../vendor/preact-htm.js';
import { t, formatDuration } from '../i18n.js';

const BREACHING_SOON_MS = 60 * 60 * 1000;

function runningTimers(ticket) {
  return (ticket.sla?.timers || []).filter((timer) => ['running', 'warning', 'breached'].includes(timer.state));
}

export function slaUrgency(ticket, now = Date.now()) {
  const due = runningTimers(ticket)
    .map((timer) => new Date(timer.due_at).getTime())
    .filter((time) => !Number.isNaN(time));
  if (!due.length) return null;
  const soonest = Math.min(...due);
  return soonest - now <= BREACHING_SOON_MS ? soonest : null;
}

export function SlaClock({ timer, now }) {
  if (!timer.due_at || ['met', 'missed', 'paused'].includes(timer.state)) {
    return html`<span class=${`sla sla-${timer.state}`}>${t(`sla.${timer.state}`)}</span>`;
  }
  const left = new Date(timer.due_at).getTime() - now;
  const text = left >= 0 ? t('sla.due_in', { time: formatDuration(left) }) : t('sla.overdue', { time: formatDuration(left) });
  const state = left < 0 ? 'breached' : timer.state;
  return html`<span class=${`sla sla-${state}`} role="timer">${text}</span>`;
}

export function ListSla({ ticket, now }) {
  const timers = runningTimers(ticket).filter((timer) => timer.due_at);
  if (!timers.length) return html`<span class="muted">—</span>`;
  const first = timers.reduce((a, b) => (new Date(a.due_at) < new Date(b.due_at) ? a : b));
  return html`<${SlaClock} timer=${first} now=${now} />`;
}

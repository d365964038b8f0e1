// The follow-up queue (#/follow-ups): cases someone must reach out about, each with
// its reason (a poor survey answer, a callback request, "sigue igual" on a solved ticket, too many reopens,
// solved after its resolution SLA, a bot conversation the customer left unanswered…), its own due time,
// who works it and the outcome; the list shows every reason or one.
// An agent takes an entry, opens the ticket to contact the customer (on WhatsApp
// outside the 24-hour window, the reply's template picker), then closes it with the outcome.
import { html, useState, useEffect } from '../../vendor/preact-htm.js';
import { api } from '../api.js';
import { t, formatTime, addTexts } from '../i18n.js';
import { agentName, problemText } from '../words.js';

addTexts({
  es: {
    'follow_ups.title': 'Seguimiento', 'follow_ups.intro': 'Casos en los que una persona debe contactar al cliente.',
    'follow_ups.state.open': 'Pendientes', 'follow_ups.state.working': 'En curso', 'follow_ups.state.done': 'Cerrados',
    'follow_ups.reason.poor_survey': 'Encuesta con mala calificación', 'follow_ups.reason.callback': '📞 Pidió que lo llamen',
    'follow_ups.reason.not_solved': 'Dice que no se resolvió', 'follow_ups.reason.reopened': 'Reabierto muchas veces',
    'follow_ups.reason.solved_late': 'Resuelto fuera de SLA', 'follow_ups.reason.bot_abandoned': 'Dejó al asistente sin respuesta',
    'follow_ups.reason': 'Motivo', 'follow_ups.all_reasons': 'Todos los motivos',
    'follow_ups.due': 'Contactar antes de {time}',
    'follow_ups.take': 'Tomar', 'follow_ups.outcome': 'Qué pasó con el cliente', 'follow_ups.close': 'Cerrar con este resultado',
    'follow_ups.empty': 'No hay casos aquí.', 'follow_ups.by': 'Lo trabaja {who}', 'follow_ups.closed': 'Seguimiento cerrado.',
  },
  en: {
    'follow_ups.title': 'Follow-up', 'follow_ups.intro': 'Cases where a person must reach out to the customer.',
    'follow_ups.state.open': 'To do', 'follow_ups.state.working': 'In progress', 'follow_ups.state.done': 'Closed',
    'follow_ups.reason.poor_survey': 'Poor survey answer', 'follow_ups.reason.callback': '📞 Asked to be called back',
    'follow_ups.reason.not_solved': 'Says it is not solved', 'follow_ups.reason.reopened': 'Reopened many times',
    'follow_ups.reason.solved_late': 'Solved past its SLA', 'follow_ups.reason.bot_abandoned': 'Left the assistant unanswered',
    'follow_ups.reason': 'Reason', 'follow_ups.all_reasons': 'All reasons',
    'follow_ups.due': 'Reach out by {time}',
    'follow_ups.take': 'Take it', 'follow_ups.outcome': 'What came of it with the customer', 'follow_ups.close': 'Close with this outcome',
    'follow_ups.empty': 'No cases here.', 'follow_ups.by': 'Worked by {who}', 'follow_ups.closed': 'Follow-up closed.',
  },
});

const REASONS = ['poor_survey', 'callback', 'not_solved', 'reopened', 'solved_late', 'bot_abandoned'];

function Entry({ entry, me, onChanged }) {
  const [outcome, setOutcome] = useState(entry.outcome || '');
  const [notice, setNotice] = useState('');
  const change = async (body, done) => {
    try {
      await api.changeFollowUp(entry.ticket_id, entry.reason, { version: entry.version, ...body });
      if (done) setNotice(done);
      onChanged();
    } catch (problem) {
      setNotice(problemText(problem));
    }
  };
  return html`
    <li class=${`follow-up follow-up-${entry.state}`}>
      <p><a href=${`#/tickets/${entry.ticket_id}`}>#${entry.ticket_number} ${entry.subject}</a></p>
      <p><strong>${t(`follow_ups.reason.${entry.reason}`)}</strong>${entry.detail && html` · ${entry.detail}`}</p>
      <p class="hint">${t('follow_ups.due', { time: formatTime(entry.due_at) })}
        ${entry.assignee_id && html` · ${t('follow_ups.by', { who: entry.assignee_id === me.agent_id ? me.name : agentName(me, entry.assignee_id) })}`}</p>
      ${entry.state === 'open' && html`
        <button type="button" onClick=${() => change({ assignee_id: me.agent_id })}>${t('follow_ups.take')}</button>`}
      ${entry.state !== 'done' ? html`
        <form onSubmit=${(e) => { e.preventDefault(); change({ state: 'done', outcome }, t('follow_ups.closed')); }}>
          <label>${t('follow_ups.outcome')}<textarea required maxlength="2000" value=${outcome}
            onInput=${(e) => setOutcome(e.target.value)}></textarea></label>
          <button type="submit">${t('follow_ups.close')}</button>
        </form>` : html`<p>${entry.outcome}</p>`}
      ${notice && html`<p class="notice" role="status">${notice}</p>`}
    </li>`;
}

export function FollowUpsPage({ me }) {
  const [state, setState] = useState('open');
  const [reason, setReason] = useState('');
  const [entries, setEntries] = useState(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    api.followUps(state).then((answer) => { if (current) setEntries(answer.follow_ups); }).catch(() => setEntries([]));
    return () => { current = false; };
  }, [state, version]);
  const shown = entries === null || !reason ? entries : entries.filter((entry) => entry.reason === reason);
  return html`
    <main id="content" class="follow-ups">
      <h1>${t('follow_ups.title')}</h1>
      <p class="hint">${t('follow_ups.intro')}</p>
      <nav class="views" aria-label=${t('follow_ups.title')}><ul>${['open', 'working', 'done'].map((s) => html`
        <li><a href="#/follow-ups" aria-current=${s === state ? 'page' : undefined}
          onClick=${(e) => { e.preventDefault(); setState(s); }}>${t(`follow_ups.state.${s}`)}</a></li>`)}</ul></nav>
      <label class="follow-up-reason">${t('follow_ups.reason')}
        <select name="reason" value=${reason} onChange=${(e) => setReason(e.target.value)}>
          <option value="">${t('follow_ups.all_reasons')}</option>
          ${REASONS.map((r) => html`<option value=${r}>${t(`follow_ups.reason.${r}`)}</option>`)}
        </select></label>
      ${shown === null ? html`<p>${t('loading')}</p>` : shown.length === 0 ? html`<p>${t('follow_ups.empty')}</p>`
        : html`<ol class="follow-up-list">${shown.map((entry) => html`
          <${Entry} key=${`${entry.ticket_id}-${entry.reason}-${entry.version}`} entry=${entry} me=${me}
            onChanged=${() => setVersion((v) => v + 1)} />`)}</ol>`}
    </main>`;
}

// Phone calls in the thread: a call's details (which way, answered or missed,
// how long, queue, who took it, voicemail), and the form agents log a call
// with by hand (any phone system): POST /api/tickets/<id>/calls.
import { html, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { addTexts, t } from '../../i18n.js';
import { problemText } from '../../words.js';

addTexts({
  es: {
    'call.inbound': 'Llamada entrante', 'call.outbound': 'Llamada saliente', 'call.missed': 'Llamada perdida',
    'call.ongoing': 'Llamada en curso', 'call.duration': 'Duración', 'call.queue': 'Cola', 'call.agent': 'Atendió',
    'call.number': 'Número', 'call.voicemail': 'Mensaje de voz', 'call.logged': 'Registrada a mano',
    'call.log': 'Registrar llamada', 'call.direction': 'Dirección', 'call.started_at': 'Fecha y hora',
    'call.minutes': 'Minutos', 'call.seconds': 'Segundos', 'call.who': 'Quién atendió',
    'call.notes': 'Notas de la llamada', 'call.save': 'Guardar llamada', 'call.saved': 'Llamada registrada.',
  },
  en: {
    'call.inbound': 'Inbound call', 'call.outbound': 'Outbound call', 'call.missed': 'Missed call',
    'call.ongoing': 'Call in progress', 'call.duration': 'Duration', 'call.queue': 'Queue', 'call.agent': 'Taken by',
    'call.number': 'Number', 'call.voicemail': 'Voicemail', 'call.logged': 'Logged by hand',
    'call.log': 'Log a call', 'call.direction': 'Direction', 'call.started_at': 'Date and time',
    'call.minutes': 'Minutes', 'call.seconds': 'Seconds', 'call.who': 'Who took it',
    'call.notes': 'Call notes', 'call.save': 'Save call', 'call.saved': 'Call logged.',
  },
});

// 185 seconds → "3:05"; an hour or more → "1:02:05"
export function callLength(seconds) {
  if (seconds === null || seconds === undefined) return '';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function callTitle(call) {
  if (call.missed) return t('call.missed');
  if (!call.ended_at && !call.logged_by) return t('call.ongoing');
  return t(`call.${call.direction}`);
}

export function CallDetails({ call }) {
  const icon = call.missed ? '📵' : '📞';
  const arrow = call.direction === 'outbound' ? '↗' : '↙';
  return html`
    <div class=${`call-details${call.missed ? ' call-missed' : ''}`} data-call=${call.call_id}>
      <p class="call-title"><span aria-hidden="true">${icon} ${arrow}</span> <strong>${callTitle(call)}</strong>
        ${call.voicemail && html` · <span class="call-voicemail">${t('call.voicemail')}</span>`}</p>
      <dl class="call-facts">
        ${call.duration_seconds !== null && call.duration_seconds !== undefined && html`
          <div><dt>${t('call.duration')}</dt><dd class="call-duration">${callLength(call.duration_seconds)}</dd></div>`}
        ${call.number && html`<div><dt>${t('call.number')}</dt><dd>${call.number}</dd></div>`}
        ${call.queue && html`<div><dt>${t('call.queue')}</dt><dd>${call.queue}</dd></div>`}
        ${call.agent && html`<div><dt>${t('call.agent')}</dt><dd>${call.agent}</dd></div>`}
      </dl>
      ${call.logged_by && html`<p class="muted small">${t('call.logged')}</p>`}
    </div>`;
}

// Now, as a datetime-local input wants it (the agent's own clock)
const localNow = () => {
  const now = new Date();
  now.setSeconds(0, 0);
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
};

export function CallLogForm({ ticket, me, onLogged }) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState(() => ({ direction: 'inbound', when: localNow(), minutes: '0', seconds: '0', who: '', notes: '' }));
  const [outcome, setOutcome] = useState({ text: '', error: false });
  const set = (field) => (event) => setDraft({ ...draft, [field]: event.target.value });
  const submit = async (event) => {
    event.preventDefault();
    setOutcome({ text: '', error: false });
    const duration = (Number(draft.minutes) || 0) * 60 + (Number(draft.seconds) || 0);
    try {
      await api.logCall(ticket.id, {
        direction: draft.direction,
        started_at: new Date(draft.when).toISOString(),
        duration_seconds: duration,
        agent_name: draft.who.trim() || me?.name || '',
        notes: draft.notes,
      });
      setDraft({ ...draft, notes: '', minutes: '0', seconds: '0' });
      setOutcome({ text: t('call.saved'), error: false });
      onLogged();
    } catch (problem) {
      setOutcome({ text: problemText(problem), error: true });
    }
  };
  return html`
    <details class="call-log" open=${open} onToggle=${(e) => setOpen(e.target.open)}>
      <summary>📞 ${t('call.log')}</summary>
      <form onSubmit=${submit} class="call-log-form">
        <label>${t('call.direction')}
          <select name="direction" value=${draft.direction} onChange=${set('direction')}>
            <option value="inbound">${t('call.inbound')}</option>
            <option value="outbound">${t('call.outbound')}</option>
          </select></label>
        <label>${t('call.started_at')}
          <input type="datetime-local" name="started_at" required value=${draft.when} onInput=${set('when')} /></label>
        <label>${t('call.minutes')}
          <input type="number" name="minutes" min="0" max="1440" value=${draft.minutes} onInput=${set('minutes')} /></label>
        <label>${t('call.seconds')}
          <input type="number" name="seconds" min="0" max="59" value=${draft.seconds} onInput=${set('seconds')} /></label>
        <label>${t('call.who')}
          <input type="text" name="agent_name" maxlength="120" placeholder=${me?.name || ''} value=${draft.who} onInput=${set('who')} /></label>
        <label>${t('call.notes')}
          <textarea name="notes" rows="3" maxlength="20000" value=${draft.notes} onInput=${set('notes')}></textarea></label>
        <button type="submit">${t('call.save')}</button>
        <p class=${outcome.error ? 'error' : 'muted'} role="status">${outcome.text}</p>
      </form>
    </details>`;
}

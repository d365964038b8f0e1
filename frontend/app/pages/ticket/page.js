// The ticket page: #/tickets/<id>. The thread, the reply box and the side panel,
// reloaded on live changes; who else is here (collision detection).
import { html, useState, useEffect, useRef, useCallback } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { usePolling, usePresenceEvents, liveSocket } from '../../live.js';
import { problemText } from '../../words.js';
import { TicketFields } from './fields.js';
import { MessageItem } from './thread.js';
import { Composer } from './composer.js';
import { CallLogForm } from './calls.js';
import { SidePanel } from './side-panel.js';
import { PickForReview } from '../quality/pick.js';
import { ChannelBadge } from '../../components/channel-badge.js';

const THREAD_POLL_MS = 10000; // delivery ticks change messages, not the ticket
const PRESENCE_MS = 5000; // collision detection: the agent's presence on an open ticket (API)
const SOCKET_PRESENCE_MS = 15000; // the same over the live socket: keeps it fresh for API readers

// A ticket closed by merging it into another: a link to where its messages went
function MergedNotice({ ticket }) {
  const [number, setNumber] = useState(null);
  useEffect(() => {
    let current = true;
    setNumber(null);
    api.thread(ticket.merged_into)
      .then((target) => { if (current) setNumber(target.ticket.number); })
      .catch(() => {}); // e.g. out of this agent's reach: the link shows the id
    return () => { current = false; };
  }, [ticket.merged_into]);
  return html`<p class="merged-notice" role="note">${t('ticket.merged_into')}${' '}
    <a href=${`#/tickets/${encodeURIComponent(ticket.merged_into)}`}>${number ? `#${number}` : ticket.merged_into}</a>.</p>`;
}

// Collision detection: tell the server this agent is here (viewing, or replying
// while a draft has text) and learn who else is. Over the live socket when it is
// open (the report also puts this console in the ticket's room, and arrivals,
// departures and replies are pushed at once); else over the API every 5 s.
function usePresence(ticketId, myId) {
  const [present, setPresent] = useState([]);
  const activity = useRef('viewing');
  const beatNow = useRef(() => {});
  usePresenceEvents((event) => {
    if (event.type === 'socket.open') {
      beatNow.current(); // a new connection: say where this agent is
    } else if (event.ticket_id !== ticketId) {
      // another ticket's news
    } else if (event.type === 'presence.here') {
      setPresent(event.present);
    } else if (event.type === 'presence.changed' && event.agent_id !== myId) {
      setPresent((old) => {
        const others = old.filter((p) => p.agent_id !== event.agent_id);
        if (event.activity === 'left') return others;
        const arrived = { agent_id: event.agent_id, name: event.name || '', activity: event.activity };
        return [...others, arrived].sort((a, b) =>
          (a.activity !== 'replying') - (b.activity !== 'replying') || a.name.localeCompare(b.name));
      });
    }
  }, [ticketId, myId]);
  useEffect(() => {
    let stopped = false;
    let timer;
    const beat = async () => {
      clearTimeout(timer);
      if (liveSocket.send({ action: 'presence', ticket_id: ticketId, activity: activity.current })) {
        if (!stopped) timer = setTimeout(beat, SOCKET_PRESENCE_MS); // the answer comes as presence.here
        return;
      }
      try {
        const answer = await api.present(ticketId, activity.current);
        if (!stopped) setPresent(answer.present);
      } catch {
        // presence is a courtesy: a missed beat changes nothing
      }
      if (!stopped) timer = setTimeout(beat, PRESENCE_MS);
    };
    beatNow.current = beat;
    beat();
    return () => {
      stopped = true;
      clearTimeout(timer);
      if (!liveSocket.send({ action: 'presence', ticket_id: null })) api.leave(ticketId).catch(() => {});
    };
  }, [ticketId]);
  const drafting = useCallback((writing) => {
    const next = writing ? 'replying' : 'viewing';
    if (next !== activity.current) {
      activity.current = next;
      beatNow.current();
    }
  }, []);
  return [present, drafting];
}

export function TicketPage({ ticketId, me }) {
  const [thread, setThread] = useState(null);
  const [error, setError] = useState('');
  const load = useCallback(async () => {
    try {
      setThread(await api.thread(ticketId));
      setError('');
    } catch (problem) {
      setError(problemText(problem));
    }
  }, [ticketId]);
  usePolling(load, [ticketId], THREAD_POLL_MS, (changes) => changes.reload || changes.tickets.some((t) => t.id === ticketId));
  const [present, drafting] = usePresence(ticketId, me?.agent_id);

  useEffect(() => {
    const keys = (event) => {
      if (event.key === 'Escape' && !event.target.closest('input, textarea, select')) location.hash = '#/view/mine';
    };
    addEventListener('keydown', keys);
    return () => removeEventListener('keydown', keys);
  }, []);

  if (error && !thread) return html`<main id="content" class="ticket"><p class="error" role="alert">${error}</p><a href="#/view/mine">${t('ticket.back')}</a></main>`;
  if (!thread) return html`<main id="content" class="ticket"><p>${t('loading')}</p></main>`;
  const ticket = thread.ticket;
  return html`
    <div class="ticket-layout">
      <main id="content" class="ticket">
        <a href="#/view/mine" class="back">← ${t('ticket.back')}</a>
        <h1><span class="muted">#${ticket.number}</span> ${ticket.subject || '—'}</h1>
        <p class="meta"><${ChannelBadge} channel=${ticket.channel} />
          <span class=${`status status-${ticket.status}`}>${t(`status.${ticket.status}`)}</span>
          <span class=${`priority priority-${ticket.priority}`}>${t(`priority.${ticket.priority}`)}</span>
          ${ticket.tags.map((tag) => html`<span class="tag">${tag}</span>`)}</p>
        ${ticket.merged_into && html`<${MergedNotice} ticket=${ticket} />`}
        <${PickForReview} ticket=${ticket} me=${me} />
        ${present.length > 0 && html`
          <div class="collision" role="status">${present.map((p) => html`
            <p class=${`presence presence-${p.activity}`}>${t(`presence.${p.activity}`, { name: p.name })}</p>`)}
          </div>`}
        <${TicketFields} thread=${thread} me=${me} onChanged=${load} />
        <ol class="thread" aria-live="polite">${thread.messages.map((message) => html`<${MessageItem} key=${message.id} message=${message} me=${me} />`)}</ol>
        ${ticket.status !== 'closed' && html`<${Composer} key=${ticket.id} thread=${thread} me=${me} onSent=${load} onDrafting=${drafting} />`}
        <${CallLogForm} key=${`call-${ticket.id}`} ticket=${ticket} me=${me} onLogged=${load} />
      </main>
      <${SidePanel} thread=${thread} me=${me} onChanged=${load} />
    </div>`;
}

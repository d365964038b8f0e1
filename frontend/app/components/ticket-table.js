// A list of tickets (inbox views and search results).
import { html } from '../../vendor/preact-htm.js';
import { t, formatTime, formatAge } from '../i18n.js';
import { agentName } from '../words.js';
import { ListSla } from './sla-clock.js';
import { ChannelBadge } from './channel-badge.js';

// A search snippet as the server sends it (escaped text, matches in <mark>),
// shown as text nodes and <mark> elements: never parsed as HTML here.
function Snippet({ html: marked }) {
  const decode = (text) => {
    const area = document.createElement('textarea');
    area.innerHTML = text; // a textarea's content is text: entities decoded, nothing run
    return area.value;
  };
  const parts = marked.split(/<\/?mark>/);
  return html`<div class="snippet">${parts.map((part, index) =>
    index % 2 === 1 ? html`<mark>${decode(part)}</mark>` : decode(part))}</div>`;
}

// With `checked` (a Set of ids) and `onCheck`, each row has a checkbox for bulk
// changes, and the header one checks or clears them all. With `snippets` (ticket
// id → search snippet), each subject shows why the search found it.
export function TicketTable({ tickets, me, now, selected = -1, checked = null, onCheck = null, snippets = null }) {
  const all = checked && tickets.length > 0 && tickets.every((ticket) => checked.has(ticket.id));
  return html`<table class="tickets">
              <thead><tr>
                ${checked && html`<th scope="col"><input type="checkbox" checked=${all} aria-label=${t('bulk.all')}
                  onChange=${(e) => onCheck(tickets.map((ticket) => ticket.id), e.target.checked)} /></th>`}
                <th scope="col">#</th><th scope="col">${t('list.channel')}</th><th scope="col">${t('list.subject')}</th>
                <th scope="col">${t('list.status')}</th><th scope="col">${t('list.priority')}</th>
                <th scope="col">${t('list.assignee')}</th><th scope="col">${t('list.sla')}</th>
                <th scope="col">${t('list.updated')}</th>
              </tr></thead>
              <tbody>${tickets.map((ticket, index) => html`
                <tr class=${index === selected ? 'selected' : ''} data-ticket=${ticket.id}>
                  ${checked && html`<td class="check"><input type="checkbox" checked=${checked.has(ticket.id)}
                    aria-label=${t('bulk.one', { number: ticket.number })}
                    onChange=${(e) => onCheck([ticket.id], e.target.checked)} /></td>`}
                  <td class="number">${ticket.number}</td>
                  <td><${ChannelBadge} channel=${ticket.channel} /></td>
                  <td class="subject"><a href=${`#/tickets/${ticket.id}`}>${ticket.subject || '—'}</a>
                    ${snippets && snippets[ticket.id] && html`<${Snippet} html=${snippets[ticket.id]} />`}</td>
                  <td><span class=${`status status-${ticket.status}`}>${t(`status.${ticket.status}`)}</span></td>
                  <td><span class=${`priority priority-${ticket.priority}`}>${t(`priority.${ticket.priority}`)}</span></td>
                  <td class="assignee">${!ticket.assignee_id ? t('list.unassigned') : ticket.assignee_id === me.agent_id ? t('list.me') : agentName(me, ticket.assignee_id)}</td>
                  <td><${ListSla} ticket=${ticket} now=${now} /></td>
                  <td class="updated"><time datetime=${ticket.updated_at} title=${formatTime(ticket.updated_at)}>${formatAge(ticket.updated_at, now)}</time></td>
                </tr>`)}
              </tbody></table>`;
}

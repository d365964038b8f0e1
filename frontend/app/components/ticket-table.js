// A list of tickets (inbox views and search results).
import { html } from '../../vendor/preact-htm.js';
import { t, formatTime, formatAge } from '../i18n.js';
import { agentName } from '../words.js';
import { ListSla } from './sla-clock.js';

export function TicketTable({ tickets, me, now, selected = -1 }) {
  return html`<table class="tickets">
              <thead><tr>
                <th scope="col">#</th><th scope="col">${t('list.channel')}</th><th scope="col">${t('list.subject')}</th>
                <th scope="col">${t('list.status')}</th><th scope="col">${t('list.priority')}</th>
                <th scope="col">${t('list.assignee')}</th><th scope="col">${t('list.sla')}</th>
                <th scope="col">${t('list.updated')}</th>
              </tr></thead>
              <tbody>${tickets.map((ticket, index) => html`
                <tr class=${index === selected ? 'selected' : ''} data-ticket=${ticket.id}>
                  <td>${ticket.number}</td>
                  <td><span class=${`channel channel-${ticket.channel}`}>${t(`channel.${ticket.channel}`)}</span></td>
                  <td><a href=${`#/tickets/${ticket.id}`}>${ticket.subject || '—'}</a></td>
                  <td><span class=${`status status-${ticket.status}`}>${t(`status.${ticket.status}`)}</span></td>
                  <td><span class=${`priority priority-${ticket.priority}`}>${t(`priority.${ticket.priority}`)}</span></td>
                  <td>${!ticket.assignee_id ? t('list.unassigned') : ticket.assignee_id === me.agent_id ? t('list.me') : agentName(me, ticket.assignee_id)}</td>
                  <td><${ListSla} ticket=${ticket} now=${now} /></td>
                  <td><time datetime=${ticket.updated_at} title=${formatTime(ticket.updated_at)}>${formatAge(ticket.updated_at, now)}</time></td>
                </tr>`)}
              </tbody></table>`;
}

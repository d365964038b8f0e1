// Browser notifications while the console's tab is hidden: a ticket assigned to
// the agent or a mention (the bell's notifications), a customer answering one of
// the agent's tickets, an SLA warning or breach on one of them. Only after the
// agent turns them on (the header's button asks the browser's permission, never
// on load); a click opens the ticket. Fed by the same live changes as the console.
import { useEffect, useRef } from '../vendor/preact-htm.js';
import { useChanges } from './live.js';
import { t } from './i18n.js';

const WANTED = 'atiende.alerts'; // "on" in localStorage, per browser

export const alertsSupported = () => 'Notification' in window;
export const alertsOn = () => alertsSupported() && Notification.permission === 'granted' && localStorage.getItem(WANTED) === 'on';

// The header's button: ask the browser once, then switch on and off
export async function toggleAlerts() {
  if (alertsOn()) {
    localStorage.removeItem(WANTED);
    return false;
  }
  const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
  if (permission !== 'granted') return false;
  localStorage.setItem(WANTED, 'on');
  return true;
}

function show(title, body, ticketId) {
  const hash = `#/tickets/${ticketId}`;
  const options = { body, tag: `${ticketId}:${title}`, icon: '/icons/icon-192.png', data: { hash } };
  if (navigator.serviceWorker?.controller) {
    navigator.serviceWorker.ready.then((worker) => worker.showNotification(title, options)).catch(() => {});
    return;
  }
  const notice = new Notification(title, options);
  notice.onclick = () => {
    focus();
    location.hash = hash;
    notice.close();
  };
}

const warned = (ticket) => (ticket.sla?.timers || []).some((timer) => ['warning', 'breached'].includes(timer.state));

export function useAlerts(me) {
  // A click on a notification the service worker showed
  useEffect(() => {
    const opened = (event) => { if (event.data?.open) location.hash = event.data.open; };
    navigator.serviceWorker?.addEventListener('message', opened);
    return () => navigator.serviceWorker?.removeEventListener('message', opened);
  }, []);
  // What each of the agent's tickets looked like last time: only a change alerts
  const known = useRef(new Map()).current;
  useChanges(({ tickets, notifications }) => {
    if (!me) return;
    const quiet = !document.hidden || !alertsOn();
    for (const notice of notifications) {
      if (!quiet) show(t(`notifications.${notice.kind}`, { actor: notice.actor.name, number: notice.ticket_number, subject: '' }).trim(), notice.subject, notice.ticket_id);
    }
    for (const ticket of tickets) {
      if (ticket.live) continue; // a pushed event: the whole ticket follows from GET /api/changes
      if (ticket.assignee_id !== me.agent_id) { known.delete(ticket.id); continue; }
      const before = known.get(ticket.id);
      known.set(ticket.id, { wrote: ticket.last_customer_message_at, warned: warned(ticket) });
      if (quiet || !before) continue;
      if (ticket.last_customer_message_at && ticket.last_customer_message_at !== before.wrote) {
        show(t('alerts.customer_wrote', { number: ticket.number }), ticket.subject, ticket.id);
      } else if (warned(ticket) && !before.warned) {
        show(t('alerts.sla', { number: ticket.number }), ticket.subject, ticket.id);
      }
    }
  }, [me?.agent_id]);
}

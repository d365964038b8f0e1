// Notifications: the header's bell (assignments and mentions) and its toasts.
import { html, useState, useEffect } from '../../vendor/preact-htm.js';
import { api } from '../api.js';
import { t, formatTime } from '../i18n.js';
import { useChanges } from '../live.js';

const TOAST_MS = 6000;

const after = (a, b) => !b || new Date(a).getTime() > new Date(b).getTime();

function notificationText(n) {
  return t(`notifications.${n.kind}`, { actor: n.actor.name || n.actor.kind, number: n.ticket_number, subject: n.subject });
}

export function Bell() {
  const [items, setItems] = useState([]);
  const [readThrough, setReadThrough] = useState(null);
  const [open, setOpen] = useState(false);
  // What was unread when the panel opened stays marked until it closes (opening
  // marks everything read on the server; the agent still sees what was new).
  const [newSince, setNewSince] = useState(null);
  const [toast, setToast] = useState('');
  useEffect(() => {
    api.notifications().then((answer) => {
      setItems(answer.notifications);
      setReadThrough(answer.read_through);
    }).catch(() => {});
  }, []);
  useEffect(() => {
    if (!toast) return undefined;
    const timer = setTimeout(() => setToast(''), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast]);
  useChanges((changes) => {
    if (!changes.notifications.length) return;
    setItems((old) => {
      const known = new Set(old.map((n) => n.id));
      return [...changes.notifications.filter((n) => !known.has(n.id)), ...old]
        .sort((a, b) => new Date(b.at) - new Date(a.at)).slice(0, 30);
    });
    setToast(notificationText(changes.notifications[0]));
  }, []);
  const unread = items.filter((n) => after(n.at, readThrough)).length;
  const toggle = async () => {
    const opening = !open;
    if (opening) setNewSince(readThrough);
    setOpen(opening);
    if (opening && unread > 0) {
      try {
        setReadThrough((await api.readNotifications(items[0].at)).read_through);
      } catch {
        // stays unread; the next opening tries again
      }
    }
  };
  return html`
    <div class="bell">
      <button type="button" aria-expanded=${open} aria-controls="notifications" onClick=${toggle}
        aria-label=${unread ? t('notifications.unread', { count: unread }) : t('notifications.title')}>
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z"/>
        </svg>${unread > 0 && html`<span class="badge" aria-hidden="true">${unread}</span>`}</button>
      ${open && html`
        <section id="notifications" class="notifications" aria-label=${t('notifications.title')}>
          ${items.length === 0 ? html`<p class="muted">${t('notifications.none')}</p>`
            : html`<ul>${items.map((n) => html`
              <li class=${after(n.at, newSince) ? 'unread' : ''}>
                <a href=${`#/tickets/${n.ticket_id}`} onClick=${() => setOpen(false)}>${notificationText(n)}</a>
                <time datetime=${n.at}>${formatTime(n.at)}</time></li>`)}</ul>`}
        </section>`}
      <p class="toast" role="status">${toast}</p>
    </div>`;
}

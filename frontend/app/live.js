// Live updates: one poller asks the API what changed (GET /api/changes); views
// reload only when it concerns them, and the bell hears of new notifications.
import { useState, useEffect } from '../vendor/preact-htm.js';
import { api } from './api.js';

const LIVE_MS = 2000; // how often the console asks what changed (GET /api/changes)

const LIVE_EVENT = 'atiende:changes';

export function useLiveChanges(signedIn) {
  useEffect(() => {
    if (!signedIn) return undefined;
    let stopped = false;
    let timer;
    let since = null;
    const seenTickets = new Map(); // id → version: answers overlap by a few seconds
    const seenNotifications = new Set();
    const tick = async () => {
      try {
        const answer = await api.changes(since);
        const tickets = answer.tickets.filter((ticket) => seenTickets.get(ticket.id) !== ticket.version);
        tickets.forEach((ticket) => seenTickets.set(ticket.id, ticket.version));
        const fresh = answer.notifications.filter((n) => !seenNotifications.has(n.id));
        fresh.forEach((n) => seenNotifications.add(n.id));
        const reload = since !== null && !answer.complete;
        since = answer.until;
        if (tickets.length || fresh.length || reload) {
          dispatchEvent(new CustomEvent(LIVE_EVENT, { detail: { tickets, notifications: fresh, reload } }));
        }
      } catch {
        // offline for a moment: the next tick asks again from the same moment
      } finally {
        if (!stopped) timer = setTimeout(tick, document.hidden ? LIVE_MS * 5 : LIVE_MS);
      }
    };
    tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [signedIn]);
}

export function useChanges(handler, deps) {
  useEffect(() => {
    const listener = (event) => handler(event.detail);
    addEventListener(LIVE_EVENT, listener);
    return () => removeEventListener(LIVE_EVENT, listener);
  }, deps);
}

export const anyTicketMoved = (changes) => changes.reload || changes.tickets.length > 0;

// Load now, again every `everyMs`, and whenever a live change matters (`when`);
// never two loads at once.
export function usePolling(load, deps, everyMs, when = anyTicketMoved) {
  useEffect(() => {
    let stopped = false;
    let timer;
    let running = false;
    let again = false;
    const run = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      clearTimeout(timer);
      try {
        await load();
      } catch {
        // shown by the view itself where it matters; the next run tries again
      } finally {
        running = false;
        if (!stopped) {
          if (again) {
            again = false;
            run();
          } else {
            timer = setTimeout(run, document.hidden ? everyMs * 5 : everyMs);
          }
        }
      }
    };
    const listener = (event) => {
      if (when(event.detail)) run();
    };
    addEventListener(LIVE_EVENT, listener);
    run();
    return () => {
      stopped = true;
      clearTimeout(timer);
      removeEventListener(LIVE_EVENT, listener);
    };
  }, deps);
}

export function useNow(everyMs = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, []);
  return now;
}

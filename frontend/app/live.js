// Live updates: one WebSocket to the help desk (its URL from /api/console-config)
// pushes small events — a ticket changed, a message added, who is on a ticket —
// and views reload only what concerns them. While the socket is down the console
// asks GET /api/changes no more often than every 30 s, reconnecting with backoff,
// and asks once after each (re)connect, so nothing said meanwhile is missed.
import { useState, useEffect } from '../vendor/preact-htm.js';
import { api, consoleConfig, freshToken } from './api.js';

const FALLBACK_MS = 30000; // polling while the socket is down: never more often
const RECONNECT_MS = [1000, 2000, 5000, 10000, 30000]; // backoff, then every 30 s
const PING_MS = 45000; // keeps the connection (and the agent's "online") alive
const HIDDEN_CATCH_UP_MS = 10000; // a hidden tab asks for whole tickets (desktop alerts)
const LIVE_SAFETY_MS = 60000; // while the socket is up, views reload on its events, and this often anyway

const LIVE_EVENT = 'atiende:changes';
const PRESENCE_EVENT = 'atiende:presence';

// The one socket, for whoever wants to send on it (presence) or know it is up
export const liveSocket = {
  socket: null,
  open() { return Boolean(this.socket && this.socket.readyState === WebSocket.OPEN); },
  send(message) {
    if (!this.open()) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  },
};

const announce = (detail) => dispatchEvent(new CustomEvent(LIVE_EVENT, { detail }));

export function useLiveChanges(signedIn) {
  useEffect(() => {
    if (!signedIn) return undefined;
    let stopped = false;
    let since = null;
    let socket = null;
    let attempt = 0;
    let reconnectTimer;
    let fallbackTimer;
    let pingTimer;
    let lastAsked = 0;
    let hiddenCatchUp;
    const seenTickets = new Map(); // id → version: answers and events overlap
    const seenNotifications = new Set();
    const ask = async () => {
      lastAsked = Date.now();
      try {
        const answer = await api.changes(since);
        const tickets = answer.tickets.filter((ticket) => seenTickets.get(ticket.id) !== ticket.version);
        tickets.forEach((ticket) => seenTickets.set(ticket.id, ticket.version));
        const fresh = answer.notifications.filter((n) => !seenNotifications.has(n.id));
        fresh.forEach((n) => seenNotifications.add(n.id));
        const reload = since !== null && !answer.complete;
        since = answer.until;
        if (tickets.length || fresh.length || reload) announce({ tickets, notifications: fresh, reload });
      } catch {
        // offline for a moment: the next ask starts from the same moment
      }
    };
    const fallback = () => {
      clearTimeout(fallbackTimer);
      if (stopped || liveSocket.open()) return;
      const wait = Math.max(0, lastAsked + FALLBACK_MS - Date.now());
      fallbackTimer = setTimeout(async () => {
        if (stopped || liveSocket.open()) return;
        await ask();
        fallback();
      }, wait);
    };
    const onEvent = (event) => {
      if (event.type === 'ticket.changed') {
        if (seenTickets.get(event.ticket_id) === event.version) return;
        seenTickets.set(event.ticket_id, event.version);
        // what the event says; views reload the rest through the API
        announce({ tickets: [{ ...event, id: event.ticket_id, live: true }], notifications: [], reload: false });
        if (document.hidden) {
          clearTimeout(hiddenCatchUp);
          hiddenCatchUp = setTimeout(ask, Math.max(0, lastAsked + HIDDEN_CATCH_UP_MS - Date.now()));
        }
      } else if (event.type === 'message.added' || event.type === 'message.changed') {
        announce({ tickets: [{ id: event.ticket_id, live: true }], notifications: [], reload: false });
      } else if (event.type === 'notification.added') {
        ask(); // the notification itself (the bell shows its text)
      } else if (event.type === 'live.reconnect') {
        attempt = 0;
        if (socket) socket.close(1000); // connect again: the rooms of what this agent now sees
      } else if (event.type === 'presence.changed' || event.type === 'presence.here') {
        dispatchEvent(new CustomEvent(PRESENCE_EVENT, { detail: event }));
      }
    };
    const connect = async () => {
      if (stopped) return;
      const [config, token] = await Promise.all([consoleConfig().catch(() => ({})), freshToken().catch(() => null)]);
      if (stopped) return;
      if (!config.live_socket_url || !token) {
        fallback(); // no socket here: polling alone, every 30 s
        return;
      }
      socket = new WebSocket(`${config.live_socket_url}?${new URLSearchParams({ token })}`);
      liveSocket.socket = socket;
      socket.onopen = () => {
        attempt = 0;
        clearTimeout(fallbackTimer);
        ask(); // catch up: whatever changed while the socket was down
        clearInterval(pingTimer);
        pingTimer = setInterval(() => liveSocket.send({ action: 'ping' }), PING_MS);
        dispatchEvent(new CustomEvent(PRESENCE_EVENT, { detail: { type: 'socket.open' } }));
      };
      socket.onmessage = (message) => {
        try {
          onEvent(JSON.parse(message.data));
        } catch {
          // not an event this console knows
        }
      };
      socket.onclose = () => {
        clearInterval(pingTimer);
        if (liveSocket.socket === socket) liveSocket.socket = null;
        if (stopped) return;
        fallback();
        const wait = RECONNECT_MS[Math.min(attempt, RECONNECT_MS.length - 1)];
        attempt += 1;
        reconnectTimer = setTimeout(connect, wait * (0.75 + Math.random() / 2));
      };
    };
    connect(); // its first ask comes when the socket opens (or, without one, at once)
    return () => {
      stopped = true;
      clearTimeout(reconnectTimer);
      clearTimeout(fallbackTimer);
      clearTimeout(hiddenCatchUp);
      clearInterval(pingTimer);
      if (socket) socket.close(1000);
      liveSocket.socket = null;
    };
  }, [signedIn]);
}

// Presence news from the socket (who arrived, left or started replying)
export function usePresenceEvents(handler, deps) {
  useEffect(() => {
    const listener = (event) => handler(event.detail);
    addEventListener(PRESENCE_EVENT, listener);
    return () => removeEventListener(PRESENCE_EVENT, listener);
  }, deps);
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
            // with the socket up, its events reload the view; the timer is only a safety net
            const every = liveSocket.open() ? Math.max(everyMs, LIVE_SAFETY_MS) : everyMs;
            timer = setTimeout(run, document.hidden ? every * 5 : every);
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

// Atiende agent console: sign in, inbox views, ticket page. Preact with htm,
// served as plain ES modules (no build step, no CDN).
import { html, render, useState, useEffect, useRef, useCallback } from '../vendor/preact-htm.js';
import { api, ApiError, session, signIn, signOut } from './api.js';
import { t, languages, language, setLanguage, formatTime, formatAge, formatDuration } from './i18n.js';

const LIVE_MS = 2000; // how often the console asks what changed (GET /api/changes)
const LIST_POLL_MS = 30000; // a full reload of the open view, in case a change was missed
const THREAD_POLL_MS = 10000; // delivery ticks change messages, not the ticket
const COUNTS_POLL_MS = 15000; // view counts: seven lists, so less often than the open view
const COUNTS_GAP_MS = 5000; // at most this often on changes
const PRESENCE_MS = 5000; // collision detection: the agent's presence on an open ticket
const TOAST_MS = 6000;
const UNSOLVED = 'new,open,pending,on_hold';
const VIEWS = [
  { id: 'mine', params: { assignee: 'me', status: UNSOLVED } },
  { id: 'unassigned', params: { assignee: 'none', status: 'new,open' } },
  { id: 'open', params: { status: UNSOLVED } },
  { id: 'breaching', params: { status: UNSOLVED }, filter: (ticket) => slaUrgency(ticket) !== null },
  { id: 'pending', params: { status: 'pending' } },
  { id: 'on_hold', params: { status: 'on_hold' } },
  { id: 'solved', params: { status: 'solved' } },
];
const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const WHATSAPP_WINDOW_MS = 24 * 3600 * 1000;
const BREACHING_SOON_MS = 60 * 60 * 1000;

// --- routing: #/view/<id> and #/tickets/<id> ------------------------------------------

function parseHash() {
  const [, kind, id] = (location.hash || '#/view/mine').split('/');
  if (kind === 'tickets' && id) return { ticketId: decodeURIComponent(id) };
  if (kind === 'search' && id) return { search: decodeURIComponent(id) };
  return { view: id || 'mine' };
}

function useHash() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const changed = () => setRoute(parseHash());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

// --- live updates: one poller asks what changed; views reload only when it concerns them

const LIVE_EVENT = 'atiende:changes';

function useLiveChanges(signedIn) {
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

function useChanges(handler, deps) {
  useEffect(() => {
    const listener = (event) => handler(event.detail);
    addEventListener(LIVE_EVENT, listener);
    return () => removeEventListener(LIVE_EVENT, listener);
  }, deps);
}

const anyTicketMoved = (changes) => changes.reload || changes.tickets.length > 0;

// Load now, again every `everyMs`, and whenever a live change matters (`when`);
// never two loads at once.
function usePolling(load, deps, everyMs, when = anyTicketMoved) {
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

function useNow(everyMs = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, []);
  return now;
}

// --- SLA -----------------------------------------------------------------------------

function runningTimers(ticket) {
  return (ticket.sla?.timers || []).filter((timer) => ['running', 'warning', 'breached'].includes(timer.state));
}

function slaUrgency(ticket, now = Date.now()) {
  const due = runningTimers(ticket)
    .map((timer) => new Date(timer.due_at).getTime())
    .filter((time) => !Number.isNaN(time));
  if (!due.length) return null;
  const soonest = Math.min(...due);
  return soonest - now <= BREACHING_SOON_MS ? soonest : null;
}

function SlaClock({ timer, now }) {
  if (!timer.due_at || ['met', 'missed', 'paused'].includes(timer.state)) {
    return html`<span class=${`sla sla-${timer.state}`}>${t(`sla.${timer.state}`)}</span>`;
  }
  const left = new Date(timer.due_at).getTime() - now;
  const text = left >= 0 ? t('sla.due_in', { time: formatDuration(left) }) : t('sla.overdue', { time: formatDuration(left) });
  const state = left < 0 ? 'breached' : timer.state;
  return html`<span class=${`sla sla-${state}`} role="timer">${text}</span>`;
}

function ListSla({ ticket, now }) {
  const timers = runningTimers(ticket).filter((timer) => timer.due_at);
  if (!timers.length) return html`<span class="muted">—</span>`;
  const first = timers.reduce((a, b) => (new Date(a.due_at) < new Date(b.due_at) ? a : b));
  return html`<${SlaClock} timer=${first} now=${now} />`;
}

// --- sign in -------------------------------------------------------------------------

function SignIn({ onSignedIn }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      await signIn(email.trim(), password);
      onSignedIn();
    } catch (problem) {
      setError(problem instanceof ApiError ? t('signin.failed') : t('error.network'));
    } finally {
      setBusy(false);
    }
  };
  return html`
    <main id="content" class="signin">
      <form onSubmit=${submit} aria-labelledby="signin-title">
        <h1 id="signin-title">${t('app.name')} · ${t('signin.title')}</h1>
        <label>${t('signin.email')}
          <input name="email" type="email" autocomplete="username" required value=${email}
                 onInput=${(e) => setEmail(e.target.value)} /></label>
        <label>${t('signin.password')}
          <input name="password" type="password" autocomplete="current-password" required value=${password}
                 onInput=${(e) => setPassword(e.target.value)} /></label>
        ${error && html`<p class="error" role="alert">${error}</p>`}
        <button type="submit" disabled=${busy}>${t('signin.submit')}</button>
        <${LanguagePicker} />
      </form>
    </main>`;
}

function LanguagePicker() {
  const [, redraw] = useState(0);
  return html`<label class="language">${t('language')}
    <select value=${language()} onChange=${(e) => { setLanguage(e.target.value); redraw((n) => n + 1); rerender(); }}>
      ${languages.map((code) => html`<option value=${code}>${code === 'es' ? 'Español' : 'English'}</option>`)}
    </select></label>`;
}

// --- inbox ---------------------------------------------------------------------------

function Inbox({ viewId, me }) {
  const view = VIEWS.find((v) => v.id === viewId) || VIEWS[0];
  // The list remembers which view it belongs to: right after a switch, the
  // previous view's tickets are never shown under the new view's name.
  const [loaded, setLoaded] = useState({ view: null, tickets: null });
  const tickets = loaded.view === view.id ? loaded.tickets : null;
  const [counts, setCounts] = useState({});
  const [selected, setSelected] = useState(0);
  const now = useNow(15000);

  useEffect(() => setSelected(0), [viewId]);
  usePolling(async () => {
    const page = await api.tickets({ ...view.params, limit: 100 });
    setLoaded({ view: view.id, tickets: view.filter ? page.tickets.filter(view.filter) : page.tickets });
  }, [viewId], LIST_POLL_MS);

  const countedAt = useRef(0);
  usePolling(async () => {
    countedAt.current = Date.now();
    const found = {};
    const pages = {}; // views with the same query ("all open", "breaching soon") share one request
    for (const v of VIEWS) {
      const key = JSON.stringify(v.params);
      pages[key] ??= await api.tickets({ ...v.params, limit: 100 });
      const page = pages[key];
      const list = v.filter ? page.tickets.filter(v.filter) : page.tickets;
      found[v.id] = page.cursor ? `${list.length}+` : String(list.length);
    }
    setCounts(found);
  }, [], COUNTS_POLL_MS, (changes) => anyTicketMoved(changes) && Date.now() - countedAt.current > COUNTS_GAP_MS);

  useEffect(() => {
    const keys = (event) => {
      if (event.target.closest('input, textarea, select') || !tickets?.length) return;
      if (event.key === 'j' || event.key === 'k') {
        // The focus follows the selection, so Enter opens it from anywhere and
        // screen readers announce the ticket.
        const next = Math.min(Math.max(selected + (event.key === 'j' ? 1 : -1), 0), tickets.length - 1);
        setSelected(next);
        document.querySelectorAll('table.tickets tbody tr')[next]?.querySelector('a')?.focus();
      }
      // On a link or a button, Enter is that control's own
      if (event.key === 'Enter' && !event.target.closest('a, button')) location.hash = `#/tickets/${tickets[selected].id}`;
    };
    addEventListener('keydown', keys);
    return () => removeEventListener('keydown', keys);
  }, [tickets, selected]);

  return html`
    <div class="inbox">
      <nav class="views" aria-label=${t('app.tagline')}>
        <ul>${VIEWS.map((v) => html`
          <li><a href=${`#/view/${v.id}`} aria-current=${v.id === view.id ? 'page' : undefined}>
            ${t(`view.${v.id}`)} <span class="count" data-view=${v.id}>${counts[v.id] ?? ''}</span></a></li>`)}
        </ul>
        <p class="shortcuts">${t('shortcuts')}</p>
      </nav>
      <main id="content" class="list" data-loaded=${tickets === null ? '' : view.id}>
        <h1>${t(`view.${view.id}`)}</h1>
        ${tickets === null ? html`<p>${t('loading')}</p>`
          : tickets.length === 0 ? html`<p class="muted">${t('list.empty')}</p>`
          : html`<${TicketTable} tickets=${tickets} me=${me} now=${now} selected=${selected} />`}
      </main>
    </div>`;
}

function agentName(me, agentId) {
  return me.team.find((agent) => agent.id === agentId)?.name || '—';
}

function problemText(problem) {
  const error = problem?.body?.error;
  if (!error) return t('error.network');
  const reasons = Array.isArray(error.detail) ? error.detail.map((d) => `${d.field}: ${d.reason}`).join('; ') : '';
  return reasons ? `${error.message[language()]} (${reasons})` : error.message[language()];
}

function TicketTable({ tickets, me, now, selected = -1 }) {
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

function SearchResults({ query, me }) {
  const [tickets, setTickets] = useState(null);
  const now = useNow(15000);
  useEffect(() => {
    setTickets(null);
    api.search(query).then((page) => setTickets(page.tickets)).catch(() => setTickets([]));
  }, [query]);
  return html`
    <main id="content" class="list search" data-loaded=${tickets === null ? '' : 'search'}>
      <h1>${t('search.results', { query })}</h1>
      ${tickets === null ? html`<p>${t('loading')}</p>`
        : tickets.length === 0 ? html`<p class="muted">${t('search.none')}</p>`
        : html`<${TicketTable} tickets=${tickets} me=${me} now=${now} />`}
    </main>`;
}

function SearchBox() {
  const [query, setQuery] = useState(parseHash().search || '');
  const submit = (event) => {
    event.preventDefault();
    if (query.trim()) location.hash = `#/search/${encodeURIComponent(query.trim())}`;
  };
  return html`<form role="search" class="search-box" onSubmit=${submit}>
    <input type="search" name="q" aria-label=${t('search.label')} placeholder=${t('search.placeholder')}
           value=${query} onInput=${(e) => setQuery(e.target.value)} />
  </form>`;
}

// --- ticket page ---------------------------------------------------------------------

const TICKS = { queued: '🕓', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '⚠' };

function MessageItem({ message }) {
  const outbound = message.kind === 'outbound';
  const label = message.kind === 'note' ? t('ticket.note') : t(`channel.${message.channel}`);
  return html`
    <li class=${`message message-${message.kind}`} data-message=${message.id}>
      <header>
        <strong>${message.author.name || message.author.kind}</strong>
        <span class="muted"> · ${label} · </span>
        <time datetime=${message.sent_at}>${formatTime(message.sent_at)}</time>
        ${outbound && html`<span class=${`ticks ticks-${message.delivery_status}`} role="img"
             title=${t(`delivery.${message.delivery_status}`)}
             aria-label=${t(`delivery.${message.delivery_status}`)}>${TICKS[message.delivery_status] || ''}</span>`}
      </header>
      ${message.html
        ? html`<div class="body" dangerouslySetInnerHTML=${{ __html: message.html }}></div>`
        : html`<div class="body plain">${message.text}</div>`}
      ${message.delivery_error && html`<p class="error">${message.delivery_error}</p>`}
      ${message.attachments.length > 0 && html`
        <ul class="attachments" aria-label=${t('ticket.attachments')}>
          ${message.attachments.map((file) => html`<li>📎 ${file.filename || file.key} <span class="muted">(${Math.ceil(file.size / 1024)} KB, ${file.content_type})</span></li>`)}
        </ul>`}
    </li>`;
}

function Composer({ thread, onSent, onDrafting }) {
  const ticket = thread.ticket;
  const [mode, setMode] = useState('reply');
  const [body, setBody] = useState('');
  const [cc, setCc] = useState('');
  const [statusAfter, setStatusAfter] = useState('');
  const [template, setTemplate] = useState('');
  const [templateLanguage, setTemplateLanguage] = useState('es');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const area = useRef(null);
  useEffect(() => onDrafting?.(body.trim() !== ''), [body.trim() !== '']);
  const windowClosed = ticket.channel === 'whatsapp' && (!ticket.last_customer_message_at
    || Date.now() - new Date(ticket.last_customer_message_at).getTime() > WHATSAPP_WINDOW_MS);

  useEffect(() => {
    const keys = (event) => {
      if (event.target.closest('input, textarea, select')) return;
      if (event.key === 'r' || event.key === 'n') {
        event.preventDefault();
        setMode(event.key === 'r' ? 'reply' : 'note');
        area.current?.focus();
      }
    };
    addEventListener('keydown', keys);
    return () => removeEventListener('keydown', keys);
  }, []);

  const send = async (event) => {
    event?.preventDefault();
    if (!body.trim() || busy) return;
    setBusy(true);
    setNotice('');
    try {
      if (mode === 'note') {
        await api.note(ticket.id, { body });
        setNotice(t('note.added'));
      } else {
        const draft = { body };
        if (statusAfter) draft.status = statusAfter;
        if (ticket.channel === 'email' && cc.trim()) draft.cc = cc.split(',').map((a) => a.trim()).filter(Boolean);
        if (windowClosed && template) draft.template = { name: template, language: templateLanguage, parameters: [] };
        await api.reply(ticket.id, draft);
        setNotice(t('reply.sent'));
      }
      setBody('');
      onSent();
    } catch (problem) {
      setNotice(problemText(problem));
    } finally {
      setBusy(false);
    }
  };

  return html`
    <form class=${`composer composer-${mode}`} onSubmit=${send}>
      <div role="tablist">
        <button type="button" role="tab" aria-selected=${mode === 'reply'} onClick=${() => setMode('reply')}>${t('reply.tab')}</button>
        <button type="button" role="tab" aria-selected=${mode === 'note'} onClick=${() => setMode('note')}>${t('note.tab')}</button>
      </div>
      ${mode === 'reply' && windowClosed && html`
        <div class="window-closed">
          <p role="note">${t('reply.window_closed')}</p>
          <label>${t('reply.template')} <input name="template" value=${template} pattern="[a-z0-9_]+" onInput=${(e) => setTemplate(e.target.value)} /></label>
          <label>${t('reply.template_language')} <input name="template_language" value=${templateLanguage} onInput=${(e) => setTemplateLanguage(e.target.value)} /></label>
        </div>`}
      ${mode === 'reply' && ticket.channel === 'email' && html`
        <label>${t('reply.cc')} <input name="cc" value=${cc} onInput=${(e) => setCc(e.target.value)} /></label>`}
      <label class="sr-only" for="composer-body">${mode === 'reply' ? t('reply.tab') : t('note.tab')}</label>
      <textarea id="composer-body" name="body" ref=${area} rows="5" value=${body}
        placeholder=${mode === 'reply' ? t('reply.placeholder') : t('note.placeholder')}
        onInput=${(e) => setBody(e.target.value)}
        onKeyDown=${(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send(e); }}></textarea>
      <div class="actions">
        ${mode === 'reply' && html`
          <label>${t('reply.status_after')}
            <select name="status_after" value=${statusAfter} onChange=${(e) => setStatusAfter(e.target.value)}>
              <option value="">${t('status.open')}</option>
              ${['pending', 'on_hold', 'solved'].map((s) => html`<option value=${s}>${t(`status.${s}`)}</option>`)}
            </select></label>`}
        <button type="submit" disabled=${busy || !body.trim()}>${mode === 'reply' ? t('reply.send') : t('note.add')}</button>
      </div>
      ${notice && html`<p class="notice" role="status">${notice}</p>`}
    </form>`;
}

function TicketFields({ thread, me, onChanged }) {
  const ticket = thread.ticket;
  const [notice, setNotice] = useState('');
  const change = async (changes) => {
    try {
      await api.update(ticket.id, { version: ticket.version, ...changes });
      setNotice(t('ticket.saved'));
    } catch (problem) {
      setNotice(problem.status === 409 ? t('ticket.conflict') : problemText(problem));
    }
    onChanged();
  };
  const applyMacro = async (macroId) => {
    if (!macroId) return;
    const macro = me.macros.find((m) => m.id === macroId);
    try {
      await api.applyMacro(ticket.id, macroId);
      setNotice(t('macro.applied', { name: macro?.name || macroId }));
    } catch (problem) {
      setNotice(problemText(problem));
    }
    onChanged();
  };
  return html`
    <section class="fields" aria-label=${t('list.status')}>
      <label>${t('list.status')}
        <select name="status" value=${ticket.status} onChange=${(e) => change({ status: e.target.value })}>
          ${STATUSES.map((s) => html`<option value=${s}>${t(`status.${s}`)}</option>`)}
        </select></label>
      <label>${t('list.priority')}
        <select name="priority" value=${ticket.priority} onChange=${(e) => change({ priority: e.target.value })}>
          ${PRIORITIES.map((p) => html`<option value=${p}>${t(`priority.${p}`)}</option>`)}
        </select></label>
      <label>${t('ticket.group')}
        <select name="group" value=${ticket.group_id || ''} onChange=${(e) => change({ group_id: e.target.value || null })}>
          <option value="">${t('ticket.none')}</option>
          ${[...new Set([...(me.group_ids || []), ticket.group_id].filter(Boolean))].map((g) => html`<option value=${g}>${g}</option>`)}
        </select></label>
      ${me.role !== 'agent' && html`
        <label>${t('list.assignee')}
          <select name="assignee" value=${ticket.assignee_id || ''} onChange=${(e) => change({ assignee_id: e.target.value || null })}>
            <option value="">${t('list.unassigned')}</option>
            ${me.team.map((agent) => html`<option value=${agent.id}>${agent.name}</option>`)}
          </select></label>`}
      ${me.role === 'agent' && ticket.assignee_id && ticket.assignee_id !== me.agent_id
        && html`<span class="muted">${t('list.assignee')}: ${agentName(me, ticket.assignee_id)}</span>`}
      ${ticket.assignee_id === me.agent_id
        ? html`<button type="button" onClick=${() => change({ assignee_id: null })}>${t('ticket.release')}</button>`
        : html`<button type="button" onClick=${() => change({ assignee_id: me.agent_id })}>${t('ticket.take')}</button>`}
      ${me.macros.length > 0 && ticket.status !== 'closed' && html`
        <label>${t('macro.apply')}
          <select name="macro" value="" onChange=${(e) => applyMacro(e.target.value)}>
            <option value="">${t('macro.choose')}</option>
            ${me.macros.map((macro) => html`<option value=${macro.id}>${macro.name}</option>`)}
          </select></label>`}
      ${notice && html`<p class="notice" role="status">${notice}</p>`}
    </section>`;
}

function SidePanel({ thread, me, onChanged }) {
  const now = useNow();
  const { ticket, contact } = thread;
  const [notice, setNotice] = useState('');
  const [past, setPast] = useState(null);
  useEffect(() => {
    api.contact(ticket.contact_id)
      .then((history) => setPast(history.tickets.filter((other) => other.id !== ticket.id)))
      .catch(() => setPast([]));
  }, [ticket.id]);
  const acknowledge = async (breach) => {
    try {
      await api.acknowledge(ticket.id, breach.id);
      setNotice(t('sla.acknowledged'));
    } catch (problem) {
      setNotice(problemText(problem));
    }
    onChanged();
  };
  return html`
    <aside class="side">
      <section aria-labelledby="contact-title">
        <h2 id="contact-title">${t('ticket.contact')}</h2>
        ${contact && html`
          <p><strong>${contact.name || '—'}</strong></p>
          <p>${t('ticket.country')}: ${contact.country || '—'}</p>
          <ul aria-label=${t('ticket.identities')}>${contact.identities.map((i) => html`<li>${i.kind}: ${i.value}</li>`)}</ul>`}
        <h3>${t('ticket.past')}</h3>
        ${past === null ? html`<p>${t('loading')}</p>`
          : past.length === 0 ? html`<p class="muted">${t('ticket.past_none')}</p>`
          : html`<ul class="past">${past.map((other) => html`
              <li><a href=${`#/tickets/${other.id}`}>#${other.number} ${other.subject || '—'}</a>
                <span class="muted"> · ${t(`status.${other.status}`)}</span></li>`)}</ul>`}
      </section>
      ${ticket.sla && html`
        <section aria-labelledby="sla-title" class="sla-panel">
          <h2 id="sla-title">${t('sla.title')}</h2>
          <p class="muted">${t('sla.policy')}: ${ticket.sla.policy_name}</p>
          <ul>${ticket.sla.timers.map((timer) => html`
            <li data-metric=${timer.metric}>${t(`sla.${timer.metric}`)}: <${SlaClock} timer=${timer} now=${now} /></li>`)}
          </ul>
          ${thread.breaches.filter((b) => b.awaiting_acknowledgment).map((breach) => html`
            <p class="escalated">${t('sla.escalated')}
              ${me.role !== 'agent' && html` <button type="button" onClick=${() => acknowledge(breach)}>${t('sla.acknowledge')}</button>`}</p>`)}
          ${notice && html`<p class="notice" role="status">${notice}</p>`}
        </section>`}
      <section aria-labelledby="history-title">
        <h2 id="history-title">${t('ticket.history')}</h2>
        <ol class="events">${thread.events.map((event) => html`
          <li><time datetime=${event.at}>${formatTime(event.at)}</time> · ${event.actor.name || event.actor.kind}
            ${' '}${t(`event.${event.kind}`)}${event.changes.length > 0 && html`: ${event.changes.map((c) => `${c.field} → ${c.new ?? '—'}`).join(', ')}`}</li>`)}
        </ol>
      </section>
    </aside>`;
}

// Collision detection: tell the server this agent is here (viewing, or replying
// while a draft has text) and learn who else is.
function usePresence(ticketId) {
  const [present, setPresent] = useState([]);
  const activity = useRef('viewing');
  const beatNow = useRef(() => {});
  useEffect(() => {
    let stopped = false;
    let timer;
    const beat = async () => {
      clearTimeout(timer);
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
      api.leave(ticketId).catch(() => {});
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

function TicketPage({ ticketId, me }) {
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
  const [present, drafting] = usePresence(ticketId);

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
        <p class="meta"><span class=${`channel channel-${ticket.channel}`}>${t(`channel.${ticket.channel}`)}</span>
          <span class=${`status status-${ticket.status}`}>${t(`status.${ticket.status}`)}</span>
          <span class=${`priority priority-${ticket.priority}`}>${t(`priority.${ticket.priority}`)}</span>
          ${ticket.tags.map((tag) => html`<span class="tag">${tag}</span>`)}</p>
        ${present.length > 0 && html`
          <div class="collision" role="status">${present.map((p) => html`
            <p class=${`presence presence-${p.activity}`}>${t(`presence.${p.activity}`, { name: p.name })}</p>`)}
          </div>`}
        <${TicketFields} thread=${thread} me=${me} onChanged=${load} />
        <ol class="thread" aria-live="polite">${thread.messages.map((message) => html`<${MessageItem} message=${message} />`)}</ol>
        ${ticket.status !== 'closed' && html`<${Composer} thread=${thread} onSent=${load} onDrafting=${drafting} />`}
      </main>
      <${SidePanel} thread=${thread} me=${me} onChanged=${load} />
    </div>`;
}

// --- notifications ---------------------------------------------------------------------

const after = (a, b) => !b || new Date(a).getTime() > new Date(b).getTime();

function notificationText(n) {
  return t(`notifications.${n.kind}`, { actor: n.actor.name || n.actor.kind, number: n.ticket_number, subject: n.subject });
}

function Bell() {
  const [items, setItems] = useState([]);
  const [readThrough, setReadThrough] = useState(null);
  const [open, setOpen] = useState(false);
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
              <li class=${after(n.at, readThrough) ? 'unread' : ''}>
                <a href=${`#/tickets/${n.ticket_id}`} onClick=${() => setOpen(false)}>${notificationText(n)}</a>
                <time datetime=${n.at}>${formatTime(n.at)}</time></li>`)}</ul>`}
        </section>`}
      <p class="toast" role="status">${toast}</p>
    </div>`;
}

// --- shell ---------------------------------------------------------------------------

// The hash is the route, so "skip to content" moves the focus instead of following #content
function skipToContent(event) {
  const content = document.getElementById('content');
  if (!content) return;
  event.preventDefault();
  content.tabIndex = -1;
  content.focus();
}

function App() {
  const [signedIn, setSignedIn] = useState(Boolean(session()));
  const [me, setMe] = useState(null);
  const route = useHash();
  useLiveChanges(signedIn);

  useEffect(() => {
    if (!signedIn) return;
    Promise.all([api.me(), api.agents(), api.macros()])
      .then(([who, team, saved]) => setMe({ ...who, team: team.agents, macros: saved.macros }))
      .catch(() => { signOut(); setSignedIn(false); });
  }, [signedIn]);

  if (!signedIn) return html`<${SignIn} onSignedIn=${() => setSignedIn(true)} />`;
  if (!me) return html`<p>${t('loading')}</p>`;
  return html`
    <a class="skip" href="#content" onClick=${skipToContent}>${t('skip')}</a>
    <header class="top">
      <a class="brand" href="#/view/mine">${t('app.name')}</a>
      <${SearchBox} />
      <span class="live" role="img" aria-label=${t('live')} title=${t('live')}>●</span>
      <${Bell} />
      <span class="who">${me.name} · ${me.role}</span>
      <${LanguagePicker} />
      <button type="button" onClick=${() => { signOut(); setSignedIn(false); }}>${t('signout')}</button>
    </header>
    ${route.ticketId ? html`<${TicketPage} ticketId=${route.ticketId} me=${me} />`
      : route.search ? html`<${SearchResults} query=${route.search} me=${me} />`
      : html`<${Inbox} viewId=${route.view} me=${me} />`}`;
}

const root = document.getElementById('app');
function rerender() {
  render(html`<${App} key=${language()} />`, root);
}
rerender();

// Atiende agent console: sign in, inbox views, ticket page. Preact with htm,
// served as plain ES modules (no build step, no CDN).
import { html, render, useState, useEffect, useRef, useCallback } from '../vendor/preact-htm.js';
import { api, ApiError, session, signIn, signOut } from './api.js';
import { t, languages, language, setLanguage, formatTime, formatAge, formatDuration, formatSize } from './i18n.js';

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

// --- routing: #/view/<id>, #/tickets/<id>, #/search/<query> and #/admin/<section> -----

function parseHash() {
  const [, kind, id] = (location.hash || '#/view/mine').split('/');
  if (kind === 'tickets' && id) return { ticketId: decodeURIComponent(id) };
  if (kind === 'search' && id) return { search: decodeURIComponent(id) };
  if (kind === 'admin') return { admin: id || 'agents' };
  return { view: id || 'mine' };
}

function useHash() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const changed = () => setRoute(parseHash());
    addEventListener('hashchange', changed);
    changed(); // a change between the first render and now would be missed otherwise
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
  // The selection is a ticket, not a row: when a live change reorders the
  // list, the highlight stays on the ticket the agent chose.
  const [selectedId, setSelectedId] = useState(null);
  const found = tickets ? tickets.findIndex((ticket) => ticket.id === selectedId) : -1;
  const selected = found >= 0 ? found : 0;
  const now = useNow(15000);

  useEffect(() => setSelectedId(null), [viewId]);
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

  // Keys read the list and selection as they are at the key press, not as
  // they were at the last render: two quick presses of j move twice.
  const latest = useRef({});
  latest.current.tickets = tickets;
  latest.current.selectedId = selectedId;
  useEffect(() => {
    const keys = (event) => {
      const { tickets: list, selectedId: chosen } = latest.current;
      if (event.target.closest('input, textarea, select') || !list?.length) return;
      const index = Math.max(list.findIndex((ticket) => ticket.id === chosen), 0);
      if (event.key === 'j' || event.key === 'k') {
        // The focus follows the selection, so Enter opens it from anywhere and
        // screen readers announce the ticket.
        const next = list[Math.min(Math.max(index + (event.key === 'j' ? 1 : -1), 0), list.length - 1)];
        latest.current.selectedId = next.id;
        setSelectedId(next.id);
        document.querySelector(`table.tickets tbody tr[data-ticket="${next.id}"] a`)?.focus();
      }
      // On a link or a button, Enter is that control's own
      if (event.key === 'Enter' && !event.target.closest('a, button')) location.hash = `#/tickets/${list[index].id}`;
    };
    addEventListener('keydown', keys);
    return () => removeEventListener('keydown', keys);
  }, []);

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

// --- files on messages: previews of pictures, downloads by a short-lived link -------

const PREVIEW_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
const FILE_LIMIT = 4 * 1024 * 1024; // what the API previews and takes as an upload
const REPLY_FILES = 10; // files one reply may carry

const previewable = (file) => PREVIEW_TYPES.includes(file.content_type) && file.size <= FILE_LIMIT;

// The download address is on the file store (another origin) and answers
// "attachment": the browser saves the file and the console stays where it is.
async function download(ticketId, messageId, index) {
  const { url, filename } = await api.attachmentLink(ticketId, messageId, index);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename || '';
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  return filename;
}

// A picture's bytes from the API as an object URL (never the file store's
// address), typed as the server found it, let go when the message leaves the page
function Thumbnail({ message, index, file, name }) {
  const [url, setUrl] = useState(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let current = true;
    let made = null;
    setUrl(null);
    setFailed(false);
    api.attachmentBytes(message.ticket_id, message.id, index)
      .then((bytes) => {
        if (!current) return;
        made = URL.createObjectURL(new Blob([bytes], { type: file.content_type }));
        setUrl(made);
      })
      .catch(() => { if (current) setFailed(true); });
    return () => {
      current = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [message.ticket_id, message.id, index, file.key]);
  if (failed) return html`<span class="thumb-missing muted">${t('attachment.no_preview')}</span>`;
  if (!url) return html`<span class="thumb thumb-loading" aria-hidden="true"></span>`;
  return html`<img class="thumb" src=${url} alt=${name} />`;
}

function MessageFiles({ message }) {
  const [notice, setNotice] = useState({ text: '', error: false });
  const original = message.channel === 'email' && message.original ? message.original : null;
  if (!message.attachments.length && !original) return null;
  const get = async (index, name) => {
    setNotice({ text: '', error: false });
    try {
      const saved = await download(message.ticket_id, message.id, index);
      setNotice({ text: t('attachment.downloading', { name: saved || name }), error: false });
    } catch (problem) {
      setNotice({ text: problemText(problem), error: true });
    }
  };
  return html`
    <div class="files">
      ${message.attachments.length > 0 && html`
        <ul class="attachments" aria-label=${t('ticket.attachments')}>
          ${message.attachments.map((file, index) => {
            const name = file.filename || file.key.split('/').pop();
            return html`<li class="attachment" data-index=${index}>
              ${previewable(file) && html`<${Thumbnail} message=${message} index=${String(index)} file=${file} name=${name} />`}
              <span class="file-info"><span class="file-name">${name}</span>
                <span class="muted">${formatSize(file.size)} · ${file.content_type}</span></span>
              <button type="button" class="secondary small" onClick=${() => get(String(index), name)}>
                ${t('attachment.download')}<span class="sr-only"> ${name}</span></button>
            </li>`;
          })}
        </ul>`}
      ${original && html`
        <button type="button" class="secondary small original" onClick=${() => get('original', original.filename)}>
          ${t('attachment.original')}</button>`}
      <p class=${notice.error ? 'error file-notice' : 'muted file-notice'} role="status">${notice.text}</p>
    </div>`;
}

function mentionedNames(message, me) {
  const notice = message.notices?.find((n) => n.key === 'mentions');
  if (!notice || !me) return '';
  return (notice.params.agent_ids || '').split(',').filter(Boolean).map((id) => agentName(me, id)).join(', ');
}

function MessageItem({ message, me }) {
  const outbound = message.kind === 'outbound';
  const label = message.kind === 'note' ? t('ticket.note') : t(`channel.${message.channel}`);
  const mentioned = message.kind === 'note' ? mentionedNames(message, me) : '';
  return html`
    <li class=${`message message-${message.kind}`} data-message=${message.id}>
      <header>
        <strong>${actorName(message.author)}</strong>
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
      ${mentioned && html`<p class="mentioned">${t('note.mentioned', { names: mentioned })}</p>`}
      <${MessageFiles} message=${message} />
    </li>`;
}

// --- the reply box's helpers: files, WhatsApp templates, mentions --------------------

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

const PARAMETER = /\{\{(\d{1,2})\}\}/g;
const templateKey = (template) => `${template.name}|${template.language}`;
// The template's parameters ({{1}}, {{2}}…), each once, in order
const templateParameters = (body) => [...new Set([...body.matchAll(PARAMETER)].map((m) => Number(m[1])))].sort((a, b) => a - b);
const fillTemplate = (body, values) => body.replace(PARAMETER, (whole, n) => (values[n] || '').trim() || whole);

function TemplatePreview({ body, values }) {
  const parts = [];
  let last = 0;
  for (const found of body.matchAll(PARAMETER)) {
    parts.push(body.slice(last, found.index));
    const value = (values[found[1]] || '').trim();
    parts.push(value ? html`<mark>${value}</mark>` : html`<span class="placeholder">${found[0]}</span>`);
    last = found.index + found[0].length;
  }
  parts.push(body.slice(last));
  return html`<div class="template-preview" role="group" aria-labelledby="template-preview-title">
    <span id="template-preview-title" class="hint">${t('reply.template_preview')}</span>
    <p>${parts}</p></div>`;
}

// "@" and the start of a name (accents and case aside) offers the active agents it fits
const MENTION = /(?:^|\s)@([\p{L}\p{M}][\p{L}\p{M}'’. -]{0,40})$/u;
const fold = (text) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

// Who can open the ticket, as the server's access rules say: a mention is worth
// nothing to someone else (and would show them the ticket's subject)
const canSee = (agent, ticket) => agent.role === 'admin' || !ticket.group_id
  || (agent.group_ids || []).includes(ticket.group_id) || ticket.assignee_id === agent.id;

function mentionOptions(team, ticket, query) {
  const wanted = fold(query);
  return team.filter((agent) => agent.active !== false && agent.name && canSee(agent, ticket))
    .filter((agent) => fold(agent.name).startsWith(wanted) || fold(agent.name).split(/\s+/).some((word) => word.startsWith(wanted)))
    .slice(0, 8);
}

function Composer({ thread, me, onSent, onDrafting }) {
  const ticket = thread.ticket;
  const [mode, setMode] = useState('reply');
  const [body, setBody] = useState('');
  const [cc, setCc] = useState('');
  const [statusAfter, setStatusAfter] = useState('');
  const [template, setTemplate] = useState('');
  const [templateLanguage, setTemplateLanguage] = useState('es');
  const [templateId, setTemplateId] = useState('');
  const [values, setValues] = useState({});
  const [files, setFiles] = useState([]); // {id, name, size, type, key (null while uploading)}
  const [fileNotice, setFileNotice] = useState({ text: '', error: false });
  const [mention, setMention] = useState(null); // {start, end, options, active} while the list is open
  const [picked, setPicked] = useState([]); // agents chosen from the list: {id, name}
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const area = useRef(null);
  const picker = useRef(null);
  const fileCount = useRef(0);
  fileCount.current = files.length;
  const windowClosed = ticket.channel === 'whatsapp' && (!ticket.last_customer_message_at
    || Date.now() - new Date(ticket.last_customer_message_at).getTime() > WHATSAPP_WINDOW_MS);
  const catalog = me?.templates || [];
  const useCatalog = mode === 'reply' && windowClosed && catalog.length > 0;
  const chosen = useCatalog ? catalog.find((tpl) => templateKey(tpl) === templateId) || null : null;
  const parameters = chosen ? templateParameters(chosen.body) : [];
  const templateReady = Boolean(chosen) && parameters.every((n) => (values[n] || '').trim());
  const uploading = files.some((file) => !file.key);
  const withFiles = mode === 'reply' && ticket.channel === 'email';
  const ready = useCatalog ? templateReady : body.trim() !== '';
  const drafting = body.trim() !== '' || Boolean(chosen);
  useEffect(() => onDrafting?.(drafting), [drafting]); // (one composer per ticket: TicketPage keys it)

  useEffect(() => {
    const keys = (event) => {
      if (event.target.closest('input, textarea, select')) return;
      if (event.key === 'r' || event.key === 'n') {
        event.preventDefault();
        setMode(event.key === 'r' ? 'reply' : 'note');
        area.current?.focus();
        // a template reply has no text box: its picker takes the focus once shown
        setTimeout(() => { if (!document.activeElement?.closest('.composer')) (area.current || picker.current)?.focus(); });
      }
    };
    addEventListener('keydown', keys);
    return () => removeEventListener('keydown', keys);
  }, []);

  const attach = (event) => {
    const chosenFiles = [...event.target.files];
    event.target.value = ''; // the same file can be chosen again after removing it
    const problems = [];
    let room = REPLY_FILES - fileCount.current;
    for (const file of chosenFiles) {
      if (file.size > FILE_LIMIT) {
        problems.push(t('reply.too_large', { name: file.name }));
        continue;
      }
      if (file.size === 0) {
        problems.push(t('reply.empty_file', { name: file.name }));
        continue;
      }
      if (room <= 0) {
        problems.push(t('reply.too_many', { count: REPLY_FILES }));
        break;
      }
      room -= 1;
      const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const type = file.type || 'application/octet-stream';
      setFiles((list) => [...list, { id, name: file.name, size: file.size, type, key: null }]);
      readBase64(file)
        .then((data) => api.upload(ticket.id, { filename: file.name, content_type: type, data }))
        .then((stored) => {
          setFiles((list) => list.map((f) => (f.id === id ? { ...f, key: stored.key, size: stored.size, type: stored.content_type } : f)));
          setFileNotice({ text: t('reply.uploaded', { name: file.name }), error: false });
        })
        .catch((problem) => {
          setFiles((list) => list.filter((f) => f.id !== id));
          setFileNotice({ text: t('reply.upload_failed', { name: file.name, reason: problemText(problem) }), error: true });
        });
    }
    setFileNotice(problems.length ? { text: problems.join(' '), error: true } : { text: '', error: false });
  };
  const removeFile = (file) => {
    setFiles((list) => list.filter((f) => f.id !== file.id));
    setFileNotice({ text: t('reply.file_removed', { name: file.name }), error: false });
    document.getElementById('composer-files')?.focus(); // the button is gone: back to choosing files
  };

  const typed = (event) => {
    const text = event.target.value;
    setBody(text);
    if (mode !== 'note') return;
    const caret = event.target.selectionStart ?? text.length;
    const found = MENTION.exec(text.slice(0, caret));
    const options = found ? mentionOptions(me?.team || [], ticket, found[1]) : [];
    setMention(options.length ? { start: caret - found[1].length - 1, end: caret, options, active: 0 } : null);
  };
  const pickMention = (agent) => {
    if (!mention) return;
    const before = body.slice(0, mention.start);
    const inserted = `@${agent.name} `;
    setBody(before + inserted + body.slice(mention.end).replace(/^ /, ''));
    setPicked((list) => [...list.filter((a) => a.id !== agent.id), { id: agent.id, name: agent.name }]);
    setMention(null);
    const caret = before.length + inserted.length;
    setTimeout(() => {
      area.current?.focus();
      area.current?.setSelectionRange(caret, caret);
    });
  };
  const keyDown = (event) => {
    if (mention) {
      const count = mention.options.length;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setMention({ ...mention, active: (mention.active + step + count) % count });
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
        event.preventDefault();
        pickMention(mention.options[mention.active]);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        setMention(null);
        return;
      }
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) send(event);
  };

  const send = async (event) => {
    event?.preventDefault();
    if (!(mode === 'note' ? body.trim() : ready) || busy || (mode === 'reply' && uploading)) return;
    setBusy(true);
    setNotice('');
    try {
      if (mode === 'note') {
        const mentions = picked.filter((agent) => body.includes(`@${agent.name}`)).map((agent) => agent.id);
        await api.note(ticket.id, mentions.length ? { body, mentions } : { body });
        setNotice(t('note.added'));
        setPicked([]);
        setMention(null);
      } else {
        // a template goes as approved, with its values: the thread shows the text filled in
        const draft = { body: chosen ? fillTemplate(chosen.body, values) : body };
        if (statusAfter) draft.status = statusAfter;
        if (ticket.channel === 'email' && cc.trim()) draft.cc = cc.split(',').map((a) => a.trim()).filter(Boolean);
        if (chosen) {
          draft.template = { name: chosen.name, language: chosen.language, parameters: parameters.map((n) => values[n].trim()) };
        } else if (windowClosed && template) {
          draft.template = { name: template, language: templateLanguage, parameters: [] };
        }
        if (withFiles && files.length) draft.attachments = files.map((file) => ({ key: file.key, filename: file.name }));
        await api.reply(ticket.id, draft);
        setNotice(t('reply.sent'));
        if (withFiles) {
          setFiles([]);
          setFileNotice({ text: '', error: false });
        }
        if (chosen) {
          setTemplateId('');
          setValues({});
        }
      }
      setBody('');
      onSent();
    } catch (problem) {
      setNotice(problemText(problem));
    } finally {
      setBusy(false);
    }
  };

  const noting = mode === 'note';
  return html`
    <form class=${`composer composer-${mode}`} onSubmit=${send}>
      <div role="tablist">
        <button type="button" role="tab" aria-selected=${mode === 'reply'} onClick=${() => { setMode('reply'); setMention(null); }}>${t('reply.tab')}</button>
        <button type="button" role="tab" aria-selected=${mode === 'note'} onClick=${() => setMode('note')}>${t('note.tab')}</button>
      </div>
      ${mode === 'reply' && windowClosed && html`
        <div class="window-closed">
          <p role="note">${t('reply.window_closed')}</p>
          ${useCatalog ? html`
            <label>${t('reply.template')}
              <select id="composer-template" name="template" ref=${picker} value=${templateId}
                onChange=${(e) => { setTemplateId(e.target.value); setValues({}); }}>
                <option value="">${t('reply.choose_template')}</option>
                ${catalog.map((tpl) => html`<option value=${templateKey(tpl)}>
                  ${t('reply.template_option', { label: tpl.label, language: tOr(`language.${tpl.language}`, tpl.language) })}</option>`)}
              </select></label>
            ${chosen && html`
              <div class="template-values">
                ${parameters.map((n) => html`
                  <label>${t('reply.template_parameter', { placeholder: `{{${n}}}` })}
                    <input name=${`template_param_${n}`} maxlength="1024" autocomplete="off" value=${values[n] || ''}
                      onInput=${(e) => setValues((old) => ({ ...old, [n]: e.target.value }))} /></label>`)}
              </div>
              <${TemplatePreview} body=${chosen.body} values=${values} />
              ${!templateReady && html`<p class="hint">${t('reply.template_missing')}</p>`}`}` : html`
            <label>${t('reply.template')} <input name="template" value=${template} pattern="[a-z0-9_]+" onInput=${(e) => setTemplate(e.target.value)} /></label>
            <label>${t('reply.template_language')} <input name="template_language" value=${templateLanguage} onInput=${(e) => setTemplateLanguage(e.target.value)} /></label>`}
        </div>`}
      ${mode === 'reply' && ticket.channel === 'email' && html`
        <label>${t('reply.cc')} <input name="cc" value=${cc} onInput=${(e) => setCc(e.target.value)} /></label>`}
      ${!useCatalog && html`
        <label class="sr-only" for="composer-body">${mode === 'reply' ? t('reply.tab') : t('note.tab')}</label>
        <textarea id="composer-body" name="body" ref=${area} rows="5" value=${body}
          placeholder=${mode === 'reply' ? t('reply.placeholder') : t('note.placeholder')}
          aria-autocomplete=${noting ? 'list' : undefined}
          aria-controls=${noting && mention ? 'mention-list' : undefined}
          aria-activedescendant=${noting && mention ? `mention-option-${mention.active}` : undefined}
          aria-describedby=${noting ? 'mention-hint' : undefined}
          onInput=${typed} onKeyDown=${keyDown} onBlur=${() => setMention(null)}></textarea>`}
      ${noting && html`
        ${mention && html`
          <ul id="mention-list" class="mention-list" role="listbox" aria-label=${t('note.mention_list')}>
            ${mention.options.map((agent, index) => html`
              <li id=${`mention-option-${index}`} role="option" aria-selected=${index === mention.active ? 'true' : 'false'}
                class=${index === mention.active ? 'active' : ''} data-agent=${agent.id}
                onMouseDown=${(e) => e.preventDefault()} onClick=${() => pickMention(agent)}>
                ${agent.name}${agent.role ? html` <span class="muted">· ${tOr(`role.${agent.role}`, agent.role)}</span>` : ''}</li>`)}
          </ul>`}
        <p class="hint" id="mention-hint">${t('note.mention_hint')}</p>
        <div class="sr-only" role="status">${mention ? t('note.mention_count', { count: mention.options.length }) : ''}</div>`}
      ${withFiles && html`
        <div class="reply-files">
          <label>${t('reply.attach')}
            <input type="file" id="composer-files" name="attachments" multiple aria-describedby="composer-files-hint" onChange=${attach} /></label>
          <p class="hint" id="composer-files-hint">${t('reply.attach_hint', { count: REPLY_FILES })}</p>
          ${files.length > 0 && html`
            <ul class="uploads" aria-label=${t('reply.files')}>
              ${files.map((file) => html`
                <li data-file=${file.name}>
                  <span class="file-name">${file.name}</span>
                  <span class="muted">${formatSize(file.size)}${file.key ? '' : ` · ${t('reply.uploading')}`}</span>
                  <button type="button" class="remove" onClick=${() => removeFile(file)}>
                    <span aria-hidden="true">×</span><span class="sr-only">${t('reply.remove_file', { name: file.name })}</span></button>
                </li>`)}
            </ul>`}
          <div class=${fileNotice.error ? 'error file-notice' : 'notice file-notice'} role="status">${fileNotice.text}</div>
        </div>`}
      <div class="actions">
        ${mode === 'reply' && html`
          <label>${t('reply.status_after')}
            <select name="status_after" value=${statusAfter} onChange=${(e) => setStatusAfter(e.target.value)}>
              <option value="">${t('status.open')}</option>
              ${['pending', 'on_hold', 'solved'].map((s) => html`<option value=${s}>${t(`status.${s}`)}</option>`)}
            </select></label>`}
        ${mode === 'reply' && uploading && html`<span class="muted">${t('reply.wait_uploads')}</span>`}
        <button type="submit" disabled=${busy || !(noting ? body.trim() : ready) || (mode === 'reply' && uploading)}>
          ${mode === 'reply' ? t('reply.send') : t('note.add')}</button>
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
          ${ticket.status === 'closed' && html`<option value="closed" disabled>${t('status.closed')}</option>`}
        </select></label>
      <label>${t('list.priority')}
        <select name="priority" value=${ticket.priority} onChange=${(e) => change({ priority: e.target.value })}>
          ${PRIORITIES.map((p) => html`<option value=${p}>${t(`priority.${p}`)}</option>`)}
        </select></label>
      <label>${t('ticket.group')}
        <select name="group" value=${ticket.group_id || ''} onChange=${(e) => change({ group_id: e.target.value || null })}>
          <option value="">${t('ticket.none')}</option>
          ${[...new Set([...(me.role === 'agent' ? me.group_ids || [] : me.groups.map((g) => g.id)), ticket.group_id].filter(Boolean))]
            .map((g) => html`<option value=${g}>${groupName(me.groups, g)}</option>`)}
        </select></label>
      ${me.role !== 'agent' && html`
        <label>${t('list.assignee')}
          <select name="assignee" value=${ticket.assignee_id || ''} onChange=${(e) => change({ assignee_id: e.target.value || null })}>
            <option value="">${t('list.unassigned')}</option>
            ${me.team.filter((agent) => agent.active || agent.id === ticket.assignee_id)
              .map((agent) => html`<option value=${agent.id}>${agent.name}</option>`)}
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
      <div class="fields-more">
        <${TagEditor} tags=${ticket.tags} known=${me.fields.tags} onChange=${(tags) => change({ tags })} />
        <${CustomFields} ticket=${ticket} definitions=${me.fields.custom_fields}
          onSave=${(key, value) => change({ custom_fields: { [key]: value } })} />
      </div>
      ${notice && html`<p class="notice" role="status">${notice}</p>`}
    </section>`;
}

function TagEditor({ tags, known, onChange }) {
  const [draft, setDraft] = useState('');
  const add = () => {
    const tag = normalizeTag(draft);
    if (!tag) return;
    setDraft('');
    if (!tags.includes(tag)) onChange([...tags, tag]);
  };
  return html`
    <div class="tag-editor" role="group" aria-labelledby="ticket-tags-label">
      <span id="ticket-tags-label">${t('ticket.tags')}</span>
      ${tags.length === 0 ? html`<span class="muted">${t('ticket.no_tags')}</span>`
        : html`<ul class="tag-list">${tags.map((tag) => html`
          <li><span class="tag">${tag}</span><button type="button" class="remove" onClick=${() => onChange(tags.filter((x) => x !== tag))}>
            <span aria-hidden="true">×</span><span class="sr-only">${t('ticket.remove_tag', { tag })}</span></button></li>`)}
          </ul>`}
      <label class="sr-only" for="ticket-new-tag">${t('ticket.new_tag')}</label>
      <input id="ticket-new-tag" name="tag" list="team-tags" maxlength="64" autocomplete="off" value=${draft}
        placeholder=${t('ticket.new_tag')} onInput=${(e) => setDraft(e.target.value)}
        onKeyDown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } }} />
      <datalist id="team-tags">${known.filter((tag) => !tags.includes(tag)).map((tag) => html`<option value=${tag}></option>`)}</datalist>
      <button type="button" class="secondary" onClick=${add}>${t('ticket.add_tag')}</button>
    </div>`;
}

// One custom field on the ticket page, by its kind; text and numbers save when
// the agent leaves the box (or presses Enter), the others at once.
function CustomFieldControl({ definition, value, onSave }) {
  const label = language() === 'en' ? definition.label_en : definition.label_es;
  const name = `cf_${definition.key}`;
  const [draft, setDraft] = useState(value ?? '');
  useEffect(() => setDraft(value ?? ''), [value]);
  if (definition.kind === 'checkbox') {
    return html`<label><input type="checkbox" name=${name} checked=${value === true}
      onChange=${(e) => onSave(e.target.checked)} /> ${label}</label>`;
  }
  if (definition.kind === 'dropdown') {
    const options = value != null && !definition.options.includes(value) ? [...definition.options, value] : definition.options;
    return html`<label>${label}
      <select name=${name} value=${value ?? ''} onChange=${(e) => onSave(e.target.value || null)}>
        <option value="">—</option>
        ${options.map((option) => html`<option value=${option}>${option}</option>`)}
      </select></label>`;
  }
  const number = definition.kind === 'number';
  const commit = () => {
    const text = String(draft).trim();
    const next = text === '' ? null : number ? Number(text) : text;
    if (number && Number.isNaN(next)) return;
    if (next !== (value ?? null)) onSave(next);
  };
  return html`<label>${label}
    <input type=${number ? 'number' : 'text'} step=${number ? 'any' : undefined} name=${name} class=${number ? 'narrow' : ''}
      maxlength=${number ? undefined : 1000} value=${draft} onInput=${(e) => setDraft(e.target.value)} onChange=${commit} /></label>`;
}

function CustomFields({ ticket, definitions, onSave }) {
  const active = definitions.filter((definition) => definition.active);
  const retired = definitions.filter((definition) => !definition.active && ticket.custom_fields[definition.key] != null);
  if (!active.length && !retired.length) return null;
  const label = (definition) => (language() === 'en' ? definition.label_en : definition.label_es);
  return html`
    <div class="custom-values" role="group" aria-label=${t('ticket.custom_fields')}>
      ${active.map((definition) => html`<${CustomFieldControl} key=${definition.key} definition=${definition}
        value=${ticket.custom_fields[definition.key]} onSave=${(value) => onSave(definition.key, value)} />`)}
      ${retired.map((definition) => html`<span class="muted" data-key=${definition.key}>
        ${label(definition)}: ${auditValue(ticket.custom_fields[definition.key])}</span>`)}
    </div>`;
}

function SidePanel({ thread, me, onChanged }) {
  const now = useNow();
  const { ticket } = thread;
  const [notice, setNotice] = useState('');
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
      <${ContactSection} key=${ticket.id} thread=${thread} me=${me} onChanged=${onChanged} />
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
          <li><time datetime=${event.at}>${formatTime(event.at)}</time> · ${actorName(event.actor)}
            ${' '}${t(`event.${event.kind}`)}${event.changes.length > 0 && html`: ${historyChanges(event.changes, me)}`}</li>`)}
        </ol>
      </section>
    </aside>`;
}

// --- history: each change said readably ----------------------------------------------

function actorName(actor) {
  return actor.name || tOr(`actor.${actor.kind}`, actor.kind);
}

function customFieldLabel(me, key) {
  const definition = me.fields.custom_fields.find((d) => d.key === key);
  if (!definition) return key;
  return language() === 'en' ? definition.label_en : definition.label_es;
}

function changeValue(field, value, me) {
  if (value === null || value === undefined || value === '') return '—';
  if (field === 'status') return tOr(`status.${value}`, value);
  if (field === 'priority') return tOr(`priority.${value}`, value);
  if (field === 'channel') return tOr(`channel.${value}`, value);
  if (field === 'assignee_id') return me.team.find((agent) => agent.id === value)?.name || value;
  if (field === 'group_id') return groupName(me.groups, value);
  if (field === 'contact_id') return t('change.other_contact');
  return auditValue(value);
}

function changeText(change, me) {
  if (change.field === 'merged_from' || change.field === 'merged_into') {
    return t(`change.${change.field}`, { value: change.new ?? '' });
  }
  if (change.field === 'personal_data') return t('change.personal_data');
  const name = change.field.startsWith('custom_fields.')
    ? customFieldLabel(me, change.field.slice('custom_fields.'.length))
    : tOr(`field.${change.field}`, change.field);
  // A field erased with the contact's personal data keeps only its name
  if ((change.old ?? null) === null && (change.new ?? null) === null) return name;
  return `${name} → ${changeValue(change.field, change.new, me)}`;
}

// A merge notes what happened ("merged into #12") before the field change
// itself; one line per field says it once.
function historyChanges(changes, me) {
  const fields = new Set();
  return changes.filter((change) => !fields.has(change.field) && fields.add(change.field))
    .map((change) => changeText(change, me)).join(', ');
}

// --- the ticket's contact: details, edit, merge a duplicate, personal data -----------

const IDENTITY_KINDS = ['email', 'whatsapp', 'phone', 'web_session'];
const CONTACT_LANGUAGES = ['es', 'en'];
const sameIdentity = (a, b) => a.kind === b.kind && a.value === b.value;
const contactName = (contact) => contact?.name || t('contact.no_name');
const identityText = (identity) => `${t(`identity.${identity.kind}`)}: ${identity.value}`;

function contactProblem(problem, me) {
  const key = problem?.body?.error?.message_key;
  if (key === 'error.identity_taken') return `${problemText(problem)} ${t(me.role === 'agent' ? 'contact.taken_ask' : 'contact.taken_merge')}`;
  if (key === 'error.invalid_identity') return t('contact.invalid_identity');
  return problemText(problem);
}

// The contact's details and ways to reach them, changed together on "save";
// a way typed but not yet added is added too.
function ContactEditor({ contact, me, onSaved, onCancel }) {
  const [draft, setDraft] = useState({
    name: contact.name || '', country: contact.country || '', language: contact.language || 'es', tier: contact.tier || '',
  });
  const [removed, setRemoved] = useState([]);
  const [added, setAdded] = useState([]);
  const [kind, setKind] = useState('email');
  const [value, setValue] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const nameInput = useRef(null);
  const valueInput = useRef(null);
  useEffect(() => nameInput.current?.focus(), []);
  const set = (field) => (e) => setDraft({ ...draft, [field]: e.target.value });
  const shown = [...contact.identities.filter((i) => !removed.some((r) => sameIdentity(r, i))), ...added];
  const typed = () => (value.trim() ? { kind, value: value.trim() } : null);
  const addIdentity = () => {
    const identity = typed();
    if (!identity) return;
    if (!shown.some((i) => sameIdentity(i, identity))) setAdded([...added, identity]);
    setValue('');
    valueInput.current?.focus();
  };
  const remove = (identity) => {
    if (added.some((i) => sameIdentity(i, identity))) setAdded(added.filter((i) => !sameIdentity(i, identity)));
    else setRemoved([...removed, identity]);
    valueInput.current?.focus(); // the button is gone: the focus waits where a way is added
  };
  const save = async (event) => {
    event.preventDefault();
    const country = draft.country.trim().toUpperCase();
    if (country && !/^[A-Z]{2}$/.test(country)) {
      setError(t('contact.bad_country'));
      return;
    }
    const pending = typed();
    const add = pending && !shown.some((i) => sameIdentity(i, pending)) ? [...added, pending] : added;
    const changes = { name: draft.name.trim(), country: country || null, language: draft.language, tier: draft.tier.trim() || null };
    if (add.length) changes.add_identities = add;
    if (removed.length) changes.remove_identities = removed;
    setBusy(true);
    setError('');
    try {
      await api.changeContact(contact.id, changes);
      onSaved();
    } catch (problem) {
      setError(contactProblem(problem, me));
    } finally {
      setBusy(false);
    }
  };
  return html`
    <form class="contact-form" onSubmit=${save} aria-labelledby="contact-form-title">
      <h3 id="contact-form-title">${t('contact.form_title')}</h3>
      <label>${t('contact.name')}
        <input name="contact_name" ref=${nameInput} maxlength="200" autocomplete="off" value=${draft.name} onInput=${set('name')} /></label>
      <label>${t('contact.country')}
        <input name="country" class="narrow" maxlength="2" autocomplete="off" aria-describedby="contact-country-hint"
          value=${draft.country} onInput=${set('country')} /></label>
      <p class="hint" id="contact-country-hint">${t('contact.country_hint')}</p>
      <label>${t('contact.language')}
        <select name="contact_language" value=${draft.language} onChange=${set('language')}>
          ${CONTACT_LANGUAGES.map((code) => html`<option value=${code}>${t(`language.${code}`)}</option>`)}
        </select></label>
      <label>${t('contact.tier')}
        <input name="tier" maxlength="64" autocomplete="off" value=${draft.tier} onInput=${set('tier')} /></label>
      <fieldset>
        <legend>${t('ticket.identities')}</legend>
        ${shown.length === 0 ? html`<p class="muted">${t('contact.no_identities')}</p>` : html`
          <ul class="identities">${shown.map((identity) => html`
            <li><span>${identityText(identity)}${added.some((i) => sameIdentity(i, identity))
              && html` <span class="muted">(${t('contact.new_identity')})</span>`}</span>
              <button type="button" class="remove" onClick=${() => remove(identity)}>
                <span aria-hidden="true">×</span><span class="sr-only">${t('contact.remove_identity', { value: identity.value })}</span></button></li>`)}
          </ul>`}
        <div class="add-identity">
          <label>${t('contact.identity_kind')}
            <select name="identity_kind" value=${kind} onChange=${(e) => setKind(e.target.value)}>
              ${IDENTITY_KINDS.map((k) => html`<option value=${k}>${t(`identity.${k}`)}</option>`)}
            </select></label>
          <label>${t('contact.identity_value')}
            <input name="identity_value" ref=${valueInput} maxlength="320" autocomplete="off" value=${value}
              onInput=${(e) => setValue(e.target.value)}
              onKeyDown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); addIdentity(); } }} /></label>
          <button type="button" class="secondary" onClick=${addIdentity}>${t('contact.add_identity')}</button>
        </div>
      </fieldset>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div class="buttons">
        <button type="submit" disabled=${busy}>${t('contact.save')}</button>
        <button type="button" class="secondary" onClick=${onCancel}>${t('admin.cancel')}</button>
      </div>
    </form>`;
}

// Supervisors and admins: find the duplicate by e-mail or phone (the contacts of
// the tickets found), then confirm merging it into this contact.
function ContactMerge({ contact, onMerged }) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState(null); // null: nothing searched yet
  const [searching, setSearching] = useState(false);
  const [confirming, setConfirming] = useState(null);
  const [error, setError] = useState('');
  const toggle = useRef(null);
  const input = useRef(null);
  useEffect(() => { if (open) input.current?.focus(); }, [open]);
  useEffect(() => {
    if (confirming) document.querySelector('.candidates .confirm button.secondary')?.focus();
  }, [confirming]);
  const close = () => {
    setOpen(false);
    setFound(null);
    setQuery('');
    setConfirming(null);
    setError('');
  };
  const search = async (event) => {
    event.preventDefault();
    if (!query.trim()) return;
    setSearching(true);
    setError('');
    setConfirming(null);
    try {
      const page = await api.search(query.trim());
      const ids = [...new Set(page.tickets.map((ticket) => ticket.contact_id))].filter((id) => id !== contact.id);
      const histories = await Promise.all(ids.map((id) => api.contact(id).catch(() => null)));
      const seen = new Set([contact.id]); // a merged contact answers as the one it was merged into
      const candidates = [];
      for (const history of histories) {
        if (!history || seen.has(history.contact.id) || history.contact.erased_at) continue;
        seen.add(history.contact.id);
        candidates.push({ other: history.contact, tickets: history.tickets.length });
      }
      setFound(candidates);
    } catch (problem) {
      setFound(null);
      setError(problemText(problem));
    } finally {
      setSearching(false);
    }
  };
  const merge = async (other) => {
    setError('');
    try {
      await api.mergeContact(contact.id, other.id);
      close();
      toggle.current?.focus();
      onMerged(t('contact.merged', { source: contactName(other), target: contactName(contact) }));
    } catch (problem) {
      setConfirming(null);
      setError(problemText(problem));
    }
  };
  const cancel = (other) => {
    setConfirming(null);
    setTimeout(() => document.querySelector(`.candidates li[data-contact="${other.id}"] button`)?.focus());
  };
  return html`
    <div class="contact-merge">
      <button type="button" class="secondary" ref=${toggle} aria-expanded=${open} aria-controls="contact-merge-panel"
        onClick=${() => (open ? close() : setOpen(true))}>${t('contact.merge')}</button>
      ${open && html`
        <div id="contact-merge-panel" class="merge-panel">
          <form class="merge-search" onSubmit=${search}>
            <label>${t('contact.merge_search')}
              <input type="search" name="duplicate" ref=${input} maxlength="320" autocomplete="off"
                aria-describedby="contact-merge-hint" value=${query} onInput=${(e) => setQuery(e.target.value)} /></label>
            <button type="submit" disabled=${searching}>${t('contact.merge_find')}</button>
          </form>
          <p class="hint" id="contact-merge-hint">${t('contact.merge_hint')}</p>
          <p class="muted" role="status">${found === null ? '' : found.length === 0 ? t('contact.merge_none')
            : t('contact.merge_count', { count: found.length })}</p>
          ${found?.length > 0 && html`
            <ul class="candidates" aria-label=${t('contact.merge_found')}>${found.map(({ other, tickets }) => html`
              <li data-contact=${other.id}>
                <strong>${contactName(other)}</strong>
                <span class="muted"> ${other.identities.map((i) => i.value).join(', ')} · ${t('contact.tickets_count', { count: tickets })}</span>
                ${confirming === other.id ? html`
                  <div class="confirm" role="group" aria-labelledby=${`merge-contact-${other.id}`}>
                    <span id=${`merge-contact-${other.id}`}>${t('contact.merge_confirm', { source: contactName(other), target: contactName(contact) })}</span>
                    <button type="button" class="danger" onClick=${() => merge(other)}>
                      ${t('contact.merge_yes', { source: contactName(other), target: contactName(contact) })}</button>
                    <button type="button" class="secondary" onClick=${() => cancel(other)}>${t('admin.cancel')}</button>
                  </div>` : html`
                  <button type="button" class="secondary small" onClick=${() => setConfirming(other.id)}>
                    ${t('contact.merge_pick')}<span class="sr-only"> ${contactName(other)}</span></button>`}
              </li>`)}
            </ul>`}
          ${error && html`<p class="error" role="alert">${error}</p>`}
        </div>`}
    </div>`;
}

// Admins: the contact's data request. Export downloads the JSON as a file;
// erasure asks for the contact's id first and then says what it erased.
function PersonalData({ contact, onErased }) {
  const [erasing, setErasing] = useState(false);
  const [typed, setTyped] = useState('');
  const [done, setDone] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const eraseButton = useRef(null);
  const confirmInput = useRef(null);
  const result = useRef(null);
  const refocus = useRef(false);
  useEffect(() => {
    if (erasing) confirmInput.current?.focus();
    else if (refocus.current) eraseButton.current?.focus();
    refocus.current = false;
  }, [erasing]);
  const exportData = async () => {
    setError('');
    setDone('');
    try {
      const data = await api.exportContact(contact.id);
      const file = `contacto-${contact.id}.json`;
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      setDone(t('contact.exported', { file }));
    } catch (problem) {
      setError(problemText(problem));
    }
  };
  const erase = async (event) => {
    event.preventDefault();
    setError('');
    setDone('');
    if (typed.trim() !== contact.id) {
      setError(t('contact.erase_mismatch'));
      confirmInput.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const counts = await api.eraseContact(contact.id, typed.trim());
      setErasing(false);
      setTyped('');
      setDone(t('contact.erase_done', counts));
      result.current?.focus();
      onErased();
    } catch (problem) {
      setError(problemText(problem));
    } finally {
      setBusy(false);
    }
  };
  const cancel = () => {
    refocus.current = true;
    setErasing(false);
    setTyped('');
    setError('');
  };
  return html`
    <div class="personal-data" role="group" aria-labelledby="personal-data-title">
      <h3 id="personal-data-title">${t('contact.personal_data')}</h3>
      <div class="buttons">
        <button type="button" class="secondary" onClick=${exportData}>${t('contact.export')}</button>
        ${!contact.erased_at && !erasing && html`
          <button type="button" class="danger" ref=${eraseButton} onClick=${() => { setErasing(true); setDone(''); setError(''); }}>
            ${t('contact.erase')}</button>`}
      </div>
      ${erasing && html`
        <form class="erase-form" onSubmit=${erase} aria-labelledby="erase-title" aria-describedby="erase-warning">
          <p id="erase-title"><strong>${t('contact.erase')}</strong></p>
          <p id="erase-warning">${t('contact.erase_warning')}</p>
          <p id="erase-type">${t('contact.erase_type')} <code>${contact.id}</code></p>
          <label>${t('contact.erase_id')}
            <input name="confirm_id" ref=${confirmInput} autocomplete="off" spellcheck="false" aria-describedby="erase-type"
              value=${typed} onInput=${(e) => setTyped(e.target.value)} /></label>
          <div class="buttons">
            <button type="submit" class="danger" disabled=${busy}>${t('contact.erase_yes')}</button>
            <button type="button" class="secondary" onClick=${cancel}>${t('admin.cancel')}</button>
          </div>
        </form>`}
      <p class="notice" role="status" tabIndex="-1" ref=${result}>${done}</p>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </div>`;
}

function ContactSection({ thread, me, onChanged }) {
  const { ticket, contact } = thread;
  const [past, setPast] = useState(null);
  const [pastVersion, setPastVersion] = useState(0);
  const [editing, setEditing] = useState(false);
  const [merging, setMerging] = useState(null); // the other ticket whose merge waits for a confirmation
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const editButton = useRef(null);
  const noticeLine = useRef(null);
  const focusEdit = useRef(false);
  useEffect(() => {
    let current = true; // an answer for a ticket no longer shown is dropped
    api.contact(ticket.contact_id)
      .then((history) => { if (current) setPast(history.tickets.filter((other) => other.id !== ticket.id)); })
      .catch(() => { if (current) setPast([]); });
    return () => { current = false; };
  }, [ticket.id, ticket.contact_id, pastVersion]);
  useEffect(() => {
    if (!editing && focusEdit.current) editButton.current?.focus();
    focusEdit.current = false;
  }, [editing]);
  useEffect(() => {
    if (merging) document.querySelector('.past .confirm button.secondary')?.focus();
  }, [merging]);
  const changed = (text, focusNotice) => {
    setNotice(text);
    setError('');
    setPastVersion((n) => n + 1);
    onChanged();
    if (focusNotice) noticeLine.current?.focus();
  };
  const closeEditor = (saved) => {
    focusEdit.current = true;
    setEditing(false);
    if (saved) changed(t('contact.saved'), false);
  };
  const mergeTicket = async (other) => {
    setMerging(null);
    try {
      await api.mergeTicket(ticket.id, other.id);
      changed(t('ticket.merged_here', { source: other.number }), true);
    } catch (problem) {
      setNotice('');
      setError(problemText(problem));
    }
  };
  const cancelMerge = (other) => {
    setMerging(null);
    setTimeout(() => document.querySelector(`.past button[data-merge="${other.id}"]`)?.focus());
  };
  const erased = Boolean(contact?.erased_at);
  const canMergeHere = ticket.status !== 'closed' && !ticket.merged_into;
  return html`
    <section aria-labelledby="contact-title" class="contact">
      <div class="section-head">
        <h2 id="contact-title">${t('ticket.contact')}</h2>
        ${contact && !erased && !editing && html`
          <button type="button" class="secondary small" ref=${editButton} onClick=${() => { setNotice(''); setError(''); setEditing(true); }}>
            ${t('contact.edit')}<span class="sr-only"> ${t('contact.noun')}</span></button>`}
      </div>
      ${contact && (editing
        ? html`<${ContactEditor} contact=${contact} me=${me} onSaved=${() => closeEditor(true)} onCancel=${() => closeEditor(false)} />`
        : html`
          <p class="contact-name"><strong>${contactName(contact)}</strong></p>
          ${erased && html`<p class="erased">${t('contact.erased', { date: formatTime(contact.erased_at) })}</p>`}
          <p>${t('ticket.country')}: ${contact.country || '—'} · ${t('contact.language')}: ${tOr(`language.${contact.language}`, contact.language)}
            ${contact.tier && html` · ${t('contact.tier')}: ${contact.tier}`}</p>
          <ul class="contact-identities" aria-label=${t('ticket.identities')}>${contact.identities.map((i) => html`<li>${identityText(i)}</li>`)}</ul>`)}
      <p class="notice" role="status" tabIndex="-1" ref=${noticeLine}>${notice}</p>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${contact && !erased && me.role !== 'agent' && html`<${ContactMerge} contact=${contact} onMerged=${(text) => changed(text, true)} />`}
      ${contact && me.role === 'admin' && html`<${PersonalData} contact=${contact} onErased=${() => changed('', false)} />`}
      <h3>${t('ticket.past')}</h3>
      ${past === null ? html`<p>${t('loading')}</p>`
        : past.length === 0 ? html`<p class="muted">${t('ticket.past_none')}</p>`
        : html`<ul class="past">${past.map((other) => html`
            <li data-ticket=${other.id}><a href=${`#/tickets/${other.id}`}>#${other.number} ${other.subject || '—'}</a>
              <span class="muted"> · ${t(`status.${other.status}`)}</span>
              ${canMergeHere && other.status !== 'closed' && (merging === other.id ? html`
                <div class="confirm" role="group" aria-labelledby=${`merge-ticket-${other.id}`}>
                  <span id=${`merge-ticket-${other.id}`}>${t('ticket.merge_confirm', { source: other.number, target: ticket.number })}</span>
                  <button type="button" class="danger" onClick=${() => mergeTicket(other)}>${t('ticket.merge_yes')}</button>
                  <button type="button" class="secondary" onClick=${() => cancelMerge(other)}>${t('admin.cancel')}</button>
                </div>` : html`
                <button type="button" class="secondary small" data-merge=${other.id} onClick=${() => setMerging(other.id)}>
                  ${t('ticket.merge_here')}<span class="sr-only"> #${other.number}</span></button>`)}</li>`)}</ul>`}
    </section>`;
}

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
        ${ticket.merged_into && html`<${MergedNotice} ticket=${ticket} />`}
        ${present.length > 0 && html`
          <div class="collision" role="status">${present.map((p) => html`
            <p class=${`presence presence-${p.activity}`}>${t(`presence.${p.activity}`, { name: p.name })}</p>`)}
          </div>`}
        <${TicketFields} thread=${thread} me=${me} onChanged=${load} />
        <ol class="thread" aria-live="polite">${thread.messages.map((message) => html`<${MessageItem} key=${message.id} message=${message} me=${me} />`)}</ol>
        ${ticket.status !== 'closed' && html`<${Composer} key=${ticket.id} thread=${thread} me=${me} onSent=${load} onDrafting=${drafting} />`}
      </main>
      <${SidePanel} thread=${thread} me=${me} onChanged=${load} />
    </div>`;
}

// --- administration: #/admin/<section>, for admins (the server refuses the rest anyway)

const ADMIN_SECTIONS = ['agents', 'groups', 'fields', 'macros', 'audit'];
const ROLES = ['agent', 'supervisor', 'admin'];
const FIELD_KINDS = ['text', 'number', 'checkbox', 'dropdown'];
const PLACEHOLDERS = ['contact.first_name', 'contact.name', 'ticket.number', 'ticket.subject', 'agent.name', 'agent.first_name'];
const TAG = /^[\p{L}\p{N}\p{M}_-]+$/u; // as the server's pattern: letters (any script), digits, _ and -

const splitList = (text) => [...new Set(text.split(',').map((part) => part.trim()).filter(Boolean))];
const normalizeTag = (text) => text.trim().replace(/\s+/g, '-');
const groupName = (groups, id) => groups.find((group) => group.id === id)?.name || id;
const thisMonth = () => new Date().toISOString().slice(0, 7); // the server keeps the log by UTC month

// A translation, or `fallback` when there is none (e.g. an audit action added later)
function tOr(key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
}

// What the last action on an admin page did: a status line, or the server's refusal.
function useOutcome() {
  const [outcome, setOutcome] = useState({ ok: '', error: '' });
  const run = useCallback(async (work, done) => {
    setOutcome({ ok: '', error: '' });
    try {
      await work();
      setOutcome({ ok: done, error: '' });
      return true;
    } catch (problem) {
      setOutcome({ ok: '', error: problemText(problem) });
      return false;
    }
  }, []);
  const fail = useCallback((error) => setOutcome({ ok: '', error }), []);
  return [outcome, run, fail];
}

function Outcome({ outcome }) {
  return html`<div class="outcome">
    <p class="notice" role="status">${outcome.ok}</p>
    ${outcome.error && html`<p class="error" role="alert">${outcome.error}</p>`}
  </div>`;
}

// Data an admin section loads when it opens (and again after each change)
function useAdminData(loader) {
  const [data, setData] = useState(null);
  const [failed, setFailed] = useState('');
  const load = useCallback(async () => {
    try {
      setData(await loader());
      setFailed('');
    } catch (problem) {
      setFailed(problemText(problem));
    }
  }, []);
  useEffect(() => { load(); }, []);
  return [data, load, failed, setData];
}

function Loading({ failed }) {
  return failed ? html`<p class="error" role="alert">${failed}</p>` : html`<p>${t('loading')}</p>`;
}

function GroupChecks({ legend, groups, chosen, onToggle, name, hiddenLegend = false }) {
  return html`<fieldset class="checks">
    <legend class=${hiddenLegend ? 'sr-only' : ''}>${legend}</legend>
    ${groups.map((group) => html`
      <label><input type="checkbox" name=${name} value=${group.id} checked=${chosen.includes(group.id)}
        onChange=${(e) => onToggle(group.id, e.target.checked)} /> ${group.name}</label>`)}
  </fieldset>`;
}

const toggled = (list, id, on) => (on ? [...new Set([...list, id])] : list.filter((x) => x !== id));

function InviteForm({ groups, run, onInvited }) {
  const empty = { email: '', name: '', role: 'agent', group_ids: [] };
  const [draft, setDraft] = useState(empty);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    const invite = { ...draft, email: draft.email.trim(), name: draft.name.trim() };
    if (await run(() => api.invite(invite), t('admin.agents.invited', { email: invite.email }))) {
      setDraft(empty);
      onInvited();
    }
    setBusy(false);
  };
  return html`
    <form class="admin-form" onSubmit=${submit} aria-labelledby="invite-title">
      <h2 id="invite-title">${t('admin.agents.invite')}</h2>
      <p class="hint">${t('admin.agents.invite_hint')}</p>
      <label>${t('admin.agents.email')}
        <input type="email" name="email" required maxlength="254" autocomplete="off" value=${draft.email}
          onInput=${(e) => setDraft({ ...draft, email: e.target.value })} /></label>
      <label>${t('admin.agents.name')}
        <input name="name" required maxlength="120" autocomplete="off" value=${draft.name}
          onInput=${(e) => setDraft({ ...draft, name: e.target.value })} /></label>
      <label>${t('admin.agents.role')}
        <select name="role" value=${draft.role} onChange=${(e) => setDraft({ ...draft, role: e.target.value })}>
          ${ROLES.map((role) => html`<option value=${role}>${t(`role.${role}`)}</option>`)}
        </select></label>
      <${GroupChecks} legend=${t('admin.agents.groups')} groups=${groups} chosen=${draft.group_ids} name="invite_groups"
        onToggle=${(id, on) => setDraft({ ...draft, group_ids: toggled(draft.group_ids, id, on) })} />
      <button type="submit" disabled=${busy}>${t('admin.agents.send')}</button>
    </form>`;
}

function AdminAgents({ me, onSaved }) {
  const [data, load, failed, setData] = useAdminData(async () => {
    const [team, found] = await Promise.all([api.agents(), api.groups()]);
    return { agents: team.agents, groups: found.groups };
  });
  const [outcome, run] = useOutcome();
  if (!data) return html`<${Loading} failed=${failed} />`;
  const change = async (agent, changes, done) => {
    // shown at once (a checkbox stays as clicked), then as the server kept it
    setData((old) => ({ ...old, agents: old.agents.map((a) => (a.id === agent.id ? { ...a, ...changes } : a)) }));
    await run(() => api.changeAgent(agent.id, changes), done);
    await load(); // what the server kept, also when it refused (e.g. the last admin)
    onSaved();
  };
  const saved = (agent) => t('admin.agents.changed', { name: agent.name });
  return html`
    <${InviteForm} groups=${data.groups} run=${run} onInvited=${() => { load(); onSaved(); }} />
    <${Outcome} outcome=${outcome} />
    <table class="admin-table agents">
      <caption class="sr-only">${t('admin.agents')}</caption>
      <thead><tr>
        <th scope="col">${t('admin.agents.name')}</th><th scope="col">${t('admin.agents.email')}</th>
        <th scope="col">${t('admin.agents.role')}</th><th scope="col">${t('admin.agents.groups')}</th>
        <th scope="col">${t('admin.agents.status')}</th><th scope="col">${t('admin.actions')}</th>
      </tr></thead>
      <tbody>${data.agents.map((agent) => html`
        <tr data-agent=${agent.id} data-email=${agent.email} class=${agent.active ? '' : 'inactive'}>
          <th scope="row">${agent.name}${agent.id === me.agent_id && html` <span class="muted">${t('admin.agents.you')}</span>`}</th>
          <td>${agent.email}</td>
          <td><select name="role" aria-label=${t('admin.agents.role_of', { name: agent.name })} value=${agent.role}
                onChange=${(e) => change(agent, { role: e.target.value }, saved(agent))}>
              ${ROLES.map((role) => html`<option value=${role}>${t(`role.${role}`)}</option>`)}
            </select></td>
          <td><${GroupChecks} legend=${t('admin.agents.groups_of', { name: agent.name })} hiddenLegend=${true}
                groups=${data.groups} chosen=${agent.group_ids} name="groups"
                onToggle=${(id, on) => change(agent, { group_ids: toggled(agent.group_ids, id, on) }, saved(agent))} /></td>
          <td>${agent.active ? t('admin.agents.active') : t('admin.agents.inactive')}</td>
          <td>${agent.active
            ? html`<button type="button" class="danger" onClick=${() => change(agent, { active: false }, t('admin.agents.deactivated', { name: agent.name }))}>
                ${t('admin.agents.deactivate')}<span class="sr-only"> ${agent.name}</span></button>`
            : html`<button type="button" class="secondary" onClick=${() => change(agent, { active: true }, t('admin.agents.reactivated', { name: agent.name }))}>
                ${t('admin.agents.reactivate')}<span class="sr-only"> ${agent.name}</span></button>`}</td>
        </tr>`)}
      </tbody></table>`;
}

function AdminGroups({ onSaved }) {
  const [data, load, failed] = useAdminData(async () => {
    const [found, team] = await Promise.all([api.groups(), api.agents()]);
    return { groups: found.groups, agents: team.agents };
  });
  const blank = { id: '', name: '', supervisor_id: '', round_robin: false, max_open_per_agent: '10' };
  const [draft, setDraft] = useState(blank);
  const [editing, setEditing] = useState(null);
  const [outcome, run, fail] = useOutcome();
  const nameInput = useRef(null);
  if (!data) return html`<${Loading} failed=${failed} />`;
  const set = (field) => (e) => setDraft({ ...draft, [field]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const edit = (group) => {
    fail('');
    setEditing(group.id);
    setDraft({
      id: group.id, name: group.name, supervisor_id: group.supervisor_id || '',
      round_robin: group.assignment.round_robin, max_open_per_agent: String(group.assignment.max_open_per_agent),
    });
    nameInput.current?.focus();
  };
  const reset = () => { setEditing(null); setDraft(blank); };
  const submit = async (event) => {
    event.preventDefault();
    const group = {
      id: draft.id.trim(), name: draft.name.trim(), supervisor_id: draft.supervisor_id || null,
      assignment: { round_robin: draft.round_robin, max_open_per_agent: Number(draft.max_open_per_agent) },
    };
    if (editing === null && data.groups.some((g) => g.id === group.id)) {
      fail(t('admin.groups.exists'));
      return;
    }
    if (await run(() => api.saveGroup(group), t('admin.groups.saved', { name: group.name }))) {
      reset();
      await load();
      onSaved();
    }
  };
  const supervisors = data.agents.filter((agent) => agent.active || agent.id === draft.supervisor_id);
  return html`
    <form class="admin-form" onSubmit=${submit} aria-labelledby="group-form-title">
      <h2 id="group-form-title">${editing === null ? t('admin.groups.new') : t('admin.groups.editing', { name: groupName(data.groups, editing) })}</h2>
      <label>${t('admin.groups.id')}
        <input name="id" required pattern="[a-z0-9][a-z0-9_\\-]{0,63}" maxlength="64" readOnly=${editing !== null}
          aria-describedby="group-id-hint" value=${draft.id} onInput=${set('id')} /></label>
      <label>${t('admin.groups.name')}
        <input name="name" ref=${nameInput} required maxlength="120" value=${draft.name} onInput=${set('name')} /></label>
      <label>${t('admin.groups.supervisor')}
        <select name="supervisor" value=${draft.supervisor_id} onChange=${set('supervisor_id')}>
          <option value="">${t('ticket.none')}</option>
          ${supervisors.map((agent) => html`<option value=${agent.id}>${agent.name}</option>`)}
        </select></label>
      <label><input type="checkbox" name="round_robin" checked=${draft.round_robin} onChange=${set('round_robin')} />
        ${t('admin.groups.round_robin')}</label>
      <label>${t('admin.groups.max_open')}
        <input type="number" name="max_open_per_agent" required min="1" max="500" step="1" class="narrow"
          value=${draft.max_open_per_agent} onInput=${set('max_open_per_agent')} /></label>
      <p class="hint" id="group-id-hint">${t('admin.groups.id_hint')}</p>
      <div class="buttons">
        <button type="submit">${t('admin.groups.save')}</button>
        ${editing !== null && html`<button type="button" class="secondary" onClick=${() => { reset(); fail(''); }}>${t('admin.cancel')}</button>`}
      </div>
    </form>
    <${Outcome} outcome=${outcome} />
    <table class="admin-table groups">
      <caption class="sr-only">${t('admin.groups')}</caption>
      <thead><tr>
        <th scope="col">${t('admin.groups.name')}</th><th scope="col">${t('admin.groups.id')}</th>
        <th scope="col">${t('admin.groups.supervisor')}</th><th scope="col">${t('admin.groups.round_robin')}</th>
        <th scope="col">${t('admin.groups.max_open')}</th><th scope="col">${t('admin.actions')}</th>
      </tr></thead>
      <tbody>${data.groups.map((group) => html`
        <tr data-group=${group.id}>
          <th scope="row">${group.name}</th><td><code>${group.id}</code></td>
          <td>${group.supervisor_id ? data.agents.find((a) => a.id === group.supervisor_id)?.name || group.supervisor_id : '—'}</td>
          <td>${group.assignment.round_robin ? t('admin.yes') : t('admin.no')}</td>
          <td>${group.assignment.max_open_per_agent}</td>
          <td><button type="button" class="secondary" onClick=${() => edit(group)}>
            ${t('admin.edit')}<span class="sr-only"> ${group.name}</span></button></td>
        </tr>`)}
      </tbody></table>`;
}

const fieldDrafts = (setup) => ({
  tags: [...setup.tags],
  fields: setup.custom_fields.map((field) => ({ ...field, optionsText: field.options.join(', '), saved: true })),
});

function AdminFields({ onSaved }) {
  const [draft, setDraft] = useState(null);
  const [failed, setFailed] = useState('');
  const [dirty, setDirty] = useState(false);
  const [newTag, setNewTag] = useState('');
  const [outcome, run, fail] = useOutcome();
  const focusNewField = useRef(false);
  useEffect(() => {
    api.ticketFields().then((setup) => setDraft(fieldDrafts(setup))).catch((problem) => setFailed(problemText(problem)));
  }, []);
  useEffect(() => {
    if (!focusNewField.current) return;
    focusNewField.current = false;
    document.querySelector('table.custom-fields tbody tr:last-child input')?.focus();
  });
  if (!draft) return html`<${Loading} failed=${failed} />`;
  const update = (next) => { setDraft(next); setDirty(true); };
  const addTag = () => {
    const tag = normalizeTag(newTag);
    if (!tag) return;
    if (!TAG.test(tag) || tag.length > 64) {
      fail(t('admin.fields.bad_tag'));
      return;
    }
    if (!draft.tags.includes(tag)) update({ ...draft, tags: [...draft.tags, tag] });
    setNewTag('');
  };
  const setField = (index, changes) =>
    update({ ...draft, fields: draft.fields.map((field, i) => (i === index ? { ...field, ...changes } : field)) });
  const addField = () => {
    focusNewField.current = true;
    const field = { key: '', label_es: '', label_en: '', kind: 'text', options: [], optionsText: '', active: true, saved: false };
    update({ ...draft, fields: [...draft.fields, field] });
  };
  const save = async (event) => {
    event.preventDefault();
    const setup = {
      tags: draft.tags,
      custom_fields: draft.fields.map((field) => ({
        key: field.key.trim(), label_es: field.label_es.trim(), label_en: field.label_en.trim(), kind: field.kind,
        options: field.kind === 'dropdown' ? splitList(field.optionsText) : [], active: field.active,
      })),
    };
    let saved = null;
    if (await run(async () => { saved = await api.saveTicketFields(setup); }, t('admin.fields.saved'))) {
      setDraft(fieldDrafts(saved));
      setDirty(false);
      onSaved();
    }
  };
  const labelFor = (what, field) => `${t(what)} (${field.key || t('admin.fields.new_field')})`;
  return html`
    <form class="admin-form fields-setup" onSubmit=${save}>
      <fieldset>
        <legend>${t('admin.fields.tags')}</legend>
        <p class="hint" id="tags-hint">${t('admin.fields.tags_hint')}</p>
        ${draft.tags.length === 0 ? html`<p class="muted">${t('admin.fields.no_tags')}</p>`
          : html`<ul class="tag-list" aria-label=${t('admin.fields.tags')}>${draft.tags.map((tag) => html`
            <li><span class="tag">${tag}</span><button type="button" class="remove"
              onClick=${() => update({ ...draft, tags: draft.tags.filter((x) => x !== tag) })}>
              <span aria-hidden="true">×</span><span class="sr-only">${t('admin.fields.remove_tag', { tag })}</span></button></li>`)}
            </ul>`}
        <label>${t('admin.fields.new_tag')}
          <input name="new_tag" maxlength="64" aria-describedby="tags-hint" value=${newTag}
            onInput=${(e) => setNewTag(e.target.value)}
            onKeyDown=${(e) => { if (e.key === 'Enter') { e.preventDefault(); addTag(); } }} /></label>
        <button type="button" class="secondary" onClick=${addTag}>${t('admin.fields.add_tag')}</button>
      </fieldset>
      <fieldset>
        <legend>${t('admin.fields.custom')}</legend>
        <p class="hint">${t('admin.fields.custom_hint')}</p>
        ${draft.fields.length === 0 ? html`<p class="muted">${t('admin.fields.no_custom')}</p>` : html`
        <table class="admin-table custom-fields">
          <caption class="sr-only">${t('admin.fields.custom')}</caption>
          <thead><tr>
            <th scope="col">${t('admin.fields.key')}</th><th scope="col">${t('admin.fields.label_es')}</th>
            <th scope="col">${t('admin.fields.label_en')}</th><th scope="col">${t('admin.fields.kind')}</th>
            <th scope="col">${t('admin.fields.options')}</th><th scope="col">${t('admin.fields.active')}</th>
            <th scope="col">${t('admin.actions')}</th>
          </tr></thead>
          <tbody>${draft.fields.map((field, index) => html`
            <tr data-key=${field.key}>
              <td>${field.saved ? html`<code>${field.key}</code>` : html`
                <input name="key" required maxlength="64" pattern="[a-z][a-z0-9_]{0,63}" class="narrow"
                  aria-label=${labelFor('admin.fields.key', field)} title=${t('admin.fields.key_hint')}
                  value=${field.key} onInput=${(e) => setField(index, { key: e.target.value })} />`}</td>
              <td><input name="label_es" required maxlength="120" aria-label=${labelFor('admin.fields.label_es', field)}
                value=${field.label_es} onInput=${(e) => setField(index, { label_es: e.target.value })} /></td>
              <td><input name="label_en" required maxlength="120" aria-label=${labelFor('admin.fields.label_en', field)}
                value=${field.label_en} onInput=${(e) => setField(index, { label_en: e.target.value })} /></td>
              <td><select name="kind" aria-label=${labelFor('admin.fields.kind', field)} value=${field.kind}
                  onChange=${(e) => setField(index, { kind: e.target.value })}>
                ${FIELD_KINDS.map((kind) => html`<option value=${kind}>${t(`kind.${kind}`)}</option>`)}
              </select></td>
              <td>${field.kind === 'dropdown' ? html`
                <input name="options" required aria-label=${labelFor('admin.fields.options', field)}
                  value=${field.optionsText} onInput=${(e) => setField(index, { optionsText: e.target.value })} />`
                : html`<span class="muted">—</span>`}</td>
              <td><input type="checkbox" name="active" aria-label=${labelFor('admin.fields.active', field)}
                checked=${field.active} onChange=${(e) => setField(index, { active: e.target.checked })} /></td>
              <td>${!field.saved && html`<button type="button" class="secondary"
                onClick=${() => update({ ...draft, fields: draft.fields.filter((_, i) => i !== index) })}>
                ${t('admin.fields.remove_field')}<span class="sr-only"> ${field.key || t('admin.fields.new_field')}</span></button>`}</td>
            </tr>`)}
          </tbody></table>`}
        <button type="button" class="secondary" onClick=${addField}>${t('admin.fields.add_field')}</button>
      </fieldset>
      <div class="buttons">
        <button type="submit">${t('admin.fields.save')}</button>
        <span class="muted">${dirty ? t('admin.fields.unsaved') : ''}</span>
      </div>
    </form>
    <${Outcome} outcome=${outcome} />`;
}

function macroSummary(macro, groups) {
  const parts = [];
  if (macro.status) parts.push(`${t('list.status')}: ${t(`status.${macro.status}`)}`);
  if (macro.priority) parts.push(`${t('list.priority')}: ${t(`priority.${macro.priority}`)}`);
  if (macro.group_id) parts.push(`${t('ticket.group')}: ${groupName(groups, macro.group_id)}`);
  if (macro.add_tags.length) parts.push(`${t('ticket.tags')}: ${macro.add_tags.join(', ')}`);
  if (macro.reply.trim()) parts.push(t('admin.macros.with_reply'));
  return parts.join(' · ') || '—';
}

function AdminMacros({ onSaved }) {
  const [data, load, failed] = useAdminData(async () => {
    const [saved, found] = await Promise.all([api.macros(), api.groups()]);
    return { macros: saved.macros, groups: found.groups };
  });
  const blank = { id: '', name: '', reply: '', status: '', priority: '', group_id: '', tags: '' };
  const [draft, setDraft] = useState(blank);
  const [editing, setEditing] = useState(null);
  const [confirming, setConfirming] = useState(null);
  const [outcome, run, fail] = useOutcome();
  const nameInput = useRef(null);
  useEffect(() => {
    if (confirming) document.querySelector('.confirm button.secondary')?.focus();
  }, [confirming]);
  if (!data) return html`<${Loading} failed=${failed} />`;
  const set = (field) => (e) => setDraft({ ...draft, [field]: e.target.value });
  const edit = (macro) => {
    fail('');
    setEditing(macro.id);
    setDraft({
      id: macro.id, name: macro.name, reply: macro.reply, status: macro.status || '', priority: macro.priority || '',
      group_id: macro.group_id || '', tags: macro.add_tags.join(', '),
    });
    nameInput.current?.focus();
  };
  const reset = () => { setEditing(null); setDraft(blank); };
  const changed = async () => {
    await load();
    onSaved();
  };
  const submit = async (event) => {
    event.preventDefault();
    const macro = {
      id: draft.id.trim(), name: draft.name.trim(), reply: draft.reply, status: draft.status || null,
      priority: draft.priority || null, group_id: draft.group_id || null, add_tags: splitList(draft.tags).map(normalizeTag),
    };
    if (editing === null && data.macros.some((m) => m.id === macro.id)) {
      fail(t('admin.macros.exists'));
      return;
    }
    if (await run(() => api.saveMacro(macro), t('admin.macros.saved', { name: macro.name }))) {
      reset();
      await changed();
    }
  };
  const remove = async (macro) => {
    setConfirming(null);
    if (await run(() => api.deleteMacro(macro.id), t('admin.macros.deleted', { name: macro.name }))) {
      if (editing === macro.id) reset();
      await changed();
    }
  };
  return html`
    <form class="admin-form" onSubmit=${submit} aria-labelledby="macro-form-title">
      <h2 id="macro-form-title">${editing === null ? t('admin.macros.new') : t('admin.macros.editing', { name: draft.name })}</h2>
      <label>${t('admin.macros.id')}
        <input name="id" required pattern="[a-z0-9_\\-]{1,64}" maxlength="64" readOnly=${editing !== null}
          aria-describedby="macro-id-hint" value=${draft.id} onInput=${set('id')} /></label>
      <label>${t('admin.macros.name')}
        <input name="name" ref=${nameInput} required maxlength="120" value=${draft.name} onInput=${set('name')} /></label>
      <p class="hint" id="macro-id-hint">${t('admin.macros.id_hint')}</p>
      <label class="block" for="macro-reply">${t('admin.macros.reply')}</label>
      <textarea id="macro-reply" name="reply" rows="5" aria-describedby="macro-placeholders" value=${draft.reply}
        onInput=${set('reply')}></textarea>
      <p class="hint" id="macro-placeholders">${t('admin.macros.placeholders')}
        ${PLACEHOLDERS.map((name, i) => html`${i ? ', ' : ' '}<code>${`{{${name}}}`}</code>`)}</p>
      <label>${t('list.status')}
        <select name="status" value=${draft.status} onChange=${set('status')}>
          <option value="">${t('admin.unchanged')}</option>
          ${STATUSES.map((s) => html`<option value=${s}>${t(`status.${s}`)}</option>`)}
        </select></label>
      <label>${t('list.priority')}
        <select name="priority" value=${draft.priority} onChange=${set('priority')}>
          <option value="">${t('admin.unchanged')}</option>
          ${PRIORITIES.map((p) => html`<option value=${p}>${t(`priority.${p}`)}</option>`)}
        </select></label>
      <label>${t('ticket.group')}
        <select name="group" value=${draft.group_id} onChange=${set('group_id')}>
          <option value="">${t('admin.unchanged')}</option>
          ${data.groups.map((group) => html`<option value=${group.id}>${group.name}</option>`)}
        </select></label>
      <label>${t('admin.macros.tags')}
        <input name="tags" value=${draft.tags} onInput=${set('tags')} /></label>
      <div class="buttons">
        <button type="submit">${t('admin.macros.save')}</button>
        ${editing !== null && html`<button type="button" class="secondary" onClick=${() => { reset(); fail(''); }}>${t('admin.cancel')}</button>`}
      </div>
    </form>
    <${Outcome} outcome=${outcome} />
    <table class="admin-table macros">
      <caption class="sr-only">${t('admin.macros')}</caption>
      <thead><tr>
        <th scope="col">${t('admin.macros.name')}</th><th scope="col">${t('admin.macros.id')}</th>
        <th scope="col">${t('admin.macros.does')}</th><th scope="col">${t('admin.actions')}</th>
      </tr></thead>
      <tbody>${data.macros.map((macro) => html`
        <tr data-macro=${macro.id}>
          <th scope="row">${macro.name}</th><td><code>${macro.id}</code></td>
          <td>${macroSummary(macro, data.groups)}</td>
          <td>${confirming === macro.id ? html`
            <div class="confirm" role="group" aria-labelledby=${`confirm-${macro.id}`}>
              <span id=${`confirm-${macro.id}`}>${t('admin.macros.confirm', { name: macro.name })}</span>
              <button type="button" class="danger" onClick=${() => remove(macro)}>${t('admin.macros.confirm_yes')}</button>
              <button type="button" class="secondary" onClick=${() => setConfirming(null)}>${t('admin.cancel')}</button>
            </div>` : html`
            <button type="button" class="secondary" onClick=${() => edit(macro)}>
              ${t('admin.edit')}<span class="sr-only"> ${macro.name}</span></button>
            <button type="button" class="danger" onClick=${() => setConfirming(macro.id)}>
              ${t('admin.macros.delete')}<span class="sr-only"> ${macro.name}</span></button>`}</td>
        </tr>`)}
      </tbody></table>`;
}

function auditValue(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t('admin.yes') : t('admin.no');
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  return String(value);
}

function AdminAudit() {
  const [month, setMonth] = useState(thisMonth());
  const [answer, setAnswer] = useState(null);
  const [failed, setFailed] = useState('');
  useEffect(() => {
    if (!/^\d{4}-\d{2}$/.test(month)) return undefined;
    let current = true; // a slower answer for a month no longer chosen is dropped
    setAnswer(null);
    setFailed('');
    api.audit(month)
      .then((found) => { if (current) setAnswer(found); })
      .catch((problem) => { if (current) setFailed(problemText(problem)); });
    return () => { current = false; };
  }, [month]);
  return html`
    <form class="admin-form" onSubmit=${(e) => e.preventDefault()}>
      <label>${t('admin.audit.month')}
        <input type="month" name="month" required value=${month} max=${thisMonth()} onChange=${(e) => setMonth(e.target.value)} /></label>
    </form>
    ${!answer ? html`<${Loading} failed=${failed} />`
      : answer.entries.length === 0 ? html`<p class="muted">${t('admin.audit.empty')}</p>`
      : html`<table class="admin-table audit" data-month=${answer.month}>
        <caption class="sr-only">${t('admin.audit')}</caption>
        <thead><tr>
          <th scope="col">${t('admin.audit.when')}</th><th scope="col">${t('admin.audit.actor')}</th>
          <th scope="col">${t('admin.audit.action')}</th><th scope="col">${t('admin.audit.target')}</th>
          <th scope="col">${t('admin.audit.changes')}</th>
        </tr></thead>
        <tbody>${answer.entries.map((entry) => html`
          <tr data-action=${entry.action}>
            <td><time datetime=${entry.at}>${formatTime(entry.at)}</time></td>
            <td>${entry.actor.name || entry.actor.kind}</td>
            <td>${tOr(`audit.${entry.action}`, entry.action)}</td>
            <td>${entry.target}</td>
            <td>${entry.changes.length === 0 ? '—' : html`<ul class="changes">${entry.changes.map((change) => html`
              <li><code>${change.field}</code>: ${auditValue(change.old)} → ${auditValue(change.new)}</li>`)}</ul>`}</td>
          </tr>`)}
        </tbody></table>`}`;
}

const ADMIN_PAGES = { agents: AdminAgents, groups: AdminGroups, fields: AdminFields, macros: AdminMacros, audit: AdminAudit };

function AdminPage({ section, me, onSaved }) {
  if (me.role !== 'admin') {
    return html`<main id="content" class="admin-section">
      <h1>${t('admin.title')}</h1>
      <p class="error" role="alert">${t('admin.forbidden')}</p>
      <a href="#/view/mine">${t('ticket.back')}</a>
    </main>`;
  }
  const current = ADMIN_PAGES[section] ? section : 'agents';
  const Section = ADMIN_PAGES[current];
  return html`
    <div class="admin">
      <nav class="views" aria-label=${t('admin.title')}>
        <ul>${ADMIN_SECTIONS.map((s) => html`
          <li><a href=${`#/admin/${s}`} aria-current=${s === current ? 'page' : undefined}>${t(`admin.${s}`)}</a></li>`)}
        </ul>
      </nav>
      <main id="content" class="admin-section" data-section=${current}>
        <h1>${t(`admin.${current}`)}</h1>
        <${Section} key=${current} me=${me} onSaved=${onSaved} />
      </main>
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

// Available (round robin may assign tickets while the console is open) or away:
// a switch named "Available", shown at once and then as the server kept it.
function AvailabilitySwitch({ available, onChange }) {
  const [error, setError] = useState('');
  const toggle = async (event) => {
    const next = event.target.checked;
    setError('');
    onChange(next);
    try {
      await api.availability(next);
    } catch (problem) {
      onChange(!next);
      setError(problemText(problem));
    }
  };
  return html`
    <div class="availability">
      <label title=${t('availability.hint')}><input type="checkbox" role="switch" name="available" checked=${available}
        aria-describedby="availability-hint" onChange=${toggle} /> ${t('availability.label')}</label>
      <span class="sr-only" id="availability-hint">${t('availability.hint')}</span>
      <span class="availability-state" role="status">${available ? '' : t('availability.away')}</span>
      ${error && html`<span class="error" role="alert">${error}</span>`}
    </div>`;
}

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

  // Who the agent is, with what the ticket page names and suggests: the team,
  // macros, groups, tags and custom fields (loaded again after an admin's change)
  const loadMe = useCallback(async () => {
    const [who, team, saved, found, fields, catalog] = await Promise.all([
      api.me(), api.agents(), api.macros(), api.groups(), api.ticketFields(),
      // the approved WhatsApp templates; without them the reply box takes a template's name
      api.whatsappTemplates().catch(() => ({ templates: [] })),
    ]);
    setMe({ ...who, team: team.agents, macros: saved.macros, groups: found.groups, fields, templates: catalog.templates });
  }, []);
  const reloadMe = useCallback(() => loadMe().catch(() => {}), []);

  useEffect(() => {
    if (!signedIn) return;
    loadMe().catch(() => { signOut(); setSignedIn(false); });
  }, [signedIn]);

  if (!signedIn) return html`<${SignIn} onSignedIn=${() => setSignedIn(true)} />`;
  if (!me) return html`<p>${t('loading')}</p>`;
  return html`
    <a class="skip" href="#content" onClick=${skipToContent}>${t('skip')}</a>
    <header class="top">
      <a class="brand" href="#/view/mine">${t('app.name')}</a>
      <${SearchBox} />
      <span class="live" role="img" aria-label=${t('live')} title=${t('live')}>●</span>
      ${me.role === 'admin' && html`<a class="admin-link" href="#/admin/agents"
        aria-current=${route.admin ? 'page' : undefined}>${t('admin.title')}</a>`}
      <${Bell} />
      <span class="who">${me.name} · ${t(`role.${me.role}`)}</span>
      <${AvailabilitySwitch} available=${me.available !== false} onChange=${(available) => setMe((old) => ({ ...old, available }))} />
      <${LanguagePicker} />
      <button type="button" onClick=${() => { signOut(); setSignedIn(false); }}>${t('signout')}</button>
    </header>
    ${route.ticketId ? html`<${TicketPage} ticketId=${route.ticketId} me=${me} />`
      : route.search ? html`<${SearchResults} query=${route.search} me=${me} />`
      : route.admin ? html`<${AdminPage} section=${route.admin} me=${me} onSaved=${reloadMe} />`
      : html`<${Inbox} viewId=${route.view} me=${me} />`}`;
}

const root = document.getElementById('app');
function rerender() {
  render(html`<${App} key=${language()} />`, root);
}
rerender();

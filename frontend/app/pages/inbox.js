// Lists of tickets: the inbox (views with counts, the open view's tickets, j/k and
// Enter) and search results (#/search/<query>).
import { html, useState, useEffect, useRef } from '../../vendor/preact-htm.js';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { problemText } from '../words.js';
import { usePolling, anyTicketMoved, useNow } from '../live.js';
import { slaUrgency } from '../components/sla-clock.js';
import { TicketTable } from '../components/ticket-table.js';
import { later } from '../components/later.js';

// Changes to several tickets at once: loaded with the first checked box
const BulkBar = later(() => import('../components/bulk-bar.js').then((bar) => bar.BulkBar));

const LIST_POLL_MS = 30000; // a full reload of the open view, in case a change was missed
const COUNTS_POLL_MS = 15000; // view counts: seven lists, so less often than the open view
const COUNTS_GAP_MS = 5000; // at most this often on changes
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

export function Inbox({ viewId, me }) {
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

  const [checked, setChecked] = useState(() => new Set());
  const [bulkSaid, setBulkSaid] = useState(''); // what the last bulk change did
  const check = (ids, on) => setChecked((old) => {
    const next = new Set(old);
    ids.forEach((id) => (on ? next.add(id) : next.delete(id)));
    return next;
  });
  const reload = async () => {
    const page = await api.tickets({ ...view.params, limit: 100 });
    setLoaded({ view: view.id, tickets: view.filter ? page.tickets.filter(view.filter) : page.tickets });
  };

  useEffect(() => { setSelectedId(null); setChecked(new Set()); setBulkSaid(''); }, [viewId]);
  usePolling(reload, [viewId], LIST_POLL_MS);

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
          : html`
            ${checked.size > 0 && html`<${BulkBar} ids=${[...checked]} me=${me}
              onDone=${(kept, said) => { setChecked(new Set(kept)); setBulkSaid(said); reload(); }} />`}
            <p class="notice bulk-said" role="status">${bulkSaid}</p>
            <${TicketTable} tickets=${tickets} me=${me} now=${now} selected=${selected} checked=${checked} onCheck=${check} />`}
      </main>
    </div>`;
}

export function SearchResults({ query, me }) {
  const [answer, setAnswer] = useState(null);
  const [sort, setSort] = useState('relevance');
  const [page, setPage] = useState(1);
  const [failed, setFailed] = useState('');
  const now = useNow(15000);
  useEffect(() => { setPage(1); }, [query, sort]);
  useEffect(() => {
    setAnswer(null);
    setFailed('');
    api.search(query, sort, page).then(setAnswer).catch((problem) => {
      setFailed(problemText(problem));
      setAnswer({ tickets: [], snippets: {}, page, next_page: null, partial: false });
    });
  }, [query, sort, page]);
  const tickets = answer === null ? null : answer.tickets;
  return html`
    <main id="content" class="list search" data-loaded=${tickets === null ? '' : 'search'}>
      <h1>${t('search.results', { query })}</h1>
      <label class="search-sort">${t('search.sort')}
        <select value=${sort} onChange=${(e) => setSort(e.target.value)}>
          <option value="relevance">${t('search.sort.relevance')}</option>
          <option value="newest">${t('search.sort.newest')}</option>
        </select></label>
      ${failed && html`<p class="error" role="alert">${failed}</p>`}
      ${tickets === null ? html`<p>${t('loading')}</p>`
        : tickets.length === 0 ? html`<p class="muted">${t('search.none')}</p>`
        : html`<${TicketTable} tickets=${tickets} me=${me} now=${now} snippets=${answer.snippets} />`}
      ${answer && answer.partial && html`<p class="notice search-partial" role="status">${t('search.partial')}</p>`}
      ${answer && (answer.page > 1 || answer.next_page) && html`<nav class="pages" aria-label=${t('search.page', { page: answer.page })}>
        <button type="button" disabled=${answer.page <= 1} onClick=${() => setPage(answer.page - 1)}>${t('search.previous')}</button>
        <span>${t('search.page', { page: answer.page })}</span>
        <button type="button" disabled=${!answer.next_page} onClick=${() => setPage(answer.next_page)}>${t('search.next')}</button>
      </nav>`}
    </main>`;
}

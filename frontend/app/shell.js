// The console's frame: signed in or not, who the agent is, the header (search,
// live dot, administration, bell, availability, language, sign out) and the page
// the route names.
import { html, useState, useEffect, useCallback } from '../vendor/preact-htm.js';
import { api, session, signOut, signOutHere, watchSession, SIGNED_OUT } from './api.js';
import { t } from './i18n.js';
import { problemText } from './words.js';
import { parseHash, useHash } from './routing.js';
import { useLiveChanges } from './live.js';
import { Bell } from './components/bell.js';
import { LanguagePicker } from './components/language-picker.js';
import { SignIn } from './pages/sign-in.js';
import { Inbox, SearchResults } from './pages/inbox.js';
import { TicketPage } from './pages/ticket/page.js';
import { Administration } from './pages/administration.js';
import { QualityPage, MyReviewsPage } from './pages/quality/entry.js';
import { KnowledgePage } from './pages/knowledge/entry.js';
import { later } from './components/later.js';
import { alertsOn, alertsSupported, toggleAlerts, useAlerts } from './alerts.js';

// Asked of admins and supervisors when the sign-in policy requires MFA and theirs is off
const MfaRequired = later(() => import('./components/mfa-setup.js').then((setup) => setup.MfaRequiredPage),
  (failed) => html`<main id="content"><p class=${failed ? 'error' : ''} role=${failed ? 'alert' : 'status'}>
    ${failed ? t('error.network') : t('loading')}</p></main>`);

// The follow-up queue comes with import(), never in an agent's first load
const FollowUpsPage = later(() => import('./pages/follow-ups.js').then((page) => page.FollowUpsPage),
  (failed) => html`<main id="content"><p class=${failed ? 'error' : ''} role=${failed ? 'alert' : 'status'}>
    ${failed ? t('error.network') : t('loading')}</p></main>`);

// The supervisors' dashboard comes with import(), never in an agent's first load
const ReportsPage = later(() => import('./pages/reports.js').then((page) => page.ReportsPage),
  (failed) => html`<main id="content"><p class=${failed ? 'error' : ''} role=${failed ? 'alert' : 'status'}>
    ${failed ? t('error.network') : t('loading')}</p></main>`);

// The hash is the route, so "skip to content" moves the focus instead of following #content
function skipToContent(event) {
  const content = document.getElementById('content');
  if (!content) return;
  event.preventDefault();
  content.tabIndex = -1;
  content.focus();
}

// The header's search: words of any message, a ticket number, an e-mail, a
// phone, filters; its syntax in a popover beside it.
function SearchBox() {
  const [query, setQuery] = useState(parseHash().search || '');
  const [help, setHelp] = useState(false);
  const submit = (event) => {
    event.preventDefault();
    if (query.trim()) location.hash = `#/search/${encodeURIComponent(query.trim())}`;
  };
  const closeOnEscape = (event) => { if (event.key === 'Escape') setHelp(false); };
  return html`<form role="search" class="search-box" onSubmit=${submit} onKeyDown=${closeOnEscape}>
    <input type="search" name="q" aria-label=${t('search.label')} placeholder=${t('search.placeholder')}
           value=${query} onInput=${(e) => setQuery(e.target.value)} />
    <button type="button" class="search-help-toggle" aria-expanded=${help ? 'true' : 'false'}
            aria-controls="search-help" aria-label=${t('search.help')} title=${t('search.help')} onClick=${() => setHelp(!help)}>?</button>
    ${help && html`<div id="search-help" class="search-help" role="dialog" aria-label=${t('search.help')}>
      <p>${t('search.help.words')}</p>
      <ul>
        <li><code>${t('search.help.phrase')}</code></li>
        <li><code>${t('search.help.exclude')}</code></li>
        <li><code>${t('search.help.filters')}</code></li>
        <li><code>${t('search.help.from')}</code></li>
        <li><code>${t('search.help.dates')}</code></li>
        <li><code>${t('search.help.number')}</code></li>
      </ul>
      <button type="button" onClick=${() => setHelp(false)}>${t('search.help.close')}</button>
    </div>`}
  </form>`;
}

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

// Browser notifications, on or off (asks the browser's permission the first time)
function AlertsButton() {
  const [on, setOn] = useState(alertsOn());
  if (!alertsSupported()) return null;
  const blocked = Notification.permission === 'denied';
  return html`<button type="button" class="secondary alerts" aria-pressed=${on ? 'true' : 'false'} disabled=${blocked}
    title=${blocked ? t('alerts.blocked') : t('alerts.hint')} onClick=${async () => setOn(await toggleAlerts())}>
    ${on ? t('alerts.turn_off') : t('alerts.turn_on')}</button>`;
}

// Said while the browser is offline (the console's own files still open)
function useOnline() {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    addEventListener('online', up);
    addEventListener('offline', down);
    return () => { removeEventListener('online', up); removeEventListener('offline', down); };
  }, []);
  return online;
}

function Header({ me, route, onAvailable, onSignOut, onMfa }) {
  return html`
    <header class="top">
      <a class="brand" href="#/view/mine">${t('app.name')}</a>
      <${SearchBox} />
      <span class="live" role="img" aria-label=${t('live')} title=${t('live')}>●</span>
      ${me.role === 'admin' && html`<a class="admin-link" href="#/admin/agents"
        aria-current=${route.admin ? 'page' : undefined}>${t('admin.title')}</a>`}
      ${me.quality && html`<a class="admin-link" href="#/quality"
        aria-current=${route.quality ? 'page' : undefined}>${t('quality.title')}</a>`}
      <a class="admin-link" href="#/my-reviews" aria-current=${route.myReviews ? 'page' : undefined}>${t('quality.mine')}</a>
      <a class="admin-link" href="#/follow-ups" aria-current=${route.followUps ? 'page' : undefined}>${t('follow_ups.menu')}</a>
      <a class="admin-link" href="#/kb" aria-current=${route.kb ? 'page' : undefined}>${t('kb.title')}</a>
      ${me.role !== 'agent' && html`<a class="admin-link" href="#/reports"
        aria-current=${route.reports ? 'page' : undefined}>${t('reports.menu')}</a>`}
      <${Bell} />
      <span class="who">${me.name} · ${t(`role.${me.role}`)}</span>
      <${AvailabilitySwitch} available=${me.available !== false} onChange=${onAvailable} />
      <${LanguagePicker} />
      <${AlertsButton} />
      <button type="button" onClick=${onMfa}>${t('mfa.menu')}</button>
      <button type="button" onClick=${onSignOut}>${t('signout')}</button>
    </header>`;
}

export function App() {
  const [signedIn, setSignedIn] = useState(Boolean(session()));
  const [me, setMe] = useState(null);
  const [Mfa, setMfa] = useState(null); // two-step verification's setup, loaded when opened
  useEffect(() => {
    const close = () => setMfa(null);
    addEventListener('hashchange', close);
    return () => removeEventListener('hashchange', close);
  }, []);
  const openMfa = () => import('./components/mfa-setup.js').then(({ MfaPanel }) => setMfa(() => MfaPanel));
  const route = useHash();
  useLiveChanges(signedIn && Boolean(me) && !me.mfa_missing);
  useAlerts(me && !me.mfa_missing ? me : null);
  const online = useOnline();

  // Who the agent is, with what the ticket page names and suggests: the team,
  // macros, groups, tags and custom fields (loaded again after an admin's change)
  // (one round trip: asked together; when the admins require MFA of this agent
  // and it is not on, only /api/me answers, and the console asks them to turn it on)
  const loadMe = useCallback(async () => {
    const [asked, ...rest] = await Promise.allSettled([
      api.me(), api.agents(), api.macros(), api.groups(), api.ticketFields(),
      // the approved WhatsApp templates; without them the reply box takes a template's name
      api.whatsappTemplates().catch(() => ({ templates: [] })),
    ]);
    if (asked.status === 'rejected') throw asked.reason;
    const who = asked.value;
    if (who.mfa_missing) { setMe(who); return; }
    const refused = rest.find((answer) => answer.status === 'rejected');
    if (refused) throw refused.reason;
    const [team, saved, found, fields, catalog] = rest.map((answer) => answer.value);
    setMe({ ...who, team: team.agents, macros: saved.macros, groups: found.groups, fields, templates: catalog.templates });
  }, []);
  const reloadMe = useCallback(() => loadMe().catch(() => {}), []);

  // An expired session, the idle time or "sign out" bring back the sign-in page;
  // the route (an open ticket) and the drafts stay for after signing in again
  useEffect(() => {
    const ended = () => { setSignedIn(false); setMe(null); setMfa(null); };
    addEventListener(SIGNED_OUT, ended);
    return () => removeEventListener(SIGNED_OUT, ended);
  }, []);
  useEffect(() => {
    if (!signedIn) return undefined;
    loadMe().catch(() => signOut());
    return watchSession();
  }, [signedIn]);

  const offline = !online && html`<p class="offline" role="status">${t('offline')}</p>`;
  if (!signedIn) return html`${offline}<${SignIn} onSignedIn=${() => setSignedIn(true)} />`;
  if (!me) return html`<p>${t('loading')}</p>`;
  if (me.mfa_missing) {
    return html`
      <header class="top">
        <span class="brand">${t('app.name')}</span>
        <span class="who">${me.name} · ${t(`role.${me.role}`)}</span>
        <${LanguagePicker} />
        <button type="button" onClick=${signOutHere}>${t('signout')}</button>
      </header>
      <${MfaRequired} me=${me} onDone=${reloadMe} />`;
  }
  return html`
    <a class="skip" href="#content" onClick=${skipToContent}>${t('skip')}</a>
    ${offline}
    <${Header} me=${me} route=${route} onAvailable=${(available) => setMe((old) => ({ ...old, available }))}
      onSignOut=${signOutHere} onMfa=${openMfa} />
    ${Mfa ? html`<${Mfa} me=${me} onClose=${() => setMfa(null)} />`
      : route.ticketId ? html`<${TicketPage} ticketId=${route.ticketId} me=${me} />`
      : route.search ? html`<${SearchResults} query=${route.search} me=${me} />`
      : route.admin ? html`<${Administration} section=${route.admin} me=${me} onSaved=${reloadMe} />`
      : route.quality ? html`<${QualityPage} section=${route.quality} me=${me} />`
      : route.myReviews ? html`<${MyReviewsPage} me=${me} />`
      : route.followUps ? html`<${FollowUpsPage} me=${me} />`
      : route.reports && me.role !== 'agent' ? html`<${ReportsPage} />`
      : route.kb ? html`<${KnowledgePage} section=${route.kb} me=${me} />`
      : html`<${Inbox} viewId=${route.view} me=${me} />`}`;
}

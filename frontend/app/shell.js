// The console's frame: signed in or not, who the agent is, the header (search,
// live dot, administration, bell, availability, language, sign out) and the page
// the route names.
import { html, useState, useEffect, useCallback } from '../vendor/preact-htm.js';
import { api, session, signOut, watchSession, SIGNED_OUT } from './api.js';
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

// The hash is the route, so "skip to content" moves the focus instead of following #content
function skipToContent(event) {
  const content = document.getElementById('content');
  if (!content) return;
  event.preventDefault();
  content.tabIndex = -1;
  content.focus();
}

// The header's search: a ticket number, an e-mail, a phone or words
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

function Header({ me, route, onAvailable, onSignOut, onMfa }) {
  return html`
    <header class="top">
      <a class="brand" href="#/view/mine">${t('app.name')}</a>
      <${SearchBox} />
      <span class="live" role="img" aria-label=${t('live')} title=${t('live')}>●</span>
      ${me.role === 'admin' && html`<a class="admin-link" href="#/admin/agents"
        aria-current=${route.admin ? 'page' : undefined}>${t('admin.title')}</a>`}
      <${Bell} />
      <span class="who">${me.name} · ${t(`role.${me.role}`)}</span>
      <${AvailabilitySwitch} available=${me.available !== false} onChange=${onAvailable} />
      <${LanguagePicker} />
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

  if (!signedIn) return html`<${SignIn} onSignedIn=${() => setSignedIn(true)} />`;
  if (!me) return html`<p>${t('loading')}</p>`;
  return html`
    <a class="skip" href="#content" onClick=${skipToContent}>${t('skip')}</a>
    <${Header} me=${me} route=${route} onAvailable=${(available) => setMe((old) => ({ ...old, available }))}
      onSignOut=${signOut} onMfa=${openMfa} />
    ${Mfa ? html`<${Mfa} me=${me} onClose=${() => setMfa(null)} />`
      : route.ticketId ? html`<${TicketPage} ticketId=${route.ticketId} me=${me} />`
      : route.search ? html`<${SearchResults} query=${route.search} me=${me} />`
      : route.admin ? html`<${Administration} section=${route.admin} me=${me} onSaved=${reloadMe} />`
      : html`<${Inbox} viewId=${route.view} me=${me} />`}`;
}

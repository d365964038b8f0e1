// Routing: the hash is the route. #/view/<id>, #/tickets/<id>, #/search/<query>
// #/admin/<section>, #/quality[/<ticket id>|/scores], #/my-reviews, #/follow-ups, #/reports and #/kb[/<article id>|/new].
import { useState, useEffect } from '../vendor/preact-htm.js';

export function parseHash() {
  const [, kind, id] = (location.hash || '#/view/mine').split('/');
  if (kind === 'tickets' && id) return { ticketId: decodeURIComponent(id) };
  if (kind === 'search' && id) return { search: decodeURIComponent(id) };
  if (kind === 'admin') return { admin: id || 'agents' };
  if (kind === 'quality') return { quality: id ? decodeURIComponent(id) : 'queue' };
  if (kind === 'my-reviews') return { myReviews: true };
  if (kind === 'follow-ups') return { followUps: true };
  if (kind === 'reports') return { reports: true };
  if (kind === 'kb') return { kb: id ? decodeURIComponent(id) : 'list' };
  return { view: id || 'mine' };
}

export function useHash() {
  const [route, setRoute] = useState(parseHash());
  useEffect(() => {
    const changed = () => setRoute(parseHash());
    addEventListener('hashchange', changed);
    changed(); // a change between the first render and now would be missed otherwise
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

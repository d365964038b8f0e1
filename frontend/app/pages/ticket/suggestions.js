// Suggested articles for the customer's last message (the knowledge base's search,
// internal articles too): a public one's link or summary goes into the reply in one
// click; an internal one is for the agent to read, never to quote to the customer.
import { html, useEffect, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';

const SHOWN = 3;

export function Suggestions({ thread, onInsert }) {
  const last = [...thread.messages].reverse().find((m) => m.kind === 'inbound');
  const query = (last?.text || thread.ticket.subject || '').slice(0, 500);
  const locale = thread.contact?.language === 'en' ? 'en' : 'es';
  const [hits, setHits] = useState([]);
  useEffect(() => {
    let current = true;
    if (query.trim()) api.kbSearch(query, locale).then((found) => { if (current) setHits(found.hits.slice(0, SHOWN)); }).catch(() => {});
    return () => { current = false; };
  }, [query, locale]);
  if (!hits.length) return null;
  const base = locale === 'en' ? '/help/articles/' : '/ayuda/articulos/';
  return html`
    <section class="kb-suggestions" aria-label=${t('kb.suggested')}>
      <h3>${t('kb.suggested')}</h3>
      <ul>${hits.map((hit) => html`
        <li data-article=${hit.id}><a href=${`#/kb/${encodeURIComponent(hit.id)}`}>${hit.title}</a>
          ${hit.visibility === 'public' ? html`
            <button type="button" class="secondary" onClick=${() => onInsert(`${location.origin}${base}${hit.id}`)}>
              ${t('kb.insert_link')}<span class="sr-only"> ${hit.title}</span></button>
            ${hit.summary && html`<button type="button" class="secondary" onClick=${() => onInsert(hit.summary)}>
              ${t('kb.insert_text')}<span class="sr-only"> ${hit.title}</span></button>`}`
          : html` <span class="muted">(${t('kb.internal')})</span>`}</li>`)}</ul>
    </section>`;
}

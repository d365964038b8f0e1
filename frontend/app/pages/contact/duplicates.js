// Merging a duplicate contact into this one (supervisors and admins).
import { html, useState, useEffect, useRef } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, addTexts } from '../../i18n.js';
import { contactName, identityText, problemText } from '../../words.js';

// This part's own texts: they come with it
addTexts({
  es: {
    'contact.merge': 'Fusionar contacto duplicado', 'contact.merge_search': 'Correo o teléfono del duplicado',
    'contact.merge_hint': 'Busca por correo o teléfono: aparecen los otros contactos con ese dato.',
    'contact.merge_find': 'Buscar', 'contact.merge_found': 'Contactos encontrados', 'contact.merge_count': 'Contactos encontrados: {count}.',
    'contact.merge_none': 'No se encontró otro contacto con ese dato.', 'contact.merge_pick': 'Fusionar',
    'contact.tickets_count': 'tickets: {count}',
    'contact.merge_confirm': '¿Fusionar «{source}» en «{target}»? Sus datos de contacto, tickets y conversaciones abiertas pasan a «{target}». No se puede deshacer.',
    'contact.merge_yes': 'Fusionar {source} en {target}', 'contact.merged': 'Se fusionó «{source}» en «{target}».',
    'contact.same_person': 'Quizás la misma persona en otro canal (mismo nombre): {count}.',
  },
  en: {
    'contact.merge': 'Merge duplicate contact', 'contact.merge_search': "The duplicate's email or phone",
    'contact.merge_hint': 'Search by email or phone: the other contacts with it are listed.',
    'contact.merge_find': 'Search', 'contact.merge_found': 'Contacts found', 'contact.merge_count': 'Contacts found: {count}.',
    'contact.merge_none': 'No other contact has that email or phone.', 'contact.merge_pick': 'Merge',
    'contact.tickets_count': 'tickets: {count}',
    'contact.merge_confirm': 'Merge "{source}" into "{target}"? Their ways to reach them, tickets and open conversations move to "{target}". This cannot be undone.',
    'contact.merge_yes': 'Merge {source} into {target}', 'contact.merged': 'Merged "{source}" into "{target}".',
    'contact.same_person': 'Maybe the same person on another channel (same name): {count}.',
  },
});

// Supervisors and admins: find the duplicate by e-mail or phone (the contacts of
// the tickets found), then confirm merging it into this contact.
export function ContactMerge({ contact, onMerged }) {
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState(null); // null: nothing searched yet
  const [searching, setSearching] = useState(false);
  const [confirming, setConfirming] = useState(null);
  const [error, setError] = useState('');
  const [suggested, setSuggested] = useState(false); // found: the same-person suggestions, not a search
  const toggle = useRef(null);
  const input = useRef(null);
  useEffect(() => { if (open) input.current?.focus(); }, [open]);
  // Opening the panel lists the contacts with this name reached on other channels
  const searched = useRef(false);
  useEffect(() => {
    if (!open) return undefined;
    let current = true; // a search, or closing, wins over a late answer
    searched.current = false;
    api.samePerson(contact.id).then((answer) => {
      if (!current || searched.current || !answer.contacts.length) return;
      setFound(answer.contacts.map((other) => ({ other, tickets: null })));
      setSuggested(true);
    }).catch(() => {});
    return () => { current = false; };
  }, [open, contact.id]);
  useEffect(() => {
    if (confirming) document.querySelector('.candidates .confirm button.secondary')?.focus();
  }, [confirming]);
  const close = () => {
    setOpen(false);
    setFound(null);
    setQuery('');
    setConfirming(null);
    setError('');
    setSuggested(false);
  };
  const search = async (event) => {
    event.preventDefault();
    if (!query.trim()) return;
    searched.current = true;
    setSearching(true);
    setError('');
    setConfirming(null);
    setSuggested(false);
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
            : t(suggested ? 'contact.same_person' : 'contact.merge_count', { count: found.length })}</p>
          ${found?.length > 0 && html`
            <ul class="candidates" aria-label=${t('contact.merge_found')}>${found.map(({ other, tickets }) => html`
              <li data-contact=${other.id}>
                <strong>${contactName(other)}</strong>
                <span class="muted"> ${other.identities.map((i) => identityText(i)).join(', ')}${tickets === null ? '' : ` · ${t('contact.tickets_count', { count: tickets })}`}</span>
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

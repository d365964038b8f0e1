// The ticket's contact: details, past tickets (and merging one here), and, by
// role, editing, merging a duplicate and the personal data request.
import { html, useState, useEffect, useRef } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, tOr, formatTime } from '../../i18n.js';
import { contactName, identityText, problemText } from '../../words.js';
import { ContactEditor } from './editor.js';
import { later } from '../../components/later.js';

// Only supervisors and admins merge duplicates, only admins answer data requests
const ContactMerge = later(() => import('./duplicates.js').then((part) => part.ContactMerge));
const PersonalData = later(() => import('./personal-data.js').then((part) => part.PersonalData));

// The profile picture a channel shared (Messenger, Instagram): its bytes from the
// API as an object URL, let go when the contact leaves the page
function ContactPicture({ contact }) {
  const [url, setUrl] = useState(null);
  useEffect(() => {
    let current = true;
    let made = null;
    setUrl(null);
    if (!contact.picture) return undefined;
    api.contactPicture(contact.id)
      .then((bytes) => {
        if (!current) return;
        made = URL.createObjectURL(new Blob([bytes], { type: contact.picture.content_type }));
        setUrl(made);
      })
      .catch(() => {}); // a courtesy: the name says who it is
    return () => {
      current = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [contact.id, contact.picture?.key]);
  return url ? html`<img class="contact-picture" src=${url} alt=${t('contact.picture', { name: contactName(contact) })} />` : null;
}

export function ContactSection({ thread, me, onChanged }) {
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
          <p class="contact-name"><${ContactPicture} contact=${contact} /><strong>${contactName(contact)}</strong></p>
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

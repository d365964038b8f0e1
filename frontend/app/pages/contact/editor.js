// Editing a contact: name, country, language, tier and ways to reach them.
import { html, useState, useEffect, useRef } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { sameIdentity, identityText, problemText } from '../../words.js';

const IDENTITY_KINDS = ['email', 'whatsapp', 'phone', 'web_session'];
const CONTACT_LANGUAGES = ['es', 'en'];

function contactProblem(problem, me) {
  const key = problem?.body?.error?.message_key;
  if (key === 'error.identity_taken') return `${problemText(problem)} ${t(me.role === 'agent' ? 'contact.taken_ask' : 'contact.taken_merge')}`;
  if (key === 'error.invalid_identity') return t('contact.invalid_identity');
  return problemText(problem);
}

// The contact's details and ways to reach them, changed together on "save";
// a way typed but not yet added is added too.
export function ContactEditor({ contact, me, onSaved, onCancel }) {
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

// A contact's personal data on request (admins): export, or erasure.
import { html, useState, useEffect, useRef } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, addTexts } from '../../i18n.js';
import { problemText } from '../../words.js';

// This part's own texts: they come with it
addTexts({
  es: {
    'contact.personal_data': 'Datos personales', 'contact.export': 'Exportar datos', 'contact.exported': 'Se descargó {file}.',
    'contact.erase': 'Borrar datos personales',
    'contact.erase_warning': 'Se borran para siempre el nombre y los datos de contacto, y en todos sus tickets los asuntos, los campos personalizados, el texto y los adjuntos de los mensajes. Las estadísticas se conservan. No se puede deshacer.',
    'contact.erase_type': 'Para confirmar, escribe el identificador de este contacto:', 'contact.erase_id': 'Identificador del contacto',
    'contact.erase_yes': 'Borrar para siempre', 'contact.erase_mismatch': 'El identificador no coincide con el de este contacto.',
    'contact.erase_done': 'Datos borrados. Tickets: {tickets} · mensajes: {messages} · archivos: {files}.',
  },
  en: {
    'contact.personal_data': 'Personal data', 'contact.export': 'Export data', 'contact.exported': 'Downloaded {file}.',
    'contact.erase': 'Erase personal data',
    'contact.erase_warning': "This erases for good the name and ways to reach them, and on all their tickets the subjects, custom fields, and the messages' text and attachments. Statistics are kept. This cannot be undone.",
    'contact.erase_type': "To confirm, type this contact's id:", 'contact.erase_id': "The contact's id",
    'contact.erase_yes': 'Erase for good', 'contact.erase_mismatch': "That id is not this contact's.",
    'contact.erase_done': 'Data erased. Tickets: {tickets} · messages: {messages} · files: {files}.',
  },
});

// Admins: the contact's data request. Export downloads the JSON as a file;
// erasure asks for the contact's id first and then says what it erased.
export function PersonalData({ contact, onErased }) {
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

// The language picker (sign-in page and header). A change redraws the whole
// console in the new language: boot.js listens for LANGUAGE_CHANGED.
import { html, useState } from '../../vendor/preact-htm.js';
import { t, languages, language, setLanguage } from '../i18n.js';

export const LANGUAGE_CHANGED = 'atiende:language';

export function LanguagePicker() {
  const [, redraw] = useState(0);
  const choose = (e) => {
    setLanguage(e.target.value);
    redraw((n) => n + 1);
    dispatchEvent(new Event(LANGUAGE_CHANGED));
  };
  return html`<label class="language">${t('language')}
    <select value=${language()} onChange=${choose}>
      ${languages.map((code) => html`<option value=${code}>${code === 'es' ? 'Español' : 'English'}</option>`)}
    </select></label>`;
}

// Atiende agent console: the module index.html loads. Preact with htm, served as
// plain ES modules (no build step, no CDN); what only some roles use comes later.
import { html, render } from '../vendor/preact-htm.js';
import { language } from './i18n.js';
import { LANGUAGE_CHANGED } from './components/language-picker.js';
import { App } from './shell.js';

const root = document.getElementById('app');
function rerender() {
  render(html`<${App} key=${language()} />`, root);
}
addEventListener(LANGUAGE_CHANGED, rerender);
rerender();

// Installable, and quick to open on a slow connection: the console's own files
// are kept by its service worker (sw.js; never an API answer)
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});

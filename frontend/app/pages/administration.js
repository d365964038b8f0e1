// The way into administration (#/admin/<section>): its pages come with import(),
// for administrators only (the server refuses the others anyway).
import { html } from '../../vendor/preact-htm.js';
import { t } from '../i18n.js';
import { later } from '../components/later.js';

const AdminPage = later(() => import('./admin/page.js').then((pages) => pages.AdminPage), (failed) => html`
  <main id="content" class="admin-section">
    <h1>${t('admin.title')}</h1>
    ${failed ? html`<p class="error" role="alert">${t('error.network')}</p>` : html`<p>${t('loading')}</p>`}
  </main>`);

export function Administration({ section, me, onSaved }) {
  if (me.role !== 'admin') {
    return html`<main id="content" class="admin-section">
      <h1>${t('admin.title')}</h1>
      <p class="error" role="alert">${t('admin.forbidden')}</p>
      <a href="#/view/mine">${t('ticket.back')}</a>
    </main>`;
  }
  return html`<${AdminPage} section=${section} me=${me} onSaved=${onSaved} />`;
}

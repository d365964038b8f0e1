// The way into the knowledge base (#/kb…): its page comes with import(), never in an agent's first load.
import { html } from '../../../vendor/preact-htm.js';
import { t } from '../../i18n.js';
import { later } from '../../components/later.js';

const waiting = (failed) => html`
  <main id="content" class="knowledge">
    <h1>${t('kb.title')}</h1>
    ${failed ? html`<p class="error" role="alert">${t('error.network')}</p>` : html`<p>${t('loading')}</p>`}
  </main>`;

export const KnowledgePage = later(() => import('./page.js').then((pages) => pages.KnowledgePage), waiting);

// The ways into quality reviews (#/quality… for coordinators, #/my-reviews for
// every agent): their pages come with import(), never in an agent's first load.
import { html } from '../../../vendor/preact-htm.js';
import { t } from '../../i18n.js';
import { later } from '../../components/later.js';

const waiting = (title) => (failed) => html`
  <main id="content" class="quality">
    <h1>${t(title)}</h1>
    ${failed ? html`<p class="error" role="alert">${t('error.network')}</p>` : html`<p>${t('loading')}</p>`}
  </main>`;

export const QualityPage = later(() => import('./page.js').then((pages) => pages.QualityPage), waiting('quality.title'));
export const MyReviewsPage = later(() => import('./mine.js').then((pages) => pages.MyReviews), waiting('quality.mine'));

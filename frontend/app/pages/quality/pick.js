// "Review quality" on a solved ticket, for coordinators: puts the ticket in the
// review queue by hand and opens its scoring form.
import { html, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { problemText } from '../../words.js';

export function PickForReview({ ticket, me }) {
  const [error, setError] = useState('');
  if (!me.quality || !['solved', 'closed'].includes(ticket.status) || !ticket.assignee_id) return null;
  const pick = async () => {
    setError('');
    try {
      await api.pickForReview(ticket.id);
    } catch (problem) {
      if (problem.status !== 409) { setError(problemText(problem)); return; } // 409: it has a review: open it
    }
    location.hash = `#/quality/${encodeURIComponent(ticket.id)}`;
  };
  return html`<p class="pick-for-review">
    <button type="button" class="secondary" onClick=${pick}>${t('quality.pick')}</button>
    ${error && html`<span class="error" role="alert">${error}</span>`}</p>`;
}

// One review as both sides read it: the scorecard's criteria with their scores
// and comments, the total, who scored it, and the agent's reply.
import { html } from '../../../vendor/preact-htm.js';
import { t, formatTime } from '../../i18n.js';
import './texts.js';

export const totalText = (review) => (review.total === null ? t('quality.no_total') : `${review.total} %`);

export function ScoredReview({ review }) {
  return html`
    <section class="scored-review" data-review=${review.ticket_id} aria-label=${t('quality.scorecard')}>
      <p><strong>${t('quality.total')}: <span class="review-total">${totalText(review)}</span></strong>
        ${' · '}${t('quality.reviewer', { name: review.reviewer_name || '—' })}
        ${review.scored_at && html` · <time datetime=${review.scored_at}>${formatTime(review.scored_at)}</time>`}</p>
      <dl class="review-scores">${review.scorecard.criteria.map((criterion) => html`
        <dt>${criterion.name} <span class="muted">(${t('quality.weight', { weight: criterion.weight })})</span></dt>
        <dd data-criterion=${criterion.id}>${review.scores[criterion.id] ?? t('quality.na')}
          ${review.comments[criterion.id] && html`<p class="review-comment">${review.comments[criterion.id]}</p>`}</dd>`)}
      </dl>
      ${review.comment && html`<p class="review-comment"><strong>${t('quality.comment')}:</strong> ${review.comment}</p>`}
    </section>`;
}

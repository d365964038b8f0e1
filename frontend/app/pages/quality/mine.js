// My reviews (#/my-reviews): the agent's scored reviews, newest first, with the
// scores and comments, and one reply to each.
import { html, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, formatTime } from '../../i18n.js';
import { Loading, useAdminData } from '../../components/table.js';
import { Outcome, useOutcome } from '../../components/form.js';
import { ScoredReview } from './review.js';
import './texts.js';

function Reply({ review, onReplied }) {
  const [text, setText] = useState('');
  const [outcome, run] = useOutcome();
  if (review.reply) {
    return html`<p class="review-reply"><strong>${t('quality.your_reply')}:</strong> ${review.reply.text}
      <span class="muted"> · <time datetime=${review.reply.at}>${formatTime(review.reply.at)}</time></span></p>`;
  }
  const submit = async (event) => {
    event.preventDefault();
    let saved = null;
    if (await run(async () => { saved = await api.replyToReview(review.ticket_id, text.trim()); }, t('quality.replied'))) onReplied(saved);
  };
  const hint = `reply-hint-${review.ticket_id}`;
  return html`
    <form class="admin-form" onSubmit=${submit}>
      <label>${t('quality.your_reply')}
        <textarea name="reply" required rows="3" maxlength="4000" aria-describedby=${hint} value=${text}
          onInput=${(e) => setText(e.target.value)} /></label>
      <p class="hint" id=${hint}>${t('quality.reply_once')}</p>
      <div class="buttons"><button type="submit">${t('quality.send_reply')}</button></div>
      <${Outcome} outcome=${outcome} />
    </form>`;
}

export function MyReviews() {
  const [data, , failed, setData] = useAdminData(() => api.myReviews());
  const replied = (saved) => setData({ reviews: data.reviews.map((r) => (r.ticket_id === saved.ticket_id ? saved : r)) });
  return html`
    <main id="content" class="quality my-reviews">
      <h1>${t('quality.mine')}</h1>
      ${!data ? html`<${Loading} failed=${failed} />`
        : data.reviews.length === 0 ? html`<p class="muted">${t('quality.mine_empty')}</p>`
        : data.reviews.map((review) => html`
          <article class="my-review" data-review=${review.ticket_id} aria-labelledby=${`review-${review.ticket_id}`}>
            <h2 id=${`review-${review.ticket_id}`}><a href=${`#/tickets/${encodeURIComponent(review.ticket_id)}`}>#${review.ticket_number}</a>
              ${' '}${review.subject || '—'}</h2>
            <${ScoredReview} review=${review} />
            <${Reply} review=${review} onReplied=${replied} />
          </article>`)}
    </main>`;
}

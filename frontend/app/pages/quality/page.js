// Quality (#/quality…), for coordinators: the review queue, one review's scoring
// form beside the ticket's conversation, and the scores over time.
import { html, useState, useEffect, useCallback } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, formatTime } from '../../i18n.js';
import { agentName, problemText } from '../../words.js';
import { AdminTable, Loading, useAdminData } from '../../components/table.js';
import { Outcome, useOutcome } from '../../components/form.js';
import { MessageItem } from '../ticket/thread.js';
import { ScoredReview, totalText } from './review.js';
import './texts.js';

const SCORES = ['0', '1', '2', '3', '4'];

function Queue({ me }) {
  const [data, , failed] = useAdminData(() => api.reviewQueue());
  if (!data) return html`<${Loading} failed=${failed} />`;
  if (data.reviews.length === 0) return html`<p class="muted">${t('quality.queue_empty')}</p>`;
  const columns = ['quality.ticket', 'quality.agent', 'quality.reason', 'quality.opened', 'quality.action'].map((k) => t(k));
  const row = (review) => html`
    <tr data-review=${review.ticket_id}>
      <th scope="row">#${review.ticket_number} ${review.subject || '—'}</th>
      <td>${agentName(me, review.agent_id)}</td>
      <td>${t(`quality.reason.${review.reason}`)}</td>
      <td><time datetime=${review.created_at}>${formatTime(review.created_at)}</time></td>
      <td><a href=${`#/quality/${encodeURIComponent(review.ticket_id)}`}>${t('quality.score')}
        <span class="sr-only"> #${review.ticket_number}</span></a></td>
    </tr>`;
  return html`<${AdminTable} name="review-queue" caption=${t('quality.queue')} columns=${columns} items=${data.reviews} row=${row} />`;
}

function ScoringForm({ review, onScored }) {
  const blank = Object.fromEntries(review.scorecard.criteria.map((c) => [c.id, '']));
  const [scores, setScores] = useState(blank);
  const [comments, setComments] = useState(blank);
  const [comment, setComment] = useState('');
  const [outcome, run] = useOutcome();
  const submit = async (event) => {
    event.preventDefault();
    const body = {
      scores: Object.fromEntries(Object.entries(scores).map(([id, value]) => [id, value === '' ? null : Number(value)])),
      comments: Object.fromEntries(Object.entries(comments).filter(([, text]) => text.trim())),
      comment,
    };
    let saved = null;
    if (await run(async () => { saved = await api.scoreReview(review.ticket_id, body); }, '')) onScored(saved);
  };
  return html`
    <form class="admin-form scoring" onSubmit=${submit} aria-labelledby="scoring-title">
      <h2 id="scoring-title">${t('quality.scorecard')}</h2>
      ${review.scorecard.criteria.map((criterion) => html`
        <fieldset data-criterion=${criterion.id}>
          <legend>${criterion.name} <span class="muted">(${t('quality.weight', { weight: criterion.weight })})</span></legend>
          ${criterion.description && html`<p class="hint">${criterion.description}</p>`}
          <div class="score-choices">
            ${SCORES.map((value) => html`<label class="check"><input type="radio" name=${`score-${criterion.id}`} value=${value}
              checked=${scores[criterion.id] === value} onChange=${() => setScores({ ...scores, [criterion.id]: value })} /> ${value}</label>`)}
            <label class="check"><input type="radio" name=${`score-${criterion.id}`} value="" checked=${scores[criterion.id] === ''}
              onChange=${() => setScores({ ...scores, [criterion.id]: '' })} /> ${t('quality.na')}</label>
          </div>
          <label>${t('quality.criterion_comment', { name: criterion.name })}
            <textarea name=${`comment-${criterion.id}`} rows="2" maxlength="2000" value=${comments[criterion.id]}
              onInput=${(e) => setComments({ ...comments, [criterion.id]: e.target.value })} /></label>
        </fieldset>`)}
      <label>${t('quality.comment')}
        <textarea name="comment" rows="3" maxlength="4000" value=${comment} onInput=${(e) => setComment(e.target.value)} /></label>
      <div class="buttons"><button type="submit">${t('quality.save_score')}</button></div>
      <${Outcome} outcome=${outcome} />
    </form>`;
}

function ReviewPage({ ticketId, me }) {
  const [review, setReview] = useState(null);
  const [thread, setThread] = useState(null);
  const [failed, setFailed] = useState('');
  const [notice, setNotice] = useState('');
  const [outcome, run] = useOutcome();
  const load = useCallback(async () => {
    try {
      const [found, conversation] = await Promise.all([api.review(ticketId), api.thread(ticketId)]);
      setReview(found);
      setThread(conversation);
    } catch (problem) {
      setFailed(problemText(problem));
    }
  }, [ticketId]);
  useEffect(() => { load(); }, [ticketId]);
  if (!review || !thread) return html`<${Loading} failed=${failed} />`;
  const reopen = async () => {
    let again = null;
    setNotice('');
    if (await run(async () => { again = await api.reopenReview(ticketId); }, t('quality.reopened'))) setReview(again);
  };
  return html`
    <p><a href="#/quality">← ${t('quality.queue')}</a></p>
    <h2>#${review.ticket_number} ${review.subject || '—'} · ${agentName(me, review.agent_id)}</h2>
    <div class="review-layout">
      <section class="review-conversation" aria-labelledby="conversation-title">
        <h3 id="conversation-title">${t('quality.conversation')}</h3>
        <ol class="thread">${thread.messages.map((message) => html`<${MessageItem} key=${message.id} message=${message} me=${me} />`)}</ol>
      </section>
      <div class="review-side">
        <p class="notice" role="status">${notice}</p>
        ${review.state === 'pending' ? html`<${ScoringForm} review=${review} onScored=${(saved) => {
          setReview(saved);
          setNotice(t('quality.scored', { total: totalText(saved) }));
        }} />` : html`
          <${ScoredReview} review=${review} />
          <section aria-labelledby="reply-title">
            <h3 id="reply-title">${t('quality.reply')}</h3>
            ${review.reply ? html`<p class="review-reply">${review.reply.text}</p>` : html`<p class="muted">${t('quality.no_reply')}</p>`}
          </section>
          <button type="button" class="secondary" onClick=${reopen}>${t('quality.reopen')}</button>`}
        <${Outcome} outcome=${outcome} />
      </div>
    </div>`;
}

const isoDay = (date) => date.toISOString().slice(0, 10);

function ScoresOverTime({ me }) {
  const today = new Date();
  const [query, setQuery] = useState({ since: isoDay(new Date(today.getFullYear(), today.getMonth() - 2, 1)), until: isoDay(today), period: 'month' });
  const [rows, setRows] = useState(null);
  const [failed, setFailed] = useState('');
  const show = async (event) => {
    event?.preventDefault();
    try {
      setRows((await api.qualityScores(query)).rows);
      setFailed('');
    } catch (problem) {
      setFailed(problemText(problem));
    }
  };
  useEffect(() => { show(); }, []);
  const set = (field) => (e) => setQuery({ ...query, [field]: e.target.value });
  const columns = ['quality.agent', 'quality.when', 'quality.reviews', 'quality.average'].map((k) => t(k));
  return html`
    <form class="admin-form inline" onSubmit=${show}>
      <label>${t('quality.since')} <input type="date" name="since" value=${query.since} onInput=${set('since')} /></label>
      <label>${t('quality.until')} <input type="date" name="until" value=${query.until} onInput=${set('until')} /></label>
      <label>${t('quality.period')} <select name="period" value=${query.period} onChange=${set('period')}>
        <option value="month">${t('quality.period.month')}</option><option value="week">${t('quality.period.week')}</option>
      </select></label>
      <button type="submit">${t('quality.show')}</button>
    </form>
    ${failed && html`<p class="error" role="alert">${failed}</p>`}
    ${rows && (rows.length === 0 ? html`<p class="muted">${t('quality.no_scores')}</p>` : html`
      <${AdminTable} name="quality-scores" caption=${t('quality.scores')} columns=${columns} items=${rows} row=${(row) => html`
        <tr><th scope="row">${agentName(me, row.agent_id)}</th><td>${row.period}</td><td>${row.reviews}</td>
          <td>${row.average === null ? '—' : `${row.average} %`}</td></tr>`} />`)}`;
}

export function QualityPage({ section, me }) {
  if (!me.quality) {
    return html`<main id="content" class="quality"><h1>${t('quality.title')}</h1>
      <p class="error" role="alert">${t('quality.forbidden')}</p></main>`;
  }
  const tabs = ['queue', 'scores'];
  const current = tabs.includes(section) ? section : null;
  return html`
    <div class="admin">
      <nav class="views" aria-label=${t('quality.title')}>
        <ul>${tabs.map((tab) => html`<li><a href=${tab === 'queue' ? '#/quality' : `#/quality/${tab}`}
          aria-current=${tab === current ? 'page' : undefined}>${t(`quality.${tab}`)}</a></li>`)}</ul>
      </nav>
      <main id="content" class="admin-section quality" data-section=${current || 'review'}>
        <h1>${t('quality.title')}</h1>
        ${current === 'queue' ? html`<${Queue} me=${me} />`
          : current === 'scores' ? html`<${ScoresOverTime} me=${me} />`
          : html`<${ReviewPage} key=${section} ticketId=${section} me=${me} />`}
      </main>
    </div>`;
}

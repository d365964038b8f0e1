// Surveys in the ticket's side panel: this ticket's survey (sent when and where,
// the CSAT and NPS answers, the customer's comment) and the contact's earlier
// answers, and whether the customer asked for no surveys.
import { html, useState, useEffect } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, formatTime } from '../../i18n.js';

const scores = (s) => [s.csat != null && t('survey.csat', { score: s.csat }), s.nps != null && t('survey.nps', { score: s.nps })]
  .filter(Boolean).join(' · ') || t('survey.unanswered');

export function SurveySection({ ticket }) {
  const [survey, setSurvey] = useState(undefined);
  const [history, setHistory] = useState(null);
  useEffect(() => {
    let current = true;
    api.ticketSurvey(ticket.id).then((answer) => { if (current) setSurvey(answer.survey); }).catch(() => {});
    api.contactSurveys(ticket.contact_id).then((answer) => { if (current) setHistory(answer); }).catch(() => {});
    return () => { current = false; };
  }, [ticket.id, ticket.version]);
  const earlier = (history?.surveys || []).filter((s) => s.ticket_id !== ticket.id && (s.csat != null || s.nps != null));
  return html`
    <section aria-labelledby="survey-title" class="survey">
      <h2 id="survey-title">${t('survey.title')}</h2>
      ${survey === null && html`<p>${t('survey.none')}</p>`}
      ${survey && html`
        <p>${t('survey.sent', { time: formatTime(survey.sent_at), channel: t(`channel.${survey.channel}`) })}</p>
        <p class=${survey.follow_up ? 'survey-poor' : 'survey-answer'}>${scores(survey)}</p>
        ${survey.comment && html`<blockquote class="survey-comment">${survey.comment}</blockquote>`}`}
      ${history?.opted_out_at && html`<p class="notice">${t('survey.opted_out', { time: formatTime(history.opted_out_at) })}</p>`}
      ${earlier.length > 0 && html`
        <h3>${t('survey.earlier')}</h3>
        <ul class="survey-history">${earlier.slice(0, 5).map((s) => html`
          <li><a href=${`#/tickets/${s.ticket_id}`}>#${s.ticket_number}</a> ${scores(s)}</li>`)}</ul>`}
    </section>`;
}

// The ticket's side panel: the contact, SLA clocks and escalations, and the
// history with each change said readably.
import { html, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, tOr, language, formatTime } from '../../i18n.js';
import { useNow } from '../../live.js';
import { actorName, groupName, auditValue, problemText } from '../../words.js';
import { SlaClock } from '../../components/sla-clock.js';
import { ContactSection } from '../contact/section.js';
import { IdentitySection } from './identity.js';
import { StatusLinkSection } from './status-link.js';
import { SurveySection } from './survey.js';

export function SidePanel({ thread, me, onChanged }) {
  const now = useNow();
  const { ticket } = thread;
  const [notice, setNotice] = useState('');
  const acknowledge = async (breach) => {
    try {
      await api.acknowledge(ticket.id, breach.id);
      setNotice(t('sla.acknowledged'));
    } catch (problem) {
      setNotice(problemText(problem));
    }
    onChanged();
  };
  return html`
    <aside class="side">
      <${ContactSection} key=${ticket.id} thread=${thread} me=${me} onChanged=${onChanged} />
      ${thread.contact && !thread.contact.erased_at && html`<${IdentitySection} key=${`identity-${ticket.id}`} thread=${thread} onChanged=${onChanged} />`}
      ${thread.contact && !thread.contact.erased_at && html`<${StatusLinkSection} key=${`status-link-${ticket.id}`} ticket=${ticket} />`}
      ${thread.contact && html`<${SurveySection} key=${`survey-${ticket.id}`} ticket=${ticket} />`}
      ${ticket.sla && html`
        <section aria-labelledby="sla-title" class="sla-panel">
          <h2 id="sla-title">${t('sla.title')}</h2>
          <p class="muted">${t('sla.policy')}: ${ticket.sla.policy_name}</p>
          <ul>${ticket.sla.timers.map((timer) => html`
            <li data-metric=${timer.metric}>${t(`sla.${timer.metric}`)}: <${SlaClock} timer=${timer} now=${now} /></li>`)}
          </ul>
          ${thread.breaches.filter((b) => b.awaiting_acknowledgment).map((breach) => html`
            <p class="escalated">${t('sla.escalated')}
              ${me.role !== 'agent' && html` <button type="button" onClick=${() => acknowledge(breach)}>${t('sla.acknowledge')}</button>`}</p>`)}
          ${notice && html`<p class="notice" role="status">${notice}</p>`}
        </section>`}
      <section aria-labelledby="history-title">
        <h2 id="history-title">${t('ticket.history')}</h2>
        <ol class="events">${thread.events.map((event) => html`
          <li><time datetime=${event.at}>${formatTime(event.at)}</time> · ${actorName(event.actor)}
            ${' '}${t(`event.${event.kind}`)}${event.changes.length > 0 && html`: ${historyChanges(event.changes, me)}`}</li>`)}
        </ol>
      </section>
    </aside>`;
}

function customFieldLabel(me, key) {
  const definition = me.fields.custom_fields.find((d) => d.key === key);
  if (!definition) return key;
  return language() === 'en' ? definition.label_en : definition.label_es;
}

function changeValue(field, value, me) {
  if (value === null || value === undefined || value === '') return '—';
  if (field === 'status') return tOr(`status.${value}`, value);
  if (field === 'priority') return tOr(`priority.${value}`, value);
  if (field === 'channel') return tOr(`channel.${value}`, value);
  if (field === 'assignee_id') return me.team.find((agent) => agent.id === value)?.name || value;
  if (field === 'group_id') return groupName(me.groups, value);
  if (field === 'contact_id') return t('change.other_contact');
  if (field === 'rule_reply_skipped') return tOr(`rule_skip.${value}`, value);
  return auditValue(value);
}

function changeText(change, me) {
  if (change.field === 'merged_from' || change.field === 'merged_into') {
    return t(`change.${change.field}`, { value: change.new ?? '' });
  }
  if (change.field === 'personal_data') return t('change.personal_data');
  const name = change.field.startsWith('custom_fields.')
    ? customFieldLabel(me, change.field.slice('custom_fields.'.length))
    : tOr(`field.${change.field}`, change.field);
  // A field erased with the contact's personal data keeps only its name
  if ((change.old ?? null) === null && (change.new ?? null) === null) return name;
  return `${name} → ${changeValue(change.field, change.new, me)}`;
}

// A merge notes what happened ("merged into #12") before the field change
// itself; one line per field says it once.
function historyChanges(changes, me) {
  const fields = new Set();
  return changes.filter((change) => !fields.has(change.field) && fields.add(change.field))
    .map((change) => changeText(change, me)).join(', ');
}

// The help desk's words: what a ticket can be, and how the console names agents,
// groups, contacts, who did something, a changed value and the server's refusals.
import { t, tOr, language } from './i18n.js';

export const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const normalizeTag = (text) => text.trim().replace(/\s+/g, '-');

export function agentName(me, agentId) {
  return me.team.find((agent) => agent.id === agentId)?.name || '—';
}

export const groupName = (groups, id) => groups.find((group) => group.id === id)?.name || id;

export function actorName(actor) {
  if (actor.kind === 'rule') return t('actor.rule_named', { name: actor.name || actor.id });
  if (actor.kind === 'api_key') return t('actor.api_key_named', { name: actor.name || actor.id });
  return actor.name || tOr(`actor.${actor.kind}`, actor.kind);
}

export const sameIdentity = (a, b) => a.kind === b.kind && a.value === b.value;
export const contactName = (contact) => contact?.name || t('contact.no_name');
export const identityText = (identity) => `${t(`identity.${identity.kind}`)}: ${identity.value}`;

// A value in the history and the audit log: yes/no, lists, or — for nothing
export function auditValue(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t('admin.yes') : t('admin.no');
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  return String(value);
}

// The server's refusal in the agent's language, with the fields it names
export function problemText(problem) {
  const error = problem?.body?.error;
  if (!error) return t('error.network');
  // a problem the console knows by its code (problem.<code>) is said in the agent's language
  const said = (d) => tOr(`problem.${d.problem}`, d.reason);
  const reasons = Array.isArray(error.detail) ? error.detail.map((d) => (d.field ? `${d.field}: ${said(d)}` : said(d))).join('; ') : '';
  return reasons ? `${error.message[language()]} (${reasons})` : error.message[language()];
}

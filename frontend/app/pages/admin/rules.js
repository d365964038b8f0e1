// Administration · rules: what the help desk does on its own when a ticket is
// created, a customer writes, an agent replies or a ticket changes, or some
// hours after a moment (time-based). The rules run in the list's order; "Test"
// shows what one would do (and send) to the latest tickets without changing them.
import { html, useState, useRef } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { AdminForm, Outcome, splitList, useDraft, useOutcome } from '../../components/form.js';
import { AdminTable, Loading, useAdminData } from '../../components/table.js';
import './rules-texts.js';

const TIMED = ['hours_since_created', 'hours_since_customer_message', 'hours_since_pending', 'hours_since_solved'];
const EVENTS = ['ticket_created', 'customer_message', 'agent_reply', 'ticket_updated', ...TIMED];
const FIELDS = ['words', 'channel', 'channel_address', 'contact.country', 'contact.tier', 'contact.language', 'priority',
  'status', 'tags', 'group', 'assignee', 'custom_field', 'sla_state', 'within_business_hours'];
const YES_NO_OPERATORS = ['is', 'is_not'];
const OPERATORS = ['is', 'is_not', 'is_set', 'is_not_set'];
const WORD_OPERATORS = ['contains', 'not_contains'];
const ACTIONS = ['set_group', 'set_priority', 'set_status', 'add_tags', 'remove_tags', 'set_custom_field',
  'assign_agent', 'assign_round_robin', 'notify_agents', 'notify_group', 'send_reply', 'call_webhook'];
const VALUELESS = ['is_set', 'is_not_set', 'assign_round_robin', 'send_reply'];

const blankCondition = () => ({ field: 'words', operator: 'contains', values: '', key: '' });
const blankReply = { source: 'text', text: '', macro_id: '', template: '', template_language: 'es', template_parameters: '' };
const blankAction = () => ({ kind: 'set_group', values: '', key: '', ...blankReply });
const BLANK = { id: '', name: '', event: 'ticket_created', match: 'all', active: true, conditions: [], actions: [blankAction()],
  hours: '24', business_hours: false };

// A send_reply action as the API takes it: a text or a macro, and the template for outside WhatsApp's window
function replyOf(a) {
  const reply = a.source === 'macro' ? { macro_id: a.macro_id.trim() } : { text: a.text };
  if (!a.template.trim()) return reply;
  const template = { name: a.template.trim(), language: a.template_language.trim() || 'es', parameters: splitList(a.template_parameters) };
  return { ...reply, template };
}

function toRule(draft) {
  const values = (row) => (VALUELESS.includes(row.operator || row.kind) ? [] : splitList(row.values));
  const keyed = (row, keyedKind) => (row.field === keyedKind || row.kind === keyedKind) && row.key.trim() ? { key: row.key.trim() } : {};
  return {
    id: draft.id.trim(), name: draft.name.trim(), event: draft.event, match: draft.match, active: draft.active,
    conditions: draft.conditions.map((c) => ({ field: c.field, operator: c.operator, values: values(c), ...keyed(c, 'custom_field') })),
    actions: draft.actions.map((a) => (a.kind === 'send_reply' ? { kind: a.kind, ...replyOf(a) }
      : { kind: a.kind, values: values(a), ...keyed(a, 'set_custom_field') })),
    ...(TIMED.includes(draft.event) ? { hours: Number(draft.hours), business_hours: draft.business_hours } : {}),
  };
}

function toDraft(rule) {
  return {
    id: rule.id, name: rule.name, event: rule.event, match: rule.match, active: rule.active,
    conditions: rule.conditions.map((c) => ({ field: c.field, operator: c.operator, values: c.values.join(', '), key: c.key || '' })),
    actions: rule.actions.map((a) => ({
      kind: a.kind, values: a.values.join(', '), key: a.key || '', ...blankReply,
      source: a.macro_id ? 'macro' : 'text', text: a.text || '', macro_id: a.macro_id || '',
      template: a.template?.name || '', template_language: a.template?.language || 'es',
      template_parameters: (a.template?.parameters || []).join(', '),
    })),
    hours: String(rule.hours ?? 24), business_hours: Boolean(rule.business_hours),
  };
}

function eventText(rule) {
  if (!TIMED.includes(rule.event)) return t(`rules.event.${rule.event}`);
  const after = t(rule.business_hours ? 'rules.after_business_hours' : 'rules.after_hours', { hours: rule.hours });
  return `${t(`rules.event.${rule.event}`)}: ${after}`;
}

function actionText(a) {
  if (a.kind !== 'send_reply') return `${t(`rules.action.${a.kind}`)} ${a.values.join(', ')}`.trim();
  const what = a.macro_id ? `${t('rules.reply.macro')} ${a.macro_id}` : `«${a.text.length > 40 ? `${a.text.slice(0, 40)}…` : a.text}»`;
  return `${t('rules.action.send_reply')}: ${what}${a.template ? ` (${a.template.name})` : ''}`;
}

function summary(rule) {
  const shown = (c) => (c.field === 'within_business_hours' ? c.values.map((v) => t(`rules.yes_no.${v}`)) : c.values);
  const conditions = rule.conditions.map((c) => `${t(`rules.field.${c.field}`)}${c.key ? ` ${c.key}` : ''} `
    + `${t(`rules.op.${c.operator}`)} ${shown(c).join(', ')}`.trim());
  const actions = rule.actions.map(actionText);
  const when = conditions.length ? conditions.join(rule.match === 'all' ? ` ${t('rules.and')} ` : ` ${t('rules.or')} `) : t('rules.always');
  return `${when} → ${actions.join('; ')}`;
}

function ConditionRow({ row, n, onChange, onRemove }) {
  const yesNo = row.field === 'within_business_hours';
  const operators = row.field === 'words' ? WORD_OPERATORS : yesNo ? YES_NO_OPERATORS : OPERATORS;
  const put = (field) => (e) => {
    const next = { ...row, [field]: e.target.value };
    if (field === 'field') next.operator = e.target.value === 'words' ? 'contains' : 'is';
    if (field === 'field' && e.target.value === 'within_business_hours') next.values = 'true';
    onChange(next);
  };
  return html`
    <fieldset class="rule-row" data-condition=${n}>
      <legend>${t('rules.condition_n', { n: n + 1 })}</legend>
      <label>${t('rules.field')}
        <select name=${`condition-${n}-field`} value=${row.field} onChange=${put('field')}>
          ${FIELDS.map((f) => html`<option value=${f}>${t(`rules.field.${f}`)}</option>`)}</select></label>
      ${row.field === 'custom_field' && html`<label>${t('rules.key')}
        <input name=${`condition-${n}-key`} required maxlength="64" value=${row.key} onInput=${put('key')} /></label>`}
      <label>${t('rules.operator')}
        <select name=${`condition-${n}-operator`} value=${row.operator} onChange=${put('operator')}>
          ${operators.map((o) => html`<option value=${o}>${t(`rules.op.${o}`)}</option>`)}</select></label>
      ${yesNo && html`<label>${t('rules.values')}
        <select name=${`condition-${n}-values`} value=${row.values} onChange=${put('values')}>
          <option value="true">${t('rules.yes_no.true')}</option><option value="false">${t('rules.yes_no.false')}</option></select></label>`}
      ${!yesNo && !VALUELESS.includes(row.operator) && html`<label>${t('rules.values')}
        <input name=${`condition-${n}-values`} required value=${row.values} onInput=${put('values')} /></label>`}
      <button type="button" class="secondary" onClick=${onRemove}>${t('rules.remove')}<span class="sr-only"> ${t('rules.condition_n', { n: n + 1 })}</span></button>
    </fieldset>`;
}

function ActionRow({ row, n, onChange, onRemove }) {
  const put = (field) => (e) => onChange({ ...row, [field]: e.target.value });
  return html`
    <fieldset class="rule-row" data-action=${n}>
      <legend>${t('rules.action_n', { n: n + 1 })}</legend>
      <label>${t('rules.does')}
        <select name=${`action-${n}-kind`} value=${row.kind} onChange=${put('kind')}>
          ${ACTIONS.map((a) => html`<option value=${a}>${t(`rules.action.${a}`)}</option>`)}</select></label>
      ${row.kind === 'set_custom_field' && html`<label>${t('rules.key')}
        <input name=${`action-${n}-key`} required maxlength="64" value=${row.key} onInput=${put('key')} /></label>`}
      ${!VALUELESS.includes(row.kind) && html`<label>${t('rules.values')}
        <input name=${`action-${n}-values`} required value=${row.values} onInput=${put('values')} /></label>`}
      ${row.kind === 'send_reply' && html`<${ReplyFields} row=${row} n=${n} put=${put} />`}
      <button type="button" class="secondary" onClick=${onRemove}>${t('rules.remove')}<span class="sr-only"> ${t('rules.action_n', { n: n + 1 })}</span></button>
    </fieldset>`;
}

function ReplyFields({ row, n, put }) {
  return html`
    <label>${t('rules.reply.source')}
      <select name=${`action-${n}-source`} value=${row.source} onChange=${put('source')}>
        <option value="text">${t('rules.reply.text')}</option><option value="macro">${t('rules.reply.macro')}</option></select></label>
    ${row.source === 'macro' ? html`<label>${t('rules.reply.macro')}
        <input name=${`action-${n}-macro`} required pattern="[a-z0-9_\\-]{1,64}" value=${row.macro_id} onInput=${put('macro_id')} /></label>`
      : html`<label>${t('rules.reply.text')}
        <textarea name=${`action-${n}-text`} required maxlength="4096" rows="4" value=${row.text} onInput=${put('text')}></textarea></label>
        <p class="hint">${t('rules.reply.hint')}</p>`}
    <label>${t('rules.reply.template')}
      <input name=${`action-${n}-template`} pattern="[a-z0-9_]{1,512}" value=${row.template} onInput=${put('template')} /></label>
    ${row.template && html`<label>${t('rules.reply.template_language')}
        <input name=${`action-${n}-template-language`} value=${row.template_language} onInput=${put('template_language')} /></label>
      <label>${t('rules.reply.template_parameters')}
        <input name=${`action-${n}-template-parameters`} value=${row.template_parameters} onInput=${put('template_parameters')} /></label>`}
    <p class="hint">${t('rules.reply.template_hint')}</p>`;
}

function TrialView({ trial }) {
  if (!trial) return null;
  return html`
    <section class="rule-trial" aria-labelledby="rule-trial-title">
      <h2 id="rule-trial-title">${t('rules.trial_title', { name: trial.name })}</h2>
      <p role="status">${t('rules.trial_summary', { matched: trial.result.matches.length, tried: trial.result.tried })}</p>
      ${trial.result.matches.length > 0 && html`<ul>${trial.result.matches.map((m) => html`
        <li data-ticket=${m.ticket_id}><a href=${`#/tickets/${m.ticket_id}`}>#${m.number} ${m.subject}</a>:
          ${Object.entries(m.changes).map(([field, value]) => `${field} → ${Array.isArray(value) ? value.join(', ') : value}`).join('; ')}
          ${m.round_robin ? ` · ${t('rules.action.assign_round_robin')}` : ''}
          ${m.sends?.length > 0 ? ` · ${t('rules.trial_sends', { what: m.sends.map((k) => t(`rules.action.${k}`)).join(', ') })}` : ''}
          ${m.reply_skipped ? ` · ${t('rules.trial_skipped', { why: t(`rule_skip.${m.reply_skipped}`) })}` : ''}</li>`)}</ul>`}
    </section>`;
}

export function AdminRules({ onSaved }) {
  const [data, load, failed] = useAdminData(() => api.rules());
  const { draft, setDraft, set, editing, edit, reset } = useDraft(BLANK);
  const [outcome, run, fail] = useOutcome();
  const [trial, setTrial] = useState(null);
  const nameInput = useRef(null);
  if (!data) return html`<${Loading} failed=${failed} />`;
  const rules = data.rules;
  const saveAll = async (next, done) => {
    if (await run(() => api.saveRules({ rules: next }), done)) {
      reset();
      await load();
      onSaved();
    }
  };
  const submit = async (event) => {
    event.preventDefault();
    const rule = toRule(draft);
    if (editing === null && rules.some((r) => r.id === rule.id)) {
      fail(t('rules.exists'));
      return;
    }
    const next = editing === null ? [...rules, rule] : rules.map((r) => (r.id === editing ? rule : r));
    await saveAll(next, t('rules.saved', { name: rule.name }));
  };
  const move = (index, by) => {
    const next = [...rules];
    [next[index], next[index + by]] = [next[index + by], next[index]];
    saveAll(next, t('rules.moved', { name: rules[index].name }));
  };
  const remove = (rule) => saveAll(rules.filter((r) => r.id !== rule.id), t('rules.deleted', { name: rule.name }));
  const test = async (rule) => {
    setTrial(null);
    let result = null;
    if (await run(async () => { result = await api.testRule({ rule }); }, t('rules.tested', { name: rule.name }))) {
      setTrial({ name: rule.name, result });
    }
  };
  const start = (rule) => {
    fail('');
    edit(rule.id, toDraft(rule));
    nameInput.current?.focus();
  };
  const rows = (name) => (index, value) => setDraft({ ...draft, [name]: draft[name].map((r, i) => (i === index ? value : r)) });
  const drop = (name, index) => setDraft({ ...draft, [name]: draft[name].filter((_, i) => i !== index) });
  const title = editing === null ? t('rules.new') : t('rules.editing', { name: draft.name });
  const columns = ['rules.order', 'rules.name', 'rules.event', 'rules.what', 'rules.active', 'admin.actions'].map((key) => t(key));
  const row = (rule) => {
    const index = rules.indexOf(rule);
    return html`
      <tr data-rule=${rule.id}>
        <td>${index + 1}</td><th scope="row">${rule.name}</th><td>${eventText(rule)}</td>
        <td>${summary(rule)}</td><td>${rule.active ? t('admin.yes') : t('admin.no')}</td>
        <td>
          <button type="button" class="secondary" onClick=${() => start(rule)}>${t('admin.edit')}<span class="sr-only"> ${rule.name}</span></button>
          <button type="button" class="secondary" onClick=${() => test(rule)}>${t('rules.test')}<span class="sr-only"> ${rule.name}</span></button>
          ${index > 0 && html`<button type="button" class="secondary" onClick=${() => move(index, -1)}>${t('rules.up')}<span class="sr-only"> ${rule.name}</span></button>`}
          ${index < rules.length - 1 && html`<button type="button" class="secondary" onClick=${() => move(index, 1)}>${t('rules.down')}<span class="sr-only"> ${rule.name}</span></button>`}
          <button type="button" class="danger" onClick=${() => remove(rule)}>${t('rules.delete')}<span class="sr-only"> ${rule.name}</span></button>
        </td>
      </tr>`;
  };
  return html`
    <p class="hint">${t('rules.hint')}</p>
    <${AdminForm} titleId="rule-form-title" title=${title} onSubmit=${submit} submit=${t('rules.save')}
      onCancel=${editing !== null && (() => { reset(); fail(''); })}
      note=${html`<button type="button" class="secondary" onClick=${() => test(toRule(draft))}>${t('rules.test_draft')}</button>`}>
      <label>${t('rules.id')}
        <input name="id" required pattern="[a-z0-9][a-z0-9_\\-]{0,63}" maxlength="64" readOnly=${editing !== null}
          value=${draft.id} onInput=${set('id')} /></label>
      <label>${t('rules.name')}
        <input name="name" ref=${nameInput} required maxlength="120" value=${draft.name} onInput=${set('name')} /></label>
      <label>${t('rules.event')}
        <select name="event" value=${draft.event} onChange=${set('event')}>
          ${EVENTS.map((e) => html`<option value=${e}>${t(`rules.event.${e}`)}</option>`)}</select></label>
      ${TIMED.includes(draft.event) && html`<label>${t('rules.hours')}
          <input name="hours" type="number" required min="1" max="2160" value=${draft.hours} onInput=${set('hours')} /></label>
        <label><input type="checkbox" name="business_hours" checked=${draft.business_hours} onChange=${set('business_hours')} />
          ${' '}${t('rules.business_hours')}</label>
        <p class="hint">${t('rules.timed_hint')}</p>`}
      <label>${t('rules.match')}
        <select name="match" value=${draft.match} onChange=${set('match')}>
          <option value="all">${t('rules.match.all')}</option><option value="any">${t('rules.match.any')}</option></select></label>
      <label><input type="checkbox" name="active" checked=${draft.active} onChange=${set('active')} /> ${t('rules.active')}</label>
      <p class="hint">${t('rules.values_hint')}</p>
      ${draft.conditions.map((c, i) => html`<${ConditionRow} row=${c} n=${i} onChange=${(v) => rows('conditions')(i, v)}
        onRemove=${() => drop('conditions', i)} />`)}
      <button type="button" class="secondary" onClick=${() => setDraft({ ...draft, conditions: [...draft.conditions, blankCondition()] })}>
        ${t('rules.add_condition')}</button>
      ${draft.actions.map((a, i) => html`<${ActionRow} row=${a} n=${i} onChange=${(v) => rows('actions')(i, v)}
        onRemove=${() => drop('actions', i)} />`)}
      <button type="button" class="secondary" onClick=${() => setDraft({ ...draft, actions: [...draft.actions, blankAction()] })}>
        ${t('rules.add_action')}</button>
    <//>
    <${Outcome} outcome=${outcome} />
    <${TrialView} trial=${trial} />
    <${AdminTable} name="rules" caption=${t('admin.rules')} columns=${columns} items=${rules} row=${row} />`;
}

// Administration · SLA: business calendars (blocks per weekday, overnight
// blocks, time zone, the country's holidays, closed days) and the policies in
// the order they are tried, with a preview of what the draft promises a ticket
// created now, before it is saved.
import { html, useState, useEffect, useRef } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t, language } from '../../i18n.js';
import { problemText } from '../../words.js';
import { AdminForm, Outcome, useOutcome } from '../../components/form.js';
import { Loading, useAdminData } from '../../components/table.js';
import './sla-texts.js';

const PRIORITIES = ['urgent', 'high', 'normal', 'low'];
const CHANNELS = ['email', 'whatsapp', 'chat', 'web_form', 'messenger', 'instagram', 'phone'];
const METRICS = ['first_response', 'next_response', 'resolution'];
const WEEKDAYS = [0, 1, 2, 3, 4, 5, 6]; // Monday = 0, as the API counts
// The countries Atiende serves first (the holidays package knows many more)
const COUNTRIES = ['GT', 'SV', 'HN', 'NI', 'CR', 'PA', 'MX', 'CO', 'PE', 'EC', 'BO', 'CL', 'AR', 'UY', 'PY', 'DO', 'VE', 'US', 'ES'];
const ZONES = ['America/Guatemala', 'America/El_Salvador', 'America/Tegucigalpa', 'America/Managua',
  'America/Costa_Rica', 'America/Panama', 'America/Mexico_City', 'America/Bogota', 'America/Lima',
  'America/Guayaquil', 'America/La_Paz', 'America/Santiago', 'America/Argentina/Buenos_Aires',
  'America/Montevideo', 'America/Asuncion', 'America/Santo_Domingo', 'America/Caracas', 'America/New_York',
  'Europe/Madrid', 'UTC'];

const hhmm = (value) => (value || '').slice(0, 5);
const list = (text) => text.split(',').map((part) => part.trim()).filter(Boolean);
const weekdayName = (day) => new Intl.DateTimeFormat(language(), { weekday: 'long' })
  .format(new Date(Date.UTC(2026, 0, 5 + day))); // 2026-01-05 was a Monday

// "8 h 30 min" for a target in minutes
function spoken(minutes) {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return [hours && `${hours} h`, rest && `${rest} min`].filter(Boolean).join(' ') || '0 min';
}

const newCalendar = (taken) => ({
  id: `calendario-${taken + 1}`, name: t('admin.sla.new_calendar_name'), time_zone: 'America/Guatemala',
  blocks: [0, 1, 2, 3, 4].map((weekday) => ({ weekday, start: '08:00', end: '17:00' })),
  holiday_country: 'GT', closed_days: [],
});
const newPolicy = (taken) => ({
  id: `politica-${taken + 1}`, name: t('admin.sla.new_policy_name'),
  conditions: { priorities: [], channels: [], group_ids: [], tiers: [], countries: [] },
  targets: [{ metric: 'first_response', minutes: 240, business_hours: true },
    { metric: 'resolution', minutes: 2880, business_hours: true }],
  warn_at_percent: 80, calendar_id: null, calendar_by_country: false, paused_statuses: ['pending', 'on_hold'],
});

// One calendar: its zone, country, weekly blocks and closed days, and the
// holidays of its country this year (read from the server, which closes on them)
function CalendarEditor({ calendar, change, remove }) {
  const [holidays, setHolidays] = useState(null);
  const year = new Date().getFullYear();
  useEffect(() => {
    setHolidays(null);
    if (!calendar.holiday_country) return undefined;
    let current = true;
    api.holidays(calendar.holiday_country, year, language())
      .then((found) => { if (current) setHolidays(found.holidays); })
      .catch(() => { if (current) setHolidays([]); });
    return () => { current = false; };
  }, [calendar.holiday_country, language()]);
  const field = (name) => (e) => change({ ...calendar, [name]: e.target.value || (name === 'holiday_country' ? null : '') });
  const setBlock = (index, part) => (e) => change({
    ...calendar, blocks: calendar.blocks.map((b, i) => (i === index ? { ...b, [part]: part === 'weekday' ? Number(e.target.value) : e.target.value } : b)),
  });
  const days = calendar.closed_days || [];
  return html`
    <fieldset class="calendar" data-calendar=${calendar.id}>
      <legend>${t('admin.sla.calendar_named', { name: calendar.name || calendar.id })}</legend>
      <label>${t('admin.sla.id')}<input name="calendar_id" required pattern="[a-z0-9_\\-]{1,64}" value=${calendar.id} onInput=${field('id')} /></label>
      <label>${t('admin.sla.name')}<input name="calendar_name" maxlength="120" value=${calendar.name} onInput=${field('name')} /></label>
      <label>${t('admin.sla.time_zone')}
        <input name="time_zone" required list="sla-zones" value=${calendar.time_zone} onInput=${field('time_zone')} /></label>
      <label>${t('admin.sla.country')}
        <select name="holiday_country" value=${calendar.holiday_country || ''} onChange=${field('holiday_country')}>
          <option value="">${t('admin.sla.no_country')}</option>
          ${COUNTRIES.map((code) => html`<option value=${code}>${t(`country.${code}`)}</option>`)}
        </select></label>
      <table class="blocks">
        <caption>${t('admin.sla.blocks')}</caption>
        <thead><tr><th scope="col">${t('admin.sla.weekday')}</th><th scope="col">${t('admin.sla.start')}</th>
          <th scope="col">${t('admin.sla.end')}</th><th scope="col">${t('admin.actions')}</th></tr></thead>
        <tbody>${calendar.blocks.map((block, index) => html`
          <tr data-block=${index}>
            <td><select aria-label=${t('admin.sla.weekday_of', { n: index + 1 })} value=${block.weekday} onChange=${setBlock(index, 'weekday')}>
              ${WEEKDAYS.map((day) => html`<option value=${day}>${weekdayName(day)}</option>`)}</select></td>
            <td><input type="time" required aria-label=${t('admin.sla.start_of', { n: index + 1 })} value=${hhmm(block.start)} onInput=${setBlock(index, 'start')} /></td>
            <td><input type="time" required aria-label=${t('admin.sla.end_of', { n: index + 1 })} value=${hhmm(block.end)} onInput=${setBlock(index, 'end')} />
              ${hhmm(block.end) <= hhmm(block.start) && html` <span class="hint">${t('admin.sla.overnight')}</span>`}</td>
            <td><button type="button" class="secondary" onClick=${() => change({ ...calendar, blocks: calendar.blocks.filter((_, i) => i !== index) })}>
              ${t('admin.sla.remove')}<span class="sr-only"> ${t('admin.sla.block_n', { n: index + 1 })}</span></button></td>
          </tr>`)}
        </tbody>
      </table>
      <p class="hint">${calendar.blocks.length ? t('admin.sla.blocks_hint') : t('admin.sla.no_blocks')}</p>
      <button type="button" class="secondary" onClick=${() => change({ ...calendar, blocks: [...calendar.blocks, { weekday: 0, start: '08:00', end: '17:00' }] })}>
        ${t('admin.sla.add_block')}</button>
      <h3>${t('admin.sla.closed_days')}</h3>
      <ul class="closed-days">${days.map((day, index) => html`
        <li><input type="date" required aria-label=${t('admin.sla.closed_day_n', { n: index + 1 })} value=${day}
              onInput=${(e) => change({ ...calendar, closed_days: days.map((d, i) => (i === index ? e.target.value : d)) })} />
          <button type="button" class="secondary" onClick=${() => change({ ...calendar, closed_days: days.filter((_, i) => i !== index) })}>
            ${t('admin.sla.remove')}<span class="sr-only"> ${day}</span></button></li>`)}
      </ul>
      <button type="button" class="secondary" onClick=${() => change({ ...calendar, closed_days: [...days, `${year}-12-31`] })}>${t('admin.sla.add_closed_day')}</button>
      ${calendar.holiday_country && html`
        <details class="holidays">
          <summary>${t('admin.sla.holidays', { country: t(`country.${calendar.holiday_country}`), year })}</summary>
          ${holidays === null ? html`<p>${t('loading')}</p>` : html`<ul>${holidays.map((h) => html`
            <li><time datetime=${h.date}>${new Intl.DateTimeFormat(language(), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(h.date))}</time> · ${h.name}</li>`)}</ul>`}
        </details>`}
      <div class="buttons"><button type="button" class="secondary" onClick=${remove}>${t('admin.sla.remove_calendar')}</button></div>
    </fieldset>`;
}

// Checkboxes for the values a condition accepts (none ticked: any)
function Choices({ legend, name, options, label, chosen, change }) {
  const toggle = (value) => (e) => change(e.target.checked ? [...chosen, value] : chosen.filter((v) => v !== value));
  return html`
    <fieldset class="checks"><legend>${legend}</legend>
      ${options.map((value) => html`<label><input type="checkbox" name=${name} value=${value}
        checked=${chosen.includes(value)} onChange=${toggle(value)} /> ${label(value)}</label>`)}
    </fieldset>`;
}

function PolicyEditor({ policy, index, count, calendars, groups, change, move, remove }) {
  const conditions = policy.conditions || {};
  const condition = (key) => (values) => change({ ...policy, conditions: { ...conditions, [key]: values } });
  const target = (metric) => policy.targets.find((x) => x.metric === metric);
  const setTarget = (metric, changes) => {
    const others = policy.targets.filter((x) => x.metric !== metric);
    const current = target(metric) || { metric, minutes: 60, business_hours: true };
    const next = changes === null ? others : [...others, { ...current, ...changes }];
    change({ ...policy, targets: METRICS.map((m) => next.find((x) => x.metric === m)).filter(Boolean) });
  };
  const set = (name, read = (e) => e.target.value) => (e) => change({ ...policy, [name]: read(e) });
  return html`
    <fieldset class="policy" data-policy=${policy.id}>
      <legend>${t('admin.sla.policy_n', { n: index + 1, name: policy.name })}</legend>
      <label>${t('admin.sla.id')}<input name="policy_id" required pattern="[a-z0-9_\\-]{1,64}" value=${policy.id} onInput=${set('id')} /></label>
      <label>${t('admin.sla.name')}<input name="policy_name" required maxlength="120" value=${policy.name} onInput=${set('name')} /></label>
      <p class="hint">${t('admin.sla.conditions_hint')}</p>
      <${Choices} legend=${t('admin.sla.priorities')} name="priorities" options=${PRIORITIES} label=${(p) => t(`priority.${p}`)}
        chosen=${conditions.priorities || []} change=${condition('priorities')} />
      <${Choices} legend=${t('admin.sla.channels')} name="channels" options=${CHANNELS} label=${(c) => t(`channel.${c}`)}
        chosen=${conditions.channels || []} change=${condition('channels')} />
      ${groups.length > 0 && html`<${Choices} legend=${t('admin.sla.groups')} name="group_ids" options=${groups.map((g) => g.id)}
        label=${(id) => groups.find((g) => g.id === id)?.name || id} chosen=${conditions.group_ids || []} change=${condition('group_ids')} />`}
      <label>${t('admin.sla.countries')}<input name="countries" value=${(conditions.countries || []).join(', ')}
        placeholder="GT, CR" onChange=${(e) => condition('countries')(list(e.target.value.toUpperCase()))} /></label>
      <label>${t('admin.sla.tiers')}<input name="tiers" value=${(conditions.tiers || []).join(', ')}
        placeholder="vip" onChange=${(e) => condition('tiers')(list(e.target.value))} /></label>
      <table class="targets">
        <caption>${t('admin.sla.targets')}</caption>
        <thead><tr><th scope="col">${t('admin.sla.metric')}</th><th scope="col">${t('admin.sla.minutes')}</th>
          <th scope="col">${t('admin.sla.business_hours')}</th></tr></thead>
        <tbody>${METRICS.map((metric) => {
          const current = target(metric);
          return html`<tr data-metric=${metric}>
            <th scope="row"><label><input type="checkbox" checked=${Boolean(current)}
              onChange=${(e) => setTarget(metric, e.target.checked ? {} : null)} /> ${t(`sla.${metric}`)}</label></th>
            <td>${current && html`<input type="number" min="1" step="1" required class="narrow" value=${current.minutes}
              aria-label=${t('admin.sla.minutes_of', { metric: t(`sla.${metric}`) })}
              onInput=${(e) => setTarget(metric, { minutes: Number(e.target.value) })} /> <span class="hint">${spoken(current.minutes)}</span>`}</td>
            <td>${current && html`<input type="checkbox" checked=${current.business_hours}
              aria-label=${t('admin.sla.business_hours_of', { metric: t(`sla.${metric}`) })}
              onChange=${(e) => setTarget(metric, { business_hours: e.target.checked })} />`}</td>
          </tr>`;
        })}</tbody>
      </table>
      <label>${t('admin.sla.calendar')}
        <select name="calendar" value=${policy.calendar_id || ''} onChange=${set('calendar_id', (e) => e.target.value || null)}>
          <option value="">${t('admin.sla.around_the_clock')}</option>
          ${calendars.map((c) => html`<option value=${c.id}>${c.name || c.id}</option>`)}
        </select></label>
      <label><input type="checkbox" name="calendar_by_country" checked=${policy.calendar_by_country}
        onChange=${set('calendar_by_country', (e) => e.target.checked)} /> ${t('admin.sla.by_country')}</label>
      <label>${t('admin.sla.warn_at')}<input type="number" name="warn_at_percent" min="10" max="99" class="narrow"
        value=${policy.warn_at_percent} onInput=${set('warn_at_percent', (e) => Number(e.target.value))} /></label>
      <div class="buttons">
        <button type="button" class="secondary" disabled=${index === 0} onClick=${() => move(-1)}>${t('admin.sla.up')}<span class="sr-only"> ${policy.name}</span></button>
        <button type="button" class="secondary" disabled=${index === count - 1} onClick=${() => move(1)}>${t('admin.sla.down')}<span class="sr-only"> ${policy.name}</span></button>
        <button type="button" class="secondary" onClick=${remove}>${t('admin.sla.remove_policy')}<span class="sr-only"> ${policy.name}</span></button>
      </div>
    </fieldset>`;
}

// What the draft promises a ticket created now with the chosen conditions
function Preview({ setup, groups }) {
  const [sample, setSample] = useState({ priority: 'normal', channel: 'email', group_id: '', country: '' });
  const [shown, setShown] = useState(null);
  const [problem, setProblem] = useState('');
  const timer = useRef(null);
  useEffect(() => {
    clearTimeout(timer.current);
    let current = true;
    timer.current = setTimeout(() => {
      const ticket = { priority: sample.priority, channel: sample.channel, group_id: sample.group_id || null, country: sample.country || null };
      // "now" is the agent's clock, as the ticket list's ages and SLA clocks are
      api.slaPreview({ setup, ticket, at: new Date().toISOString() })
        .then((answer) => { if (current) { setShown(answer); setProblem(''); } })
        .catch((refused) => { if (current) { setShown(null); setProblem(problemText(refused)); } });
    }, 250);
    return () => { current = false; clearTimeout(timer.current); };
  }, [setup, sample]);
  const pick = (name) => (e) => setSample({ ...sample, [name]: e.target.value });
  const at = (iso, zone) => new Intl.DateTimeFormat(language(), { dateStyle: 'full', timeStyle: 'short', timeZone: zone }).format(new Date(iso));
  return html`
    <section class="sla-preview" aria-labelledby="sla-preview-title">
      <h2 id="sla-preview-title">${t('admin.sla.preview')}</h2>
      <div class="filters">
        <label>${t('admin.sla.priority')}<select name="preview_priority" value=${sample.priority} onChange=${pick('priority')}>
          ${PRIORITIES.map((p) => html`<option value=${p}>${t(`priority.${p}`)}</option>`)}</select></label>
        <label>${t('admin.sla.channel')}<select name="preview_channel" value=${sample.channel} onChange=${pick('channel')}>
          ${CHANNELS.map((c) => html`<option value=${c}>${t(`channel.${c}`)}</option>`)}</select></label>
        <label>${t('admin.sla.group')}<select name="preview_group" value=${sample.group_id} onChange=${pick('group_id')}>
          <option value="">${t('ticket.none')}</option>${groups.map((g) => html`<option value=${g.id}>${g.name}</option>`)}</select></label>
        <label>${t('admin.sla.contact_country')}<select name="preview_country" value=${sample.country} onChange=${pick('country')}>
          <option value="">${t('admin.sla.no_country')}</option>${COUNTRIES.map((c) => html`<option value=${c}>${t(`country.${c}`)}</option>`)}</select></label>
      </div>
      <div role="status" aria-live="polite" class="preview-result">
        ${problem ? html`<p class="error">${t('admin.sla.preview_invalid')} ${problem}</p>`
          : !shown ? html`<p>${t('loading')}</p>`
          : !shown.policy_id ? html`<p>${t('admin.sla.no_policy')}</p>`
          : html`<p>${t('admin.sla.preview_policy', { name: shown.policy_name, zone: shown.time_zone })}</p>
            <ul>${shown.due.map((due) => html`<li data-metric=${due.metric} data-due=${due.local_due_at}>
              ${t('admin.sla.due', { metric: t(`sla.${due.metric}`), at: at(due.due_at, shown.time_zone) })}</li>`)}</ul>`}
      </div>
    </section>`;
}

export function AdminSla() {
  const [data, load, failed] = useAdminData(async () => {
    const [setup, found] = await Promise.all([api.slaSetup(), api.groups()]);
    return { setup, groups: found.groups };
  });
  const [draft, setDraft] = useState(null);
  const [outcome, run] = useOutcome();
  useEffect(() => { if (data) setDraft(structuredClone(data.setup)); }, [data]);
  if (!data || !draft) return html`<${Loading} failed=${failed} />`;
  const calendars = draft.calendars || [];
  const policies = draft.policies || [];
  const setCalendars = (next) => setDraft({ ...draft, calendars: next });
  const setPolicies = (next) => setDraft({ ...draft, policies: next });
  const move = (index, step) => {
    const next = [...policies];
    [next[index], next[index + step]] = [next[index + step], next[index]];
    setPolicies(next);
  };
  const submit = async (event) => {
    event.preventDefault();
    if (await run(() => api.saveSlaSetup(draft), t('admin.sla.saved'))) await load();
  };
  return html`
    <datalist id="sla-zones">${ZONES.map((zone) => html`<option value=${zone} />`)}</datalist>
    <${AdminForm} titleId="sla-form-title" title=${t('admin.sla.title')} className="sla-setup" onSubmit=${submit}
      submit=${t('admin.sla.save')} note=${html`<span class="hint">${t('admin.sla.save_hint')}</span>`}>
      <h2>${t('admin.sla.calendars')}</h2>
      ${calendars.map((calendar, index) => html`<${CalendarEditor} key=${index} calendar=${calendar}
        change=${(changed) => setCalendars(calendars.map((c, i) => (i === index ? changed : c)))}
        remove=${() => setCalendars(calendars.filter((_, i) => i !== index))} />`)}
      <button type="button" class="secondary" onClick=${() => setCalendars([...calendars, newCalendar(calendars.length)])}>
        ${t('admin.sla.add_calendar')}</button>
      <h2>${t('admin.sla.policies')}</h2>
      <p class="hint">${t('admin.sla.order_hint')}</p>
      ${policies.map((policy, index) => html`<${PolicyEditor} key=${index} policy=${policy} index=${index}
        count=${policies.length} calendars=${calendars} groups=${data.groups} move=${(step) => move(index, step)}
        change=${(changed) => setPolicies(policies.map((p, i) => (i === index ? changed : p)))}
        remove=${() => setPolicies(policies.filter((_, i) => i !== index))} />`)}
      <button type="button" class="secondary" onClick=${() => setPolicies([...policies, newPolicy(policies.length)])}>
        ${t('admin.sla.add_policy')}</button>
    <//>
    <${Outcome} outcome=${outcome} />
    <${Preview} setup=${draft} groups=${data.groups} />`;
}

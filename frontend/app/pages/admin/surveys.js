// Administration · Surveys: the survey policies (CSAT, NPS or both) by channel,
// group and customer tier; the delay after solving, the quiet hours in the
// customer's time zone, one survey per customer every N days, bot-solved tickets,
// and the WhatsApp template used when the 24-hour window is closed. The first active
// policy that matches a solved ticket applies; a save names the version read.
import { html, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { Outcome, useOutcome } from '../../components/form.js';
import { Loading, useAdminData } from '../../components/table.js';

const list = (text) => text.split(',').map((v) => v.trim()).filter(Boolean);
const slug = (name) => name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
  .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'encuesta';
const BLANK = { id: '', name: '', active: true, asks: 'csat', delay_hours: 24, quiet_from: '21:00:00', quiet_until: '08:00:00',
  once_per_days: 7, include_bot_solved: false, whatsapp_template: null, conditions: { channels: [], group_ids: [], tiers: [] } };

function PolicyFields({ policy, index, change, remove }) {
  const field = (name, read = (e) => e.target.value) => (e) => change(index, { [name]: read(e) });
  const condition = (name) => (e) => change(index, { conditions: { ...policy.conditions, [name]: list(e.target.value) } });
  return html`
    <fieldset class="survey-policy">
      <legend>${policy.name || t('surveys.new')}</legend>
      <label>${t('surveys.name')}<input name="name" required maxlength="100" value=${policy.name} onInput=${field('name')} /></label>
      <label class="check"><input type="checkbox" checked=${policy.active} onChange=${field('active', (e) => e.target.checked)} />
        ${t('surveys.active')}</label>
      <label>${t('surveys.asks')}
        <select value=${policy.asks} onChange=${field('asks')}>
          ${['csat', 'nps', 'both'].map((a) => html`<option value=${a}>${t(`surveys.asks.${a}`)}</option>`)}
        </select></label>
      <label>${t('surveys.channels')}<input value=${policy.conditions.channels.join(', ')} onChange=${condition('channels')}
        placeholder="email, whatsapp" /></label>
      <label>${t('surveys.groups')}<input value=${policy.conditions.group_ids.join(', ')} onChange=${condition('group_ids')} /></label>
      <label>${t('surveys.tiers')}<input value=${policy.conditions.tiers.join(', ')} onChange=${condition('tiers')} /></label>
      <label>${t('surveys.delay')}<input type="number" min="0" max="336" required value=${policy.delay_hours}
        onInput=${field('delay_hours', (e) => Number(e.target.value))} /></label>
      <label>${t('surveys.quiet_from')}<input type="time" required value=${policy.quiet_from.slice(0, 5)}
        onInput=${field('quiet_from', (e) => `${e.target.value}:00`)} /></label>
      <label>${t('surveys.quiet_until')}<input type="time" required value=${policy.quiet_until.slice(0, 5)}
        onInput=${field('quiet_until', (e) => `${e.target.value}:00`)} /></label>
      <label>${t('surveys.once_per_days')}<input type="number" min="0" max="365" required value=${policy.once_per_days}
        onInput=${field('once_per_days', (e) => Number(e.target.value))} /></label>
      <label class="check"><input type="checkbox" checked=${policy.include_bot_solved}
        onChange=${field('include_bot_solved', (e) => e.target.checked)} /> ${t('surveys.bot')}</label>
      <label>${t('surveys.template')}<input value=${policy.whatsapp_template || ''} pattern="[a-z0-9_]*"
        onInput=${field('whatsapp_template', (e) => e.target.value || null)} /></label>
      <button type="button" onClick=${() => remove(index)}>${t('surveys.remove')}</button>
    </fieldset>`;
}

export function AdminSurveys() {
  const [saved, load, failed] = useAdminData(() => api.surveyPolicies());
  const [draft, setDraft] = useState(null);
  const [outcome, run] = useOutcome();
  if (!saved) return html`<${Loading} failed=${failed} />`;
  const setup = draft || saved;
  const change = (index, fields) => setDraft({ ...setup, policies: setup.policies.map((p, i) => (i === index ? { ...p, ...fields } : p)) });
  const remove = (index) => setDraft({ ...setup, policies: setup.policies.filter((_, i) => i !== index) });
  const add = () => setDraft({ ...setup, policies: [...setup.policies, { ...BLANK }] });
  const submit = async (event) => {
    event.preventDefault();
    const body = { ...setup, policies: setup.policies.map((p) => ({ ...p, id: p.id || slug(p.name) })) };
    if (await run(() => api.saveSurveyPolicies(body), t('surveys.saved'))) {
      setDraft(null);
      await load();
    }
  };
  return html`
    <p class="hint">${t('surveys.intro')}</p>
    <form class="admin-form surveys" onSubmit=${submit} aria-label=${t('admin.surveys')}>
      ${setup.policies.map((policy, index) => html`<${PolicyFields} key=${index} policy=${policy} index=${index}
        change=${change} remove=${remove} />`)}
      <button type="button" onClick=${add}>${t('surveys.add')}</button>
      <button type="submit">${t('surveys.save')}</button>
    </form>
    <${Outcome} outcome=${outcome} />`;
}

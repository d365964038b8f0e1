// Administration · Quality scorecard: the criteria (name, what is looked at,
// weight) and the share of solved tickets sampled; a save names the version read
// (409: someone saved first). Reviews already opened keep their own copy.
import { html, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { Outcome, useOutcome } from '../../components/form.js';
import { Loading, useAdminData } from '../../components/table.js';
import '../quality/texts.js';

const slug = (name) => name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
  .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'criterio';

export function AdminScorecard() {
  const [saved, load, failed] = useAdminData(() => api.scorecard());
  const [draft, setDraft] = useState(null);
  const [outcome, run] = useOutcome();
  if (!saved) return html`<${Loading} failed=${failed} />`;
  const card = draft || saved;
  const change = (index, field) => (e) => {
    const value = field === 'weight' ? Number(e.target.value) : e.target.value;
    setDraft({ ...card, criteria: card.criteria.map((c, i) => (i === index ? { ...c, [field]: value } : c)) });
  };
  const add = () => setDraft({ ...card, criteria: [...card.criteria, { id: '', name: '', description: '', weight: 1 }] });
  const remove = (index) => setDraft({ ...card, criteria: card.criteria.filter((_, i) => i !== index) });
  const submit = async (event) => {
    event.preventDefault();
    const body = { ...card, criteria: card.criteria.map((c) => ({ ...c, id: c.id || slug(c.name) })) };
    let answer = null;
    if (await run(async () => { answer = await api.saveScorecard(body); }, '')) {
      setDraft(null);
      await load();
      run(async () => {}, t('admin.quality.saved', { version: answer.version }));
    }
  };
  return html`
    <p class="hint">${t('admin.quality.intro')}</p>
    <form class="admin-form scorecard" onSubmit=${submit} aria-label=${t('admin.quality')}>
      <label>${t('admin.quality.sample')}
        <input type="number" name="sample_percent" min="0" max="100" step="0.5" required aria-describedby="sample-hint"
          value=${card.sample_percent} onInput=${(e) => setDraft({ ...card, sample_percent: Number(e.target.value) })} /></label>
      <p class="hint" id="sample-hint">${t('admin.quality.sample_hint')}</p>
      ${card.criteria.map((criterion, index) => html`
        <fieldset class="criterion" data-criterion=${criterion.id || index}>
          <legend>${t('admin.quality.criterion')} ${index + 1}</legend>
          <label>${t('admin.quality.name')}
            <input name="name" required maxlength="120" value=${criterion.name} onInput=${change(index, 'name')} /></label>
          <label>${t('admin.quality.description')}
            <input name="description" maxlength="500" value=${criterion.description} onInput=${change(index, 'description')} /></label>
          <label>${t('admin.quality.weight')}
            <input type="number" name="weight" min="1" max="100" required value=${criterion.weight} onInput=${change(index, 'weight')} /></label>
          ${card.criteria.length > 1 && html`<button type="button" class="danger" onClick=${() => remove(index)}>
            ${t('admin.quality.remove', { name: criterion.name || index + 1 })}</button>`}
        </fieldset>`)}
      <div class="buttons">
        <button type="button" class="secondary" onClick=${add}>${t('admin.quality.add')}</button>
        <button type="submit">${t('admin.quality.save')}</button>
      </div>
    </form>
    <${Outcome} outcome=${outcome} />`;
}

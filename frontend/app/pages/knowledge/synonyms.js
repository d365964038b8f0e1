// The help desk's own synonyms (#/kb, administrators): one group per line, its words
// separated by commas, per language. Saving names the version read, so two admins
// never overwrite each other, and rebuilds the search indexes on the server.
import { html, useState } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { addTexts, t } from '../../i18n.js';
import { Loading, useAdminData } from '../../components/table.js';
import { Outcome, splitList, useOutcome } from '../../components/form.js';

const LOCALES = ['es', 'en'];

// groups of one locale as lines of comma-separated words, and back
const asLines = (groups, locale) => groups.filter((g) => g.locale === locale).map((g) => g.words.join(', ')).join('\n');
const asGroups = (text, locale) => text.split('\n').map(splitList).filter((words) => words.length > 0)
  .map((words) => ({ locale, words }));

export function Synonyms() {
  const [saved, setSaved] = useState(null);
  const [lines, setLines] = useState({ es: '', en: '' });
  const [outcome, run, fail] = useOutcome();
  const shown = (found) => {
    setSaved(found);
    setLines(Object.fromEntries(LOCALES.map((locale) => [locale, asLines(found.groups, locale)])));
  };
  const [, , failed] = useAdminData(async () => {
    const found = await api.kbSynonyms();
    shown(found);
    return found;
  });
  const save = async (event) => {
    event.preventDefault();
    const groups = LOCALES.flatMap((locale) => asGroups(lines[locale], locale));
    const single = groups.find((g) => g.words.length < 2);
    if (single) {
      fail(t('kb.synonyms.single', { word: single.words[0] }));
      return;
    }
    await run(async () => shown(await api.kbSaveSynonyms({ groups, version: saved.version })), t('kb.synonyms.saved'));
  };
  if (!saved) return html`<${Loading} failed=${failed} />`;
  return html`
    <form class="admin-form kb-synonyms" onSubmit=${save} aria-labelledby="kb-synonyms-title">
      <h2 id="kb-synonyms-title">${t('kb.synonyms')}</h2>
      <p class="muted" id="kb-synonyms-help">${t('kb.synonyms.help')}</p>
      ${LOCALES.map((locale) => html`
        <label>${t(`kb.synonyms.${locale}`)}
          <textarea name=${`synonyms-${locale}`} rows="5" aria-describedby="kb-synonyms-help" value=${lines[locale]}
            onInput=${(e) => setLines({ ...lines, [locale]: e.target.value })} /></label>`)}
      <div class="buttons"><button type="submit">${t('kb.synonyms.save')}</button></div>
      <${Outcome} outcome=${outcome} />
    </form>`;
}

addTexts({
  es: {
    'kb.synonyms': 'Sinónimos de la búsqueda', 'kb.synonyms.es': 'En español', 'kb.synonyms.en': 'En inglés',
    'kb.synonyms.help': 'Un grupo por línea, sus palabras separadas por comas (p. ej. «billetera, monedero»). '
      + 'Cada palabra de un grupo encuentra lo que encuentran las demás, en el centro de ayuda, el asistente y la consola.',
    'kb.synonyms.save': 'Guardar sinónimos', 'kb.synonyms.saved': 'Sinónimos guardados: la búsqueda ya los usa.',
    'kb.synonyms.single': 'Un grupo necesita al menos dos palabras: «{word}».',
  },
  en: {
    'kb.synonyms': 'Search synonyms', 'kb.synonyms.es': 'In Spanish', 'kb.synonyms.en': 'In English',
    'kb.synonyms.help': 'One group per line, its words separated by commas (e.g. "wallet, purse"). '
      + 'Each word of a group finds what the others find, in the help center, the assistant and the console.',
    'kb.synonyms.save': 'Save synonyms', 'kb.synonyms.saved': 'Synonyms saved: search uses them now.',
    'kb.synonyms.single': 'A group needs at least two words: "{word}".',
  },
});

// The administration pages' one table: a caption for screen readers, a header
// row of column names and one row per item (`row` draws the item's <tr>), with
// the data a section loads when it opens.
import { html, useState, useEffect, useCallback } from '../../vendor/preact-htm.js';
import { t } from '../i18n.js';
import { problemText } from '../words.js';

export function AdminTable({ name, caption, columns, items, row, ...attributes }) {
  return html`
    <table class=${`admin-table ${name}`} ...${attributes}>
      <caption class="sr-only">${caption}</caption>
      <thead><tr>${columns.map((column) => html`<th scope="col">${column}</th>`)}</tr></thead>
      <tbody>${items.map(row)}</tbody>
    </table>`;
}

// Data an admin section loads when it opens (and again after each change)
export function useAdminData(loader) {
  const [data, setData] = useState(null);
  const [failed, setFailed] = useState('');
  const load = useCallback(async () => {
    try {
      setData(await loader());
      setFailed('');
    } catch (problem) {
      setFailed(problemText(problem));
    }
  }, []);
  useEffect(() => { load(); }, []);
  return [data, load, failed, setData];
}

export function Loading({ failed }) {
  return failed ? html`<p class="error" role="alert">${failed}</p>` : html`<p>${t('loading')}</p>`;
}

// The month an admin list shows (the audit log, set-aside mail: both kept by UTC
// month), its answer once loaded, and what failed; a slower answer for a month no
// longer chosen is dropped.
export const thisMonth = () => new Date().toISOString().slice(0, 7);

export function useMonthly(load) {
  const [month, setMonth] = useState(thisMonth());
  const [answer, setAnswer] = useState(null);
  const [failed, setFailed] = useState('');
  useEffect(() => {
    if (!/^\d{4}-\d{2}$/.test(month)) return undefined;
    let current = true;
    setAnswer(null);
    setFailed('');
    load(month)
      .then((found) => { if (current) setAnswer(found); })
      .catch((problem) => { if (current) setFailed(problemText(problem)); });
    return () => { current = false; };
  }, [month]);
  return { month, setMonth, answer, setAnswer, failed };
}

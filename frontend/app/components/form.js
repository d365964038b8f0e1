// The administration pages' one form: a box with an optional title, its fields,
// then, given `submit`, a row of buttons (save, cancel while editing a saved
// item, and a note); the outcome of the last action shows under it.
import { html, useState, useCallback } from '../../vendor/preact-htm.js';
import { t } from '../i18n.js';
import { problemText } from '../words.js';

export function AdminForm({ titleId, title, className, onSubmit, submit, onCancel, note, children }) {
  return html`
    <form class=${className ? `admin-form ${className}` : 'admin-form'} onSubmit=${onSubmit}
      aria-labelledby=${title ? titleId : undefined}>
      ${title && html`<h2 id=${titleId}>${title}</h2>`}
      ${children}
      ${submit && html`
        <div class="buttons">
          <button type="submit">${submit}</button>
          ${onCancel && html`<button type="button" class="secondary" onClick=${onCancel}>${t('admin.cancel')}</button>`}
          ${note}
        </div>`}
    </form>`;
}

// A form's draft, and which saved item it edits (null: a new one)
export function useDraft(blank) {
  const [draft, setDraft] = useState(blank);
  const [editing, setEditing] = useState(null);
  const set = (field) => (e) => setDraft({ ...draft, [field]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  const edit = (id, values) => {
    setEditing(id);
    setDraft(values);
  };
  const reset = () => {
    setEditing(null);
    setDraft(blank);
  };
  return { draft, setDraft, set, editing, edit, reset };
}

// What the last action on an admin page did: a status line, or the server's refusal.
export function useOutcome() {
  const [outcome, setOutcome] = useState({ ok: '', error: '' });
  const run = useCallback(async (work, done) => {
    setOutcome({ ok: '', error: '' });
    try {
      await work();
      setOutcome({ ok: done, error: '' });
      return true;
    } catch (problem) {
      setOutcome({ ok: '', error: problemText(problem) });
      return false;
    }
  }, []);
  const fail = useCallback((error) => setOutcome({ ok: '', error }), []);
  return [outcome, run, fail];
}

export function Outcome({ outcome }) {
  return html`<div class="outcome">
    <p class="notice" role="status">${outcome.ok}</p>
    ${outcome.error && html`<p class="error" role="alert">${outcome.error}</p>`}
  </div>`;
}

// "a, b, c" typed in a box: each once, without blanks
export const splitList = (text) => [...new Set(text.split(',').map((part) => part.trim()).filter(Boolean))];

// The sign-in page (Cognito, through api.js).
import { html, useState } from '../../vendor/preact-htm.js';
import { ApiError, signIn } from '../api.js';
import { t } from '../i18n.js';
import { LanguagePicker } from '../components/language-picker.js';

export function SignIn({ onSignedIn }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      await signIn(email.trim(), password);
      onSignedIn();
    } catch (problem) {
      setError(problem instanceof ApiError ? t('signin.failed') : t('error.network'));
    } finally {
      setBusy(false);
    }
  };
  return html`
    <main id="content" class="signin">
      <form onSubmit=${submit} aria-labelledby="signin-title">
        <h1 id="signin-title">${t('app.name')} · ${t('signin.title')}</h1>
        <label>${t('signin.email')}
          <input name="email" type="email" autocomplete="username" required value=${email}
                 onInput=${(e) => setEmail(e.target.value)} /></label>
        <label>${t('signin.password')}
          <input name="password" type="password" autocomplete="current-password" required value=${password}
                 onInput=${(e) => setPassword(e.target.value)} /></label>
        ${error && html`<p class="error" role="alert">${error}</p>`}
        <button type="submit" disabled=${busy}>${t('signin.submit')}</button>
        <${LanguagePicker} />
      </form>
    </main>`;
}

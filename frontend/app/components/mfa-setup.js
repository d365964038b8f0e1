// Two-step verification with an authenticator app (TOTP), loaded with import()
// only when used: from the agent's own menu (with the access token) or when
// Cognito asks for it at sign-in (MFA_SETUP, with the sign-in's session).
// The secret is shown as text to type into the app (no QR code: drawing one
// would need a library the console does not carry).
import { html, useState, useEffect, useRef } from '../../vendor/preact-htm.js';
import { answerChallenge, cognito, mfa } from '../api.js';
import { addTexts, t } from '../i18n.js';
import { cognitoText } from '../pages/sign-in.js';

addTexts({
  es: {
    'mfa.setup_title': 'Activa la verificación en dos pasos',
    'mfa.setup_explain': 'En tu app de autenticación, agrega una cuenta nueva con «Ingresar una clave» y escribe esta clave (sin espacios). Luego escribe el código de 6 dígitos que muestra la app.',
    'mfa.secret': 'Clave para tu app', 'mfa.account': 'Cuenta: {account}',
    'mfa.no_qr': 'El código QR no está disponible: escribe la clave a mano.',
    'mfa.enable': 'Activar', 'mfa.enabled': 'Listo: la próxima vez que inicies sesión te pediremos el código de 6 dígitos.',
    'mfa.loading': 'Preparando la clave…', 'mfa.close': 'Cerrar',
  },
  en: {
    'mfa.setup_title': 'Turn on two-step verification',
    'mfa.setup_explain': 'In your authenticator app, add a new account with "Enter a setup key" and type this key (no spaces). Then type the 6-digit code the app shows.',
    'mfa.secret': 'Key for your app', 'mfa.account': 'Account: {account}',
    'mfa.no_qr': 'No QR code here: type the key by hand.',
    'mfa.enable': 'Turn on', 'mfa.enabled': 'Done: next time you sign in we will ask for the 6-digit code.',
    'mfa.loading': 'Preparing the key…', 'mfa.close': 'Close',
  },
});

// The secret in groups of four, easier to read and type
const grouped = (secret) => secret.replace(/(.{4})/g, '$1 ').trim();

// The key, a code field and the button; `start` gets the secret, `finish` checks a code
function Setup({ account, start, finish, done, onBack, backLabel }) {
  const [secret, setSecret] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const field = useRef(null);
  useEffect(() => {
    start().then(setSecret).catch((problem) => setError(cognitoText(problem, 'challenge')));
  }, []);
  useEffect(() => { if (secret) field.current?.focus(); }, [secret]);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      await finish(code.trim());
    } catch (problem) {
      setError(cognitoText(problem, 'challenge'));
    } finally {
      setBusy(false);
    }
  };
  if (done) return html`<p class="notice" role="status">${t('mfa.enabled')}</p>`;
  return html`
    <form class="mfa-setup" onSubmit=${submit} aria-labelledby="mfa-title">
      <h1 id="mfa-title">${t('mfa.setup_title')}</h1>
      <p id="mfa-explain">${t('mfa.setup_explain')}</p>
      ${secret ? html`
        <p>${t('mfa.secret')}: <strong class="secret" data-secret=${secret}>${grouped(secret)}</strong></p>
        ${account && html`<p class="muted">${t('mfa.account', { account })}</p>`}
        <p class="hint">${t('mfa.no_qr')}</p>
        <label>${t('mfa.code')}
          <input ref=${field} name="code" type="text" autocomplete="one-time-code" inputmode="numeric" required
                 aria-describedby="mfa-explain" value=${code} onInput=${(e) => setCode(e.target.value)} /></label>
        <button type="submit" disabled=${busy}>${t('mfa.enable')}</button>`
        : !error && html`<p role="status">${t('mfa.loading')}</p>`}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${onBack && html`<button type="button" class="link" onClick=${onBack}>${backLabel}</button>`}
    </form>`;
}

// At sign-in: Cognito requires MFA and the agent has none yet
export function MfaSetupStep({ step, onDone, onBack }) {
  const session = useRef(step.session);
  const start = async () => {
    const answer = await cognito('AssociateSoftwareToken', { Session: session.current });
    session.current = answer.Session || session.current;
    return answer.SecretCode;
  };
  const finish = async (code) => {
    const verified = await cognito('VerifySoftwareToken', { Session: session.current, UserCode: code, FriendlyDeviceName: 'Atiende' });
    onDone(await answerChallenge({ ...step, session: verified.Session || session.current }, {}));
  };
  return html`<${Setup} account=${step.username} start=${start} finish=${finish} onBack=${onBack} backLabel=${t('signin.back')} />`;
}

// From the agent's menu, signed in
export function MfaPanel({ me, onClose }) {
  const [done, setDone] = useState(false);
  const start = async () => (await mfa.associate()).SecretCode;
  const finish = async (code) => {
    await mfa.verify(code);
    await mfa.enable();
    setDone(true);
  };
  return html`
    <main id="content" class="mfa-page">
      <${Setup} account=${me?.email} start=${start} finish=${finish} done=${done} />
      <button type="button" onClick=${onClose}>${t('mfa.close')}</button>
    </main>`;
}

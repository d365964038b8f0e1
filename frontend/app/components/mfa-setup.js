// Two-step verification with an authenticator app (TOTP), loaded with import()
// only when used: from the agent's own menu (with the access token) or when
// Cognito asks for it at sign-in (MFA_SETUP, with the sign-in's session).
// The app takes the key from a QR code drawn here (the encoder, vendor/qrcode.mjs,
// comes with import() too; nothing leaves the browser) or typed as text.
import { html, useState, useEffect, useRef } from '../../vendor/preact-htm.js';
import { answerChallenge, cognito, mfa } from '../api.js';
import { addTexts, t } from '../i18n.js';
import { cognitoText } from '../pages/sign-in.js';

addTexts({
  es: {
    'mfa.setup_title': 'Activa la verificación en dos pasos',
    'mfa.setup_explain': 'En tu app de autenticación, agrega una cuenta nueva y escanea el código QR, o elige «Ingresar una clave» y escribe la clave (sin espacios). Luego escribe el código de 6 dígitos que muestra la app.',
    'mfa.qr': 'Código QR con la clave para tu app de autenticación',
    'mfa.required_title': 'Activa la verificación en dos pasos para continuar',
    'mfa.required_explain': 'Los administradores exigen la verificación en dos pasos a administradores y supervisores. Actívala ahora; tus tickets te esperan.',
    'mfa.continue': 'Continuar a la consola',
    'mfa.secret': 'Clave para tu app', 'mfa.account': 'Cuenta: {account}',
    'mfa.no_qr': 'No pudimos dibujar el código QR: escribe la clave a mano.',
    'mfa.enable': 'Activar', 'mfa.enabled': 'Listo: la próxima vez que inicies sesión te pediremos el código de 6 dígitos.',
    'mfa.loading': 'Preparando la clave…', 'mfa.close': 'Cerrar',
  },
  en: {
    'mfa.setup_title': 'Turn on two-step verification',
    'mfa.setup_explain': 'In your authenticator app, add a new account and scan the QR code, or choose "Enter a setup key" and type the key (no spaces). Then type the 6-digit code the app shows.',
    'mfa.qr': 'QR code with the key for your authenticator app',
    'mfa.required_title': 'Turn on two-step verification to continue',
    'mfa.required_explain': 'Your administrators require two-step verification of administrators and supervisors. Turn it on now; your tickets are waiting.',
    'mfa.continue': 'Go on to the console',
    'mfa.secret': 'Key for your app', 'mfa.account': 'Account: {account}',
    'mfa.no_qr': 'The QR code could not be drawn: type the key by hand.',
    'mfa.enable': 'Turn on', 'mfa.enabled': 'Done: next time you sign in we will ask for the 6-digit code.',
    'mfa.loading': 'Preparing the key…', 'mfa.close': 'Close',
  },
});

// The secret in groups of four, easier to read and type
const grouped = (secret) => secret.replace(/(.{4})/g, '$1 ').trim();

// What authenticator apps read from the QR code (the key-URI format)
const keyUri = (secret, account) =>
  `otpauth://totp/${encodeURIComponent(`Atiende:${account || ''}`)}?secret=${secret}&issuer=Atiende`;

// The QR code as SVG: one path of dark squares, four squares of quiet zone
function QrCode({ text }) {
  const [drawn, setDrawn] = useState(null);
  useEffect(() => {
    let current = true;
    import('../../vendor/qrcode.mjs').then(({ default: qrcode }) => {
      const code = qrcode(0, 'M');
      code.addData(text);
      code.make();
      const count = code.getModuleCount();
      let path = '';
      for (let row = 0; row < count; row += 1) {
        for (let column = 0; column < count; column += 1) {
          if (code.isDark(row, column)) path += `M${column + 4} ${row + 4}h1v1h-1z`;
        }
      }
      if (current) setDrawn({ size: count + 8, path });
    }).catch(() => { if (current) setDrawn(false); });
    return () => { current = false; };
  }, [text]);
  if (drawn === false) return html`<p class="hint">${t('mfa.no_qr')}</p>`;
  if (!drawn) return null;
  return html`
    <svg class="qr" role="img" aria-label=${t('mfa.qr')} viewBox=${`0 0 ${drawn.size} ${drawn.size}`}
         width="200" height="200" shape-rendering="crispEdges" data-size=${drawn.size}>
      <rect width=${drawn.size} height=${drawn.size} fill="#fff" />
      <path d=${drawn.path} fill="#000" />
    </svg>`;
}

// The key, a code field and the button; `start` gets the secret, `finish` checks a code
function Setup({ account, start, finish, done, onBack, backLabel, title = t('mfa.setup_title'), lead = null }) {
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
      <h1 id="mfa-title">${title}</h1>
      ${lead && html`<p class="notice">${lead}</p>`}
      <p id="mfa-explain">${t('mfa.setup_explain')}</p>
      ${secret ? html`
        <${QrCode} text=${keyUri(secret, account)} />
        <p>${t('mfa.secret')}: <strong class="secret" data-secret=${secret}>${grouped(secret)}</strong></p>
        ${account && html`<p class="muted">${t('mfa.account', { account })}</p>`}
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

// Signed in: turning it on with the agent's access token; the page stays for
// what comes after (``after``: a button once it is on, or always)
function SignedInSetup({ me, title, lead, after }) {
  const [done, setDone] = useState(false);
  const start = async () => (await mfa.associate()).SecretCode;
  const finish = async (code) => {
    await mfa.verify(code);
    await mfa.enable();
    setDone(true);
  };
  return html`
    <main id="content" class="mfa-page">
      <${Setup} account=${me?.email} start=${start} finish=${finish} done=${done} title=${title} lead=${lead} />
      ${after(done)}
    </main>`;
}

// From the agent's menu
export function MfaPanel({ me, onClose }) {
  return html`<${SignedInSetup} me=${me}
    after=${() => html`<button type="button" onClick=${onClose}>${t('mfa.close')}</button>`} />`;
}

// The admins require MFA of this role and it is not on yet: the only page until
// it is (the agent API refuses everything else meanwhile)
export function MfaRequiredPage({ me, onDone }) {
  return html`<${SignedInSetup} me=${me} title=${t('mfa.required_title')} lead=${t('mfa.required_explain')}
    after=${(done) => done && html`<button type="button" onClick=${onDone}>${t('mfa.continue')}</button>`} />`;
}

// The sign-in page (Cognito, through api.js), one step at a time: e-mail and
// password; a new password on an invited agent's first sign-in; the 6-digit
// code when MFA is on (its first setup loads with import()); and the forgotten
// password (a code by e-mail, then a new password, then straight in).
import { html, useState, useEffect, useRef } from '../../vendor/preact-htm.js';
import { ApiError, answerChallenge, confirmForgotPassword, consoleConfig, forgotPassword, signIn } from '../api.js';
import { t } from '../i18n.js';
import { LanguagePicker } from '../components/language-picker.js';

// The pool's password policy (infra/template.yaml) unless /api/console-config names one
const TEMPLATE_POLICY = {
  minimum_length: 12, require_lowercase: true, require_uppercase: true, require_numbers: true, require_symbols: false,
};

function policyOf(config) {
  return { ...TEMPLATE_POLICY, ...(config?.password_policy || {}) };
}

export function policyText(policy) {
  const needs = [
    policy.require_uppercase && t('password.upper'),
    policy.require_lowercase && t('password.lower'),
    policy.require_numbers && t('password.number'),
    policy.require_symbols && t('password.symbol'),
  ].filter(Boolean);
  return t('password.policy', { count: policy.minimum_length, needs: needs.join(', ') });
}

// What the typed password lacks, before asking Cognito ('' when nothing)
function passwordProblem(password, repeated, policy) {
  if (password !== repeated) return t('password.mismatch');
  const weak = password.length < policy.minimum_length
    || (policy.require_uppercase && !/[A-Z]/.test(password))
    || (policy.require_lowercase && !/[a-z]/.test(password))
    || (policy.require_numbers && !/[0-9]/.test(password))
    || (policy.require_symbols && !/[^A-Za-z0-9]/.test(password));
  return weak ? `${t('password.weak')} ${policyText(policy)}` : '';
}

// What to tell the agent when Cognito refuses a step (`during`: signin, challenge, reset)
export function cognitoText(problem, during, policy = TEMPLATE_POLICY) {
  if (!(problem instanceof ApiError)) return t('error.network');
  switch (problem.code) {
    case 'NotAuthorizedException':
      if (/attempts exceeded/i.test(problem.detail || '')) return t('signin.too_many');
      return during === 'challenge' ? t('signin.session_expired') : t('signin.failed');
    case 'ResourceNotFoundException':
      return during === 'challenge' ? t('signin.session_expired') : t('signin.unexpected');
    case 'UserNotFoundException':
      return t('signin.failed');
    case 'InvalidPasswordException':
      return `${t('password.weak')} ${policyText(policy)}`;
    case 'InvalidParameterException':
      return during === 'signin' ? t('signin.failed') : `${t('password.weak')} ${policyText(policy)}`;
    case 'CodeMismatchException':
      return t('code.wrong');
    case 'ExpiredCodeException':
      return t('code.expired');
    case 'EnableSoftwareTokenMFAException':
      return t('code.wrong');
    case 'LimitExceededException':
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException':
      return t('signin.too_many');
    case 'PasswordResetRequiredException':
      return t('signin.reset_required');
    case 'UserNotConfirmedException':
      return t('signin.not_confirmed');
    default:
      return t('signin.unexpected');
  }
}

const value = (setter) => (event) => setter(event.target.value);

export function SignIn({ onSignedIn }) {
  // password · new-password · mfa · mfa-setup · forgot · reset
  const [step, setStep] = useState('password');
  const [challenge, setChallenge] = useState(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fresh, setFresh] = useState('');
  const [repeated, setRepeated] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [policy, setPolicy] = useState(TEMPLATE_POLICY);
  const [Setup, setSetup] = useState(null); // the MFA setup step, loaded when Cognito asks for it
  const form = useRef(null);

  useEffect(() => { consoleConfig().then((config) => setPolicy(policyOf(config))).catch(() => {}); }, []);
  // Each step starts at its first field
  useEffect(() => { form.current?.querySelector('input')?.focus(); }, [step, Setup]);

  const go = (next, message = '') => {
    setStep(next);
    setError('');
    setNotice(message);
    setCode('');
    setFresh('');
    setRepeated('');
  };

  // Signed in, or the challenge Cognito asks next
  const follow = async (answer) => {
    if (answer.signedIn) {
      onSignedIn();
      return;
    }
    setChallenge(answer);
    if (answer.challenge === 'NEW_PASSWORD_REQUIRED') go('new-password');
    else if (answer.challenge === 'SOFTWARE_TOKEN_MFA') go('mfa');
    else if (answer.challenge === 'MFA_SETUP') {
      const { MfaSetupStep } = await import('../components/mfa-setup.js');
      setSetup(() => MfaSetupStep);
      go('mfa-setup');
    } else {
      go('password');
      setError(t('signin.unexpected'));
    }
  };

  const attempt = (during, work) => async (event) => {
    event?.preventDefault();
    setBusy(true);
    setError('');
    setNotice('');
    try {
      await work();
    } catch (problem) {
      setError(cognitoText(problem, during, policy));
      if (during === 'challenge' && ['NotAuthorizedException', 'ResourceNotFoundException'].includes(problem?.code)) {
        setPassword('');
        setStep('password'); // the session (3 minutes in Cognito) ran out: start again
      }
      if (problem?.code === 'PasswordResetRequiredException') go('forgot', t('signin.reset_required'));
    } finally {
      setBusy(false);
    }
  };

  const submitPassword = attempt('signin', async () => follow(await signIn(email.trim(), password)));
  const submitNewPassword = attempt('challenge', async () => {
    const problem = passwordProblem(fresh, repeated, policy);
    if (problem) {
      setError(problem);
      return;
    }
    await follow(await answerChallenge(challenge, { NEW_PASSWORD: fresh }));
  });
  const submitCode = attempt('challenge', async () =>
    follow(await answerChallenge(challenge, { SOFTWARE_TOKEN_MFA_CODE: code.trim() })));
  const submitForgot = attempt('reset', async () => {
    await forgotPassword(email.trim());
    go('reset', t('reset.sent', { email: email.trim() }));
  });
  const submitReset = attempt('reset', async () => {
    const problem = passwordProblem(fresh, repeated, policy);
    if (problem) {
      setError(problem);
      return;
    }
    await confirmForgotPassword(email.trim(), code.trim(), fresh);
    // the new password signs in at once (MFA still asks its code)
    try {
      await follow(await signIn(email.trim(), fresh));
    } catch {
      go('password', t('reset.done'));
    }
  });

  const alert = error && html`<p class="error" role="alert">${error}</p>`;
  const status = notice && html`<p class="notice" role="status">${notice}</p>`;
  const back = html`<button type="button" class="link" onClick=${() => go('password')}>${t('signin.back')}</button>`;
  const newPasswordFields = html`
    <p id="password-policy" class="hint">${policyText(policy)}</p>
    <label>${t('password.new')}
      <input name="new-password" type="password" autocomplete="new-password" required aria-describedby="password-policy"
             value=${fresh} onInput=${value(setFresh)} /></label>
    <label>${t('password.repeat')}
      <input name="repeat-password" type="password" autocomplete="new-password" required value=${repeated}
             onInput=${value(setRepeated)} /></label>`;
  const codeField = (label, hint) => html`
    <label>${label}
      <input name="code" type="text" autocomplete="one-time-code" inputmode="numeric" required value=${code}
             aria-describedby=${hint ? 'code-hint' : undefined} onInput=${value(setCode)} /></label>
    ${hint && html`<p id="code-hint" class="hint">${hint}</p>`}`;

  const steps = {
    password: () => html`
      <h1 id="signin-title">${t('app.name')} · ${t('signin.title')}</h1>
      ${status}
      <label>${t('signin.email')}
        <input name="email" type="email" autocomplete="username" required value=${email} onInput=${value(setEmail)} /></label>
      <label>${t('signin.password')}
        <input name="password" type="password" autocomplete="current-password" required value=${password}
               onInput=${value(setPassword)} /></label>
      ${alert}
      <button type="submit" disabled=${busy}>${t('signin.submit')}</button>
      <button type="button" class="link" onClick=${() => go('forgot')}>${t('signin.forgot')}</button>`,
    'new-password': () => html`
      <h1 id="signin-title">${t('password.choose_title')}</h1>
      <p>${t('password.first_time')}</p>
      ${newPasswordFields}
      ${alert}
      <button type="submit" disabled=${busy}>${t('password.save')}</button>
      ${back}`,
    mfa: () => html`
      <h1 id="signin-title">${t('mfa.title')}</h1>
      ${codeField(t('mfa.code'), t('mfa.code_hint'))}
      ${alert}
      <button type="submit" disabled=${busy}>${t('mfa.verify')}</button>
      ${back}`,
    forgot: () => html`
      <h1 id="signin-title">${t('reset.title')}</h1>
      ${status}
      <p>${t('reset.explain')}</p>
      <label>${t('signin.email')}
        <input name="email" type="email" autocomplete="username" required value=${email} onInput=${value(setEmail)} /></label>
      ${alert}
      <button type="submit" disabled=${busy}>${t('reset.send')}</button>
      ${back}`,
    reset: () => html`
      <h1 id="signin-title">${t('reset.title')}</h1>
      ${status}
      ${codeField(t('reset.code'))}
      ${newPasswordFields}
      ${alert}
      <button type="submit" disabled=${busy}>${t('password.save')}</button>
      <button type="button" class="link" onClick=${() => go('forgot')}>${t('reset.again')}</button>
      ${back}`,
  };
  const submits = {
    password: submitPassword, 'new-password': submitNewPassword, mfa: submitCode, forgot: submitForgot, reset: submitReset,
  };

  // One form per step (key): a button reused for the next step's submit button
  // would otherwise submit the form the click just left
  if (step === 'mfa-setup' && Setup) {
    return html`
      <main id="content" class="signin">
        <div class="signin-card" ref=${form}>
          <${Setup} step=${challenge} onDone=${follow} onBack=${() => go('password')} />
        </div>
      </main>`;
  }
  return html`
    <main id="content" class="signin">
      <form key=${step} ref=${form} onSubmit=${submits[step]} aria-labelledby="signin-title" data-step=${step}>
        ${steps[step]()}
        <${LanguagePicker} />
      </form>
    </main>`;
}

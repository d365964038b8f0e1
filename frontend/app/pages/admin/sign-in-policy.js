// Administration · sign-in: how long an idle console stays signed in, and whether
// administrators and supervisors must use two-step verification (MFA).
import { html, useEffect } from '../../../vendor/preact-htm.js';
import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { AdminForm, Outcome, useDraft, useOutcome } from '../../components/form.js';
import { Loading, useAdminData } from '../../components/table.js';

const LIMITS = { min: 5, max: 1440 }; // minutes, as the API accepts them

export function AdminSignIn() {
  const [policy, load, failed] = useAdminData(() => api.signInPolicy());
  const { draft, setDraft, set } = useDraft({ idle_hours: '12', idle_minutes: '0', mfa: false });
  const [outcome, run, fail] = useOutcome();
  useEffect(() => {
    if (!policy) return;
    setDraft({
      idle_hours: String(Math.floor(policy.idle_sign_out_minutes / 60)),
      idle_minutes: String(policy.idle_sign_out_minutes % 60),
      mfa: policy.mfa_required_for_admins_and_supervisors,
    });
  }, [policy]);
  if (!policy) return html`<${Loading} failed=${failed} />`;
  const submit = async (event) => {
    event.preventDefault();
    const minutes = Number(draft.idle_hours || 0) * 60 + Number(draft.idle_minutes || 0);
    if (!Number.isInteger(minutes) || minutes < LIMITS.min || minutes > LIMITS.max) {
      fail(t('admin.signin.idle_range'));
      return;
    }
    const changed = { idle_sign_out_minutes: minutes, mfa_required_for_admins_and_supervisors: draft.mfa };
    if (await run(() => api.saveSignInPolicy(changed), t('admin.signin.saved'))) await load();
  };
  return html`
    <${AdminForm} titleId="signin-form-title" title=${t('admin.signin.title')} onSubmit=${submit}
      submit=${t('admin.signin.save')}>
      <fieldset>
        <legend>${t('admin.signin.idle')}</legend>
        <p class="hint" id="idle-hint">${t('admin.signin.idle_hint')}</p>
        <label>${t('admin.signin.hours')}
          <input type="number" name="idle_hours" min="0" max="24" step="1" required aria-describedby="idle-hint"
                 value=${draft.idle_hours} onInput=${set('idle_hours')} /></label>
        <label>${t('admin.signin.minutes')}
          <input type="number" name="idle_minutes" min="0" max="59" step="1" required aria-describedby="idle-hint"
                 value=${draft.idle_minutes} onInput=${set('idle_minutes')} /></label>
      </fieldset>
      <label class="check"><input type="checkbox" name="mfa_required" checked=${draft.mfa} onChange=${set('mfa')}
        aria-describedby="mfa-hint" /> ${t('admin.signin.mfa')}</label>
      <p class="hint" id="mfa-hint">${t('admin.signin.mfa_hint')}</p>
    <//>
    <${Outcome} outcome=${outcome} />`;
}

"""How agents stay signed in, as administrators set it, and what the console
tells an agent before they type a password.

- the idle time after which the console signs an agent out (default: a
  12-hour shift);
- whether administrators and supervisors must turn on MFA: Cognito's pool
  makes it optional for everyone, so the agent API refuses such a person's
  work until their authenticator app is set up (``MfaGate``), and the console
  takes them straight to setting it up;
- the pool's password policy, read from Cognito (the template sets it), so the
  console explains it instead of only reporting Cognito's refusal."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Protocol

from pydantic import ConfigDict, Field

from helpdesk.access import Role
from helpdesk.admin.audit import audit_entry
from helpdesk.errors import HelpdeskError
from helpdesk.models import Actor
from helpdesk.store import HelpdeskStore
from helpdesk.validated import Validated

SETTING = "sign_in"  # where the store keeps it
DEFAULT_IDLE_SIGN_OUT_MINUTES = 720
MFA_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})


class SignInPolicy(Validated):
    """Body and answer of ``/api/sign-in-policy``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    idle_sign_out_minutes: Annotated[int, Field(ge=5, le=1440)] = DEFAULT_IDLE_SIGN_OUT_MINUTES
    mfa_required_for_admins_and_supervisors: bool = False


class PasswordPolicy(Validated):
    """What Cognito asks of a new password."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    minimum_length: int
    require_lowercase: bool
    require_uppercase: bool
    require_numbers: bool
    require_symbols: bool


class PasswordRules(Protocol):
    def password_policy(self) -> dict[str, Any]:
        """The pool's ``PasswordPolicy`` as Cognito describes it."""
        ...


def sign_in_policy(store: HelpdeskStore) -> SignInPolicy:
    return SignInPolicy.model_validate(store.setting(SETTING))


def mfa_required(policy: SignInPolicy, role: Role) -> bool:
    """Whether the console should ask someone of ``role`` to turn MFA on."""
    return policy.mfa_required_for_admins_and_supervisors and role in MFA_ROLES


class MfaSetupRequired(HelpdeskError):
    """The admins require MFA of this role and the person has not turned it on."""

    message_key = "error.mfa_setup_required"


class MfaDirectory(Protocol):
    def mfa_enabled(self, email: str) -> bool:
        """Whether the person has an authenticator app (TOTP) turned on."""
        ...


class MfaGate:
    """Refuses the work of an admin or supervisor without MFA while the policy
    requires it. Per process it reads the policy at most once a minute and asks
    Cognito about a person until they have MFA (then once every 10 minutes), so
    agents, and everyone while the policy is off, cost no Cognito call."""

    POLICY_FOR = timedelta(minutes=1)
    ENABLED_FOR = timedelta(minutes=10)

    def __init__(self, policy: Callable[[], SignInPolicy], directory: Callable[[], MfaDirectory]) -> None:
        self._policy = policy
        self._directory = directory
        self._read: tuple[datetime, SignInPolicy] | None = None
        self._enabled: dict[str, datetime] = {}

    def missing(self, role: Role, email: str, now: datetime) -> bool:
        """Whether ``email`` (of ``role``) must still turn MFA on."""
        if role not in MFA_ROLES or not self._current(now).mfa_required_for_admins_and_supervisors:
            return False
        seen = self._enabled.get(email)
        if seen is not None and now - seen < self.ENABLED_FOR:
            return False
        if self._directory().mfa_enabled(email):
            self._enabled[email] = now
            return False
        return True

    def require(self, role: Role, email: str, now: datetime) -> None:
        if self.missing(role, email, now):
            raise MfaSetupRequired(email)

    def _current(self, now: datetime) -> SignInPolicy:
        if self._read is None or now - self._read[0] >= self.POLICY_FOR:
            self._read = (now, self._policy())
        return self._read[1]

    def saved(self, policy: SignInPolicy, now: datetime) -> None:
        """The policy just saved here applies in this process at once."""
        self._read = (now, policy)


class MfaFirst(HelpdeskError):
    """Only someone with MFA on may require it (else they would lock themselves out)."""

    message_key = "error.mfa_first"


def save_sign_in_policy(
    store: HelpdeskStore, policy: SignInPolicy, actor: Actor, email: str, directory: MfaDirectory, at: datetime
) -> SignInPolicy:
    """Save the policy (audited). Turning the MFA requirement on takes an admin
    who has MFA on, as the requirement will then ask of them."""
    before = sign_in_policy(store)
    turning_on = policy.mfa_required_for_admins_and_supervisors and not before.mfa_required_for_admins_and_supervisors
    if turning_on and not directory.mfa_enabled(email):
        raise MfaFirst(email)
    audit = audit_entry(actor, "sign_in.saved", SETTING, before, policy, at)
    store.put_setting(SETTING, policy.model_dump(mode="json"), at, audit)
    return policy


def password_policy(rules: PasswordRules) -> PasswordPolicy:
    described = rules.password_policy()
    return PasswordPolicy(
        minimum_length=int(described.get("MinimumLength", 8)),
        require_lowercase=bool(described.get("RequireLowercase", False)),
        require_uppercase=bool(described.get("RequireUppercase", False)),
        require_numbers=bool(described.get("RequireNumbers", False)),
        require_symbols=bool(described.get("RequireSymbols", False)),
    )

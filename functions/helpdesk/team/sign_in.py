"""How agents stay signed in, as administrators set it, and what the console
tells an agent before they type a password.

- the idle time after which the console signs an agent out (default: a
  12-hour shift);
- whether administrators and supervisors must turn on MFA (the console asks
  them to; Cognito's pool allows it for everyone);
- the pool's password policy, read from Cognito (the template sets it), so the
  console explains it instead of only reporting Cognito's refusal."""

from datetime import datetime
from typing import Annotated, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from helpdesk.access import Role
from helpdesk.admin.audit import audit_entry
from helpdesk.models import Actor
from helpdesk.store import HelpdeskStore

SETTING = "sign_in"  # where the store keeps it
DEFAULT_IDLE_SIGN_OUT_MINUTES = 720
MFA_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})


class SignInPolicy(BaseModel):
    """Body and answer of ``/api/sign-in-policy``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    idle_sign_out_minutes: Annotated[int, Field(ge=5, le=1440)] = DEFAULT_IDLE_SIGN_OUT_MINUTES
    mfa_required_for_admins_and_supervisors: bool = False


class PasswordPolicy(BaseModel):
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


def save_sign_in_policy(store: HelpdeskStore, policy: SignInPolicy, actor: Actor, at: datetime) -> SignInPolicy:
    before = sign_in_policy(store)
    audit = audit_entry(actor, "sign_in.saved", SETTING, before, policy, at)
    store.put_setting(SETTING, policy.model_dump(mode="json"), at, audit)
    return policy


def mfa_required(policy: SignInPolicy, role: Role) -> bool:
    """Whether the console should ask someone of ``role`` to turn MFA on."""
    return policy.mfa_required_for_admins_and_supervisors and role in MFA_ROLES


def password_policy(rules: PasswordRules) -> PasswordPolicy:
    described = rules.password_policy()
    return PasswordPolicy(
        minimum_length=int(described.get("MinimumLength", 8)),
        require_lowercase=bool(described.get("RequireLowercase", False)),
        require_uppercase=bool(described.get("RequireUppercase", False)),
        require_numbers=bool(described.get("RequireNumbers", False)),
        require_symbols=bool(described.get("RequireSymbols", False)),
    )

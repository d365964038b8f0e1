"""The sign-in policy administrators set, and the password policy the console
explains: without AWS."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from helpdesk.access import Role
from helpdesk.team.sign_in import (
    DEFAULT_IDLE_SIGN_OUT_MINUTES,
    MfaGate,
    MfaSetupRequired,
    SignInPolicy,
    mfa_required,
    password_policy,
)
from local.provision import load_template


class _Pool:
    def __init__(self, described: dict[str, Any]) -> None:
        self.described = described

    def password_policy(self) -> dict[str, Any]:
        return self.described


def test_nothing_saved_means_a_shift_and_no_mfa_demand() -> None:
    policy = SignInPolicy.model_validate({})
    assert policy.idle_sign_out_minutes == DEFAULT_IDLE_SIGN_OUT_MINUTES == 720
    assert not any(mfa_required(policy, role) for role in Role)


def test_mfa_is_asked_of_administrators_and_supervisors_only() -> None:
    policy = SignInPolicy(mfa_required_for_admins_and_supervisors=True)
    assert {role: mfa_required(policy, role) for role in Role} == {
        Role.AGENT: False,
        Role.SUPERVISOR: True,
        Role.ADMIN: True,
    }


@pytest.mark.parametrize("minutes", [0, 4, 1441])
def test_idle_time_stays_between_five_minutes_and_a_day(minutes: int) -> None:
    with pytest.raises(ValidationError):
        SignInPolicy(idle_sign_out_minutes=minutes)


def test_the_console_explains_the_templates_password_policy() -> None:
    declared = load_template()["Resources"]["AgentUserPool"]["Properties"]["Policies"]["PasswordPolicy"]
    explained = password_policy(_Pool(declared))
    assert explained.model_dump() == {
        "minimum_length": declared["MinimumLength"],
        "require_lowercase": declared["RequireLowercase"],
        "require_uppercase": declared["RequireUppercase"],
        "require_numbers": declared["RequireNumbers"],
        "require_symbols": declared["RequireSymbols"],
    }


class _Directory:
    """Who has MFA on, and how often Cognito was asked."""

    def __init__(self, *with_mfa: str) -> None:
        self.with_mfa = set(with_mfa)
        self.asked = 0

    def mfa_enabled(self, email: str) -> bool:
        self.asked += 1
        return email in self.with_mfa


NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
REQUIRED = SignInPolicy(mfa_required_for_admins_and_supervisors=True)


def test_gate_refuses_admins_and_supervisors_without_mfa_only_while_required() -> None:
    directory = _Directory("ana@x.example")
    policies = [REQUIRED]
    gate = MfaGate(lambda: policies[-1], lambda: directory)
    assert gate.missing(Role.SUPERVISOR, "beto@x.example", NOW)
    with pytest.raises(MfaSetupRequired):
        gate.require(Role.ADMIN, "beto@x.example", NOW)
    assert not gate.missing(Role.ADMIN, "ana@x.example", NOW)
    assert not gate.missing(Role.AGENT, "beto@x.example", NOW)
    policies.append(SignInPolicy())
    assert gate.missing(Role.ADMIN, "beto@x.example", NOW + timedelta(seconds=59)), "policy read once a minute"
    assert not gate.missing(Role.ADMIN, "beto@x.example", NOW + timedelta(minutes=1))


def test_gate_asks_cognito_until_mfa_is_on_then_every_ten_minutes() -> None:
    directory = _Directory()
    gate = MfaGate(lambda: REQUIRED, lambda: directory)
    assert gate.missing(Role.ADMIN, "ana@x.example", NOW)
    directory.with_mfa.add("ana@x.example")  # turned on in the console: the next request passes
    assert not gate.missing(Role.ADMIN, "ana@x.example", NOW + timedelta(seconds=1))
    asked = directory.asked
    for minute in range(1, 10):
        gate.require(Role.ADMIN, "ana@x.example", NOW + timedelta(minutes=minute))
    assert directory.asked == asked
    gate.require(Role.ADMIN, "ana@x.example", NOW + timedelta(minutes=11))
    assert directory.asked == asked + 1
    gate.missing(Role.AGENT, "luis@x.example", NOW)
    assert directory.asked == asked + 1, "agents cost no Cognito call"


def test_gate_applies_a_policy_saved_in_its_process_at_once() -> None:
    gate = MfaGate(SignInPolicy, _Directory)
    assert not gate.missing(Role.ADMIN, "beto@x.example", NOW)
    gate.saved(REQUIRED, NOW + timedelta(seconds=1))
    assert gate.missing(Role.ADMIN, "beto@x.example", NOW + timedelta(seconds=2))

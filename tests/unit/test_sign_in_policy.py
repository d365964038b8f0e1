"""The sign-in policy administrators set, and the password policy the console
explains: without AWS."""

from typing import Any

import pytest
from pydantic import ValidationError

from helpdesk.access import Role
from helpdesk.team.sign_in import DEFAULT_IDLE_SIGN_OUT_MINUTES, SignInPolicy, mfa_required, password_policy
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

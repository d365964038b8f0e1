"""Amazon Cognito: the agents' sign-in directory. Each agent is a user of the
pool (username = e-mail) in exactly one role group: agent, supervisor, admin."""

from typing import Any

from helpdesk.errors import HelpdeskError

ROLE_GROUPS = ("agent", "supervisor", "admin")


class AgentAlreadyExists(HelpdeskError):
    message_key = "error.agent_exists"


class CognitoDirectory:
    def __init__(self, client: Any, user_pool_id: str) -> None:
        self._idp = client
        self._pool = user_pool_id

    def invite(self, email: str, name: str, role: str) -> str:
        """Create the user (Cognito e-mails them a temporary password) in the
        role's group; the user's ``sub``, which is the agent's id."""
        try:
            user = self._idp.admin_create_user(
                UserPoolId=self._pool,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "name", "Value": name},
                ],
                DesiredDeliveryMediums=["EMAIL"],
            )["User"]
        except self._idp.exceptions.UsernameExistsException as exc:
            raise AgentAlreadyExists(email) from exc
        self._idp.admin_add_user_to_group(UserPoolId=self._pool, Username=email, GroupName=role)
        return str(next(a["Value"] for a in user["Attributes"] if a["Name"] == "sub"))

    def set_role(self, email: str, role: str) -> None:
        """Put the user in ``role``'s group and out of the other role groups."""
        for group in ROLE_GROUPS:
            if group != role:
                self._idp.admin_remove_user_from_group(UserPoolId=self._pool, Username=email, GroupName=group)
        self._idp.admin_add_user_to_group(UserPoolId=self._pool, Username=email, GroupName=role)

    def set_name(self, email: str, name: str) -> None:
        self._idp.admin_update_user_attributes(
            UserPoolId=self._pool, Username=email, UserAttributes=[{"Name": "name", "Value": name}]
        )

    def set_active(self, email: str, active: bool) -> None:
        """Enable, or disable and sign out everywhere (their refresh tokens stop
        working; the agent API also refuses a deactivated agent's ID token at once)."""
        if active:
            self._idp.admin_enable_user(UserPoolId=self._pool, Username=email)
            return
        self._idp.admin_disable_user(UserPoolId=self._pool, Username=email)
        self._idp.admin_user_global_sign_out(UserPoolId=self._pool, Username=email)

    def mfa_enabled(self, email: str) -> bool:
        user = self._idp.admin_get_user(UserPoolId=self._pool, Username=email)
        return "SOFTWARE_TOKEN_MFA" in user.get("UserMFASettingList", [])

    def password_policy(self) -> dict[str, Any]:
        """The pool's password policy (``MinimumLength``, ``Require…``)."""
        pool = self._idp.describe_user_pool(UserPoolId=self._pool)["UserPool"]
        return dict(pool.get("Policies", {}).get("PasswordPolicy", {}))

"""What Cognito would e-mail, in the local stack's outbox.

In AWS, Cognito e-mails an invited agent their temporary password and an agent
who forgot theirs a code, with the pool's own message templates
(``infra/template.yaml``). moto's Cognito sends nothing, and it leaves gaps a
person trying Atiende would fall into:

- ``AdminCreateUser`` without ``TemporaryPassword`` stores no password at all,
  so the invited agent could never sign in: here Cognito's temporary password is
  made, under the pool's password policy;
- ``ForgotPassword`` makes a code only moto's own clients can read (a response
  header) and ``ConfirmForgotPassword`` accepts any code that does not look like
  one of those: here the code is six digits, as in AWS, and only that code
  (once) sets the new password, which must follow the pool's policy.

Each message is recorded with the pool's templates filled in, and
``GET /dev/outbox`` lists them among the other outgoing mail. Installed once per
process by the embedded AWS (and by tests that use moto in-process).
"""

import secrets
import string
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from moto.cognitoidp import models as cognito
from moto.cognitoidp.exceptions import CodeMismatchException

# Cognito's own sender when a pool sends with COGNITO_DEFAULT.
COGNITO_DEFAULT_SENDER = "no-reply@verificationemail.com"


@dataclass(frozen=True)
class CognitoMail:
    kind: str  # "invitation" or "password_reset_code"
    sender: str
    to: str
    subject: str
    body: str  # the template filled in, as Cognito sends it (HTML)
    sent_at: datetime

    def as_outbox_entry(self) -> dict[str, Any]:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = self.to
        message["Subject"] = self.subject
        message["Date"] = format_datetime(self.sent_at)
        message["Message-ID"] = make_msgid(domain="cognito.localhost")
        message.set_content(self.body, subtype="html")
        return {
            "channel": "email",
            "sent_by": "cognito",
            "kind": self.kind,
            "sent_at": self.sent_at.isoformat(timespec="seconds"),
            "provider_message_id": str(message["Message-ID"]),
            "from": self.sender,
            "to": [self.to.lower()],
            "subject": self.subject,
            "message_id": str(message["Message-ID"]),
            "in_reply_to": "",
            "body": self.body,
            "raw": message.as_string(),
        }


_sent: list[CognitoMail] = []
_reset_codes: dict[tuple[str, str], str] = {}  # (pool id, user's username) → code
_lock = threading.Lock()
_installed = False


def sent_mail() -> list[CognitoMail]:
    with _lock:
        return list(_sent)


def outbox_entries() -> list[dict[str, Any]]:
    return [mail.as_outbox_entry() for mail in sent_mail()]


def forget_sent_mail() -> None:
    with _lock:
        _sent.clear()
        _reset_codes.clear()


def _sender(pool: Any) -> str:
    configuration = pool.extended_config.get("EmailConfiguration") or {}
    if configuration.get("EmailSendingAccount") == "DEVELOPER" and configuration.get("From"):
        return str(configuration["From"])
    return COGNITO_DEFAULT_SENDER


def _record(pool: Any, kind: str, to: str, subject: str, body: str) -> None:
    with _lock:
        _sent.append(CognitoMail(kind, _sender(pool), to, subject, body, datetime.now(UTC)))


def temporary_password(policy: dict[str, Any]) -> str:
    """A password Cognito could have made: long enough, one of each class (no
    ``<``, ``>`` or ``&``: the invitation is HTML)."""
    length = max(int(policy.get("MinimumLength", 8)), 12)
    classes = [string.ascii_lowercase, string.ascii_uppercase, string.digits, "^$*.[]{}()?!@#%/,:;|_~=+-"]
    chosen = [secrets.choice(c) for c in classes]
    alphabet = "".join(classes)
    chosen += [secrets.choice(alphabet) for _ in range(length - len(chosen))]
    secrets.SystemRandom().shuffle(chosen)
    return "".join(chosen)


def _email_of(user: Any, fallback: str) -> str:
    return str(user.attribute_lookup.get("email") or fallback)


def install() -> None:
    """Wrap moto's Cognito backend (idempotent)."""
    global _installed  # noqa: PLW0603 - a one-time patch of a third-party class
    if _installed:
        return
    backend = cognito.CognitoIdpBackend
    original_create = backend.admin_create_user
    original_forgot = backend.forgot_password
    original_confirm = backend.confirm_forgot_password

    def admin_create_user(
        self: Any,
        user_pool_id: str,
        username: str,
        message_action: str,
        temporary_password_given: str | None,
        attributes: list[dict[str, str]],
    ) -> Any:
        pool = self.describe_user_pool(user_pool_id)
        password = temporary_password_given or temporary_password(
            pool.extended_config.get("Policies", {}).get("PasswordPolicy", {})
        )
        user = original_create(self, user_pool_id, username, message_action, password, attributes)
        if message_action != "SUPPRESS":
            template = pool.extended_config.get("AdminCreateUserConfig", {}).get("InviteMessageTemplate", {})
            body = str(template.get("EmailMessage", "")).replace("{username}", username).replace("{####}", password)
            _record(pool, "invitation", _email_of(user, username), str(template.get("EmailSubject", "")), body)
        return user

    def forgot_password(self: Any, client_id: str, username: str) -> Any:
        moto_code, answer = original_forgot(self, client_id, username)
        for pool in self.user_pools.values():
            user = pool._get_user(username) if client_id in pool.clients else None
            if user is None:
                continue
            code = f"{secrets.randbelow(1_000_000):06d}"
            with _lock:
                _reset_codes[(pool.id, user.username)] = code
            template = pool.extended_config.get("VerificationMessageTemplate", {})
            body = str(template.get("EmailMessage", "")).replace("{####}", code)
            _record(pool, "password_reset_code", _email_of(user, username), str(template.get("EmailSubject", "")), body)
        return moto_code, answer

    def confirm_forgot_password(
        self: Any, client_id: str, username: str, password: str, confirmation_code: str
    ) -> None:
        for pool in self.user_pools.values():
            user = pool._get_user(username) if client_id in pool.clients else None
            if user is None:
                continue
            with _lock:
                expected = _reset_codes.get((pool.id, user.username))
            if expected is None or not secrets.compare_digest(expected, confirmation_code):
                raise CodeMismatchException("Invalid verification code provided, please try again.")
            self._validate_password(pool.id, password)
            with _lock:
                _reset_codes.pop((pool.id, user.username), None)
            user.confirmation_code = None
        original_confirm(self, client_id, username, password, confirmation_code)

    backend.admin_create_user = admin_create_user  # type: ignore[method-assign,assignment]
    backend.forgot_password = forgot_password  # type: ignore[method-assign]
    backend.confirm_forgot_password = confirm_forgot_password  # type: ignore[method-assign]
    _installed = True

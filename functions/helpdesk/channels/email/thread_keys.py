"""How e-mail finds its ticket: the marks we put on every mail we send.

- Message-ID ``<{message id}.{ticket id}@{support domain}>``: a reply's
  In-Reply-To/References name the ticket without a lookup;
- reply address ``soporte+{ticket id}@{support domain}``: survives clients that
  drop headers;
- ``[#48213]`` in the subject: readable by people, trusted only for the ticket's
  contact or CCs (anyone can type a number).
"""

import re

ULID = r"[0-9A-HJKMNP-TV-Z]{26}"
OUR_MESSAGE_ID = re.compile(rf"^<(?P<message>{ULID})\.(?P<ticket>{ULID})@(?P<domain>[^>]+)>$", re.IGNORECASE)
SUBJECT_NUMBER = re.compile(r"\[#(?P<number>\d{1,12})\]")
REPLY_PREFIXES = re.compile(r"^\s*((re|rv|res|fw|fwd|reenv|aw|wg|tr|sv)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def our_message_id(message_id: str, ticket_id: str, domain: str) -> str:
    return f"<{message_id}.{ticket_id}@{domain}>"


def ticket_in_message_ids(message_ids: tuple[str, ...], domain: str) -> str | None:
    """The ticket named by the first of ``message_ids`` that we wrote."""
    for candidate in message_ids:
        match = OUR_MESSAGE_ID.match(candidate.strip())
        if match and match.group("domain").lower() == domain.lower():
            return match.group("ticket").upper()
    return None


def reply_address(support_address: str, ticket_id: str) -> str:
    local, domain = support_address.rsplit("@", 1)
    return f"{local}+{ticket_id.lower()}@{domain}"


def ticket_in_addresses(addresses: tuple[str, ...], support_address: str) -> str | None:
    """The ticket token of a ``soporte+<token>@…`` among ``addresses``."""
    local, domain = support_address.lower().rsplit("@", 1)
    pattern = re.compile(rf"^{re.escape(local)}\+(?P<token>{ULID})@{re.escape(domain)}$", re.IGNORECASE)
    for address in addresses:
        match = pattern.match(address.strip().lower())
        if match:
            return match.group("token").upper()
    return None


def ticket_number_in_subject(subject: str) -> int | None:
    match = SUBJECT_NUMBER.search(subject)
    return int(match.group("number")) if match else None


def subject_for_reply(subject: str, number: int) -> str:
    """``Re: <subject> [#48213]``, without piling up prefixes or numbers."""
    bare = SUBJECT_NUMBER.sub("", REPLY_PREFIXES.sub("", subject)).strip()
    return f"Re: {bare} [#{number}]" if bare else f"[#{number}]"

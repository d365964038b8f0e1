"""The web contact form's tokens (``helpdesk.channels.web_form``): each form
handed out is an item with the moment it was issued, removed by its time to
live; a submission takes it once (a conditional delete), so a form sends at
most one ticket and its time-to-submit is measured from the server's clock."""

from datetime import datetime

from helpdesk.store import keys
from helpdesk.store.conditions import conditionally, get_or_none
from helpdesk.store.items import FormTokenItem
from helpdesk.store.table import TableAccess


class ContactForms(TableAccess):
    def issue_form_token(self, token: str, issued_at: datetime, expires_at: datetime) -> None:
        FormTokenItem(*keys.form_token_key(token), issued_at=issued_at, expires_at=expires_at).save()

    def take_form_token(self, token: str) -> datetime | None:
        """When the form was handed out, the first time it is taken; None when it
        never was, expired or was taken before (each form sends once)."""
        item = get_or_none(FormTokenItem, *keys.form_token_key(token), consistent_read=True)
        if item is None:
            return None
        if not conditionally(lambda: item.delete(condition=FormTokenItem.PK.exists())):
            return None
        issued: datetime = item.issued_at
        return issued

"""What customer links need from the table: the key they are signed with
(made once, by a conditional write, so every function signs with the same
key) and, per ticket, the moment before which its status links are revoked."""

from datetime import datetime

from helpdesk.store import keys
from helpdesk.store.conditions import conditionally, get_or_none
from helpdesk.store.items import LinkKeyItem, StatusLinksItem
from helpdesk.store.table import TableAccess


class CustomerLinks(TableAccess):
    def customer_link_key(self) -> str | None:
        """The signing key (hex), if one was made."""
        item = get_or_none(LinkKeyItem, *keys.CUSTOMER_LINK_KEY, consistent_read=True)
        return item.secret if item is not None else None

    def create_customer_link_key(self, secret: str, at: datetime) -> bool:
        """Keep ``secret`` as the signing key unless one exists (False then)."""
        item = LinkKeyItem(*keys.CUSTOMER_LINK_KEY, secret=secret, created_at=at)
        return conditionally(lambda: item.save(condition=LinkKeyItem.PK.does_not_exist()))

    def status_links_revoked_before(self, ticket_id: str) -> datetime | None:
        item = get_or_none(StatusLinksItem, *keys.status_links_key(ticket_id), consistent_read=True)
        return item.revoked_before if item is not None else None

    def revoke_status_links(self, ticket_id: str, at: datetime, by: str | None) -> None:
        """Every status link of the ticket issued until ``at`` stops working."""
        StatusLinksItem(*keys.status_links_key(ticket_id), revoked_before=at, revoked_by=by).save()

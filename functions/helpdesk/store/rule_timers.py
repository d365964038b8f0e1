"""Time-based rules as the scheduled pass reads them: one timer item per
ticket, rule and moment in the partition of the minute it is due (the pass
queries only due minutes, never the tickets), a "fired" item per ticket, rule
and moment written conditionally (so a rule fires once however many passes
run), and the moment a ticket became pending."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from helpdesk.store import keys
from helpdesk.store.conditions import conditionally, get_or_none
from helpdesk.store.items import RuleFiredItem, RuleMomentItem, RuleTimerItem
from helpdesk.store.table import TableAccess

KEEP_AFTER_DUE = timedelta(days=7)  # a due timer's item expires (TTL) after this


@dataclass(frozen=True)
class RuleTimer:
    """A time-based rule due on one ticket: ``hours`` after ``since``."""

    ticket_id: str
    rule_id: str
    since: datetime
    due_at: datetime
    hours: int
    business_hours: bool


class RuleTimers(TableAccess):
    def put_rule_timer(self, timer: RuleTimer) -> None:
        """Write (or write again: same keys, same item) a rule's timer in its due minute."""
        RuleTimerItem(
            *keys.rule_timer_key(timer.due_at, timer.ticket_id, timer.rule_id, timer.since),
            ticket_id=timer.ticket_id,
            rule_id=timer.rule_id,
            since=timer.since,
            due_at=timer.due_at,
            hours=timer.hours,
            business_hours=timer.business_hours,
            expires_at=timer.due_at + KEEP_AFTER_DUE,
        ).save()

    def rule_timers_due_in(self, minute: datetime) -> list[RuleTimer]:
        """The timers due in ``minute`` (one partition)."""
        return [
            RuleTimer(
                ticket_id=item.ticket_id,
                rule_id=item.rule_id,
                since=item.since,
                due_at=item.due_at,
                hours=int(item.hours),
                business_hours=bool(item.business_hours),
            )
            for item in RuleTimerItem.query(keys.rule_due_bucket(minute), consistent_read=True)
            if isinstance(item, RuleTimerItem)
        ]

    def claim_rule_timer(self, timer: RuleTimer, at: datetime) -> bool:
        """Mark the timer fired; False if it had fired (another pass, or before)."""
        item = RuleFiredItem(*keys.rule_fired_key(timer.ticket_id, timer.rule_id, timer.since), fired_at=at)
        return conditionally(lambda: item.save(condition=RuleFiredItem.PK.does_not_exist()))

    def mark_moment(self, ticket_id: str, state: str, at: datetime) -> datetime:
        """Since when the ticket is in ``state``: ``at`` if this is the first
        mark since it entered it, else the earlier mark's moment."""
        item = RuleMomentItem(*keys.rule_moment_key(ticket_id, state), since=at)
        if conditionally(lambda: item.save(condition=RuleMomentItem.PK.does_not_exist())):
            return at
        found = self.moment(ticket_id, state)
        return found or at

    def moment(self, ticket_id: str, state: str) -> datetime | None:
        item = get_or_none(RuleMomentItem, *keys.rule_moment_key(ticket_id, state), consistent_read=True)
        return item.since if item is not None else None

    def clear_moment(self, ticket_id: str, state: str) -> None:
        """The ticket left ``state``: its next entry starts a new moment."""
        RuleMomentItem(*keys.rule_moment_key(ticket_id, state)).delete()

"""What a load run (``local/load.py``) reports: the read-back check, the figures
it measured, and how they are printed and recorded for ``make bench``."""

import statistics
from dataclasses import dataclass

from local.seed import AGENTS


@dataclass(frozen=True)
class Check:
    """The read-back: each message sent on exactly one ticket, in order per customer."""

    sent: int
    found_once: int
    missing: tuple[str, ...]
    repeated: tuple[str, ...]
    out_of_order: tuple[int, ...]  # customers whose messages a ticket shows out of order
    tickets: int

    @property
    def holds(self) -> bool:
        return self.found_once == self.sent and not self.missing and not self.repeated and not self.out_of_order


@dataclass(frozen=True)
class LoadReport:
    seconds: float
    customers: int
    whatsapp_sent: int
    mail_sent: int
    sending_seconds: float
    webhook_seconds: tuple[float, ...]
    smtp_seconds: tuple[float, ...]
    agent_requests: int
    replies: int
    drain_seconds: float | None  # None: not every message reached a ticket in DRAIN_LIMIT_SECONDS
    errors: tuple[str, ...]
    check: Check

    @property
    def sent(self) -> int:
        return self.whatsapp_sent + self.mail_sent

    @property
    def accepted_per_second(self) -> float:
        return self.sent / self.sending_seconds if self.sending_seconds else 0.0

    @property
    def filed_per_second(self) -> float | None:
        """Messages onto tickets per second, from the first sent to the last on a ticket."""
        if self.drain_seconds is None or not self.sending_seconds:
            return None
        return self.sent / (self.sending_seconds + self.drain_seconds)

    @property
    def passed(self) -> bool:
        return not self.errors and self.drain_seconds is not None and self.check.holds

    def figures(self) -> dict[str, float | int | str | None]:
        """Flat figures for ``bench/out/results.json``."""
        return {
            "load.seconds": round(self.seconds),
            "load.customers": self.customers,
            "load.messages": self.sent,
            "load.messages_per_second": round(self.accepted_per_second, 2),
            "load.webhook_p50_ms": _ms(percentile(self.webhook_seconds, 50)),
            "load.webhook_p99_ms": _ms(percentile(self.webhook_seconds, 99)),
            "load.smtp_p50_ms": _ms(percentile(self.smtp_seconds, 50)),
            "load.smtp_p99_ms": _ms(percentile(self.smtp_seconds, 99)),
            "load.filed_per_second": None if self.filed_per_second is None else round(self.filed_per_second, 2),
            "load.drain_seconds": None if self.drain_seconds is None else round(self.drain_seconds, 1),
            "load.errors": len(self.errors),
            "load.check": "ok" if self.check.holds else "failed",
        }

    def lines(self) -> list[str]:
        check = self.check
        verdict = "OK" if check.holds else "FALLA / FAILED"
        drain = f"{self.drain_seconds:.1f} s" if self.drain_seconds is not None else "sin vaciar / not drained"
        rows = [
            "",
            f"Carga / Load: {self.seconds:.0f} s, {self.customers} clientes / customers, "
            f"{len(AGENTS)} agentes / agents",
            _row(
                "Mensajes enviados / Messages sent",
                f"{self.sent}  ({self.whatsapp_sent} WhatsApp, {self.mail_sent} correo / e-mail)",
            ),
            _row("Aceptados / Accepted", f"{self.accepted_per_second:.1f} msg/s"),
            _row("En tickets / Onto tickets", f"{self.filed_per_second:.1f} msg/s" if self.filed_per_second else "-"),
            _row("Acuse WhatsApp / Webhook answer", spread(self.webhook_seconds)),
            _row("Acuse SMTP / SMTP accept", spread(self.smtp_seconds)),
            _row("Agentes / Agents", f"{self.agent_requests} llamadas / calls, {self.replies} respuestas / replies"),
            _row("Vaciado / Backlog drain", drain),
            _row("Errores / Errors", str(len(self.errors))),
            _row(
                "Comprobación / Check",
                f"{verdict}: {check.found_once}/{check.sent} en un solo ticket, en orden / on exactly one ticket, "
                f"in order ({check.tickets} tickets)",
            ),
        ]
        if check.missing:
            rows.append(_row("  faltan / missing", _some(check.missing)))
        if check.repeated:
            rows.append(_row("  repetidos / repeated", _some(check.repeated)))
        if check.out_of_order:
            rows.append(_row("  fuera de orden / out of order", _some([f"cliente {n}" for n in check.out_of_order])))
        rows += [f"  ! {error}" for error in self.errors[:10]]
        if len(self.errors) > 10:
            rows.append(f"  ! … {len(self.errors) - 10} más / more")
        return rows


def percentile(values: tuple[float, ...] | list[float], percent: int) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    if percent == 50:
        return statistics.median(ordered)
    return ordered[max(0, min(len(ordered) - 1, round(len(ordered) * percent / 100) - 1))]


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def spread(values: tuple[float, ...]) -> str:
    if not values:
        return "-"
    return f"p50 {percentile(values, 50) * 1000:.0f} ms, p99 {percentile(values, 99) * 1000:.0f} ms"  # type: ignore[operator]


def _row(label: str, value: str) -> str:
    return f"  {label:<38}{value}"


def _some(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(items[:8]) + (f" … (+{len(items) - 8})" if len(items) > 8 else "")


# customers

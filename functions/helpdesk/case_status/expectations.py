"""When the customer may expect an answer, said as a person would, in their
language and time zone: "antes del lunes 7 de diciembre, 10:00 (hora de
Guatemala)" or "by Monday, December 7, 10:00 (Guatemala time)".

The moment is the ticket's own SLA promise (the first-response timer's due
time, or the next-response one once answered), which the SLA policy computed
on its business calendar; no running promise, no moment (the text then says
"as soon as possible"). The time zone is the customer's country's, else the
calendar's."""

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from helpdesk.models import Contact, Language, SlaMetric, Ticket

# One zone per country (the capital's), with how each language names it.
COUNTRY_ZONES: dict[str, tuple[str, str, str]] = {
    "AR": ("America/Argentina/Buenos_Aires", "Argentina", "Argentina"),
    "BO": ("America/La_Paz", "Bolivia", "Bolivia"),
    "BR": ("America/Sao_Paulo", "Brasil", "Brazil"),
    "CL": ("America/Santiago", "Chile", "Chile"),
    "CO": ("America/Bogota", "Colombia", "Colombia"),
    "CR": ("America/Costa_Rica", "Costa Rica", "Costa Rica"),
    "CU": ("America/Havana", "Cuba", "Cuba"),
    "DO": ("America/Santo_Domingo", "República Dominicana", "Dominican Republic"),
    "EC": ("America/Guayaquil", "Ecuador", "Ecuador"),
    "ES": ("Europe/Madrid", "España", "Spain"),
    "GT": ("America/Guatemala", "Guatemala", "Guatemala"),
    "HN": ("America/Tegucigalpa", "Honduras", "Honduras"),
    "MX": ("America/Mexico_City", "Ciudad de México", "Mexico City"),
    "NI": ("America/Managua", "Nicaragua", "Nicaragua"),
    "PA": ("America/Panama", "Panamá", "Panama"),
    "PE": ("America/Lima", "Perú", "Peru"),
    "PR": ("America/Puerto_Rico", "Puerto Rico", "Puerto Rico"),
    "PY": ("America/Asuncion", "Paraguay", "Paraguay"),
    "SV": ("America/El_Salvador", "El Salvador", "El Salvador"),
    "US": ("America/New_York", "Nueva York", "New York"),
    "UY": ("America/Montevideo", "Uruguay", "Uruguay"),
    "VE": ("America/Caracas", "Venezuela", "Venezuela"),
}
_ZONE_PLACES = {zone: (es, en) for zone, es, en in COUNTRY_ZONES.values()}

WEEKDAYS = {
    Language.SPANISH: ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    Language.ENGLISH: ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    Language.SPANISH: (
        "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
    Language.ENGLISH: (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


class LocalTime:
    """A time zone as a customer reads it: the zone and its place's name."""

    def __init__(self, zone: str) -> None:
        self.name = zone
        self.zone: tzinfo = ZoneInfo(zone)

    def place(self, language: Language) -> str:
        es, en = _ZONE_PLACES.get(self.name, (self._city(), self._city()))
        return es if language is Language.SPANISH else en

    def _city(self) -> str:
        return self.name.rsplit("/", 1)[-1].replace("_", " ")

    def label(self, language: Language) -> str:
        place = self.place(language)
        return f"hora de {place}" if language is Language.SPANISH else f"{place} time"


def customer_time(contact: Contact | None, calendar_zone: str | None) -> LocalTime:
    """The customer's country's time zone, else the SLA calendar's, else Guatemala's."""
    if contact is not None and contact.country and contact.country.upper() in COUNTRY_ZONES:
        return LocalTime(COUNTRY_ZONES[contact.country.upper()][0])
    return LocalTime(calendar_zone or COUNTRY_ZONES["GT"][0])


def promised_answer(ticket: Ticket) -> datetime | None:
    """When the ticket's SLA promises the customer an answer: the running
    first-response (or next-response) timer's due time; None when no promise runs."""
    if ticket.sla is None:
        return None
    for metric in (SlaMetric.FIRST_RESPONSE, SlaMetric.NEXT_RESPONSE):
        timer = ticket.sla.timer(metric)
        if timer is not None and timer.met_at is None and timer.due_at is not None and timer.breached_at is None:
            return timer.due_at
    return None


def moment_text(moment: datetime, now: datetime, local: LocalTime, language: Language) -> str:
    """``moment`` as the customer reads it, relative to ``now``: "hoy antes de
    las 15:00 (hora de Guatemala)", "mañana antes de las 10:00 (…)", "antes del
    lunes 7 de diciembre, 10:00 (…)", and the same in English."""
    at, today = moment.astimezone(local.zone), now.astimezone(local.zone).date()
    clock, label = f"{at:%H:%M}", local.label(language)
    days = (at.date() - today).days
    weekday, month = WEEKDAYS[language][at.weekday()], MONTHS[language][at.month - 1]
    if language is Language.SPANISH:
        if days <= 0:
            return f"hoy antes de las {clock} ({label})"
        if days == 1:
            return f"mañana antes de las {clock} ({label})"
        return f"antes del {weekday} {at.day} de {month}, {clock} ({label})"
    if days <= 0:
        return f"today by {clock} ({label})"
    if days == 1:
        return f"tomorrow by {clock} ({label})"
    return f"by {weekday}, {month} {at.day}, {clock} ({label})"


def answer_expected(ticket: Ticket, contact: Contact | None, calendar_zone: str | None, now: datetime) -> str | None:
    """When to expect an answer, in the customer's words; None when nothing is promised."""
    moment = promised_answer(ticket)
    if moment is None:
        return None
    language = contact.language if contact else Language.SPANISH
    return moment_text(moment, now, customer_time(contact, calendar_zone), language)

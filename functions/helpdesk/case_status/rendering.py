"""Customer pages as HTML: small, readable on a phone, no JavaScript, every
value escaped (a customer's or agent's text never becomes markup)."""

from html import escape

from helpdesk.case_status.links import LinkProblem
from helpdesk.case_status.page import REFUSALS, STATUS_WORDS, TEXTS, CaseStatus
from helpdesk.models import Language

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;color:#1f2933;"
    "line-height:1.45}h1{font-size:1.35rem}.status{display:inline-block;padding:.15rem .6rem;border-radius:1rem;"
    "background:#e3f2fd}.msg{border:1px solid #d9e2ec;border-radius:.5rem;padding:.6rem .8rem;margin:.6rem 0}"
    ".msg.you{background:#f0f4f8}.meta{font-size:.85rem;color:#52606d}.text{white-space:pre-wrap}"
    "small{color:#52606d}textarea{width:100%;min-height:6rem}button{font-size:1rem;padding:.4rem 1rem}"
)


def page(title: str, body: str, language: Language) -> str:
    """A whole light page around ``body`` (already escaped)."""
    return (
        f'<!doctype html><html lang="{language.value}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def status_page(case: CaseStatus) -> str:
    texts, language = TEXTS[case.language], case.language
    messages = "".join(
        f'<div class="msg{" you" if m.from_customer else ""}"><div class="meta">{escape(m.author)} · '
        f'{m.sent_at.astimezone(case.local.zone):%Y-%m-%d %H:%M}</div><div class="text">{escape(m.text)}</div></div>'
        for m in case.thread
    )
    body = (
        f"<h1>{escape(texts['title'])}</h1>"
        f"<p><strong>{escape(texts['ticket'])} #{case.number}</strong> · {escape(case.subject)}</p>"
        f'<p>{escape(texts["status"])}: <span class="status">{escape(STATUS_WORDS[language][case.status])}</span></p>'
        f"<h2>{escape(texts['next'])}</h2><p>{escape(case.next_step)}</p>"
        f"<h2>{escape(texts['thread'])}</h2>{messages}"
        f"<p><small>{escape(texts['times'].format(label=case.local.label(language)))}</small></p>"
    )
    return page(f"{texts['title']} #{case.number}", body, language)


def refusal_page(problem: LinkProblem) -> str:
    """Why a link does not open, in Spanish first and English too."""
    spanish, english = REFUSALS[problem]
    body = f'<h1>Enlace no disponible</h1><p>{escape(spanish)}</p><p lang="en">{escape(english)}</p>'
    return page("Enlace no disponible / Link not available", body, Language.SPANISH)

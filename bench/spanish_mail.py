"""The Spanish evaluation set (tests/data/mail_es/cases.json): replies and
forwards written the way Gmail (web, Android), Outlook (desktop, web, mobile),
Apple Mail (macOS, iOS), Thunderbird and Yahoo format them in Spanish, built
into MIME here (multipart/alternative, sometimes with an inline picture;
base64 or quoted-printable, as each case says) and scored on what an agent sees
first: the shown text and the text of the shown HTML.

The shared corpus has no Spanish mail; each case's customer text and quoted
answer are written by hand (tests/data/mail_es/cases.json), each client's
framing (attribution lines, header blocks, markup, sign-offs) follows what that
client sends. A reply scores when what is shown equals the customer's new text
(whitespace aside); a forward when it holds the note and the forwarded mail's
header lines and body.
"""

import html
import json
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from bench.mail_corpus import Score
from helpdesk.channels.email.html_reply import html_text, squeezed
from helpdesk.channels.email.parsing import parse_mail
from helpdesk.channels.email.reply_view import reply_view

CASES = Path(__file__).resolve().parents[1] / "tests" / "data" / "mail_es" / "cases.json"
SUPPORT = "Soporte Atiende <soporte@atiende.example>"
CUSTOMER = "María José Pérez <mjperez@correo.example>"
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclass(frozen=True)
class Case:
    name: str
    client: str
    subject: str
    new: str  # what the customer wrote (a reply's expected shown text)
    quoted: str  # the help desk's answer they replied to, or the forwarded mail
    encoding: str = "quoted-printable"
    posting: str = "top"  # top | bottom
    signature: str = ""  # a typed signature after the new text (not shown)
    forward: bool = False
    picture: bool = False  # an inline picture in the new text (Gmail)

    @property
    def expected(self) -> str:
        return self.new


def load_cases() -> list[Case]:
    return [Case(**entry) for entry in json.loads(CASES.read_text(encoding="utf-8"))]


def _paragraphs_html(text: str, tag: str = "div") -> str:
    out = []
    for line in text.split("\n"):
        out.append(f"<{tag}>{html.escape(line) if line.strip() else '<br>'}</{tag}>")
    return "".join(out)


def _quoted_plain(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def _sig_plain(case: Case) -> str:
    return f"\n\n-- \n{case.signature}" if case.signature else ""


GMAIL_ATTR = "El lun, 2 nov 2026 a las 10:15, Soporte Atiende (<soporte@atiende.example>) escribió:"
ANDROID_ATTR = "El lun., 2 de nov. de 2026 10:15 a. m., Soporte Atiende <soporte@atiende.example> escribió:"
APPLE_ATTR = "El 2 nov 2026, a las 10:15, Soporte Atiende <soporte@atiende.example> escribió:"
TB_ATTR = "El 2/11/26 a las 10:15, Soporte Atiende escribió:"
YAHOO_ATTR = "En lunes, 2 de noviembre de 2026, 10:15:12 CST, Soporte Atiende <soporte@atiende.example> escribió:"
OUTLOOK_HEADERS = (
    ("De", SUPPORT),
    ("Enviado", "lunes, 2 de noviembre de 2026 10:15"),
    ("Para", CUSTOMER),
    ("Asunto", "RE: Consulta [#48213]"),
)
FORWARDED_HEADERS = (
    ("De", "Banco Central de Pagos <avisos@bancopagos.example>"),
    ("Fecha", "vie, 30 oct 2026 a las 18:02"),
    ("Asunto", "Comprobante de transferencia"),
    ("Para", CUSTOMER),
)


def _gmail(case: Case, android: bool = False) -> tuple[str, str]:
    attribution = ANDROID_ATTR if android else GMAIL_ATTR
    wrapper = '<div dir="auto">' if android else '<div dir="ltr">'
    picture = '<div><img src="cid:ii_pic1" alt="captura.png" width="320"><br></div>' if case.picture else ""
    sig_html = (
        f'<br clear="all"><div><br></div><span class="gmail_signature_prefix">-- </span><br>'
        f'<div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature">'
        f"{_paragraphs_html(case.signature)}</div>"
        if case.signature
        else ""
    )
    if case.forward:
        header_html = "".join(
            f"{k}: <b>{html.escape(v)}</b><br>" if k == "De" else f"{k}: {html.escape(v)}<br>"
            for k, v in FORWARDED_HEADERS
        )
        html_body = (
            f"{wrapper}{_paragraphs_html(case.new)}<br>"
            '<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">'
            f"---------- Forwarded message ---------<br>{header_html}</div><br><br>"
            f"{wrapper}{_paragraphs_html(case.quoted)}</div></div></div>"
        )
        plain_headers = "\n".join(f"{k}: {v}" for k, v in FORWARDED_HEADERS)
        plain = f"{case.new}\n\n---------- Forwarded message ---------\n{plain_headers}\n\n\n{case.quoted}\n"
        return plain, html_body
    quote_html = (
        '<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">'
        f"{html.escape(attribution)}<br></div>"
        '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid '
        f'rgb(204,204,204);padding-left:1ex">{_paragraphs_html(case.quoted)}</blockquote></div>'
    )
    wrapped = attribution.replace(" escribió:", "\nescribió:") if len(attribution) > 76 else attribution
    if case.posting == "bottom":
        html_body = f"{wrapper}<br></div><br>{quote_html}<div>{_paragraphs_html(case.new)}{picture}</div>{sig_html}"
        plain = f"{wrapped}\n\n{_quoted_plain(case.quoted)}\n\n{case.new}{_sig_plain(case)}\n"
        return plain, html_body
    html_body = f"{wrapper}{_paragraphs_html(case.new)}{picture}{sig_html}</div><br>{quote_html}"
    shown_picture = "\n[image: captura.png]" if case.picture else ""
    plain = f"{case.new}{shown_picture}{_sig_plain(case)}\n\n{wrapped}\n\n{_quoted_plain(case.quoted)}\n"
    return plain, html_body


def _outlook_desktop(case: Case) -> tuple[str, str]:
    headers = FORWARDED_HEADERS if case.forward else OUTLOOK_HEADERS
    header_html = "<br>".join(f"<b>{k}:</b> {html.escape(v)}" for k, v in headers)
    sig = _paragraphs_html(case.signature, "p") if case.signature else ""
    body = (
        '<div class="WordSection1">'
        + _paragraphs_html(case.new, 'p class="MsoNormal"').replace('</p class="MsoNormal">', "</p>")
        + sig
        + '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
        f'<p class="MsoNormal">{header_html}<o:p></o:p></p></div>'
        '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
        + _paragraphs_html(case.quoted, 'p class="MsoNormal"').replace('</p class="MsoNormal">', "</p>")
        + "</div>"
    )
    body = f'<html><head><style>p.MsoNormal{{margin:0cm}}</style></head><body lang="ES-MX">{body}</body></html>'
    plain_headers = "\n".join(f"{k}: {v}" for k, v in headers)
    sig_plain = f"\n\n{case.signature}" if case.signature else ""
    plain = f"{case.new}{sig_plain}\n\n{plain_headers}\n\n{case.quoted}\n"
    return plain, body


def _outlook_web(case: Case, mobile: bool = False) -> tuple[str, str]:
    headers = FORWARDED_HEADERS if case.forward else OUTLOOK_HEADERS
    header_html = "<br>".join(f"<b>{k}:</b> {html.escape(v)}" for k, v in headers)
    sign_off = (
        '<div id="ms-outlook-mobile-signature"><div dir="auto">Obtener <a href="https://aka.example/o0ukef">'
        "Outlook para Android</a></div></div>"
        if mobile
        else ""
    )
    body = (
        '<div class="elementToProof" style="font-family:Aptos,sans-serif;font-size:12pt">'
        f"{_paragraphs_html(case.new)}</div>"
        f"{sign_off}"
        '<div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">'
        '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt">'
        f"{header_html}</font>"
        "<div>&nbsp;</div></div>"
        f"<div>{_paragraphs_html(case.quoted)}</div>"
    )
    plain_headers = "\n".join(f"{k}: {v}" for k, v in headers)
    sign_plain = "\n\nObtener Outlook para Android" if mobile else ""
    plain = f"{case.new}{sign_plain}\n\n________________________________\n{plain_headers}\n\n{case.quoted}\n"
    return plain, body


def _apple(case: Case, ios: bool = False) -> tuple[str, str]:
    sign_off_html = '<div dir="ltr">Enviado desde mi iPhone</div>' if ios else ""
    sign_off = "\n\nEnviado desde mi iPhone" if ios else ""
    if case.forward:
        header_html = "".join(
            f'<div style="margin:0px"><span><b>{k}: </b></span><span>{html.escape(v)}</span></div>'
            for k, v in FORWARDED_HEADERS
        )
        body = (
            f"<div>{_paragraphs_html(case.new)}</div>{sign_off_html}<div><br>"
            f'<blockquote type="cite"><div>Inicio del mensaje reenviado:</div><br class="Apple-interchange-newline">'
            f"{header_html}<br><div>{_paragraphs_html(case.quoted)}</div></blockquote></div>"
        )
        plain_headers = "\n".join(f"{k}: {v}" for k, v in FORWARDED_HEADERS)
        plain = f"{case.new}{sign_off}\n\nInicio del mensaje reenviado:\n\n{plain_headers}\n\n{case.quoted}\n"
        return plain, body
    if ios:
        body = (
            f'<div dir="ltr">{_paragraphs_html(case.new)}</div><div dir="ltr"><br>{sign_off_html}'
            f'<blockquote type="cite">{html.escape(APPLE_ATTR)}<br><br></blockquote></div>'
            f'<blockquote type="cite"><div dir="ltr">{_paragraphs_html(case.quoted)}</div></blockquote>'
        )
    else:
        body = (
            '<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>'
            '<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">'
            f'{_paragraphs_html(case.new)}<div><br><blockquote type="cite"><div>{html.escape(APPLE_ATTR)}</div>'
            f'<br class="Apple-interchange-newline"><div><div>{_paragraphs_html(case.quoted)}</div></div>'
            "</blockquote></div><br></body></html>"
        )
    plain = f"{case.new}{sign_off}\n\n> {APPLE_ATTR}\n>\n{_quoted_plain(case.quoted)}\n"
    return plain, body


def _thunderbird(case: Case) -> tuple[str, str]:
    sig_html = (
        f'<pre class="moz-signature" cols="72">-- \n{html.escape(case.signature)}</pre>' if case.signature else ""
    )
    if case.forward:
        rows = "".join(
            f'<tr><th valign="BASELINE" nowrap="nowrap" align="RIGHT">{k}: </th><td>{html.escape(v)}</td></tr>'
            for k, v in FORWARDED_HEADERS
        )
        body = (
            f"<p>{html.escape(case.new).replace(chr(10), '<br>')}</p>{sig_html}"
            '<div class="moz-forward-container"><br><br>-------- Mensaje reenviado --------'
            f'<table class="moz-email-headers-table" cellspacing="0" cellpadding="0" border="0"><tbody>{rows}'
            f"</tbody></table><br><br>{_paragraphs_html(case.quoted)}</div>"
        )
        plain_headers = "\n".join(f"{k}: \t{v}" for k, v in FORWARDED_HEADERS)
        plain = f"{case.new}\n\n\n-------- Mensaje reenviado --------\n{plain_headers}\n\n\n\n{case.quoted}\n"
        return plain, body
    quote = (
        f'<div class="moz-cite-prefix">{html.escape(TB_ATTR)}<br></div>'
        f'<blockquote type="cite" cite="mid:a1@atiende.example">{_paragraphs_html(case.quoted)}</blockquote>'
    )
    new_html = f"<p>{html.escape(case.new).replace(chr(10), '<br>')}</p>"
    if case.posting == "bottom":
        body = f"{quote}{new_html}{sig_html}"
        plain = f"{TB_ATTR}\n{_quoted_plain(case.quoted)}\n\n{case.new}{_sig_plain(case)}\n"
    else:
        body = f"{new_html}{sig_html}{quote}"
        plain = f"{case.new}{_sig_plain(case)}\n\n{TB_ATTR}\n{_quoted_plain(case.quoted)}\n"
    return f"{plain}", f'<html><head></head><body text="#000000" bgcolor="#FFFFFF">{body}</body></html>'


def _yahoo(case: Case, android: bool = False) -> tuple[str, str]:
    sign_off_html = (
        '<div id="ymail_android_signature"><a href="https://go.onelink.example/ymail">'
        "Enviado desde Yahoo Mail para Android</a></div>"
        if android
        else ""
    )
    sign_off = "\n\nEnviado desde Yahoo Mail para Android" if android else ""
    if case.forward:
        header_html = "".join(f"<div><b>{k}:</b> {html.escape(v)}</div>" for k, v in FORWARDED_HEADERS)
        body = (
            f'<div class="ydp3f2yahoo-style-wrap">{_paragraphs_html(case.new)}<div><br></div>'
            f'<div id="yahoo_quoted_4242" class="yahoo_quoted"><div>----- Mensaje reenviado -----</div>'
            f"{header_html}<div><br></div><div>{_paragraphs_html(case.quoted)}</div></div></div>"
        )
        plain_headers = "\n".join(f"{k}: {v}" for k, v in FORWARDED_HEADERS)
        plain = f"{case.new}\n\n----- Mensaje reenviado -----\n{plain_headers}\n\n{case.quoted}\n"
        return plain, body
    body = (
        f'<div class="ydp3f2yahoo-style-wrap" style="font-family:Helvetica Neue, Helvetica, Arial, sans-serif;">'
        f"{_paragraphs_html(case.new)}</div>{sign_off_html}<div><br></div>"
        f'<div id="yahoo_quoted_4242" class="yahoo_quoted"><div style="font-size:13px;color:#26282a;">'
        f"<div>{html.escape(YAHOO_ATTR)}</div><div><br></div><div><br></div>"
        f'<div><div dir="ltr">{_paragraphs_html(case.quoted)}</div></div></div></div>'
    )
    # Yahoo's plain part quotes without ">": the attribution line, then the text indented.
    indented = "\n".join(f" {line}" for line in case.quoted.split("\n"))
    wrapped_attr = YAHOO_ATTR.replace(", Soporte", ",\n    Soporte") if android else YAHOO_ATTR
    plain = f"{case.new}{sign_off}\n\n\n    {wrapped_attr}  \n \n{indented}\n"
    return plain, body


FORMATS = {
    "gmail_web": _gmail,
    "gmail_android": lambda case: _gmail(case, android=True),
    "outlook_desktop": _outlook_desktop,
    "outlook_web": _outlook_web,
    "outlook_mobile": lambda case: _outlook_web(case, mobile=True),
    "apple_macos": _apple,
    "apple_ios": lambda case: _apple(case, ios=True),
    "thunderbird": _thunderbird,
    "yahoo_web": _yahoo,
    "yahoo_android": lambda case: _yahoo(case, android=True),
}


def mime(case: Case) -> bytes:
    plain, body = FORMATS[case.client](case)
    message = EmailMessage()
    message["From"] = CUSTOMER
    message["To"] = SUPPORT
    message["Subject"] = case.subject
    message["Message-ID"] = make_msgid(domain="correo.example")
    message.set_content(plain, cte=case.encoding)
    message.add_alternative(body, subtype="html", cte=case.encoding)
    if case.picture:
        html_part = message.get_body(("html",))
        assert isinstance(html_part, EmailMessage)
        html_part.add_related(PIXEL, "image", "png", cid="<ii_pic1>", filename="captura.png")
    return message.as_bytes()


def _shows(case: Case, shown: str) -> bool:
    if not case.forward:
        return squeezed(shown) == squeezed(case.new)
    have = squeezed(shown)
    wanted = [case.new, *case.quoted.split("\n"), *(f"{k}:" for k, _ in FORWARDED_HEADERS), "Banco Central de Pagos"]
    return all(squeezed(part) in have for part in wanted)


def scores() -> list[Score]:
    text, shown_html = Score("Spanish set, shown text"), Score("Spanish set, shown HTML")
    for case in load_cases():
        parsed = parse_mail(mime(case))
        view = reply_view(parsed.subject, parsed.text, parsed.html)
        text.add(case.name, _shows(case, view.text))
        shown = html_text(view.html) if view.html else ""
        shown = shown.replace("[img]", "")
        shown_html.add(case.name, _shows(case, shown))
    return [text, shown_html]


def details(name: str) -> dict[str, Any]:
    """One case as parsed and shown (for looking into a miss)."""
    case = next(c for c in load_cases() if c.name == name)
    parsed = parse_mail(mime(case))
    view = reply_view(parsed.subject, parsed.text, parsed.html)
    return {"plain": parsed.text, "text": view.text, "html": view.html, "html_text": html_text(view.html or "")}


if __name__ == "__main__":
    for score in scores():
        print(f"{score.name:<32}{score.passed:>4}/{score.total:<4}{score.rate:>7.0%}  {', '.join(score.failures)}")

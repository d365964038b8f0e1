"""What an agent sees of a mail first: the customer's new text in the text and
in the HTML alike (the HTML cut on the parsed document), the whole mail kept for
"show quoted text", and a customer's forward shown whole."""

import pytest

from bench.spanish_mail import FORMATS, load_cases, scores
from helpdesk.channels.email.html_reply import html_text, visible_html
from helpdesk.channels.email.reply_text import is_forward, visible_text
from helpdesk.channels.email.reply_view import reply_view

GMAIL_REPLY = (
    '<div dir="ltr"><div>Ya hice el pago, adjunto la captura.</div>'
    '<div><img src="/api/attachments/mail/ab/captura.png" alt="captura.png"></div></div><br>'
    '<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">'
    "El lun, 2 nov 2026 a las 10:15, Soporte (&lt;soporte@atiende.example&gt;) escribió:<br></div>"
    '<blockquote class="gmail_quote"><div>Hola, ¿ya realizó el pago?</div></blockquote></div>'
)
OUTLOOK_REPLY = (
    '<div class="WordSection1"><p class="MsoNormal">El número de contrato es 7781.</p>'
    '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
    '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
    '<p class="MsoNormal"><b>De:</b> Soporte &lt;soporte@atiende.example&gt;<br><b>Enviado el:</b> lunes, '
    "2 de noviembre de 2026 10:15<br><b>Para:</b> Ana<br><b>Asunto:</b> Contrato</p></div>"
    '<p class="MsoNormal">¿Nos indica su número de contrato?</p></div>'
)
THUNDERBIRD_BOTTOM = (
    '<div class="moz-cite-prefix">El 2/11/26 a las 10:15, Soporte escribió:<br></div>'
    '<blockquote type="cite"><p>¿Qué puertos tienen abiertos?</p></blockquote>'
    "<p>El 443 y el 8443.</p>"
    '<blockquote type="cite"><p>¿Y el 22?</p></blockquote><p>Cerrado.</p>'
    '<pre class="moz-signature" cols="72">-- \nCarlos</pre>'
)


def test_a_gmail_html_reply_shows_the_new_text_and_its_picture() -> None:
    shown = visible_html(GMAIL_REPLY)

    assert "Ya hice el pago" in shown
    assert 'src="/api/attachments/mail/ab/captura.png"' in shown
    assert "escribió" not in shown and "¿ya realizó el pago?" not in shown


def test_an_outlook_header_block_and_what_follows_go() -> None:
    assert html_text(visible_html(OUTLOOK_REPLY)) == "El número de contrato es 7781."


def test_answers_between_quotes_stay_and_the_quotes_and_signature_go() -> None:
    assert html_text(visible_html(THUNDERBIRD_BOTTOM)) == "El 443 y el 8443.\nCerrado."


def test_mobile_sign_off_in_html_goes() -> None:
    markup = "<div>Confirmo la cita.</div><div><br></div><div>Enviado desde mi iPhone</div>"
    assert html_text(visible_html(markup)) == "Confirmo la cita."


def test_html_with_nothing_new_is_shown_whole() -> None:
    markup = '<blockquote type="cite">Hola</blockquote>'
    assert visible_html(markup) == markup


def test_the_stricter_cut_wins_when_text_and_html_disagree() -> None:
    # The HTML has no client marks around the history; the plain part does.
    markup = "<div>Gracias, quedo atenta.</div><div>Hola Ana, su pedido salió hoy.</div>"
    text = (
        "Gracias, quedo atenta.\n\nEl lun, 2 nov 2026 a las 10:15, Soporte escribió:\n> Hola Ana, su pedido salió hoy."
    )

    view = reply_view("Re: Pedido", text, markup)

    assert view.text == "Gracias, quedo atenta."
    assert html_text(view.html or "") == "Gracias, quedo atenta."
    assert view.full_html == markup and view.has_more


def test_a_customers_forward_keeps_the_forwarded_mail_with_its_headers() -> None:
    text = (
        "Les reenvío el comprobante.\n\n---------- Mensaje reenviado ---------\n"
        "De: Banco <avisos@banco.example>\nFecha: vie, 30 oct 2026\nAsunto: Transferencia\n\n"
        "Monto: Q 1,250.00\nReferencia: TRX-88123\n"
    )
    markup = (
        '<div dir="ltr">Les reenvío el comprobante.<br><div class="gmail_quote gmail_quote_container">'
        '<div dir="ltr" class="gmail_attr">---------- Mensaje reenviado ---------<br>De: <b>Banco</b><br></div>'
        "<div>Monto: Q 1,250.00<br>Referencia: TRX-88123</div></div></div>"
    )

    view = reply_view("Fwd: Transferencia", text, markup)

    assert view.forward
    assert "De: Banco <avisos@banco.example>" in view.text and "Referencia: TRX-88123" in view.text
    assert view.html == markup


@pytest.mark.parametrize(
    ("subject", "text", "forward"),
    [
        ("RV: Aviso", "Para su referencia.\n\nDe: Banco\nEnviado: lunes\nPara: Ana\nAsunto: Aviso\n\nPago", True),
        ("RE: Aviso", "Gracias.\n\nDe: Soporte\nEnviado: lunes\nPara: Ana\nAsunto: Aviso\n\nHola", False),
        ("Fw: recibo", "Ver abajo\n\n-----Original Message-----\nFrom: shop\nSent: Monday\nTo: Ana\n\nTotal", True),
        # A reply quoting a ticket that began as a forward is a reply.
        (
            "Re: RV: Aviso",
            "Gracias\n\nEl lun, 2 nov 2026 a las 10:15, Soporte escribió:\n> ---------- Mensaje reenviado ---------\n",
            False,
        ),
        ("Recibo", "Mire esto:\n\nBegin forwarded message:\n\nFrom: Shop\nSubject: Receipt\n\nTotal", True),
    ],
)
def test_forwards_are_told_from_replies(subject: str, text: str, forward: bool) -> None:
    assert is_forward(subject, text) is forward


def test_a_yahoo_quote_without_markers_after_an_en_attribution_goes() -> None:
    text = (
        "Ya pagué el saldo.\n\n\n    En lunes, 2 de noviembre de 2026, 10:15:12 CST, Soporte\n"
        "    <soporte@atiende.example> escribió:  \n \n Le recordamos su saldo pendiente.\n Gracias.\n"
    )
    assert visible_text(text) == "Ya pagué el saldo."


def test_a_sentence_starting_with_el_is_not_a_wrapped_quote_header() -> None:
    text = (
        "Hola,\nEl número de serie es C02XK1 y la compré en marzo.\nSaludos\n\n"
        "> El 2 nov 2026, a las 10:15, Soporte <soporte@atiende.example> escribió:\n>\n> ¿Número de serie?"
    )
    assert visible_text(text) == "Hola,\nEl número de serie es C02XK1 y la compré en marzo.\nSaludos"


def test_the_spanish_set_covers_every_client_replies_and_forwards() -> None:
    cases = load_cases()
    assert len(cases) >= 30
    assert {case.client for case in cases} == set(FORMATS)
    assert any(case.forward for case in cases) and any(case.posting == "bottom" for case in cases)
    assert {case.encoding for case in cases} == {"base64", "quoted-printable"}


# Today's counts (make bench prints them with the misses); a lower one is a regression.
SPANISH_FLOORS = {"Spanish set, shown text": 34, "Spanish set, shown HTML": 34}


def test_spanish_set_rates_hold() -> None:
    for score in scores():
        assert score.passed >= SPANISH_FLOORS[score.name], (score.name, score.failures)


def test_yahoo_classics_dashed_attribution_starts_the_quote() -> None:
    text = (
        "Perfecto, nos vemos el sábado.\n\n--- El mié, 4/11/26, Soporte <soporte@atiende.example> escribió:\n\nDe: x\n"
    )
    assert visible_text(text) == "Perfecto, nos vemos el sábado."


def test_html_that_breaks_the_cut_is_shown_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from helpdesk.channels.email import reply_view as module

    def broken(markup: str) -> str:
        raise ValueError(markup)

    monkeypatch.setattr(module, "visible_html", broken)
    view = module.reply_view("Re: x", "Hola", "<p>Hola</p>")
    assert view.html == "<p>Hola</p>" and view.text == "Hola"


def test_the_text_is_cut_where_the_html_marks_the_quote() -> None:
    # A plain part with no marker the rules know; the HTML marks the quote.
    text = "Gracias.\nHola Ana, su pedido salió hoy."
    markup = '<div>Gracias.</div><div class="gmail_quote"><div>Hola Ana, su pedido salió hoy.</div></div>'

    view = reply_view("Re: Pedido", text, markup)

    assert view.text == "Gracias."
    assert view.html == "<div>Gracias.</div>"
    assert view.full_text == text and view.full_html == markup

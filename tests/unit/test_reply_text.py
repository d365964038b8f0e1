"""What agents read first: the customer's new text, for the clients Central
American customers use, written in Spanish and English. (The shared corpus has
no Spanish mail; these are written from each client's reply format.)"""

import pytest

from helpdesk.channels.email.html_text import html_to_text
from helpdesk.channels.email.reply_text import visible_text, without_quotes

NEW = "Sí, el número de pedido es 4821.\nGracias."

CASES = {
    "gmail_es": (
        f"{NEW}\n\nEl lun, 2 nov 2026 a las 10:15, Soporte Atiende (<soporte@atiende.example>)\n"
        "escribió:\n\n> Hola María, ¿nos confirmas el número de pedido?\n>\n> Saludos,\n> Andrés\n"
    ),
    "gmail_en": f"{NEW}\n\nOn Mon, Nov 2, 2026 at 10:15 AM Soporte <soporte@atiende.example> wrote:\n\n> Hi\n",
    "outlook_es": (
        f"{NEW}\n\n________________________________\nDe: Soporte Atiende <soporte@atiende.example>\n"
        "Enviado: lunes, 2 de noviembre de 2026 10:15\nPara: María López <maria@cliente.example>\n"
        "Asunto: Re: Pedido [#48213]\n\nHola María, ¿nos confirmas el número de pedido?\n"
    ),
    "outlook_es_sin_linea": (
        f"{NEW}\n\nDe: Soporte Atiende <soporte@atiende.example>\nEnviado el: lunes, 2 de noviembre de 2026\n"
        "Para: maria@cliente.example\nAsunto: Pedido\n\nHola María\n"
    ),
    "outlook_original_es": (
        f"{NEW}\n\n-----Mensaje original-----\nDe: soporte@atiende.example\nFecha: 2 nov 2026\n\nHola\n"
    ),
    "apple_mail_iphone_es": (
        f"{NEW}\n\nEnviado desde mi iPhone\n\n> El 2 nov 2026, a las 10:15, Soporte <soporte@atiende.example> "
        "escribió:\n>\n> Hola María\n"
    ),
    "thunderbird_es": (
        f"{NEW}\n\nEl 2/11/26 a las 10:15, Soporte escribió:\n> Hola María, ¿nos confirmas el número?\n"
    ),
    "yahoo_es": (
        f"{NEW}\n\nEnviado desde Yahoo Mail para Android\n\n  El lun., 2 de nov. de 2026 a la(s) 10:15, "
        "Soporte<soporte@atiende.example> escribió:\n   Hola María\n"
    ),
    "signature_es": f"{NEW}\n\n-- \nMaría López\nGerente de Compras\nTel. +502 5550 1234\n",
    "forwarded_es": f"{NEW}\n\n---------- Mensaje reenviado ---------\nDe: Banco <avisos@banco.example>\n\nAviso\n",
}


@pytest.mark.parametrize("client", sorted(CASES))
def test_new_text_only(client: str) -> None:
    assert visible_text(CASES[client]) == NEW


def test_inline_answers_keep_only_the_customers_lines() -> None:
    text = (
        "El lun, 2 nov 2026 a las 10:15, Soporte <soporte@atiende.example> escribió:\n"
        "> ¿Cuál es su número de pedido?\n"
        "4821\n"
        "> ¿Y la dirección de entrega?\n"
        "Zona 10, Ciudad de Guatemala\n"
    )
    assert visible_text(text) == "4821\nZona 10, Ciudad de Guatemala"


def test_a_sentence_that_starts_like_a_device_sign_off_stays() -> None:
    text = "Enviado desde mi oficina, porque el teléfono no tiene señal.\nGracias"
    assert visible_text(text) == text


def test_bullets_are_not_signatures() -> None:
    text = "Necesito:\n- cambiar la dirección\n- una factura nueva"
    assert visible_text(text) == text


def test_nothing_new_falls_back_to_the_whole_text() -> None:
    text = "> solo una cita"
    assert visible_text(text) == text


def test_signature_is_kept_when_only_quotes_go() -> None:
    assert without_quotes(CASES["signature_es"]).endswith("Tel. +502 5550 1234")


def test_gmail_html_quote_becomes_a_quote() -> None:
    html = (
        '<div dir="ltr">Perfecto, gracias.</div><br><div class="gmail_quote"><div class="gmail_attr">'
        "El lun, 2 nov 2026 a las 10:15, Soporte &lt;soporte@atiende.example&gt; escribió:<br></div>"
        '<blockquote class="gmail_quote">Hola María<br>¿Todo bien?</blockquote></div>'
    )
    assert visible_text(html_to_text(html)) == "Perfecto, gracias."

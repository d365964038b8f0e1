"""Customers saying a solved case is not, as they write it (Spanish and
English, with and without accents, typos, voseo), and customers saying it is."""

import pytest

from helpdesk.follow_ups.not_solved import QUOTED_CHARACTERS, quoted, says_not_solved


@pytest.mark.parametrize(
    "text",
    [
        "No se resolvió",
        "no se resolvio nada",
        "Hola, el problema NO SE RESOLVIÓ, sigo sin internet desde ayer",
        "Sigue igual",
        "sige igual 😡",
        "Buenas tardes, la impresora sigue sin funcionar",
        "sigue sin funcionar",
        "Todavía no",
        "todavia no me llega el reembolso",
        "aún no me devuelven el dinero",
        "No lo han solucionado, me siguen cobrando",
        "no me lo arreglaron",
        "Che, no lo arreglaste, sigue fallando",  # voseo
        "Seguís sin darme una respuesta y el cobro sigue ahí",  # voseo
        "vos me dijiste que estaba listo pero no anda",  # voseo
        "El problema persiste",
        "el mismo problema continua",
        "No está resuelto",
        "no quedo bien solucionado",
        "nada cambió",
        "Sigo con el mismo problema de la factura",
        "No me funciona la app todavía",
        "Not solved",
        "It is still not working.",
        "still doesn't work",
        "Still doesn\u2019t work after the update",
        "The issue was not fixed, I was charged again",
        "Hi, this hasn't been resolved yet",
        "didn't work",
        "the problem persists",
        "my router is still broken",
        "tengo el mismo problema",
        "otra vez lo mismo!!",
        "de nuevo el mismo error al pagar",
        "It's happening again",
        "It didn't help",
    ],
)
def test_a_customer_saying_it_is_not_solved_is_heard(text: str) -> None:
    assert says_not_solved(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ya se resolvió, gracias",
        "ya se resolvio gracias!!",
        "No, ya se resolvió todo, muchas gracias",
        "Gracias, ya funciona",
        "Ya anda, todavía no sé qué pasó pero ya anda",
        "Quedó resuelto, excelente atención",
        "Perfecto, ya no tengo el problema",
        "Gracias, ya no tengo el mismo problema",
        "No sé si ya se resolvió, lo reviso y les aviso",
        "It is no longer happening, thanks",
        "¿Me pueden enviar la factura de este mes?",
        "No se preocupen, ya lo arreglé yo",
        "Thanks, it works now!",
        "All good, it's already fixed",
        "Can I get a copy of my invoice?",
        "",
    ],
)
def test_a_customer_saying_it_is_solved_or_asking_something_else_is_not(text: str) -> None:
    assert not says_not_solved(text)


def test_the_quote_is_one_line_and_short() -> None:
    assert quoted("  sigue\n\nigual  ") == "sigue igual"
    long = quoted("sigue igual " * 100)
    assert len(long) == QUOTED_CHARACTERS and long.endswith("…")

"""How search reads text and queries: folding, Snowball stems, stop words,
regionalisms, numbers and addresses, typos, phrases, filters, snippets."""

from datetime import UTC, datetime

import pytest

from helpdesk.errors import InvalidSearch
from helpdesk.language.analysis import (
    TokenKind,
    closest,
    edit_distance,
    fold,
    regionalisms,
    terms,
    tokens,
    typo_allowance,
)
from helpdesk.models import Channel, Language, Priority, SearchText, TicketStatus
from helpdesk.search.query import parse_query
from helpdesk.search.snippets import snippet


def test_accents_and_case_fold_away() -> None:
    assert fold("FACTURACIÓN Señal ÜBER") == "facturacion senal uber"
    assert terms("Facturación") == terms("FACTURACION") == terms("facturacion")


def test_forms_of_a_word_share_their_stem() -> None:
    assert terms("facturas") == terms("factura") == terms("facturación") == ["factur"]
    assert terms("cobraron") == terms("cobro")
    assert terms("reembolsos") == terms("reembolso")
    assert terms("invoices", Language.ENGLISH) == terms("invoice", Language.ENGLISH)


def test_stop_words_are_left_out() -> None:
    assert terms("de la que por para el hola gracias the and") == []
    assert terms("no me llegó el pedido") == ["lleg", "ped"]


def test_regionalisms_and_abbreviations_are_read_as_what_they_mean() -> None:
    assert len(regionalisms()) >= 100
    assert terms("compu") == terms("computadora")
    assert terms("cel") == terms("celular")
    assert terms("pisto") == terms("plata") == terms("dinero")
    assert terms("chamba") == terms("trabajo")
    assert terms("xq q") == []  # porque, que: stop words once read
    assert terms("tel") == terms("teléfono")


def test_a_phone_number_is_the_same_however_it_is_written() -> None:
    written = ("+504 9999-1234", "99991234", "(504) 9999 1234", "504.9999.1234", "50499991234")
    local = {tuple(t.term for t in tokens(w) if t.kind is TokenKind.PHONE)[-1] for w in written}
    assert local == {"99991234"}
    assert "50499991234" in terms("+504 9999-1234")
    assert terms("pedido 4821") == ["ped", "4821"]  # a short number is a word, not a phone


def test_an_address_is_a_term_and_its_parts_are_words() -> None:
    found = terms("Escribir a Carlos.Mendez@Cliente.example")
    assert "carlos.mendez@cliente.example" in found and "mendez" in found


def test_tokens_know_where_they_stand_in_the_text() -> None:
    text = "Mi FACTURA no llega"
    (factura, llega) = list(tokens(text))
    assert text[factura.start : factura.end] == "FACTURA" and text[llega.start : llega.end] == "llega"


def test_typo_allowance_grows_with_the_word() -> None:
    assert [typo_allowance(w) for w in ("sol", "casa", "telefono", "computadora")] == [0, 1, 2, 2]


def test_edit_distance_counts_swaps_as_one() -> None:
    assert edit_distance("fatura", "factura", 2) == 1
    assert edit_distance("computadroa", "computadora", 2) == 1
    assert edit_distance("abc", "xyz", 1) == 2  # beyond the limit: limit + 1


def test_closest_reads_a_typo_as_the_nearest_known_terms() -> None:
    vocabulary = ["factur", "fractur", "telefon", "celular"]
    assert closest("fatur", 1, vocabulary) == ["factur"]
    assert closest("telefn", 1, vocabulary) == ["telefon"]
    assert closest("zzz", 1, vocabulary) == []
    assert closest("factur", 1, vocabulary) == ["factur"]  # known: itself


def test_a_query_splits_into_words_phrases_exclusions_and_filters() -> None:
    query = parse_query('factura "no llega" -spam status:open,pendiente priority:alta channel:whatsapp '
                        "group:Facturación assignee:me tag:VIP from:ana@correo.example "
                        "created>2026-11-01 updated<=2026-12-01")  # fmt: skip
    assert query.text == "factura"
    assert query.phrases == ("no llega",)
    assert query.excluded == ("spam",)
    f = query.filters
    assert f.statuses == (TicketStatus.OPEN, TicketStatus.PENDING)
    assert f.priorities == (Priority.HIGH,) and f.channels == (Channel.WHATSAPP,)
    assert f.groups == ("facturacion",) and f.assignee == "me" and f.tags == ("vip",)
    assert f.senders == ("ana@correo.example",)
    assert f.created_after == datetime(2026, 11, 2, tzinfo=UTC)  # after that day
    assert f.updated_before == datetime(2026, 12, 2, tzinfo=UTC)  # through that day


def test_a_number_after_from_may_be_written_in_pieces() -> None:
    assert parse_query("from:+504 9999-1234 factura").filters.senders == ("+504 9999-1234",)
    assert parse_query('from:"(504) 9999 1234"').filters.senders == ("(504) 9999 1234",)


def test_words_that_only_look_like_filters_stay_words() -> None:
    query = parse_query("hora: 10:30 -5 grados")
    assert query.text == "hora: 10:30 -5 grados" and query.excluded == ()
    assert parse_query('comillas "sin cerrar').text == "comillas sin cerrar"


@pytest.mark.parametrize("query", ["status:dormido", "priority:muchisima", "created>ayer", "channel:fax"])
def test_a_filter_that_cannot_be_read_is_refused(query: str) -> None:
    with pytest.raises(InvalidSearch):
        parse_query(query)


def test_a_snippet_marks_the_matches_and_escapes_the_rest() -> None:
    texts = (
        SearchText(field="subject", text="Factura"),
        SearchText(field="inbound", text="Hola <b>equipo</b>: " + "bla " * 40 + "mi factura & recibo no llegan"),
    )
    shown = snippet(texts, {"factur", "recib"})
    assert shown.startswith("…") and "<b>" not in shown and "&amp;" in shown
    assert "<mark>factura</mark> &amp; <mark>recibo</mark>" in shown
    assert snippet((SearchText(field="subject", text="<i>Hola</i>"),), {"nada"}) == "&lt;i&gt;Hola&lt;/i&gt;"

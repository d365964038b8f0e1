"""A reply longer than the Send API's 2,000 characters leaves in parts, cut
where a reader would: after a paragraph, else a line, a sentence, a space."""

from helpdesk.channels.meta_messaging.outbound import MOST_TEXT_CHARS, text_parts


def test_a_short_reply_is_one_part() -> None:
    assert text_parts("  Ya lo revisamos.  ") == ["Ya lo revisamos."]


def test_a_long_reply_is_cut_after_a_paragraph_before_a_sentence() -> None:
    first, second = "Primero revisamos su pedido. " * 40, "Luego le enviamos el reembolso. " * 40
    parts = text_parts(f"{first.strip()}\n\n{second.strip()}")
    assert parts == [first.strip(), second.strip()]


def test_without_paragraphs_it_cuts_after_a_sentence_and_keeps_every_word() -> None:
    text = " ".join(f"Paso {n} de la guía de instalación." for n in range(1, 150))
    parts = text_parts(text)
    assert len(parts) > 1 and all(len(part) <= MOST_TEXT_CHARS for part in parts)
    assert all(part.endswith(".") for part in parts)
    assert " ".join(parts) == text


def test_a_word_longer_than_a_part_is_cut_where_it_must_be() -> None:
    assert [len(part) for part in text_parts("x" * 4500)] == [2000, 2000, 500]

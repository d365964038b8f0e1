"""Raw mail into what the help desk reads, without AWS: headers in encoded
words and wrong charsets, text in a charset the mail did not declare, HTML
without a text part, uuencoded files, bounces, auto-replies, and bytes that
are no mail at all (kept, never lost)."""

from helpdesk.channels.email.decoding import decode_bytes, decode_words
from helpdesk.channels.email.html_text import html_to_text
from helpdesk.channels.email.parsing import parse_mail


def mail(headers: str, body: bytes = b"Hola\r\n") -> bytes:
    return headers.replace("\n", "\r\n").encode("ascii") + b"\r\n" + body


def test_encoded_words_and_a_declared_charset_give_readable_spanish() -> None:
    raw = mail(
        "From: =?utf-8?q?Mar=C3=ADa_Jos=C3=A9?= <maria@example.com>\n"
        "To: soporte@atiende.localhost\n"
        "Subject: =?iso-8859-1?q?Facturaci=F3n_de_octubre?=\n"
        "Message-ID: <abc@example.com>\n"
        "Content-Type: text/plain; charset=iso-8859-1\n",
        "¿Me ayudan con la facturación?\r\n".encode("latin-1"),
    )
    parsed = parse_mail(raw)
    assert parsed.subject == "Facturación de octubre"
    assert parsed.sender is not None and (parsed.sender.name, parsed.sender.email) == (
        "María José",
        "maria@example.com",
    )
    assert parsed.text.strip() == "¿Me ayudan con la facturación?"
    assert parsed.message_id == "<abc@example.com>" and parsed.readable


def test_text_in_another_charset_than_declared_is_still_read() -> None:
    # Declared ASCII, written in Windows-1252 (a common Outlook mistake)
    assert decode_bytes("Cotización".encode("cp1252"), "us-ascii") == ("Cotización", "windows-1252")
    # Declared Latin-1, written in UTF-8
    assert decode_bytes("año".encode(), "")[0] == "año"
    # An unknown charset name never raises
    assert decode_bytes(b"plain", "x-no-such-charset")[0] == "plain"
    assert decode_words("=?x-unknown?q?Env=EDo?=") == "Envío"


def test_html_only_mail_gets_its_readable_text() -> None:
    html = "<html><body><p>Buenos días,</p><p>adjunto la <b>factura</b>.</p><script>x()</script></body></html>"
    raw = mail("From: a@example.com\nSubject: Factura\nContent-Type: text/html; charset=utf-8\n", html.encode())
    parsed = parse_mail(raw)
    assert parsed.html is not None and "factura" in parsed.html
    assert parsed.text == html_to_text(html) == "Buenos días,\n\nadjunto la factura."


def test_a_uuencoded_file_in_the_text_becomes_an_attachment() -> None:
    body = b"Ver adjunto.\r\nbegin 644 nota.txt\r\n%:&]L80H`\r\n`\r\nend\r\n"
    parsed = parse_mail(mail("From: a@example.com\nSubject: Nota\nContent-Type: text/plain\n", body))
    assert parsed.text.strip() == "Ver adjunto."
    assert [(a.filename, a.content) for a in parsed.attachments] == [("nota.txt", b"hola\n")]


def test_an_out_of_office_reply_is_recognised() -> None:
    raw = mail("From: a@example.com\nSubject: Fuera de la oficina\nAuto-Submitted: auto-replied\n")
    assert parse_mail(raw).auto_reply


def test_bytes_that_are_no_mail_become_its_text_and_a_cut_multipart_keeps_what_arrived() -> None:
    garbage = parse_mail(b"\x00\xff\xfe not a mail at all \x80")
    assert garbage.text == "\u00ff\u00fe not a mail at all \x80"  # read as Latin-1, NUL dropped
    assert garbage.sender is None and garbage.subject == ""
    cut = parse_mail(
        mail('From: a@example.com\nContent-Type: multipart/mixed; boundary="zz"\n', b"--zz\r\n\r\nhola\r\n")
    )
    assert cut.text == "hola" and cut.readable

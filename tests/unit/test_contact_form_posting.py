"""The contact form as posted (multipart with its optional file, or urlencoded),
the file checks, how the OpenAPI document describes the help center's forms,
and what the infrastructure must agree on for a file to arrive as bytes."""

from typing import Any

import pytest
import requests

from agent_api.app import app, openapi_document
from helpdesk import http_policy, limits
from helpdesk.channels.web_form import ATTACHMENT_KIND, FormRefused, check_attachment
from helpdesk.channels.web_form.posted import PostedFile, read_form
from helpdesk.knowledge import helpcenter
from helpdesk.knowledge.finding import CompactIndex, page_type
from helpdesk.knowledge.typing_suggestions import SCRIPT, SCRIPT_PATH
from helpdesk.models import Language
from local.provision import load_template

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def _browser_post(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[str, bytes]:
    prepared = requests.Request("POST", "http://form.test/", data=fields, files=files).prepare()
    assert isinstance(prepared.body, bytes)
    return prepared.headers["Content-Type"], prepared.body


@pytest.mark.parametrize("ending", [b"", b"\r", b"\n", b"\r\n", b"\r\n--", b"\r\r\n"])
def test_a_multipart_form_gives_its_fields_and_the_files_bytes_exactly(ending: bytes) -> None:
    content = PNG + ending
    content_type, body = _browser_post(
        {"name": "Lucía Ñandú", "message": "línea 1\r\nlínea 2"},
        {"attachment": ("recibo de compra ñ.png", content, "image/png")},
    )
    posted = read_form(content_type, body)
    assert posted.fields == {"name": "Lucía Ñandú", "message": "línea 1\r\nlínea 2"}
    assert posted.files == (PostedFile("attachment", "recibo de compra ñ.png", "image/png", content),)


def test_an_empty_file_input_is_no_file_and_urlencoded_forms_still_read() -> None:
    content_type, body = _browser_post({"subject": "Hola"}, {"attachment": ("", b"", "application/octet-stream")})
    assert read_form(content_type, body).fields == {"subject": "Hola"}
    assert read_form(content_type, body).files == ()
    posted = read_form("application/x-www-form-urlencoded", b"name=Luc%C3%ADa&website=")
    assert posted.fields == {"name": "Lucía", "website": ""} and posted.files == ()


@pytest.mark.parametrize("body", [b"", b"no boundary here", b"--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n"])
def test_a_broken_multipart_body_has_no_fields(body: bytes) -> None:
    assert read_form("multipart/form-data; boundary=x", body).fields == {}


def test_the_attachment_is_an_image_or_a_pdf_as_its_bytes_show_within_the_limit() -> None:
    assert check_attachment(PostedFile("attachment", "a.png", "text/plain", PNG)) == "image/png"
    assert check_attachment(PostedFile("attachment", "a.pdf", "", b"%PDF-1.7\n")) == "application/pdf"
    webp = b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(16)
    assert check_attachment(PostedFile("attachment", "a.webp", "image/webp", webp)) == "image/webp"
    refused = {
        "attachment_type": [b"<svg onload=alert(1)>", b"MZ\x90\x00", b"PK\x03\x04", b""],
        "attachment_size": [PNG + bytes(limits.CONTACT_FORM.attachment_bytes)],
    }
    for reason, contents in refused.items():
        for content in contents:
            with pytest.raises(FormRefused) as caught:
                check_attachment(PostedFile("attachment", "foto.png", "image/png", content))
            assert caught.value.reason == reason


def test_the_file_and_its_form_fit_one_lambda_invocation_as_base64() -> None:
    form_and_headers = 64 * 1024  # the text fields (bounded by ContactForm) and the event's headers, generously
    assert (limits.CONTACT_FORM.attachment_bytes + form_and_headers) * 4 / 3 < 6 * 1024 * 1024


def test_the_form_routes_document_form_bodies_and_suggestions_a_json_answer() -> None:
    paths = openapi_document()["paths"]
    contact = paths[helpcenter.CONTACT_POST]["post"]["requestBody"]["content"]
    assert set(contact) == {"multipart/form-data", "application/x-www-form-urlencoded"}
    multipart = contact["multipart/form-data"]
    assert multipart["schema"]["properties"]["attachment"]["contentMediaType"] == "application/octet-stream"
    assert "attachment" not in multipart["schema"].get("required", [])
    assert {"name", "reach", "subject", "message", "token"} <= set(multipart["schema"]["required"])
    assert multipart["encoding"]["attachment"]["contentType"] == ", ".join(limits.CONTACT_FORM.attachment_types)
    assert "attachment" not in str(contact["application/x-www-form-urlencoded"])
    vote = paths[helpcenter.VOTE_PATH]["post"]["requestBody"]["content"]
    assert set(vote) == {"application/x-www-form-urlencoded"}
    suggestions = paths[helpcenter.SUGGESTIONS_PATH]["get"]
    assert {p["name"] for p in suggestions["parameters"]} == {"q", "locale"}
    assert "application/json" in suggestions["responses"]["200"]["content"] and "429" in suggestions["responses"]
    json_routes = [op for methods in paths.values() for op in methods.values() if "requestBody" in op]
    assert sum(set(op["requestBody"]["content"]) == {"application/json"} for op in json_routes) > 20


def _template() -> dict[str, Any]:
    template: dict[str, Any] = load_template()
    return template


def test_api_gateway_passes_the_forms_file_as_bytes_like_the_app_expects() -> None:
    gateway = _template()["Resources"]["AgentApi"]["Properties"]["BinaryMediaTypes"]
    assert {t.replace("~1", "/") for t in gateway} == set(app.api.binary_types)
    assert "multipart/form-data" in app.api.binary_types


def test_the_agent_api_may_store_the_forms_files_under_their_prefix() -> None:
    policies = _template()["Resources"]["AgentApiFunction"]["Properties"]["Policies"]
    statements = [s for p in policies if isinstance(p, dict) for s in p.get("Statement", [])]
    (store,) = [s for s in statements if s.get("Sid") == "StoreReplyAttachments"]
    resources = [r["Fn::Sub"] for r in store["Resource"]]
    assert f"${{AttachmentsBucket.Arn}}/{ATTACHMENT_KIND}/*" in resources and store["Action"] == ["s3:PutObject"]


def test_the_contact_pages_script_is_a_file_of_the_site_its_policy_admits() -> None:
    site = helpcenter.build_site([], CompactIndex({"format": 1, "audience": "public", "built_at": "", "locales": {}}),
                                 {})  # fmt: skip
    assert site.pages[SCRIPT_PATH] == SCRIPT and page_type(SCRIPT_PATH).startswith("text/javascript")
    assert "innerHTML" not in SCRIPT and "eval(" not in SCRIPT  # text only, no code from answers
    policy = http_policy.HELP_CENTER_HEADERS["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    page = helpcenter.contact_page(Language.ENGLISH, "token-123456")
    assert f'<script src="{SCRIPT_PATH}" defer></script>' in page and page.count("<script") == 1
    assert 'enctype="multipart/form-data"' in page and 'name="attachment" type="file"' in page
    assert f'data-source="{helpcenter.SUGGESTIONS_PATH}?locale=en"' in page and 'aria-live="polite"' in page

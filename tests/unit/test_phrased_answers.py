"""The assistant's answers phrased by a Bedrock model (issue 15), on a real
``bedrock-runtime`` client answered by botocore's Stubber with the Converse
API's response shape (``bedrock_converse_answer.json``, written from the
documented response): a grounded answer citing a given article is used, with
that article's page; one citing nothing, or an article it was not given, is
discarded for the articles' list, as is any error of the model. Off by
default: without a model id no client is ever built."""

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.stub import Stubber

from helpdesk import connections
from helpdesk.assistant.answers import (
    PROMPTS,
    RETRIEVAL,
    PhrasedAnswers,
    prompt,
    published_excerpt,
    request,
    suggestion,
)
from helpdesk.assistant.turns import decide
from helpdesk.knowledge.articles import Article, ArticleStatus, Visibility
from helpdesk.knowledge.finding import ArticleHit
from helpdesk.limits import PHRASED_ANSWERS
from helpdesk.models import Actor, ActorKind, Language
from helpdesk.providers.bedrock import BedrockConverse
from helpdesk.settings import forget_settings
from helpdesk.store import HelpdeskStore

MODEL = "amazon.nova-lite-v1:0"
RECORDED = json.loads((Path(__file__).parent / "bedrock_converse_answer.json").read_text(encoding="utf-8"))
QUESTION = "¿Puedo cambiar la dirección de mi pedido? Soy maria.lopez@example.com"
CHANGE, VIP, TRACK, RETURNS = (
    ArticleHit("cambiar-direccion", "Cambiar la dirección de entrega", "Antes de que salga el pedido.", None, 9.0,
               Language.SPANISH),
    ArticleHit("envios-vip", "Envíos para clientes VIP", "Entrega al día siguiente.", None, 6.0, Language.SPANISH,
               "segment"),
    ArticleHit("seguir-pedido", "Seguir un pedido", "El número de guía llega por correo.", None, 4.0,
               Language.SPANISH),
    ArticleHit("devoluciones", "Devoluciones", "Tienes 30 días.", None, 2.0, Language.SPANISH),
)  # fmt: skip
HITS = [CHANGE, TRACK, RETURNS]  # three public articles found
WITH_SEGMENT = [CHANGE, VIP, TRACK]  # what a VIP contact's search finds
# the articles' text (the first longer than the excerpt the model reads)
TEXTS = {"cambiar-direccion": "Entra a Mis pedidos. " * 80, "seguir-pedido": ""}


class Found:
    """The articles a search finds, whatever the question."""

    def __init__(self, hits: list[ArticleHit]) -> None:
        self.hits = hits

    def find(self, text: str, locale: Language, limit: int = 5) -> list[ArticleHit]:
        return self.hits[:limit]


@pytest.fixture
def client(aws_env: None) -> Iterator[tuple[Any, Stubber]]:
    bedrock = boto3.client("bedrock-runtime", region_name="us-east-1")
    with Stubber(bedrock) as stubber:
        yield bedrock, stubber
        stubber.assert_no_pending_responses()


def answered(text: str, stop: str = "end_turn") -> dict[str, Any]:
    response = copy.deepcopy(RECORDED)
    response["output"]["message"]["content"] = [{"text": text}]
    response["stopReason"] = stop
    return response


def writer(bedrock: Any) -> PhrasedAnswers:
    model = BedrockConverse(lambda: bedrock, MODEL, PHRASED_ANSWERS.max_tokens, PHRASED_ANSWERS.temperature)
    return PhrasedAnswers(model, lambda article_id: TEXTS.get(article_id, ""))


def test_a_grounded_answer_citing_an_article_is_given_with_its_page(client: tuple[Any, Stubber]) -> None:
    bedrock, stubber = client
    stubber.add_response("converse", RECORDED)
    decision = decide(Found(HITS), QUESTION, Language.SPANISH, writer(bedrock))
    said = RECORDED["output"]["message"]["content"][0]["text"]
    assert decision.answer.startswith(said)
    assert "[1] Cambiar la dirección de entrega: /ayuda/articulos/cambiar-direccion" in decision.answer
    assert "seguir-pedido" not in decision.answer  # only the articles it cited are linked
    assert decision.answer.endswith("¿Te sirvió?") and not decision.handoff


def test_the_request_carries_the_prompt_file_the_question_and_only_public_articles(
    client: tuple[Any, Stubber],
) -> None:
    bedrock, stubber = client
    system = (PROMPTS / "answer_es.txt").read_text(encoding="utf-8").strip()
    expected = {
        "modelId": MODEL,
        "system": [{"text": system}],
        "messages": [{"role": "user", "content": [{"text": request(QUESTION, [CHANGE, TRACK], TEXTS.__getitem__)}]}],
        "inferenceConfig": {"maxTokens": PHRASED_ANSWERS.max_tokens, "temperature": 0.2},
    }
    stubber.add_response("converse", RECORDED, expected)  # the Stubber refuses any other request
    decision = decide(Found(WITH_SEGMENT), QUESTION, Language.SPANISH, writer(bedrock))
    assert "[1] Cambiar la dirección de entrega" in decision.answer  # the model's answer, so the request matched

    sent = expected["messages"][0]["content"][0]["text"]  # type: ignore[index]
    assert "solo con lo que dicen los artículos" in system.casefold()
    assert QUESTION in sent and "envios-vip" not in sent and "Envíos para clientes VIP" not in sent
    assert sent.count("<article ") == 2 and '<article n="2">' in sent and "<title>Seguir un pedido</title>" in sent
    excerpt = sent.split("<text>", 1)[1].split("</text>", 1)[0]
    assert excerpt and len(excerpt) <= PHRASED_ANSWERS.excerpt_chars


@pytest.mark.parametrize(
    "text",  # three articles were given
    [
        "Puedes cambiar la dirección desde Mis pedidos.",  # cites nothing
        "Llama al 800 123 4567 y te la cambian [7].",  # cites an article it was not given
        "Cambia la dirección en Mis pedidos [1], o llama al 800 123 4567 [4].",  # one of its citations not given
        "   ",
        "Cambia la dirección [1]. " + "Sí. " * PHRASED_ANSWERS.max_answer_chars,  # too long for a message
    ],
)
def test_an_answer_not_grounded_on_the_articles_given_is_discarded_for_the_list(
    client: tuple[Any, Stubber], text: str
) -> None:
    bedrock, stubber = client
    stubber.add_response("converse", answered(text))
    decision = decide(Found(HITS), QUESTION, Language.SPANISH, writer(bedrock))
    assert decision.answer == suggestion(HITS, Language.SPANISH)


def test_an_answer_cut_at_the_token_limit_is_discarded(client: tuple[Any, Stubber]) -> None:
    bedrock, stubber = client
    stubber.add_response("converse", answered("Puedes cambiarla en Mis pedidos [1] y", stop="max_tokens"))
    decision = decide(Found(HITS), QUESTION, Language.SPANISH, writer(bedrock))
    assert decision.answer == suggestion(HITS, Language.SPANISH)


@pytest.mark.parametrize("code", ["ThrottlingException", "AccessDeniedException", "ModelTimeoutException"])
def test_an_error_of_the_model_falls_back_and_logs_its_code_and_no_customer_text(
    client: tuple[Any, Stubber], code: str, caplog: pytest.LogCaptureFixture
) -> None:
    bedrock, stubber = client
    stubber.add_client_error(
        "converse", service_error_code=code, service_message="Too many requests", http_status_code=429
    )
    decision = decide(Found(HITS), QUESTION, Language.SPANISH, writer(bedrock))
    assert decision.answer == suggestion(HITS, Language.SPANISH)
    (warning,) = [record for record in caplog.records if record.levelname == "WARNING"]
    logged = str(vars(warning))
    assert getattr(warning, "error_code", None) == code
    assert "maria" not in logged and "dirección" not in logged and "Too many" not in logged


def test_a_timeout_falls_back() -> None:
    class Late:
        def converse(self, **request: Any) -> dict[str, Any]:
            raise ReadTimeoutError(endpoint_url="https://bedrock-runtime.invalid")

    decision = decide(Found(HITS), QUESTION, Language.SPANISH, writer(Late()))
    assert decision.answer == suggestion(HITS, Language.SPANISH)


def test_only_segment_articles_found_never_reach_the_model() -> None:
    class Unreachable:
        def converse(self, **request: Any) -> dict[str, Any]:
            raise AssertionError("a segment article was sent to the model")

    decision = decide(Found([VIP]), QUESTION, Language.SPANISH, writer(Unreachable()))
    assert decision.answer == suggestion([VIP], Language.SPANISH)


def test_english_questions_get_the_english_prompt() -> None:
    assert prompt(Language.ENGLISH).startswith("You are") and "[1]" in prompt(Language.ENGLISH)
    assert prompt(Language.SPANISH).startswith("Eres") and "[1]" in prompt(Language.SPANISH)


def test_off_by_default_no_client_is_ever_built(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASSISTANT_BEDROCK_MODEL_ID", raising=False)
    forget_settings()
    connections.forget()

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a client was built with the assistant's model off")

    monkeypatch.setattr(boto3, "client", refused)
    chosen = connections.answer_writer()
    decision = decide(Found(HITS), QUESTION, Language.SPANISH, chosen)
    assert chosen is RETRIEVAL and decision.answer == suggestion(HITS, Language.SPANISH)
    connections.forget()


def test_a_model_id_turns_it_on_and_its_client_is_built_on_the_first_answer(
    aws_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_BEDROCK_MODEL_ID", MODEL)
    forget_settings()
    connections.forget()
    built: list[tuple[str, Any]] = []
    monkeypatch.setattr(boto3, "client", lambda service, **kwargs: built.append((service, kwargs["config"])))
    chosen = connections.answer_writer()
    assert isinstance(chosen, PhrasedAnswers) and built == []
    connections._bedrock_client()  # what its first answer builds: a client that waits briefly, once
    ((service, config),) = built
    assert service == "bedrock-runtime" and config.retries["total_max_attempts"] == 1
    assert config.connect_timeout + config.read_timeout <= 7
    connections.forget()
    forget_settings()


class Articles:
    """The articles' table, in memory."""

    def __init__(self, *found: Article) -> None:
        self.found = {a.id: a.model_dump(mode="json") for a in found}

    def get_article(self, article_id: str) -> dict[str, Any] | None:
        return self.found.get(article_id)


def _article(article_id: str, **changes: Any) -> Article:
    editor = Actor(kind=ActorKind.AGENT, id="agt_sofia", name="Sofía")
    now = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    return Article.model_validate({
        "id": article_id, "title": "Cambiar la dirección",
        "body": "## Pasos\n\n" + "Entra a **Mis pedidos** y elige otra. " * 60,
        "author": editor, "updated_by": editor, "created_at": now, "updated_at": now,
        "status": ArticleStatus.PUBLISHED, **changes,
    })  # fmt: skip


def test_the_model_reads_the_plain_text_of_published_public_articles_only() -> None:
    store = cast(HelpdeskStore, Articles(
        _article("publicado"), _article("borrador", status=ArticleStatus.DRAFT),
        _article("interno", visibility=Visibility.INTERNAL),
    ))  # fmt: skip
    text = published_excerpt(store, "publicado")
    assert text.startswith("Pasos Entra a Mis pedidos y elige otra.") and "**" not in text and "##" not in text
    assert len(text) == PHRASED_ANSWERS.excerpt_chars
    assert published_excerpt(store, "borrador") == published_excerpt(store, "interno") == ""
    assert published_excerpt(store, "no-existe") == ""

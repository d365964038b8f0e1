"""Score the mail parser and the visible-text extractor against the expected
outputs that ship with the shared corpus (../shared/corpus).

- github / zapier email_reply_parser sets: what their tests assert about each
  fixture's visible text (tests/data/reply_parser_expectations.json);
- talon: standard_replies (reply "Hello" unless a ``*_reply_text`` says
  otherwise; talon keeps signatures, so quotes only are removed) and
  html_replies ("Hi. I am fine. Thanks, Alex", whitespace-insensitive);
- zammad: the ``.yml`` parse expectations (subject, sender, body; body compared
  as text with all whitespace removed, since Zammad stores sanitized HTML);
- talon html_replies once more through the HTML an agent is shown first
  (``html_reply``'s cut on the parsed document, then its text).

bench/spanish_mail.py scores our own Spanish set beside these.

Used by ``make bench`` (rates beside peer libraries) and by the corpus tests
(floors, so a regression fails).
"""

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from helpdesk.channels.email.html_reply import html_text, visible_html
from helpdesk.channels.email.html_text import html_to_text
from helpdesk.channels.email.parsing import parse_mail
from helpdesk.channels.email.reply_text import visible_text, without_quotes

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
EXPECTATIONS = ROOT / "tests" / "data" / "reply_parser_expectations.json"
TALON_HTML_REPLY = "Hi. I am fine.\n\nThanks,\nAlex"

Extractor = Callable[[str], str]


@dataclass
class Score:
    name: str
    passed: int = 0
    total: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, case: str, ok: bool) -> None:
        self.total += 1
        if ok:
            self.passed += 1
        else:
            self.failures.append(case)

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


def _rstripped(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _meets(result: str, expect: dict[str, Any]) -> bool:
    result = _rstripped(result)
    if "equals" in expect and result != _rstripped(expect["equals"]):
        return False
    if "startswith" in expect and not result.startswith(_rstripped(expect["startswith"])):
        return False
    if any(fragment.strip() not in result for fragment in expect.get("contains", [])):
        return False
    return not any(fragment.strip() in result for fragment in expect.get("not_contains", []))


def reply_parser_sets(extract: Extractor = visible_text) -> list[Score]:
    cases = json.loads(EXPECTATIONS.read_text(encoding="utf-8"))
    folders = {"github": "github_email_reply_parser", "zapier": "zapier_email_reply_parser"}
    scores = {name: Score(f"{name} email_reply_parser") for name in folders}
    for case in cases:
        if not case["expect"]:
            continue
        path = CORPUS / folders[case["set"]] / "test" / "emails" / case["file"]
        text = path.read_bytes().decode("utf-8", "replace")
        scores[case["set"]].add(case["file"], _meets(extract(text), case["expect"]))
    return list(scores.values())


def talon_sets(extract: Extractor = without_quotes, extract_html: Extractor | None = None) -> list[Score]:
    standard = Score("talon standard_replies")
    folder = CORPUS / "talon" / "tests" / "fixtures" / "standard_replies"
    for path in sorted(folder.glob("*.eml")):
        expected_file = path.with_name(path.stem + "_reply_text")
        expected = expected_file.read_text(encoding="utf-8").strip() if expected_file.exists() else "Hello"
        text = parse_mail(path.read_bytes()).text
        standard.add(path.name, _rstripped(extract(text)) == _rstripped(expected))
    html = Score("talon html_replies")
    wanted = re.sub(r"\s", "", TALON_HTML_REPLY)
    for path in sorted((CORPUS / "talon" / "tests" / "fixtures" / "html_replies").glob("*.html")):
        markup = path.read_bytes().decode("utf-8", "replace")
        reply = extract_html(markup) if extract_html else extract(html_to_text(markup))
        html.add(path.name, re.sub(r"\s", "", reply) == wanted)
    return [standard, html]


class _ZammadLoader(yaml.SafeLoader):
    pass


def _ruby_hash(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    return loader.construct_mapping(node, deep=True)


def _binary(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bytes:
    return base64.b64decode(str(loader.construct_scalar(node)))


_ZammadLoader.add_constructor("!ruby/hash:ActiveSupport::HashWithIndifferentAccess", _ruby_hash)
_ZammadLoader.add_constructor("!binary", _binary)


def _text_only(markup: str) -> str:
    return re.sub(r"\s", "", html_to_text(markup)) if "<" in markup else re.sub(r"\s", "", markup)


def zammad_set() -> list[Score]:
    subject, sender, body = Score("zammad subject"), Score("zammad sender"), Score("zammad body")
    for expected_path in sorted((CORPUS / "zammad" / "test" / "data" / "mail").glob("*.yml")):
        expected = yaml.load(expected_path.read_bytes(), Loader=_ZammadLoader)  # noqa: S506 - SafeLoader subclass
        parsed = parse_mail(expected_path.with_suffix(".box").read_bytes())
        case = expected_path.stem
        if "subject" in expected:  # runs of whitespace count as one (we fold them for display)
            subject.add(case, parsed.subject == " ".join((expected["subject"] or "").split()))
        if expected.get("from_email"):
            sender.add(case, parsed.sender is not None and parsed.sender.email == expected["from_email"].lower())
        if expected.get("body") and expected["body"] != "no visible content":
            as_html = expected.get("content_type") == "text/html" and parsed.html
            ours = html_to_text(parsed.html or "") if as_html else parsed.text
            body.add(case, _text_only(ours) == _text_only(expected["body"]))
    return [subject, sender, body]


def shown_html_text(markup: str) -> str:
    """The text of the HTML an agent is shown first (the DOM cut of html_reply)."""
    return html_text(visible_html(markup)).replace("[img]", "")


def talon_shown_html() -> Score:
    score = talon_sets(extract_html=shown_html_text)[1]
    score.name = "talon html_replies, shown HTML"
    return score


def all_scores() -> list[Score]:
    return [*reply_parser_sets(), *talon_sets(), talon_shown_html(), *zammad_set()]


if __name__ == "__main__":
    for score in all_scores():
        failures = ", ".join(score.failures)[:150]
        print(f"{score.name:<32}{score.passed:>4}/{score.total:<4}{score.rate:>7.0%}  {failures}")

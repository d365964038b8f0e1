"""The same visible-text cases through established libraries, for comparison:
email-reply-parser (zapier) and talon (mailgun), installed into a separate
virtualenv (.venv-peers) by the benchmark only; the project never imports them.

The inputs are prepared here (our MIME parser turns talon's .eml fixtures into
text, as it does for every mail); the peer virtualenv only runs the libraries.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.mail_corpus import CORPUS, EXPECTATIONS, TALON_HTML_REPLY, Score, _meets, _rstripped
from helpdesk.channels.email.parsing import parse_mail

ROOT = Path(__file__).resolve().parents[1]
PEERS_VENV = ROOT / ".venv-peers"
PEER_PACKAGES = ("email-reply-parser==0.5.12", "talon==1.4.4")

RUNNER = r"""
import json, sys
cases = json.load(open(sys.argv[1]))
out = {"erp": {}, "talon": {}, "errors": {}}
try:
    from email_reply_parser import EmailReplyParser
    for key, case in cases.items():
        if case["kind"] == "text":
            out["erp"][key] = EmailReplyParser.parse_reply(case["input"])
except Exception as exc:
    out["errors"]["erp"] = repr(exc)[:300]
try:
    import talon
    from talon import quotations
    talon.init()
    for key, case in cases.items():
        if case["kind"] == "text":
            out["talon"][key] = quotations.extract_from_plain(case["input"])
        else:
            out["talon"][key] = quotations.extract_from_html(case["input"])
except Exception as exc:
    out["errors"]["talon"] = repr(exc)[:300]
json.dump(out, sys.stdout)
"""


def _install() -> dict[str, str]:
    """Create the peers' virtualenv; returns {package: error} for what failed."""
    errors: dict[str, str] = {}
    python = PEERS_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)  # noqa: S603
    for package in PEER_PACKAGES:
        done = subprocess.run(  # noqa: S603 - fixed package names
            [str(python), "-m", "pip", "install", "-q", package],
            check=False,
            capture_output=True,
            timeout=600,
            text=True,
        )
        if done.returncode != 0:
            errors[package] = (done.stderr.strip().splitlines() or ["failed"])[-1][:200]
    return errors


def _cases() -> tuple[dict[str, dict[str, str]], dict[str, tuple[str, Any]]]:
    """Inputs by key, and (score name, expectation) by key."""
    inputs: dict[str, dict[str, str]] = {}
    expected: dict[str, tuple[str, Any]] = {}
    folders = {"github": "github_email_reply_parser", "zapier": "zapier_email_reply_parser"}
    for case in json.loads(EXPECTATIONS.read_text(encoding="utf-8")):
        if case["expect"]:
            key = f"{case['set']}/{case['file']}"
            path = CORPUS / folders[case["set"]] / "test" / "emails" / case["file"]
            inputs[key] = {"kind": "text", "input": path.read_bytes().decode("utf-8", "replace")}
            expected[key] = (f"{case['set']} email_reply_parser", case["expect"])
    fixtures = CORPUS / "talon" / "tests" / "fixtures"
    for path in sorted((fixtures / "standard_replies").glob("*.eml")):
        reply = path.with_name(path.stem + "_reply_text")
        wanted = reply.read_text(encoding="utf-8").strip() if reply.exists() else "Hello"
        inputs[f"talon/{path.name}"] = {"kind": "text", "input": parse_mail(path.read_bytes()).text}
        expected[f"talon/{path.name}"] = ("talon standard_replies", {"equals": wanted})
    for path in sorted((fixtures / "html_replies").glob("*.html")):
        inputs[f"talon-html/{path.name}"] = {"kind": "html", "input": path.read_bytes().decode("utf-8", "replace")}
        expected[f"talon-html/{path.name}"] = ("talon html_replies", {"html": TALON_HTML_REPLY})
    return inputs, expected


def _matches(result: str, expect: dict[str, Any]) -> bool:
    if "html" in expect:
        from helpdesk.channels.email.html_text import html_to_text

        text = html_to_text(result) if "<" in result else result
        return "".join(text.split()) == "".join(expect["html"].split())
    if "equals" in expect and set(expect) == {"equals"}:
        return _rstripped(result) == _rstripped(expect["equals"])
    return _meets(result, expect)


def run() -> dict[str, Any]:
    """Scores of each peer by set, and install or import errors."""
    install_errors = _install()
    inputs, expected = _cases()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(inputs, handle)
    done = subprocess.run(  # noqa: S603 - our own runner in our own venv
        [str(PEERS_VENV / "bin" / "python"), "-c", RUNNER, handle.name], check=False, capture_output=True, text=True
    )
    Path(handle.name).unlink(missing_ok=True)
    outputs = json.loads(done.stdout) if done.returncode == 0 and done.stdout else {"errors": {"runner": done.stderr}}
    scores: dict[str, dict[str, Score]] = {}
    for peer in ("erp", "talon"):
        results = outputs.get(peer, {})
        if not results:
            continue
        for key, (name, expect) in expected.items():
            if key in results:
                scores.setdefault(peer, {}).setdefault(name, Score(name)).add(key, _matches(results[key], expect))
    return {"scores": scores, "errors": {**install_errors, **outputs.get("errors", {})}}

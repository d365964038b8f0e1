"""(s) The first-line assistant: what it decides for the questions customers ask.

On the demo knowledge base's public index, as the channels' assistant reads it
(``helpdesk.assistant.turns.decide``), over two sets written for Atiende:

- the knowledge base's evaluation messages (``tests/data/knowledge_eval.json``):
  questions an article answers; top-1 and top-3 say how often the expected
  article is the first suggestion, or among the three shown;
- the assistant's own set (``tests/data/assistant_eval.json``): messages it
  must hand to people (asking for one, topics people handle, questions no
  article answers) and traps asking about the internal articles' topics.

Handoff precision and recall count a handoff as the positive over the
answerable and the handoff messages (the traps may get a public article or a
handoff: both are right). Internal leaks: suggestions of an internal article,
on any message (0 by construction: the public index has none). Answer time:
``decide`` over every message, in-process, at 1,000 articles.
"""

import json
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.knowledge_bench import ARTICLES, demo_articles, grown, messages
from helpdesk.assistant.turns import decide
from helpdesk.knowledge.articles import Visibility
from helpdesk.knowledge.finding import CompactIndex
from helpdesk.knowledge.indexing import Audience, build, build_all, pack
from helpdesk.models import Language

EVALUATION = Path(__file__).resolve().parents[1] / "tests" / "data" / "assistant_eval.json"
ANSWER_P95_TARGET_MS = 50


def assistant_set() -> dict[str, Any]:
    found: dict[str, Any] = json.loads(EVALUATION.read_text(encoding="utf-8"))
    return found


def evaluate(index: CompactIndex) -> dict[str, Any]:
    own = assistant_set()
    internal = {a.id for a in demo_articles() if a.visibility is not Visibility.PUBLIC}
    answerable = messages()
    top1 = top3 = leaks = 0
    false_handoffs = 0
    for row in answerable:
        decision = decide(index, row["text"], Language.SPANISH)
        top1 += decision.articles[:1] == (row["expected"],)
        top3 += row["expected"] in decision.articles
        false_handoffs += decision.handoff
        leaks += len(internal & set(decision.articles))
    by_reason: dict[str, list[bool]] = {}
    for row in own["handoff"]:
        decision = decide(index, row["text"], Language.SPANISH)
        by_reason.setdefault(row["why"], []).append(decision.handoff)
        leaks += len(internal & set(decision.articles))
    trap_handoffs = 0
    for row in own["traps"]:
        decision = decide(index, row["text"], Language.SPANISH)
        trap_handoffs += decision.handoff
        leaks += len(internal & set(decision.articles))
    true_handoffs = sum(sum(hits) for hits in by_reason.values())
    expected = sum(len(hits) for hits in by_reason.values())
    predicted = true_handoffs + false_handoffs
    return {
        "answerable": len(answerable),
        "top1": top1 / len(answerable),
        "top3": top3 / len(answerable),
        "handoff_messages": expected,
        "handoff_precision": true_handoffs / predicted if predicted else 1.0,
        "handoff_recall": true_handoffs / expected if expected else 1.0,
        "recall_by_reason": {why: sum(hits) / len(hits) for why, hits in by_reason.items()},
        "traps": len(own["traps"]),
        "trap_handoffs": trap_handoffs,
        "internal_leaks": leaks,
    }


def answer_times(count: int = ARTICLES) -> dict[str, float]:
    index = CompactIndex.from_object(pack(build_all(grown(demo_articles(), count), datetime.now(UTC))[Audience.PUBLIC]))
    own = assistant_set()
    texts = [row["text"] for row in (*messages(), *own["handoff"], *own["traps"])]
    spent = []
    for _ in range(3):
        for text in texts:
            started = time.perf_counter()
            decide(index, text, Language.SPANISH)
            spent.append((time.perf_counter() - started) * 1000)
    return {"p95": statistics.quantiles(spent, n=20)[18], "median": statistics.median(spent), "decisions": len(spent)}


def run() -> dict[str, Any]:
    found = evaluate(CompactIndex(build(demo_articles(), Audience.PUBLIC, datetime.now(UTC))))
    timed = answer_times()
    print("\n(s) the first-line assistant (demo knowledge base; tests/data/knowledge_eval.json, assistant_eval.json)")
    print(f"  {'answerable messages / handoff / traps':<44}{found['answerable']:>10} / {found['handoff_messages']}"
          f" / {found['traps']}")  # fmt: skip
    print(f"  {'top-1 (first suggestion)':<44}{found['top1']:>10.1%}")
    print(f"  {'top-3 (among those shown)':<44}{found['top3']:>10.1%}")
    print(f"  {'handoff precision':<44}{found['handoff_precision']:>10.1%}")
    print(f"  {'handoff recall':<44}{found['handoff_recall']:>10.1%}")
    for why, share in sorted(found["recall_by_reason"].items()):
        print(f"  {'  recall, ' + why:<44}{share:>10.1%}")
    print(f"  {'traps handed over (the rest: public articles)':<44}{found['trap_handoffs']:>10}")
    print(f"  {'internal articles shown':<44}{found['internal_leaks']:>10}   must be 0")
    print(f"  {'answer p95 (median), 1,000 articles':<44}{timed['p95']:>7.2f} ms ({timed['median']:.2f} ms)"
          f"   target ≤ {ANSWER_P95_TARGET_MS} ms")  # fmt: skip
    return {
        "assistant.top1": round(found["top1"], 3),
        "assistant.top3": round(found["top3"], 3),
        "assistant.handoff_precision": round(found["handoff_precision"], 3),
        "assistant.handoff_recall": round(found["handoff_recall"], 3),
        "assistant.internal_leaks": found["internal_leaks"],
        "assistant.answer_p95_ms_1000": round(timed["p95"], 2),
    }

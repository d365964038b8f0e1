"""``make bench``, or ``python -m bench --only PART`` (``--help`` lists the parts): speed, size,
quality and cost figures, each part merging its own into bench/out/results.json."""

import argparse
import sys
from collections.abc import Callable

from bench import (
    assistant_bench,
    cold_start,
    console_size,
    cost_model,
    cost_operations,
    cpu_bench,
    helpcenter_3g_bench,
    ingest_bench,
    knowledge_bench,
    live_bench,
    live_push_bench,
    load_bench,
    mail_corpus,
    package_size,
    peers,
    reports_bench,
    results,
    scale_bench,
    search_bench,
    sla_checker_bench,
    spanish_mail,
    survey_sender_bench,
    whatsapp_bench,
)


def mail_rates() -> None:
    ours = [*mail_corpus.all_scores(), *spanish_mail.scores()]
    compared = peers.run()
    print("\n(d) e-mail against the corpus's expected outputs (passed / scored)")
    print(f"  {'set':<30}{'Atiende':>12}{'email-reply-parser':>20}{'talon':>12}")
    for score in ours:
        cells = []
        for peer in ("erp", "talon"):
            theirs = compared["scores"].get(peer, {}).get(score.name)
            cells.append(f"{theirs.passed}/{theirs.total}" if theirs else "-")
        print(f"  {score.name:<30}{f'{score.passed}/{score.total}':>12}{cells[0]:>20}{cells[1]:>12}")
    results.record({f"mail.{score.name}": f"{score.passed}/{score.total}" for score in ours})
    reply_sets = [s for s in ours if not s.name.startswith(("zammad", "Spanish", "talon html_replies, shown"))]
    passed, total = sum(s.passed for s in reply_sets), sum(s.total for s in reply_sets)
    print(f"  {'visible text, all reply sets':<30}{f'{passed}/{total} = {passed / total:.0%}':>12}")
    for peer, error in compared["errors"].items():
        print(f"  peer {peer}: {error}")
    for score in ours:
        if score.failures:
            print(f"  Atiende misses in {score.name}: {', '.join(score.failures)}")


def package_sizes() -> None:
    sizes = package_size.run()
    print("\n(j) Lambda packages under build/ (zipped; `make package`)")
    for name, (megabytes, budget) in sizes.items():
        print(f"  {name:<44}{megabytes:>10.2f} MB   budget {budget:g} MB")
    results.record(package_size.figures())


def load_run() -> None:
    loaded = load_bench.run()
    print(f"\n(l) load run against a local stack of its own (`atiende load --seconds {load_bench.SECONDS:g} "
          f"--customers {load_bench.CUSTOMERS}`)")  # fmt: skip
    print("\n".join(loaded.lines()[2:]))
    results.record(loaded.figures())


def ingest_part() -> None:
    ingest = ingest_bench.run()
    print("\n(a) ingest throughput against the local moto server (same server, same run)")
    print(f"  {'raw PutItem (floor)':<44}{ingest.put_per_second:>10.1f} /s")
    print(f"  {'ingest (' + str(ingest.messages) + ' WhatsApp messages)':<44}{ingest.ingest_per_second:>10.1f} msg/s")
    print(f"  {'ratio ingest / floor':<44}{ingest.ratio:>10.2f}   target ≥ {ingest.target_ratio:.2f}")
    print(f"  {'raw GetItem':<44}{ingest.get_per_second:>10.1f} /s")
    print(f"  {'raw 3-put TransactWriteItems, empty table':<44}{ingest.transaction_per_second_empty:>10.1f} /s")
    print(f"  {'raw 3-put TransactWriteItems, after the run':<44}{ingest.transaction_per_second:>10.1f} /s")
    print(f"  {'ingest allowed by its raw calls':<44}{ingest.raw_calls_per_second:>10.1f} msg/s")
    share = ingest.ingest_per_second / ingest.raw_calls_per_second
    print(f"  {'ingest / its raw calls':<44}{share:>10.2f}")
    print("\n(b) DynamoDB calls per ingested message")
    print(f"  {'new contact, new ticket':<44}{ingest.calls_new_contact:>10.1f}")
    print(f"  {'known contact, new conversation':<44}{ingest.calls_new_conversation:>10.1f}")
    print(f"  {'message on an open conversation':<44}{ingest.calls_existing_conversation:>10.1f}   target ≤ 3")
    print(f"  {'duplicate delivery':<44}{ingest.calls_duplicate:>10.1f}")
    per_message = {op: n / ingest.messages for op, n in sorted(ingest.calls_by_operation.items())}
    print("  throughput run, per message: " + ", ".join(f"{op} {n:.2f}" for op, n in per_message.items()))


def whatsapp_part() -> None:
    whatsapp = whatsapp_bench.run()
    print(f"\n(e) WhatsApp webhook acknowledgement, handler only, {whatsapp.webhooks} signed deliveries")
    print(f"  {'p50':<44}{whatsapp.p50_ms:>10.1f} ms")
    print(f"  {'p99':<44}{whatsapp.p99_ms:>10.1f} ms")
    print("\n(f) WhatsApp worker (queued messages into tickets, 30 customers)")
    print(f"  {'throughput':<44}{whatsapp.worker_messages_per_second:>10.1f} msg/s")


def sla_part() -> None:
    runs = sla_checker_bench.run()
    print(f"\n(g) SLA checker, one run, {sla_checker_bench.DUE_NOW} timers due, open tickets growing (moto in-process)")
    print(f"  {'open tickets':>14}{'reads':>8}{'read units':>12}{'writes':>8}{'breaches':>10}{'seconds':>10}")
    for run in runs:
        print(
            f"  {run.open_tickets:>14,}{run.reads:>8}{run.read_units:>12.1f}{run.writes:>8}"
            f"{run.breaches:>10}{run.seconds:>10.2f}"
        )


def surveys_part() -> None:
    runs = survey_sender_bench.run()
    print(f"\n(o) Survey sender, plan + send passes, {survey_sender_bench.DUE_NOW} surveys due, solved tickets growing")
    print(f"  {'solved tickets':>16}{'sent':>6}{'reads':>8}{'read units':>12}{'writes':>8}{'seconds':>10}")
    for run in runs:
        print(
            f"  {run.solved_tickets:>16,}{run.sent:>6}{run.reads:>8}{run.read_units:>12.1f}{run.writes:>8}"
            f"{run.seconds:>10.2f}"
        )


def reports_part() -> None:
    runs = reports_bench.run()
    days = reports_bench.DAYS
    print(f"\n(r) The dashboard's KPI query, {days} days and the {days} before, from the rollups")
    print(f"  {'tickets':>9}  {'filter':<16}{'items read':>12}{'calls':>8}{'seconds':>10}")
    for run in runs:
        print(f"  {run.tickets:>9,}  {run.filter:<16}{run.items_read:>12}{run.calls:>8}{run.seconds:>10.3f}")
    results.record(
        {f"reports.kpis_90d.{r.filter}.items_read": r.items_read for r in runs}
        | {f"reports.kpis_90d.{r.filter}.seconds": round(r.seconds, 3) for r in runs}
        | {"reports.kpis_90d.tickets": runs[0].tickets}
    )


def polling_part() -> None:
    live = live_bench.run()
    print(f"\n(i) live updates: a changes poll ({live_bench.CHANGED} changed), a presence beat, an assignment")
    head = ("open tickets", "poll reads", "read units", "found", "seconds", "presence", "assign")
    print("  " + "".join(f"{h:>12}" for h in head))
    for cost in live:
        cells = (f"{cost.open_tickets:,}", cost.poll_reads, f"{cost.poll_read_units:.1f}", cost.poll_found,
                 f"{cost.poll_seconds:.3f}", cost.presence_calls, cost.assignment_calls)  # fmt: skip
        print("  " + "".join(f"{c:>12}" for c in cells))


def knowledge_part() -> None:
    results.record(knowledge_bench.run())


def assistant_part() -> None:
    results.record(assistant_bench.run())


def search_part() -> None:
    results.record(search_bench.report(search_bench.run()))


def console_part() -> None:
    load = console_size.run()
    print("\n(h) console initial load (gzip)")
    for name, (raw, packed) in load.files.items():
        print(f"  {name:<44}{packed / 1024:>10.1f} KB   ({raw / 1024:.1f} KB raw)")
    print(f"  {'total':<44}{load.compressed / 1024:>10.1f} KB   budget {console_size.BUDGET_BYTES // 1024} KB")
    for chunk, files in load.later.items():  # parts only some roles load, with import()
        packed = sum(size[1] for size in files.values())
        print(f"  {'later: ' + chunk:<44}{packed / 1024:>10.1f} KB   ({len(files)} files)")
    raw, packed = console_size.widget()
    print(f"  {'web chat widget: ' + console_size.WIDGET:<44}{packed / 1024:>10.1f} KB   ({raw / 1024:.1f} KB raw)"
          f"   budget {console_size.WIDGET_BUDGET_BYTES // 1024} KB")  # fmt: skip
    results.record({"widget.gzip_bytes": packed, "widget.raw_bytes": raw})


def cold_start_part() -> None:
    figures = cold_start.run()
    print("\n" + "\n".join(figures.lines()))
    results.record(figures.results())


def cost_part() -> None:
    operations = cost_operations.measure_all()
    costs = [cost_model.monthly(team, operations) for team in cost_model.TEAMS]
    polling = cost_model.monthly(cost_model.REFERENCE, operations, push=False)
    print("\n" + "\n".join(cost_model.lines(costs, operations, polling)))
    names = ("cost.reference_usd_month", "cost.x10_usd_month", "cost.x100_usd_month")
    found = {name: round(cost.total, 2) for name, cost in zip(names, costs, strict=True)}
    results.record(found | {"cost.reference_polling_usd_month": round(polling.total, 2)})


def cpu_part() -> None:
    lines, found = cpu_bench.report(cpu_bench.run())
    print("\n" + "\n".join(lines))
    results.record(found)


def scale_part() -> None:
    simulated = scale_bench.run()
    print("\n" + "\n".join(simulated.lines()))
    results.record(simulated.figures())


def helpcenter_3g_part() -> None:
    loads = helpcenter_3g_bench.run()
    print("\n(t) the help center on 3G (Chromium's network emulation, JavaScript off, empty cache), target ≤ 5 s")
    print("\n".join(helpcenter_3g_bench.lines(loads)))
    results.record(helpcenter_3g_bench.figures(loads))


def live_part() -> None:
    samples = live_push_bench.run()
    found = live_push_bench.figures(samples)
    print(f"\n(n) live updates by push: webhook acknowledged → event at an agent's socket, {len(samples)} messages")
    print(f"  {'p50':<44}{found['live.push_p50_ms']:>10.1f} ms   target ≤ 1000")
    print(f"  {'p99':<44}{found['live.push_p99_ms']:>10.1f} ms   target ≤ 2000")
    results.record(found)


# Each part prints its table and merges its figures into bench/out/results.json
# (the figures of parts not run are kept). In the order `make bench` runs them.
PARTS: dict[str, tuple[Callable[[], None], str]] = {
    "ingest": (ingest_part, "(a, b) ingest throughput and DynamoDB calls per message"),
    "mail": (mail_rates, "(d) e-mail parsing against the corpus and our Spanish set, beside two peers"),
    "whatsapp": (whatsapp_part, "(e, f) WhatsApp webhook acknowledgement and worker throughput"),
    "sla": (sla_part, "(g) one SLA checker run as open tickets grow"),
    "surveys": (surveys_part, "(o) the survey sender's reads as solved tickets grow"),
    "reports": (reports_part, "(r) the dashboard's 90-day KPI query: items read (rollups, not tickets), time"),
    "polling": (polling_part, "(i) what a changes poll, a presence beat and an assignment cost"),
    "search": (search_part, "(k) ticket search: found in the top 10, items read, index writes"),
    "kb": (knowledge_part, "(o) knowledge-base search: top-1/top-3 on the evaluation set, build, load, p95 at 1,000"),
    "assistant": (assistant_part, "(s) the first-line assistant: top-1/top-3, handoff precision/recall, leaks, p95"),
    "helpcenter_3g": (helpcenter_3g_part, "(t) the help center's pages and contact form on Slow and Fast 3G"),
    "load": (load_run, "(l) a load run against a local stack of its own"),
    "console": (console_part, "(h) the console's first load, gzipped, and the web chat widget's"),
    "packages": (package_sizes, "(j) Lambda package sizes (needs `make package`)"),
    "cold_start": (cold_start_part, "(c) cold start: import of each handler beside boto3's, heaviest imports"),
    "cpu": (cpu_part, "(q) our own CPU per event (ingest, webhook, ticket page), AWS calls excluded"),
    "scale": (scale_part, "(p) the hottest DynamoDB partitions at 10,000 messages a minute and 1,000 agents"),
    "live": (live_part, "(n) push latency: a WhatsApp message's webhook to an agent's open socket"),
    "cost": (cost_part, "(m) monthly AWS cost for the reference team, ×10 and ×100, from measured calls"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Atiende's figures: speed, size, quality and cost. Every part merges its figures into "
        "bench/out/results.json.",
        epilog="parts:\n" + "\n".join(f"  {name:<12}{about}" for name, (_, about) in PARTS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", metavar="PART[,PART]", help="run these parts (default: all, in the order listed)")
    chosen = parser.parse_args(argv).only
    names = [name.strip() for name in chosen.split(",") if name.strip()] if chosen else list(PARTS)
    unknown = [name for name in names if name not in PARTS]
    if unknown:
        parser.error(f"unknown part {', '.join(unknown)}; parts: {', '.join(PARTS)}")
    for name in names:
        PARTS[name][0]()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``make bench``: ingest throughput, AWS calls per message, cold-start imports."""

from bench import cold_start, ingest_bench


def main() -> None:
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
    imports = cold_start.run()
    boto3_seconds = imports.pop("import boto3")
    print(f"\n(c) cold import, fresh interpreter, median of {cold_start.RUNS}")
    print(f"  {'import boto3':<44}{boto3_seconds * 1000:>10.0f} ms")
    for name, seconds in imports.items():
        print(f"  {name:<44}{seconds * 1000:>10.0f} ms   {seconds / boto3_seconds:.2f}× boto3 (target ≤ 1.3×)")


if __name__ == "__main__":
    main()

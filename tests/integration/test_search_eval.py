"""The search evaluation set (bench/data/search_eval.json) holds its floor:
at least 90 % of its queries find their tickets in the top 10 (moto in
process; `make bench` prints the misses and the other figures)."""

from bench.search_bench import FLOOR, evaluate


def test_the_evaluation_set_finds_its_tickets_in_the_top_10() -> None:
    result = evaluate()
    assert result.total >= 75
    assert result.share >= FLOOR, result.misses
    assert result.writes_per_message < 40  # the stream's re-index writes only what changed

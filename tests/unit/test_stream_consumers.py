"""The local stack's stream has two consumers (the search indexer and the live
fan-out), as the table's stream has in AWS: a record is dropped from moto's
stream only once every consumer has read it."""

from local.lambda_runtime import join_stream, read_by_every_consumer

STREAM = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/test-two-consumers"


def test_records_are_forgotten_only_up_to_what_the_slowest_consumer_read() -> None:
    join_stream(STREAM, "SearchIndexerFunction")
    join_stream(STREAM, "LiveFanoutFunction")
    assert read_by_every_consumer(STREAM, "SearchIndexerFunction", 10) == -1  # the fan-out read nothing yet
    assert read_by_every_consumer(STREAM, "LiveFanoutFunction", 4) == 4
    assert read_by_every_consumer(STREAM, "LiveFanoutFunction", 12) == 10
    assert read_by_every_consumer(STREAM, "SearchIndexerFunction", 3) == 10  # a consumer never moves back

"""The CPU bench counts our own processor time: what a thread spends inside an AWS
call (from botocore's parameter build to its parsed answer) is set apart
(``bench/cpu_bench.py``)."""

import threading
import time
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from bench.cpu_bench import AwsCallClock, Samples, _measured


def _spin(seconds: float) -> None:
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


@pytest.fixture
def clock(aws_env: None) -> Iterator[AwsCallClock]:
    with mock_aws():
        yield AwsCallClock().install()


def test_time_inside_aws_calls_is_set_apart_from_our_own(clock: AwsCallClock) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")  # made after install: its calls are timed
    samples = Samples()
    with _measured(clock, samples):
        _spin(0.01)
        for _ in range(20):
            sqs.list_queues()
    assert samples.aws_ms[0] > 5
    assert 9.5 <= samples.own_ms[0] < 10 + samples.aws_ms[0] / 2  # the spin is ours, the calls are not


def test_a_failed_call_ends_its_timing_and_other_threads_keep_their_own(clock: AwsCallClock) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_url(QueueName="missing")
    inside = clock.inside
    _spin(0.01)
    assert clock.inside == inside
    elsewhere: list[float] = []
    worker = threading.Thread(target=lambda: elsewhere.append(clock.inside))
    worker.start()
    worker.join()
    assert elsewhere == [0.0]


def test_percentiles_by_kind() -> None:
    samples = Samples(own_ms=[1.0, 2.0, 10.0, 20.0], aws_ms=[0.0] * 4, kinds=["a", "a", "b", "b"])
    assert samples.p(0.5, "a") == 2.0 and samples.p(0.5, "b") == 20.0 and samples.p(0.0) == 1.0

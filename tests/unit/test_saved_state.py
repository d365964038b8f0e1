"""The local stack's saved state (``local/saved_state.py``): moto's objects that
plain pickle refuses are written so they load back; a foreign file is ignored."""

import io
import pickle
import threading
import weakref
from collections import defaultdict
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from moto.ssm.models import ParameterDict

from local.atomic_moto import only_reads
from local.saved_state import (
    MOST_SHARE_SAVING,
    SAVE_EVERY_SECONDS,
    StateKeeper,
    _StatePickler,
    forget,
    pause_after_save,
    restore,
)


def _round_trip(value: object) -> object:
    buffer = io.BytesIO()
    _StatePickler(buffer).dump(value)
    return pickle.loads(buffer.getvalue())  # noqa: S301 - our own bytes


def test_locks_keys_weak_caches_and_lambda_defaultdicts_load_back() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    parameters = ParameterDict("123456789012", "us-east-1")
    parameters["/atiende/token"].append("v1")  # type: ignore[arg-type]  # any value stands for a Parameter
    nested: defaultdict[str, defaultdict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    nested["a"]["b"]["c"] = 1
    state = {
        "lock": threading.RLock(),
        "plain_lock": threading.Lock(),
        "key": key,
        "cache": weakref.WeakValueDictionary(),
        "parameters": parameters,
        "nested": nested,
    }

    loaded = _round_trip(state)

    assert isinstance(loaded, dict)
    with loaded["lock"], loaded["plain_lock"]:
        pass
    assert loaded["key"].private_numbers() == key.private_numbers()
    assert isinstance(loaded["parameters"], ParameterDict)
    assert loaded["parameters"].region_name == "us-east-1" and loaded["parameters"]["/atiende/token"] == ["v1"]
    assert loaded["nested"]["a"]["b"]["c"] == 1 and loaded["nested"]["new"]["x"] == {}


def test_a_file_of_another_moto_version_or_damaged_is_ignored() -> None:
    assert restore(pickle.dumps({"moto": "0.0.1", "backends": {}})) is False
    assert restore(b"not a pickle") is False


def test_the_saved_file_is_replaced_whole_and_reset_forgets_it(tmp_path: Path) -> None:
    keeper = StateKeeper(tmp_path)
    keeper.save()
    assert (tmp_path / "aws.pickle").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["aws.pickle"]  # no temporary file left behind

    forget(tmp_path)
    assert not (tmp_path / "aws.pickle").exists()


def test_reads_do_not_mark_the_state_changed() -> None:
    assert only_reads({"REQUEST_METHOD": "POST", "HTTP_X_AMZ_TARGET": "DynamoDB_20120810.Query"})
    assert only_reads({"REQUEST_METHOD": "GET"})
    assert not only_reads({"REQUEST_METHOD": "POST", "HTTP_X_AMZ_TARGET": "DynamoDB_20120810.PutItem"})
    assert not only_reads({"REQUEST_METHOD": "POST"})  # query-protocol services: assume a change


def test_saves_space_out_as_they_grow_so_the_stack_keeps_answering() -> None:
    assert pause_after_save(0.01) == SAVE_EVERY_SECONDS  # a small state: as often as allowed
    took = 0.8  # a grown state (the load run measured 0.4-0.8 s)
    assert took / (took + pause_after_save(took)) == pytest.approx(MOST_SHARE_SAVING)


def test_a_deployment_saved_from_an_older_template_is_told_apart() -> None:
    from local.provision import load_template
    from local.stack import PROVISIONED_KINDS, missing_from

    resources = load_template()["Resources"]
    everything = {name: f"id-{name}" for name, r in resources.items() if r["Type"] in PROVISIONED_KINDS}
    assert missing_from({"stack": {"physical_ids": everything}}) == set()
    older = {name: value for name, value in everything.items() if not name.startswith("WebhookDelivery")}
    missing = missing_from({"stack": {"physical_ids": older}})
    assert missing == {"WebhookDeliveryQueue", "WebhookDeliveryDeadLetterQueue"}

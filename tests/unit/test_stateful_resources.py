"""Upgrades never replace what holds the help desk's data.

CloudFormation replaces a table when its name or key schema changes, a bucket when
its name changes, a user pool when its sign-in attributes change, and any of them
when its logical id changes: a new, empty one takes its place (the old one, being
retained, is orphaned, and a fixed name makes the update fail halfway). This test
compares those properties with the snapshot committed in stateful_resources.json.

When the change is deliberate, do it safely first, then refresh the snapshot with
``python -m tests.unit.test_stateful_resources --write`` and commit it with the
migration notes.
"""

import json
import sys
from pathlib import Path
from typing import Any

from local.provision import load_template

SNAPSHOT = Path(__file__).with_name("stateful_resources.json")
# What each stateful type is replaced on (from CloudFormation's "Update requires:
# Replacement" for these properties).
REPLACED_ON: dict[str, tuple[str, ...]] = {
    "AWS::DynamoDB::Table": ("TableName", "KeySchema", "LocalSecondaryIndexes"),
    "AWS::S3::Bucket": ("BucketName",),
    "AWS::Cognito::UserPool": ("UsernameAttributes", "AliasAttributes", "UsernameConfiguration", "Schema"),
}
HOW_TO = (
    "This change would replace stateful resource {name} ({kind}): CloudFormation would create a new, empty "
    "one and orphan the old one with the help desk's data. To change it safely: keep the old logical id "
    "and properties, add the new resource beside it, copy the data (DynamoDB export/import or a scan-and-write, "
    "`aws s3 sync` for buckets, agents re-invited for a user pool), switch the code over in a later release, "
    "and only then refresh tests/unit/stateful_resources.json (python -m tests.unit.test_stateful_resources "
    "--write). See README, 'Upgrading'."
)


def _key_attributes(properties: dict[str, Any]) -> dict[str, str]:
    keys = {k["AttributeName"] for k in properties.get("KeySchema", [])}
    return {
        a["AttributeName"]: a["AttributeType"]
        for a in properties.get("AttributeDefinitions", [])
        if a["AttributeName"] in keys
    }


def stateful_resources(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Logical id → type, retention and the properties that would replace it."""
    found = {}
    for name, resource in template["Resources"].items():
        kind = resource["Type"]
        if kind not in REPLACED_ON:
            continue
        properties = resource.get("Properties", {})
        entry: dict[str, Any] = {
            "Type": kind,
            "DeletionPolicy": resource.get("DeletionPolicy", "Delete"),
            "UpdateReplacePolicy": resource.get("UpdateReplacePolicy", "Delete"),
        }
        entry |= {prop: properties[prop] for prop in REPLACED_ON[kind] if prop in properties}
        if kind == "AWS::DynamoDB::Table":
            entry["KeyAttributes"] = _key_attributes(properties)
        found[name] = entry
    return found


def test_every_stateful_resource_is_retained() -> None:
    for name, entry in stateful_resources(load_template()).items():
        assert (entry["DeletionPolicy"], entry["UpdateReplacePolicy"]) == ("Retain", "Retain"), (
            f"{name} must have DeletionPolicy: Retain and UpdateReplacePolicy: Retain"
        )


def test_no_change_replaces_a_stateful_resource() -> None:
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    current = stateful_resources(load_template())
    for name, entry in committed.items():
        assert name in current, HOW_TO.format(name=name, kind=entry["Type"]) + " (its logical id is gone)"
        assert current[name] == entry, HOW_TO.format(name=name, kind=entry["Type"])
    added = set(current) - set(committed)
    assert not added, (
        f"New stateful resources {sorted(added)}: give them DeletionPolicy and UpdateReplacePolicy Retain and add "
        "them to tests/unit/stateful_resources.json (python -m tests.unit.test_stateful_resources --write)"
    )


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.unit.test_stateful_resources --write")
    SNAPSHOT.write_text(json.dumps(stateful_resources(load_template()), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT}")

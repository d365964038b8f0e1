"""The layering rule holds, and fails on a forbidden import: ruff's banned
imports keep PynamoDB and boto3 in their one place each, and import-linter's
contracts (pyproject.toml) keep our own packages pointing one way."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _ruff(path: str, source: str) -> subprocess.CompletedProcess[str]:
    command = [str(BIN / "ruff"), "check", "--no-cache", "--select", "TID251", "--stdin-filename", path, "-"]
    return subprocess.run(command, input=source, cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("path", "source", "refused"),
    [
        ("functions/helpdesk/tickets/example.py", "from pynamodb.models import Model\n", True),
        ("functions/helpdesk/store/example.py", "from pynamodb.models import Model\n", False),
        ("functions/outbound/app.py", "import boto3\n", True),
        ("functions/agent_api/routes/example.py", "import botocore.exceptions\n", True),
        ("functions/helpdesk/providers/example.py", "import boto3\n", False),
        ("functions/helpdesk/connections.py", "import boto3\n", False),
    ],
)
def test_each_outside_library_has_one_place(path: str, source: str, refused: bool) -> None:
    checked = _ruff(path, source)
    assert ("TID251" in checked.stdout) is refused, checked.stdout + checked.stderr


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{root / 'functions'}:{ROOT}"}
    return subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contracts_hold_and_a_store_reaching_into_a_room_breaks_them(tmp_path: Path) -> None:
    # Given a copy of the code whose store imports ticket logic
    shutil.copytree(ROOT / "functions", tmp_path / "functions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    keys = tmp_path / "functions/helpdesk/store/keys.py"
    keys.write_text(keys.read_text(encoding="utf-8") + "\nfrom helpdesk.tickets import changes  # noqa\n")
    # When the contracts are checked, then that contract breaks (and the real tree keeps them all)
    broken = _lint_imports(tmp_path)
    assert broken.returncode != 0
    assert "The store imports only the kernel (models, errors, clock, settings) BROKEN" in broken.stdout
    assert "helpdesk.store.keys -> helpdesk.tickets.changes" in broken.stdout
    kept = _lint_imports(ROOT)
    assert kept.returncode == 0, kept.stdout[-3000:]

"""``atiende rules export`` / ``atiende rules import FILE``: the routing and
automation rules as YAML, read from and replaced through the running stack's
admin API (``PUT /api/rules`` checks the file as a whole)."""

import sys
from typing import Any


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("rules", help="export or import the routing and automation rules (YAML)")
    rules = parser.add_subparsers(dest="rules_command", required=True)
    rules.add_parser("export", help="print the rules in force as YAML")
    replace = rules.add_parser("import", help="replace the rules with a YAML file's")
    replace.add_argument("file", help="a YAML file as `atiende rules export` prints it")


def main(args: Any) -> int:
    return rules_export() if args.rules_command == "export" else rules_import(args.file)


def rules_export() -> int:
    """Print the rules in force as YAML (what ``rules import`` reads back)."""
    import yaml

    from local.admin_calls import call

    status, answer = call("GET", "/api/rules")
    if status != 200:
        print(f"No se pudieron leer las reglas / Could not read the rules: {status} {answer}", file=sys.stderr)
        return 1
    print(yaml.safe_dump(answer, allow_unicode=True, sort_keys=False), end="")
    return 0


def rules_import(path: str) -> int:
    """Replace the rules with the YAML file's (checked by the API as a whole)."""
    import json
    from pathlib import Path

    import yaml

    document = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    from local.admin_calls import call

    status, answer = call("PUT", "/api/rules", document)
    if status != 200:
        print(f"Reglas rechazadas / Rules refused: {status} {json.dumps(answer, ensure_ascii=False)}", file=sys.stderr)
        return 1
    print(f"{len(answer['rules'])} reglas guardadas / rules saved")
    return 0

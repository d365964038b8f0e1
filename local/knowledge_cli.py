"""``atiende kb``: the knowledge base of the running local stack, as a folder of
Markdown files with YAML front matter (``local/knowledge_files.py``), through
its API as the demo administrator (as ``atiende rules`` does).

atiende kb import DIR   create or update every article of DIR (again: nothing changes)
atiende kb export DIR   write every article, in every status, to DIR
"""

import json
import sys
from pathlib import Path
from typing import Any

from local.admin_calls import call

# The article model and its files are imported by the two commands that use
# them: `atiende` builds every command's parser at each start, and the model's
# modules take most of a second to import.


def add_parser(commands: Any) -> None:
    kb_parser = commands.add_parser("kb", help="the knowledge base of the running local stack, as Markdown files")
    kb_commands = kb_parser.add_subparsers(dest="kb_command", required=True)
    importing = kb_commands.add_parser("import", help="create or update the articles of a folder (idempotent)")
    importing.add_argument("folder", help="a folder of <id>.md files with YAML front matter")
    exporting = kb_commands.add_parser("export", help="write every article to a folder, one <id>.md each")
    exporting.add_argument("folder", help="where to write (created if missing; files of the same id are replaced)")


def main(args: Any) -> int:
    if args.kb_command == "import":
        return import_folder(Path(args.folder))
    return export_folder(Path(args.folder))


def _refusal(answer: Any) -> str:
    error = (answer or {}).get("error", {}) if isinstance(answer, dict) else {}
    message = error.get("message", {})
    text = f"{message.get('es', '')} / {message.get('en', '')}".strip(" /") or json.dumps(answer)
    detail = error.get("detail")
    return f"{text} {json.dumps(detail, ensure_ascii=False)}" if detail else text


def import_folder(folder: Path, token: str | None = None, base: str | None = None) -> int:
    """Send the folder's articles in batches; print what was created, updated, unchanged."""
    from helpdesk.knowledge.publishing import MAX_IMPORT
    from local.knowledge_files import UnreadableArticle, read_folder

    try:
        files = read_folder(folder)
    except UnreadableArticle as exc:
        print(f"Nada importado / Nothing imported: {exc}", file=sys.stderr)
        return 1
    if not files:
        print(f"No hay archivos .md en {folder} / No .md files in {folder}", file=sys.stderr)
        return 1
    rows = [
        {**f.article.model_dump(mode="json", exclude_defaults=True), "id": f.article.id or f.path.stem,
         "status": f.status.value}
        for f in files
    ]  # fmt: skip
    totals = {"created": 0, "updated": 0, "unchanged": 0}
    for start in range(0, len(rows), MAX_IMPORT):
        status, answer = call("POST", "/api/kb/import", {"articles": rows[start : start + MAX_IMPORT]}, token, base)
        if status != 200:
            print(f"Importación rechazada / Import refused: {status} {_refusal(answer)}", file=sys.stderr)
            return 1
        for key in totals:
            totals[key] += len(answer[key])
    print(
        f"{totals['created']} creados / created, {totals['updated']} actualizados / updated, "
        f"{totals['unchanged']} sin cambios / unchanged"
    )
    return 0


def export_folder(folder: Path, token: str | None = None, base: str | None = None) -> int:
    from helpdesk.knowledge.articles import Article
    from local.knowledge_files import write_folder

    status, answer = call("GET", "/api/kb/articles", None, token, base)
    if status != 200:
        print(f"No se pudo exportar / Could not export: {status} {_refusal(answer)}", file=sys.stderr)
        return 1
    articles = [Article.model_validate(row) for row in answer["articles"]]
    print(f"{write_folder(folder, articles)} artículos escritos en / articles written to {folder}")
    return 0

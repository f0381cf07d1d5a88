"""Shared parts of the ``import_plan`` and ``import_measures`` management commands: read the file,
print the preview, and commit only when asked."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from core import audit
from core.models import AuditEvent
from transfer.imports import statistics_cli
from transfer.imports.headers import FieldSet
from transfer.imports.plan_changes import ImportBlocked
from transfer.imports.reading import ImportFileError
from transfer.imports.services import importer_for, plan_import_commit, plan_import_upload
from transfer.models import PlanImport


def add_common_arguments(parser) -> None:
    parser.add_argument("file", help="The .xlsx, .csv or .docx file to import.")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help="What an unrecognised column holds, e.g. --map J=ignore, --map C=action, "
        "--map G=extra (kept as text on the action) or --map G=priority_extra (kept as text on "
        "the priority).",
    )
    parser.add_argument(
        "--commit",
        action="store_true",
        help="Write the import (all or nothing). Without it, only the preview is shown.",
    )
    parser.add_argument(
        "--user", help="The user the import is recorded as (keeps the upload with its preview)."
    )


def parse_mapping(items: list[str], fields: FieldSet | None = None) -> dict[str, str]:
    """--map COLUMN=FIELD as the preview's column choices; with ``fields``, FIELD must be one
    the preview offers (a field's key, "ignore", "extra" or "priority_extra")."""
    mapping = {}
    allowed = [key for key, _ in fields.choices() if key] if fields is not None else None
    for item in items:
        column, sep, field = item.partition("=")
        if not sep or not column.strip().isalpha():
            raise CommandError(f'--map takes COLUMN=FIELD, e.g. "J=ignore", not "{item}".')
        if allowed is not None and field.strip() not in allowed:
            raise CommandError(
                f'--map {item}: "{field.strip()}" is not something a column can hold; choose one '
                f"of {', '.join(allowed)}."
            )
        mapping[column.strip().upper()] = field.strip()
    return mapping


SECTION_ALIASES = {
    "1": "num:1",
    "a": "num:1",
    "1.1": "num:1.1",
    "1.1.1": "num:1.1.1",
    "1.1a": "num:1.1.1",
    "code": "code",
    "sp1": "code",
    "plain": "plain",
    "text": "plain",
    "priority-words": "word:priority",
    "outcome-words": "word:outcome",
    "objective-words": "word:objective",
}


def parse_choices(o: dict) -> dict:
    """--sheet, --section, --rating and --use-legend as the preview's choices."""
    from core.rag import Rating
    from transfer.imports.plan_rows import NO_RATING, SECTION_CHOICES, SHAPE_LABELS

    out: dict = {}
    if o.get("sheet"):
        out["sheets"] = list(o["sheet"])
    kinds = {key for key, _ in SECTION_CHOICES}
    sections = {}
    for item in o.get("section") or []:
        level, sep, kind = (part.strip() for part in item.partition("="))
        key = SECTION_ALIASES.get(level.lower(), level)
        if not sep or key not in SHAPE_LABELS or kind not in kinds:
            raise CommandError(
                f'--section takes LEVEL=KIND, e.g. "1.1=outcome", not "{item}". LEVEL is one of '
                f"{', '.join(SECTION_ALIASES)}; KIND one of {', '.join(sorted(kinds))}."
            )
        sections[key] = kind
    if sections:
        out["sections"] = sections
    ratings = {r.value for r in Rating} | {NO_RATING}
    words = {}
    for item in o.get("rating") or []:
        word, sep, rating = (part.strip() for part in item.rpartition("="))
        if not sep or not word or rating.lower() not in ratings:
            raise CommandError(
                f'--rating takes WORD=RATING, e.g. "Behind=red", not "{item}". RATING is one of '
                f"{', '.join(sorted(ratings))}."
            )
        words[word.lower()] = rating.lower()
    if words:
        out["rating_words"] = words
    if o.get("use_legend"):
        out["use_legend"] = True
    return out


def run(command, *, kind: str, path: str, options: dict, commit: bool, username: str | None):
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"No such file: {path}")
    content = file.read_bytes()
    try:
        importer = importer_for(kind=kind, filename=file.name, content=content, options=options)
    except ImportFileError as exc:
        raise CommandError(str(exc)) from exc
    show(command, importer.result)
    show_account(command, importer.result)
    if importer.result["errors"]:
        raise CommandError(
            f"{len(importer.result['errors'])} problem(s) in the file: nothing was imported."
        )
    if not commit:
        command.stdout.write("Preview only: nothing was written. Add --commit to import.")
        return None
    user = None
    if username:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username}.")
    try:
        if user is not None:
            upload = plan_import_upload(
                user=user,
                kind=kind,
                filename=file.name,
                content=content,
                options=options,
                table=getattr(importer, "table", None),  # read once (a measure import)
            )
            upload = plan_import_commit(plan_import=upload, user=user)
            written, plan = upload.result.get("committed", {}), upload.plan
        else:
            outcome = importer.commit(user=None)
            written = importer.result.get("committed", {})
            plan = outcome if kind == PlanImport.Kind.PLAN else None
            audit.record(
                AuditEvent.Kind.IMPORT,
                username="manage.py",
                summary=f"Imported {file.name} from the command line",
                file=file.name,
                what=kind,
                plan=plan.pk if plan else None,
                written=written,
            )
    except ImportBlocked as blocked:
        for issue in blocked.issues:
            command.stderr.write(f"  {issue.message}")
        raise CommandError("Nothing was imported.") from blocked
    command.stdout.write(command.style.SUCCESS(f"Imported {file.name}: {written}"))
    if plan is not None:
        command.stdout.write(f"Plan: {plan.title} ({plan.get_absolute_url()})")
    return plan


def show_account(command, result: dict) -> None:
    """The same account of cells as the browser's preview ends with."""
    account = result.get("account")
    if not account or "listed" not in account:  # a measure import's account: statistics_cli
        return
    out = command.stdout
    out.write(
        f"Cells read: {account['read']}; used: {account['used']} ({account['share_used']}%); "
        f"not taken: {account['ignored']}"
        + (f"; not accounted for: {account['unaccounted']}" if account["unaccounted"] else "")
    )
    for cell in account["listed"]:
        out.write(
            f"  not taken: {cell['sheet']} row {cell['row']} column {cell['column']}: "
            f"{cell['text']} ({cell['why']})"
        )


def show(command, result: dict) -> None:
    out = command.stdout
    info = result["file"]
    out.write(f"{info['name']}: {info['read_as']}, {info['rows']} rows")
    sheets = result.get("sheets", [])
    for sheet in sheets:
        if "read" in sheet:  # a measure import's sheet says whether it was read
            if len(sheets) > 1:
                continue  # listed with its layout by statistics_cli.show
            chosen = "read" if sheet["read"] else "not read"
        else:
            chosen = "read" if sheet["name"] in result.get("chosen_sheets", []) else "not read"
        out.write(
            f'  sheet "{sheet["name"]}": {sheet["label"].lower()}, {sheet["rows"]} rows ({chosen})'
        )
    if result.get("suggested_title"):
        out.write(f"Title in the file: {result['suggested_title']}")
    for kind in result.get("section_kinds", []):
        out.write(f"Section rows: {kind['label']} ({kind['count']}): read as {kind['choice']}")
    for word in result.get("unknown_ratings", []):
        out.write(f'Unknown rating word "{word["word"]}" (rows {word["rows"]}): use --rating')
    if info.get("header_row"):
        out.write(f"Column names in row {info['header_row']}")
    for column in result.get("columns", []):
        out.write(
            f"  {column['letter']}: {column['heading'] or '(no heading)'} -> {column['label']}"
        )
    counts = result.get("counts") or {}
    for name, value in counts.items():
        if isinstance(value, dict):
            out.write(
                f"{name.replace('_', ' ').capitalize()}: {value['create']} new, "
                f"{value['change']} changed, {value['same']} unchanged"
            )
        else:
            out.write(f"{name.replace('_', ' ').capitalize()}: {value}")
    statistics_cli.show(command, result)
    for lead in result.get("leads", []):
        if lead["status"] != "matched":
            out.write(f'Lead "{lead["written"]}" will be created as {lead["person"]}')
    for issue in result.get("warnings", []):
        out.write(
            f"Warning{' row ' + str(issue['row']) if issue['row'] else ''}: {issue['message']}"
        )
    for issue in result.get("errors", []):
        command.stderr.write(
            f"Problem{' row ' + str(issue['row']) if issue['row'] else ''}: {issue['message']}"
        )

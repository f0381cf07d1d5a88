"""Compare a parsed plan spreadsheet with the database, preview the changes, and commit them.

``PlanImporter(table=..., options=...)`` reads the file (``prepare``), which gives ``result``: a
JSON-ready preview of what will be created or changed, with errors and warnings by row. Nothing
is written until ``commit``, which reads everything again inside one ``transaction.atomic()``
and either writes it all or, on any error, nothing. Only objects whose fields actually change
are saved, so importing the same file twice changes nothing, not even the history tables.

Options (kept in ``PlanImport.options`` between the preview and the commit):

- ``mode``: "new" (create a plan) or "update" (update the plan ``plan``, matching actions by
  number);
- for a new plan: ``organisation`` (pk), ``title``, ``kind``, ``numbering``, ``start``, ``end``
  (ISO dates), ``version_label``;
- ``mapping``: {column letter: field key or "ignore"} for headers the importer did not recognise;
- ``tag_pattern``: the regular expression for tags written in the text (Ofsted Improvement
  Action N by default).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.db.models.functions import Lower
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from actions.models import Action, ActionLink, RagDefinition, StatusUpdate, SubAction, Tag
from actions.services import FirstRating, status_update_record, status_updates_record_first
from actions.timescales import parse_timescale
from core.models import Organisation, Person
from core.rag import Rating, split
from plans.models import Plan
from priorities.models import Objective, Outcome, Priority
from transfer.imports.grid import Cell, Grid, Source
from transfer.imports.headers import EXTRA, PLAN_FIELDS, PRIORITY_EXTRA
from transfer.imports.plan_rows import (
    Issue,
    PAction,
    ParsedPlan,
    squash,
)
from transfer.imports.plan_sources import PlanReading, read_plan
from transfer.imports.reading import Table

ROLE_WORDS = (
    "director",
    "head of",
    "manager",
    "chief",
    "lead member",
    "officer",
    "team",
    "service",
    "board",
    "partner",
    "agencies",
)
PREVIEW_TEXT = 140


def as_grid(table: Table) -> Grid:
    """A table of plain values (built in code, not read from a file) as a grid of cells."""
    grid = Grid(name=table.sheet or table.filename, kind="sheet")
    for number, values in table.rows:
        grid.rows.append(
            (
                number,
                [
                    None if v in (None, "") else Cell(value=v, row=number, column=i)
                    for i, v in enumerate(values, start=1)
                ],
            )
        )
    return grid


class ImportBlocked(Exception):
    """The file has errors (listed in ``issues``), so nothing was written."""

    def __init__(self, issues: list[Issue]):
        super().__init__(f"{len(issues)} problem(s) in the file: nothing was imported.")
        self.issues = issues


@dataclass
class LeadChoice:
    person: Person | None  # an existing person
    new_name: str  # or the name of a person to create ("" for no lead)
    lead_text: str

    @property
    def key(self):
        if self.person is not None:
            return ("person", self.person.pk)
        if self.new_name:
            return ("new", self.new_name.lower())
        return None


def looks_like_role(name: str) -> bool:
    lowered = name.lower()
    return (name.isupper() and len(name) <= 10) or any(w in lowered for w in ROLE_WORDS)


def short(text: str, n: int = PREVIEW_TEXT) -> str:
    text = squash(text)
    return text if len(text) <= n else text[: n - 1] + "…"


class PlanImporter:
    def __init__(self, *, table: Table | None = None, source: Source | None = None, options: dict):
        if source is None:
            if table is None:
                raise TypeError("PlanImporter needs a table or a source")
            source = table.source or Source(
                filename=table.filename, kind=table.kind, grids=[table.grid or as_grid(table)]
            )
        self.source = source
        self.table = table or Table(filename=source.filename, kind=source.kind)
        self.options = options
        self.mode = options.get("mode", "new")
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.header = None
        self.reading: PlanReading | None = None
        self.parsed: ParsedPlan | None = None
        self.plan: Plan | None = None
        self.organisation: Organisation | None = None
        self.result: dict = {}

    # == reading ===========================================================================
    def prepare(self) -> dict:
        """Read the file and compare it with the database; returns the preview (``result``)."""
        self.load_target()
        rating_words = {}
        if self.organisation is not None:
            for definition in RagDefinition.objects.filter(organisation=self.organisation):
                rating_words[squash(definition.label).lower()] = definition.rating
        for word, rating in (self.options.get("rating_words") or {}).items():
            rating_words[squash(word).lower()] = rating
        numbering = self.plan.numbering if self.plan else self.options.get("numbering")
        self.reading = read_plan(
            self.source,
            self.options,
            rating_words=rating_words,
            numbering=numbering or Plan.Numbering.HIERARCHICAL,
        )
        self.header = self.reading.header
        self.errors.extend(self.reading.errors)
        self.warnings.extend(self.reading.warnings)
        self.parsed = self.reading.parsed
        if self.parsed is None:
            return self.build_result()
        if not self.parsed.actions and not self.parsed.priorities:
            self.errors.append(Issue(None, "There are no actions under the header row."))
        self.check_already_imported()
        self.resolve()
        return self.build_result()

    def check_already_imported(self) -> None:
        """A file imported before as a new plan: offer to update that plan instead."""
        self.already = None
        digest = self.options.get("sha256")
        if self.mode != "new" or not digest:
            return
        from transfer.models import PlanImport

        earlier = (
            PlanImport.objects.filter(
                kind=PlanImport.Kind.PLAN,
                status=PlanImport.Status.COMMITTED,
                plan__isnull=False,
                options__sha256=digest,
            )
            .select_related("plan")
            .order_by("-committed_at")
            .first()
        )
        if earlier is not None and earlier.plan is not None:
            self.already = {
                "plan": earlier.plan.pk,
                "title": earlier.plan.title,
                "url": earlier.plan.get_absolute_url(),
                "when": earlier.committed_at.isoformat() if earlier.committed_at else "",
            }
            self.warnings.append(
                Issue(
                    None,
                    f'This file was imported before, into "{earlier.plan.title}". Importing it '
                    "as a new plan would make a second copy: update that plan instead (the "
                    "button above), unless a copy is what you want.",
                )
            )

    def load_target(self):
        if self.mode == "update":
            self.plan = (
                Plan.objects.select_related("organisation")
                .filter(pk=self.options.get("plan"))
                .first()
            )
            if self.plan is None:
                self.errors.append(Issue(None, "The plan to update no longer exists."))
            else:
                self.organisation = self.plan.organisation
        else:
            self.organisation = Organisation.objects.filter(
                pk=self.options.get("organisation")
            ).first()
            if self.organisation is None:
                self.errors.append(Issue(None, "Choose the organisation that owns the plan."))

    # == comparing with the database =========================================================
    def resolve(self):
        self.existing_priorities = {}
        self.existing_outcomes = {}
        self.existing_objectives = {}
        self.existing_actions = {}
        if self.plan is not None:
            self.existing_priorities = {
                p.number: p for p in Priority.objects.filter(plan=self.plan)
            }
            self.existing_outcomes = {
                (o.priority.number, o.number): o
                for o in Outcome.objects.filter(priority__plan=self.plan).select_related("priority")
            }
            self.existing_objectives = {
                (o.priority.number, o.number): o
                for o in Objective.objects.filter(priority__plan=self.plan).select_related(
                    "priority", "outcome"
                )
            }
            self.existing_actions = {
                a.number: a
                for a in Action.objects.filter(plan=self.plan)
                .select_related("priority", "outcome", "objective", "lead")
                .prefetch_related(
                    "tags",
                    "supporting_officers",
                    "partners",
                    Prefetch("links", queryset=ActionLink.objects.order_by("order", "pk")),
                    Prefetch("sub_actions", queryset=SubAction.objects.order_by("order", "pk")),
                )
                .annotate(has_updates=Exists(StatusUpdate.objects.filter(action=OuterRef("pk"))))
            }
        self.resolve_people()
        self.resolve_tags()
        self.resolve_partners()
        self.compare()

    def resolve_people(self):
        self.load_people()
        self.resolve_leads()
        self.resolve_supporting()

    def load_people(self):
        """Existing people whose names the file uses (the organisation's own first, then people of
        no organisation; never another organisation's people, ADR 0012), and the organisation's
        people for matching a lead written with more words ("DCS and partners")."""
        candidates = {name.lower() for a in self.parsed.actions for name in a.supporting}
        for a in self.parsed.actions:
            if a.lead:
                candidates.add(a.lead.lower())
                candidates.update(p.lower() for p in a.lead_parts)
        self.people: dict[str, Person] = {}
        self.known_names: list[tuple[str, Person]] = []
        if not candidates:
            return
        org_id = self.organisation.pk if self.organisation else None
        rows = (
            Person.objects.annotate(lname=Lower("name"))
            .filter(Q(lname__in=candidates) | Q(organisation_id=org_id))
            .filter(Q(organisation_id=org_id) | Q(organisation__isnull=True))
            .annotate(
                mine=Case(
                    When(organisation_id=org_id, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("mine", "pk")
        )
        for person in rows:
            if person.lname in candidates:
                self.people.setdefault(person.lname, person)
            if person.organisation_id == org_id and len(person.lname) >= 2:
                self.known_names.append((person.lname, person))
        self.known_names.sort(key=lambda item: -len(item[0]))  # longest name first

    def match_person(self, written: str) -> Person | None:
        """An existing person by name, or whose name (a post such as "DCS") begins the words."""
        lowered = written.lower()
        person = self.people.get(lowered)
        if person is not None:
            return person
        for name, known in self.known_names:
            if lowered.startswith(name) and not lowered[len(name) : len(name) + 1].isalnum():
                return known
        return None

    def resolve_leads(self):
        self.lead_choices: dict[int, LeadChoice] = {}
        self.lead_summary: dict[str, dict] = {}
        for action in self.parsed.actions:
            if not action.lead:
                continue
            current = self.existing_actions.get(action.number)
            choice = self.choose_lead(action, current.lead if current else None)
            self.lead_choices[action.key] = choice
            self.summarise(action.lead, choice.person, choice.new_name, action.row, "lead")
            if len(choice.new_name) > 200:
                self.errors.append(
                    Issue(action.row, "The lead officer's name is too long.", action.sheet)
                )

    def summarise(self, written, person, new_name, row, role) -> None:
        entry = self.lead_summary.setdefault(
            written,
            {
                "written": written,
                "status": "matched" if person else "created",
                "person": person.name if person else new_name,
                "role": role,
                "rows": [],
            },
        )
        entry["rows"].append(row)

    def resolve_supporting(self):
        """Supporting officers: their column, or else the other leads of a cell that names
        several ("Head of Service / Team Manager")."""
        self.supporting_choices: dict[int, list[LeadChoice]] = {}
        from_lead_cell = "supporting" not in self.parsed.fields
        for action in self.parsed.actions:
            choices = []
            names = action.supporting
            role = "supporting"
            if from_lead_cell and not names and len(action.lead_parts) > 1:
                lead = self.lead_choices.get(action.key)
                lead_name = (
                    lead.person.name if lead and lead.person else (lead.new_name if lead else "")
                )
                names = [p for p in action.lead_parts if p.lower() != lead_name.lower()][:10]
                role = "supporting (named in the lead cell)"
            for name in names:
                person = self.match_person(name)
                choices.append(LeadChoice(person, "" if person else name, ""))
                self.summarise(name, person, name, action.row, role)
            self.supporting_choices[action.key] = choices

    def resolve_partners(self):
        names = {n for a in self.parsed.actions for n in a.partners}
        self.organisations: dict[str, Organisation] = {}
        if names:
            for org in Organisation.objects.annotate(lname=Lower("name")).filter(
                lname__in={n.lower() for n in names}
            ):
                self.organisations.setdefault(org.lname, org)
        self.new_organisations = sorted(
            {n for n in names if n.lower() not in self.organisations}, key=str.lower
        )

    def choose_lead(self, action: PAction, current: Person | None) -> LeadChoice:
        cell = action.lead
        parts = action.lead_parts or [cell]
        candidates = [cell] + [p for p in parts if p.lower() != cell.lower()]
        if current is not None and any(c.lower() == current.name.lower() for c in candidates):
            return LeadChoice(current, "", "" if cell == current.name else cell)
        for candidate in candidates:
            person = self.match_person(candidate)
            if person is not None:
                return LeadChoice(person, "", "" if cell == person.name else cell)
        name = parts[0]
        return LeadChoice(None, name, "" if name == cell else cell)

    def resolve_tags(self):
        names = {t for a in self.parsed.actions for t in a.tags}
        lowered = {n.lower() for n in names}
        self.tags: dict[str, Tag] = {}
        if lowered:
            for tag in Tag.objects.annotate(lname=Lower("name")).filter(lname__in=lowered):
                self.tags.setdefault(tag.lname, tag)
        self.new_tags = sorted({n for n in names if n.lower() not in self.tags}, key=str.lower)

    # -- per-object comparison ---------------------------------------------------------------
    def compare(self):
        self.compare_structure()
        self.compare_actions()
        if self.plan is not None:
            self.warn_about_numbering()

    def compare_structure(self):
        parsed = self.parsed
        self.structure = []
        self.priority_changes = {}
        for p in parsed.priorities:
            existing = self.existing_priorities.get(p.number)
            changes = []
            if existing is not None:
                if existing.title != p.title:
                    changes.append("title")
                if p.statement and existing.statement != p.statement:
                    changes.append("statement")
                if self.keeps_priority_notes() and existing.notes != p.notes:
                    changes.append("other text")
            self.priority_changes[p.number] = changes
            self.structure.append(self.node("priority", p, existing, changes))
        self.outcome_changes = {}
        for o in parsed.outcomes:
            existing = self.existing_outcomes.get((o.priority, o.number))
            changes = ["title"] if existing is not None and existing.title != o.title else []
            self.outcome_changes[(o.priority, o.number)] = changes
            self.structure.append(self.node("outcome", o, existing, changes))
        self.objective_changes = {}
        for o in parsed.objectives:
            existing = self.existing_objectives.get((o.priority, o.number))
            changes = []
            if existing is not None:
                if existing.title != o.title:
                    changes.append("title")
                if (existing.outcome.number if existing.outcome else None) != o.outcome:
                    changes.append("outcome")
            self.objective_changes[(o.priority, o.number)] = changes
            self.structure.append(self.node("objective", o, existing, changes))

    def compare_actions(self):
        parsed = self.parsed
        self.action_rows = []
        self.action_changes = {}
        self.updates_to_record = []
        for a in parsed.actions:
            existing = self.existing_actions.get(a.number)
            changes = self.action_diff(a, existing) if existing is not None else []
            self.action_changes[a.key] = changes
            if a.rating:
                if existing is None or not existing.has_updates:
                    self.updates_to_record.append(a)
                elif existing.rating != a.rating:
                    self.warnings.append(
                        Issue(
                            a.row,
                            f"The file gives action {a.number} the rating "
                            f"{Rating(a.rating).label}, but its current rating is "
                            f"{Rating(existing.rating).label}. Ratings are given in updates, so "
                            "the current rating is kept.",
                        )
                    )
            self.action_rows.append(
                {
                    "row": a.row,
                    "number": a.number,
                    "description": short(a.description),
                    "lead": a.lead,
                    "timescale": a.timescale,
                    "rating": Rating(a.rating).label if a.rating else "",
                    "rating_value": a.rating or "",
                    "subs": len(a.subs),
                    "tags": a.tags,
                    "status": "create" if existing is None else ("change" if changes else "same"),
                    "changes": changes,
                    "sheet": a.sheet,
                    "rating_source": a.rating_source,
                    "timescale_note": a.timescale_note,
                    "notes": short(a.notes),
                }
            )

    def warn_about_numbering(self):
        """Updating a plan: actions left out of the file, and rows numbered by their order."""
        parsed = self.parsed
        in_file = {a.number for a in parsed.actions}
        missing = [n for n in self.existing_actions if n not in in_file]
        if missing:
            self.warnings.append(
                Issue(
                    None,
                    f"{len(missing)} action(s) of the plan are not in the file "
                    f"({', '.join(sorted(missing)[:10])}{'…' if len(missing) > 10 else ''}); "
                    "they are left as they are.",
                )
            )
        if any(not a.numbered_in_file for a in parsed.actions):
            self.warnings.append(
                Issue(
                    None,
                    "Some rows have no action number, so they are numbered by their order in "
                    "the file: a row inserted above others changes the numbers below it. "
                    "Export the plan to get a file with its numbers.",
                )
            )

    def tree(self) -> list[dict]:
        """The structure in the order of the plan, each level under its parent, with depth."""
        nodes = getattr(self, "structure", [])
        out = []
        for p in (n for n in nodes if n["kind"] == "priority"):
            out.append({**p, "depth": 0, "indent": ""})
            mine = [n for n in nodes if n["kind"] != "priority" and n["priority"] == p["number"]]
            for o in (n for n in mine if n["kind"] == "outcome"):
                out.append({**o, "depth": 1, "indent": "x"})
                for ob in mine:
                    if ob["kind"] == "objective" and ob["outcome"] == o["number"]:
                        out.append({**ob, "depth": 2, "indent": "xx"})
            for ob in mine:
                if ob["kind"] == "objective" and not ob["outcome"]:
                    out.append({**ob, "depth": 1, "indent": "x"})
        return out

    def node(self, kind, item, existing, changes):
        return {
            "kind": kind,
            "priority": getattr(item, "priority", item.number),
            "outcome": getattr(item, "outcome", None),
            "sheet": item.sheet,
            "row": item.row,
            "number": item.number,
            "title": short(item.title),
            "notes": short(getattr(item, "notes", "")),
            "status": "create" if existing is None else ("change" if changes else "same"),
            "changes": changes,
        }

    def action_diff(self, a: PAction, x: Action) -> list[str]:
        fields = self.parsed.fields
        changes = []
        if x.priority.number != a.priority:
            changes.append("priority")
        if (x.outcome.number if x.outcome else None) != a.outcome:
            changes.append("outcome")
        if (x.objective.number if x.objective else None) != a.objective:
            changes.append("objective")
        if x.description != a.description:
            changes.append("description")
        if "success_criteria" in fields and x.success_criteria != a.success_criteria:
            changes.append("success criteria")
        if "lead" in fields:
            choice = self.lead_choices.get(a.key)
            lead_id = choice.person.pk if choice and choice.person else None
            new_name = choice.new_name if choice else ""
            lead_text = choice.lead_text if choice else ""
            if x.lead_id != lead_id or new_name or x.lead_text != lead_text:
                changes.append("lead officer")
        if "timescale" in fields and x.timescale_text != parse_timescale(a.timescale).text:
            changes.append("timescale")
        if x.sequence != a.sequence:
            changes.append("order")
        if self.keeps_notes() and x.notes != a.notes:
            changes.append("other text")
        current_tags = {t.name.lower() for t in x.tags.all()}
        wanted = {t.lower() for t in a.tags}
        if ("tags" in fields and current_tags != wanted) or (
            "tags" not in fields and not wanted <= current_tags
        ):
            changes.append("tags")
        if "links" in fields and [link.title for link in x.links.all()] != a.links:
            changes.append("links")
        if "supporting" in fields:
            choices = self.supporting_choices.get(a.key, [])
            if any(c.person is None for c in choices) or {c.person.pk for c in choices} != {
                p.pk for p in x.supporting_officers.all()
            }:
                changes.append("supporting officers")
        if "partners" in fields and {n.lower() for n in a.partners} != {
            o.name.lower() for o in x.partners.all()
        }:
            changes.append("partners")
        if self.sub_rows(x) != self.wanted_subs(a, x):
            changes.append("sub-items")
        return changes

    def keeps_notes(self) -> bool:
        """Whether the file says what an action's other text is: it has a commentary column or
        columns kept as extra text (a file without them leaves the text as it is)."""
        return self.parsed.fields & {"commentary", "notes"} != set() or self.keeps_column(EXTRA)

    def keeps_priority_notes(self) -> bool:
        """Whether the file says what a priority's other text is: a "Priority notes" column or
        columns kept as extra text on the priority (a file without them leaves it as it is)."""
        return "priority_notes" in self.parsed.fields or self.keeps_column(PRIORITY_EXTRA)

    def keeps_column(self, keep: str) -> bool:
        return any(
            c.field == keep
            for read in self.reading.chosen
            if read.header
            for c in read.header.columns
        )

    def sub_rows(self, x: Action):
        return [
            (s.description, s.timescale_text, s.lead_text, s.links, s.complete)
            for s in x.sub_actions.all()
        ]

    def wanted_subs(self, a: PAction, x: Action | None = None):
        keep_complete = "rag" not in self.parsed.fields and x is not None
        existing = list(x.sub_actions.all()) if x is not None else []
        rows = []
        for i, s in enumerate(a.subs):
            complete = s.complete
            if keep_complete:
                complete = existing[i].complete if i < len(existing) else False
            rows.append(
                (
                    s.description,
                    parse_timescale(s.timescale).text,
                    s.lead_text,
                    "\n".join(s.links),
                    complete,
                )
            )
        return rows

    # == the preview =========================================================================
    def build_result(self) -> dict:
        header = self.header
        reading = self.reading
        order = {s.grid.name: n for n, s in enumerate(reading.chosen)} if reading else {}
        errors = sorted(self.errors, key=lambda i: (order.get(i.sheet, -1), i.row or 0))
        warnings = sorted(self.warnings, key=lambda i: (order.get(i.sheet, -1), i.row or 0))
        unknown = self.unknown_columns()
        self.result = {
            "kind": "plan",
            "mode": self.mode,
            "file": self.file_summary(),
            "plan": self.plan_summary(),
            "columns": self.column_rows(),
            "unknown": unknown,
            "needs_mapping": bool(unknown)
            or (header is not None and "action" not in header.by_field),
            "errors": [i.as_dict() for i in errors],
            "warnings": [i.as_dict() for i in warnings],
            "counts": self.counts() if self.parsed is not None else {},
            "leads": sorted(
                getattr(self, "lead_summary", {}).values(), key=lambda e: e["written"].lower()
            ),
            "new_tags": getattr(self, "new_tags", []),
            "new_organisations": getattr(self, "new_organisations", []),
            "structure": getattr(self, "structure", []),
            "tree": self.tree(),
            "actions": getattr(self, "action_rows", []),
            "priority_label": self.parsed.priority_label if self.parsed else "",
            "sheets": [s.as_dict() for s in reading.sheets] if reading else [],
            "chosen_sheets": [s.grid.name for s in reading.chosen] if reading else [],
            "section_kinds": reading.section_kinds(self.options.get("sections") or {})
            if reading
            else [],
            "unknown_ratings": [
                {"word": word, "rows": rows[:12], "count": len(rows)}
                for word, rows in (self.parsed.unknown_ratings.items() if self.parsed else [])
            ],
            "legend": reading.legend if reading else [],
            "use_legend": bool(self.options.get("use_legend")),
            "suggested_title": reading.title if reading else "",
            "already_imported": getattr(self, "already", None),
            "account": reading.account() if reading else {},
            "can_commit": not errors and self.parsed is not None,
        }
        return self.result

    def unknown_columns(self) -> list[dict]:
        reading = self.reading
        if reading is None:
            return []
        seen, out = set(), []
        for read in reading.chosen:
            header = read.header
            # the columns read from their words or by a tool's layout, for the administrator
            # to confirm or change, as well as those not recognised at all
            for c in [*header.unknown, *header.guessed] if header else []:
                if c.letter not in seen:
                    seen.add(c.letter)
                    out.append({"letter": c.letter, "heading": c.heading})
        return out

    def column_rows(self) -> list[dict]:
        if self.header is None:
            return []
        return [
            {
                "letter": c.letter,
                "heading": c.heading,
                "field": c.field or "",
                "label": PLAN_FIELDS.label(c.field) if c.field else "Not recognised",
            }
            for c in self.header.columns
            if c.heading or c.field is not None
        ]

    def file_summary(self) -> dict:
        header = self.header
        source = self.source
        if source.kind == "xlsx":
            names = [s.grid.name for s in self.reading.chosen] if self.reading else []
            read_as = ", ".join(f'sheet "{n}"' for n in names) or "a workbook"
        elif source.kind == "docx":
            read_as = "Word document, " + ", ".join(
                s.grid.name.lower() for s in (self.reading.chosen if self.reading else [])
            )
        else:
            read_as = (
                self.table.describe()
                if self.table.rows
                else Table(
                    filename=source.filename,
                    kind="csv",
                    encoding=source.encoding,
                    delimiter=source.delimiter,
                ).describe()
            )
        return {
            "name": source.filename,
            "read_as": read_as,
            "rows": sum(len(s.grid.rows) for s in self.reading.chosen) if self.reading else 0,
            "header_row": header.row_number if header else None,
            "repeated_headers": self.parsed.repeated_headers if self.parsed else 0,
        }

    def plan_summary(self) -> dict:
        if self.plan is not None:
            return {"pk": self.plan.pk, "title": self.plan.title, "slug": self.plan.slug}
        return {
            "pk": None,
            "title": self.options.get("title", "")
            or (self.reading.title if self.reading else "")
            or "Imported plan",
            "organisation": self.organisation.name if self.organisation else "",
        }

    def counts(self) -> dict:
        def tally(items):
            out = {"create": 0, "change": 0, "same": 0}
            for item in items:
                out[item["status"]] += 1
            return out

        structure = getattr(self, "structure", [])
        return {
            "priorities": tally(s for s in structure if s["kind"] == "priority"),
            "outcomes": tally(s for s in structure if s["kind"] == "outcome"),
            "objectives": tally(s for s in structure if s["kind"] == "objective"),
            "actions": tally(getattr(self, "action_rows", [])),
            "sub_actions": sum(len(a.subs) for a in self.parsed.actions),
            "people_to_create": len(
                {
                    e["person"].lower()
                    for e in getattr(self, "lead_summary", {}).values()
                    if e["status"] != "matched"
                }
            ),
            "tags_to_create": len(getattr(self, "new_tags", [])),
            "organisations_to_create": len(getattr(self, "new_organisations", [])),
            "ratings": len(getattr(self, "updates_to_record", [])),
        }

    # == writing ===========================================================================
    def commit(self, *, user=None) -> Plan:
        """Write everything in one transaction, or nothing (``ImportBlocked`` on errors)."""
        with transaction.atomic():
            self.errors, self.warnings = [], []
            self.prepare()
            if self.errors:
                raise ImportBlocked(self.errors)
            return Writer(self, user).write()


class Writer:
    """Applies a prepared ``PlanImporter``; runs inside its transaction."""

    def __init__(self, importer: PlanImporter, user):
        self.i = importer
        self.user = user
        self.reason = f"Imported from {importer.table.filename}"[:100]
        self.created = defaultdict(int)
        self.changed = defaultdict(int)

    def save(self, obj, kind, created):
        obj._change_reason = self.reason
        obj.save()
        (self.created if created else self.changed)[kind] += 1

    def write(self) -> Plan:
        i = self.i
        plan = i.plan or self.create_plan()
        self.plan = plan
        people = self.create_people()
        tags = self.create_tags()
        self.organisations = self.create_organisations()
        self.people = people
        self.tags = tags
        priorities = self.write_priorities(plan)
        outcomes = self.write_outcomes(priorities)
        objectives = self.write_objectives(priorities, outcomes)
        self.write_actions(plan, priorities, outcomes, objectives, people, tags)
        if i.options.get("use_legend") and i.reading.legend:
            self.write_legend()
        i.result["committed"] = {"created": dict(self.created), "changed": dict(self.changed)}
        return plan

    def write_legend(self) -> None:
        """The legend sheet's words and meanings as the organisation's RAG meanings."""
        for entry in self.i.reading.legend:
            definition, created = RagDefinition.objects.get_or_create(
                organisation=self.i.organisation,
                rating=entry["rating"],
                defaults={"label": entry["label"][:40], "meaning": entry["meaning"][:300]},
            )
            if not created and (definition.label, definition.meaning) != (
                entry["label"][:40],
                entry["meaning"][:300],
            ):
                definition.label = entry["label"][:40]
                definition.meaning = entry["meaning"][:300]
                definition.save(update_fields=["label", "meaning"])
                self.changed["rag_meanings"] += 1
            elif created:
                self.created["rag_meanings"] += 1

    def create_plan(self) -> Plan:
        o = self.i.options
        title = squash(o.get("title", "")) or self.i.reading.title or "Imported plan"
        base = slugify(title)[:90] or "plan"
        taken = set(Plan.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        plan = Plan(
            slug=slug,
            title=title[:250],
            kind=o.get("kind") or Plan.Kind.IMPROVEMENT_PLAN,
            organisation=self.i.organisation,
            start=date.fromisoformat(o["start"]),
            end=date.fromisoformat(o["end"]),
            version_label=o.get("version_label", "")[:100],
            numbering=o.get("numbering") or Plan.Numbering.HIERARCHICAL,
            priority_label=(self.i.parsed.priority_label or "Priority")[:60],
        )
        self.save(plan, "plans", True)
        return plan

    def create_people(self) -> dict:
        made = {}
        org = self.i.organisation
        choices = list(self.i.lead_choices.values())
        for supporting in self.i.supporting_choices.values():
            choices.extend(supporting)
        for choice in choices:
            if choice.person is not None or not choice.new_name:
                continue
            key = choice.new_name.lower()
            if key in made:
                continue
            base = slugify(choice.new_name)[:70] or "person"
            taken = set(Person.objects.filter(slug__startswith=base).values_list("slug", flat=True))
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            person = Person.objects.create(
                slug=slug,
                name=choice.new_name,
                is_role=looks_like_role(choice.new_name),
                organisation=org,
            )
            made[key] = person
            self.created["people"] += 1
        return made

    def create_tags(self) -> dict:
        tags = dict(self.i.tags)
        for name in self.i.new_tags:
            tags[name.lower()] = Tag.objects.create(name=name)
            self.created["tags"] += 1
        return tags

    def create_organisations(self) -> dict:
        organisations = dict(self.i.organisations)
        for name in self.i.new_organisations:
            organisations[name.lower()] = Organisation.objects.create(
                name=name, kind=Organisation.Kind.OTHER
            )
            self.created["organisations"] += 1
        return organisations

    def write_priorities(self, plan) -> dict:
        out = {}
        existing = self.i.existing_priorities
        next_order = max((p.order for p in existing.values()), default=-1) + 1
        for p in self.i.parsed.priorities:
            obj = existing.get(p.number)
            if obj is None:
                obj = Priority(
                    plan=plan,
                    number=p.number,
                    title=p.title,
                    statement=p.statement,
                    notes=p.notes,
                    order=next_order,
                )
                next_order += 1
                self.save(obj, "priorities", True)
            elif self.i.priority_changes[p.number]:
                obj.title = p.title
                if p.statement:
                    obj.statement = p.statement
                if self.i.keeps_priority_notes():
                    obj.notes = p.notes
                self.save(obj, "priorities", False)
            out[p.number] = obj
        return out

    def write_outcomes(self, priorities) -> dict:
        out = {}
        existing = self.i.existing_outcomes
        orders = defaultdict(lambda: -1)
        for (pn, _), o in existing.items():
            orders[pn] = max(orders[pn], o.order)
        for o in self.i.parsed.outcomes:
            key = (o.priority, o.number)
            obj = existing.get(key)
            if obj is None:
                orders[o.priority] += 1
                obj = Outcome(
                    priority=priorities[o.priority],
                    number=o.number,
                    title=o.title,
                    order=orders[o.priority],
                )
                self.save(obj, "outcomes", True)
            elif self.i.outcome_changes[key]:
                obj.title = o.title
                self.save(obj, "outcomes", False)
            out[key] = obj
        return out

    def write_objectives(self, priorities, outcomes) -> dict:
        out = {}
        existing = self.i.existing_objectives
        orders = defaultdict(lambda: -1)
        for (pn, _), o in existing.items():
            orders[pn] = max(orders[pn], o.order)
        for o in self.i.parsed.objectives:
            key = (o.priority, o.number)
            obj = existing.get(key)
            outcome = outcomes.get((o.priority, o.outcome)) if o.outcome else None
            if obj is None:
                orders[o.priority] += 1
                obj = Objective(
                    priority=priorities[o.priority],
                    outcome=outcome,
                    number=o.number,
                    title=o.title,
                    order=orders[o.priority],
                )
                self.save(obj, "objectives", True)
            elif self.i.objective_changes[key]:
                obj.title = o.title
                obj.outcome = outcome
                self.save(obj, "objectives", False)
            out[key] = obj
        return out

    def lead_for(self, a: PAction, people) -> tuple[Person | None, str]:
        choice = self.i.lead_choices.get(a.key)
        if choice is None:
            return None, ""
        if choice.person is not None:
            return choice.person, choice.lead_text
        return people[choice.new_name.lower()], choice.lead_text

    def write_actions(self, plan, priorities, outcomes, objectives, people, tags):
        """Existing actions are saved one by one, and only when they change. New ones are
        created in bulk with their history (an action with tags is saved on its own, so that
        its history records the tags), then their links, sub-actions, supporting officers
        and partners in bulk, then their initial ratings through ``status_update_record``."""
        i = self.i
        new: list[tuple[PAction, Action]] = []
        bulk: list[Action] = []
        saved: dict[int, Action] = {}
        for a in i.parsed.actions:
            existing = i.existing_actions.get(a.number)
            lead, lead_text = self.lead_for(a, people)
            outcome = outcomes.get((a.priority, a.outcome)) if a.outcome else None
            objective = objectives.get((a.priority, a.objective)) if a.objective else None
            if existing is None:
                action = Action(
                    plan=plan,
                    priority=priorities[a.priority],
                    outcome=outcome,
                    objective=objective,
                    number=a.number,
                    sequence=a.sequence,
                    description=a.description,
                    success_criteria=a.success_criteria,
                    notes=a.notes,
                    lead=lead,
                    lead_text=lead_text,
                    timescale_text=a.timescale,
                )
                if a.tags:
                    self.save(action, "actions", True)
                    action.tags.set([tags[t.lower()] for t in a.tags])
                else:
                    action.apply_timescale()  # what Action.save would do
                    bulk.append(action)
                new.append((a, action))
            else:
                self.update_action(a, existing, priorities, outcome, objective, lead, lead_text)
                saved[a.key] = existing
        if bulk:
            bulk_create_with_history(
                bulk,
                Action,
                batch_size=500,
                default_user=self.user,
                default_change_reason=self.reason,
            )
            self.created["actions"] += len(bulk)
        self.write_new_details(new)
        for a, action in new:
            saved[a.key] = action
        self.record_initial_ratings(saved, {a.key for a, _ in new})

    def record_initial_ratings(self, saved: dict[int, Action], new: set[int]) -> None:
        """The ratings the file gives actions that have no update yet, as their first update:
        for the actions created now in bulk (thousands of rated rows commit in seconds), for
        existing ones through the service one by one (checking each action's version)."""
        i = self.i
        to_rate = {a.key for a in i.updates_to_record}
        first = []
        for a in i.parsed.actions:
            if a.key not in to_rate or not a.rating:
                continue
            lifecycle, confidence = split(a.rating)
            commentary = a.commentary or f"Rating imported from {i.table.filename}."[:4000]
            if a.key in new:
                saved[a.key].plan = self.plan  # the plan's approval setting, without a query
                first.append(FirstRating(saved[a.key], lifecycle, confidence, commentary))
                continue
            status_update_record(
                action=saved[a.key],
                lifecycle=lifecycle,
                confidence=confidence,
                commentary=commentary,
                author=self.user,
            )
            self.created["ratings"] += 1
        if first:
            status_updates_record_first(first, author=self.user, change_reason=self.reason)
            self.created["ratings"] += len(first)

    def update_action(self, a, action, priorities, outcome, objective, lead, lead_text):
        fields = self.i.parsed.fields
        changes = self.i.action_changes[a.key]
        if not changes:
            return
        action.priority = priorities[a.priority]
        action.outcome = outcome
        action.objective = objective
        action.description = a.description
        action.sequence = a.sequence
        if "success_criteria" in fields:
            action.success_criteria = a.success_criteria
        if "lead" in fields:
            action.lead, action.lead_text = lead, lead_text
        if "timescale" in fields:
            action.timescale_text = a.timescale
        if self.i.keeps_notes():
            action.notes = a.notes
        related = {"tags", "links", "sub-items", "supporting officers", "partners"}
        if set(changes) - related:
            self.save(action, "actions", False)
        else:
            self.changed["actions"] += 1
        if "tags" in changes:
            wanted = {self.tags[t.lower()] for t in a.tags}
            if "tags" not in fields:
                wanted |= set(action.tags.all())
            action.tags.set(wanted)
        self.write_people_and_partners(action, a, changes)
        if "links" in changes:
            action.links.all().delete()
            ActionLink.objects.bulk_create(
                ActionLink(action=action, title=title, order=n) for n, title in enumerate(a.links)
            )
        if "sub-items" in changes:
            self.write_subs(action, a, list(action.sub_actions.all()))

    def write_new_details(self, new: list[tuple[PAction, Action]]):
        """Links, sub-actions (with their history), supporting officers and partners of the new
        actions, each kind in one bulk insert."""
        links, subs, supporting, partners = [], [], [], []
        for a, action in new:
            links.extend(
                ActionLink(action=action, title=title, order=n) for n, title in enumerate(a.links)
            )
            for n, row in enumerate(self.i.wanted_subs(a)):
                description, timescale, lead_text, sub_links, complete = row
                sub = SubAction(
                    action=action,
                    order=n,
                    description=description,
                    timescale_text=timescale,
                    lead_text=lead_text,
                    links=sub_links,
                    complete=complete,
                )
                sub.apply_timescale()
                subs.append(sub)
            for choice in self.i.supporting_choices.get(a.key, []):
                person = choice.person or self.people[choice.new_name.lower()]
                supporting.append(
                    Action.supporting_officers.through(action_id=action.pk, person_id=person.pk)
                )
            for name in a.partners:
                partners.append(
                    Action.partners.through(
                        action_id=action.pk, organisation_id=self.organisations[name.lower()].pk
                    )
                )
        ActionLink.objects.bulk_create(links, batch_size=500)
        if subs:
            bulk_create_with_history(
                subs,
                SubAction,
                batch_size=500,
                default_user=self.user,
                default_change_reason=self.reason,
            )
            self.created["sub_actions"] += len(subs)
        Action.supporting_officers.through.objects.bulk_create(supporting, batch_size=500)
        Action.partners.through.objects.bulk_create(partners, batch_size=500)

    def write_people_and_partners(self, action, a: PAction, changes):
        fields = self.i.parsed.fields
        if "supporting" in fields and "supporting officers" in changes:
            action.supporting_officers.set(
                [
                    c.person if c.person is not None else self.people[c.new_name.lower()]
                    for c in self.i.supporting_choices.get(a.key, [])
                ]
            )
        if "partners" in fields and "partners" in changes:
            action.partners.set([self.organisations[n.lower()] for n in a.partners])

    def write_subs(self, action, a: PAction, existing: list[SubAction]):
        wanted = self.i.wanted_subs(a, action if existing else None)
        for n, (description, timescale, lead_text, links, complete) in enumerate(wanted):
            if n < len(existing):
                sub = existing[n]
                if (
                    sub.description,
                    sub.timescale_text,
                    sub.lead_text,
                    sub.links,
                    sub.complete,
                ) == (description, timescale, lead_text, links, complete) and sub.order == n:
                    continue
                created = False
            else:
                sub = SubAction(action=action)
                created = True
            sub.order = n
            sub.description = description
            sub.timescale_text = timescale
            sub.lead_text = lead_text
            sub.links = links
            sub.complete = complete
            self.save(sub, "sub_actions", created)
        for sub in existing[len(wanted) :]:
            sub._change_reason = self.reason
            sub.delete()
            self.changed["sub_actions_removed"] += 1

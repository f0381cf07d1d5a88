"""manage.py import_plan FILE: preview a plan spreadsheet, and import it with --commit."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.models import Organisation
from plans.models import Plan
from transfer.imports.cli import add_common_arguments, parse_choices, parse_mapping, run
from transfer.imports.headers import PLAN_FIELDS
from transfer.models import PlanImport


class Command(BaseCommand):
    help = (
        "Import a plan from a .xlsx or .csv laid out as councils lay out improvement plans. "
        "Shows the preview (what will be created or changed, errors and warnings by row); "
        "writes nothing unless --commit is given, and then all or nothing."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("--update", metavar="SLUG", help="Update this plan (match by number).")
        parser.add_argument("--organisation", help="Name (or id) of the organisation (new plan).")
        parser.add_argument("--title", help="Title of the new plan.")
        parser.add_argument("--version-label", default="", help='e.g. "Draft April 2023".')
        parser.add_argument("--kind", default=Plan.Kind.IMPROVEMENT_PLAN, choices=Plan.Kind.values)
        parser.add_argument(
            "--numbering", default=Plan.Numbering.HIERARCHICAL, choices=Plan.Numbering.values
        )
        parser.add_argument("--start", help="Period start, YYYY-MM-DD (new plan).")
        parser.add_argument("--end", help="Period end, YYYY-MM-DD (new plan).")
        parser.add_argument(
            "--create-organisation",
            action="store_true",
            help="Create the organisation named by --organisation if there is none.",
        )
        parser.add_argument(
            "--sheet",
            action="append",
            default=[],
            metavar="NAME",
            help='A sheet (or Word table, e.g. "Table 1") that holds the plan; repeat for '
            "several. Without it, every sheet that looks like an actions table is read.",
        )
        parser.add_argument(
            "--section",
            action="append",
            default=[],
            metavar="LEVEL=KIND",
            help="What a kind of section row is: LEVEL is 1, 1.1, 1.1.1, code (SP1), plain, "
            "priority-words, outcome-words or objective-words; KIND is priority, outcome, "
            "objective, text or ignore. E.g. --section 1.1=outcome --section plain=ignore.",
        )
        parser.add_argument(
            "--rating",
            action="append",
            default=[],
            metavar="WORD=RATING",
            help="What a word in the RAG column means: red, amber, green, complete, "
            'not_started or none. E.g. --rating "Behind plan=red".',
        )
        parser.add_argument(
            "--use-legend",
            action="store_true",
            help="Take the file's legend (key) sheet as the organisation's RAG meanings.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only show the preview and the account of cells (the default without --commit).",
        )

    def handle(self, *args, **o):
        if o["dry_run"] and o["commit"]:
            raise CommandError("Give --dry-run or --commit, not both.")
        options = {"mapping": parse_mapping(o["map"], PLAN_FIELDS), **parse_choices(o)}
        # One transaction: an organisation created for the plan is kept only if the plan is
        # imported (a preview, or a refused import, leaves nothing behind).
        with transaction.atomic():
            if o["update"]:
                plan = Plan.objects.filter(slug=o["update"]).first()
                if plan is None:
                    raise CommandError(f"No plan with the slug {o['update']}.")
                options.update(mode="update", plan=plan.pk)
            else:
                options.update(mode="new", **self.new_plan(o))
            run(
                self,
                kind=PlanImport.Kind.PLAN,
                path=o["file"],
                options=options,
                commit=o["commit"],
                username=o["user"],
            )
            if not o["commit"]:
                transaction.set_rollback(True)

    def new_plan(self, o) -> dict:
        if not o["organisation"] or not o["start"] or not o["end"]:
            raise CommandError(
                "A new plan needs --organisation, --start and --end (or use --update); the title "
                "is taken from the file unless --title gives it."
            )
        org = Organisation.objects.filter(name__iexact=o["organisation"]).first()
        if org is None and o["organisation"].isdigit():
            org = Organisation.objects.filter(pk=int(o["organisation"])).first()
        if org is None and o["create_organisation"]:
            org = Organisation.objects.create(name=o["organisation"].strip()[:200])
            verb = "Created" if o["commit"] else "Would create"
            self.stdout.write(f"{verb} the organisation {org.name}.")
        if org is None:
            raise CommandError(
                f"No organisation called {o['organisation']} (add --create-organisation to "
                "create it)."
            )
        try:
            start, end = date.fromisoformat(o["start"]), date.fromisoformat(o["end"])
        except ValueError as exc:
            raise CommandError("Give --start and --end as YYYY-MM-DD.") from exc
        if start >= end:
            raise CommandError("--end must be after --start.")
        return {
            "organisation": org.pk,
            "title": o["title"] or "",
            "version_label": o["version_label"],
            "kind": o["kind"],
            "numbering": o["numbering"],
            "start": start.isoformat(),
            "end": end.isoformat(),
        }

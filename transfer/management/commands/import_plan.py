"""manage.py import_plan FILE: preview a plan spreadsheet, and import it with --commit."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from core.models import Organisation
from plans.models import Plan
from transfer.imports.cli import add_common_arguments, parse_mapping, run
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

    def handle(self, *args, **o):
        options = {"mapping": parse_mapping(o["map"])}
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

    def new_plan(self, o) -> dict:
        if not o["organisation"] or not o["title"] or not o["start"] or not o["end"]:
            raise CommandError(
                "A new plan needs --organisation, --title, --start and --end (or use --update)."
            )
        org = Organisation.objects.filter(name__iexact=o["organisation"]).first()
        if org is None and o["organisation"].isdigit():
            org = Organisation.objects.filter(pk=int(o["organisation"])).first()
        if org is None:
            raise CommandError(f"No organisation called {o['organisation']}.")
        try:
            start, end = date.fromisoformat(o["start"]), date.fromisoformat(o["end"])
        except ValueError as exc:
            raise CommandError("Give --start and --end as YYYY-MM-DD.") from exc
        if start >= end:
            raise CommandError("--end must be after --start.")
        return {
            "organisation": org.pk,
            "title": o["title"],
            "version_label": o["version_label"],
            "kind": o["kind"],
            "numbering": o["numbering"],
            "start": start.isoformat(),
            "end": end.isoformat(),
        }

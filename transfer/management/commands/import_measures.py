"""manage.py import_measures FILE: preview measure values, and import them with --commit."""

from django.core.management.base import BaseCommand

from transfer.imports.cli import add_common_arguments, parse_mapping, run
from transfer.imports.statistics_cli import new_measure_options
from transfer.models import PlanImport


class Command(BaseCommand):
    help = (
        "Import measure values from a .csv or .xlsx: the measures download's layout (measure "
        "code, period, value, numerator, denominator, England/Region/Statistical neighbours), a "
        "statistics table with periods as columns, a long table with an Area column, the "
        "Department for Education's tidy CSV, or the statistical-neighbour list. Shows the "
        "preview (the same account as the browser's: cells read, used and ignored); writes "
        "nothing unless --commit is given, and then all or nothing."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument(
            "--area",
            help="Your council as the file names it (name or code), when the file has figures "
            "for more than one council.",
        )
        parser.add_argument(
            "--measure", help="The measure a one-measure table holds, when the file does not say."
        )
        parser.add_argument(
            "--sheet",
            help="The sheet that holds the figures (by default the first that holds any; the "
            "preview lists every sheet with what it looks like).",
        )
        parser.add_argument(
            "--region",
            help="The council's region as the file names it (name or code), when the file has "
            "rows for several regions: its rows become the regional comparator.",
        )
        parser.add_argument(
            "--new-measure",
            nargs=3,
            action="append",
            default=[],
            metavar=("NAME", "FIELD", "VALUE"),
            help="Change what is proposed for a measure the file names that does not exist yet: "
            'FIELD is code, title, unit, polarity or frequency, e.g. --new-measure "Children in '
            'need per 10,000" polarity lower.',
        )
        parser.add_argument(
            "--skip-measure",
            action="append",
            default=[],
            metavar="NAME",
            help="Leave out a measure the file names that does not exist yet.",
        )

    def handle(self, *args, **o):
        options: dict[str, object] = {"mapping": parse_mapping(o["map"])}
        options.update({k: o[k] for k in ("area", "measure", "sheet", "region") if o.get(k)})
        choices = new_measure_options(o["new_measure"], o["skip_measure"])
        if choices:
            options["new_measures"] = choices
        run(
            self,
            kind=PlanImport.Kind.MEASURE_VALUES,
            path=o["file"],
            options=options,
            commit=o["commit"],
            username=o["user"],
        )

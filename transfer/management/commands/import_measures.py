"""manage.py import_measures FILE: preview measure values, and import them with --commit."""

from django.core.management.base import BaseCommand

from transfer.imports.cli import add_common_arguments, parse_mapping, run
from transfer.models import PlanImport


class Command(BaseCommand):
    help = (
        "Import measure values (measure code, period, value, numerator, denominator and "
        "England/Region/Statistical neighbours comparators) from a .csv or .xlsx. Shows the "
        "preview; writes nothing unless --commit is given, and then all or nothing."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)

    def handle(self, *args, **o):
        run(
            self,
            kind=PlanImport.Kind.MEASURE_VALUES,
            path=o["file"],
            options={"mapping": parse_mapping(o["map"])},
            commit=o["commit"],
            username=o["user"],
        )

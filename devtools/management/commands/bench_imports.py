"""Print the import timings against the issue's targets (see ``devtools.bench.imports``)."""

from django.core.management.base import BaseCommand

from devtools.bench.imports import import_timings, timings_table


class Command(BaseCommand):
    help = (
        "Time the preview and commit of a 5,000-row plan workbook and a 200-page Word plan "
        "through the import's own services (nothing is kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5_000, help="Rows of the workbook.")
        parser.add_argument("--pages", type=int, default=200, help="Pages of the Word plan.")

    def handle(self, *args, **o):
        self.stdout.write(timings_table(import_timings(rows=o["rows"], pages=o["pages"])))

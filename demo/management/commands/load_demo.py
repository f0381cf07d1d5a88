from django.core.management.base import BaseCommand

from demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD, load_all


class Command(BaseCommand):
    help = "Load the five seed plans, an illustrative history and the demo sign-ins (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-history", action="store_true", help="Skip the illustrative updates and values."
        )

    def handle(self, *args, **options):
        report = load_all(with_history=not options["no_history"])
        for slug in report.loaded:
            self.stdout.write(f"Loaded {slug}")
        for slug in report.skipped:
            self.stdout.write(f"Already loaded, left unchanged: {slug}")
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD})")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<22} {account.description}")

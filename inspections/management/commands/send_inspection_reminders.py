from django.core.management.base import BaseCommand

from inspections.reminders import send_inspection_reminders


class Command(BaseCommand):
    help = (
        "E-mail the owners of the plans responding to an inspection when a statutory deadline is "
        "10, 5 and 1 working days away, and once when it has passed. Running it again sends "
        "nothing more."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent.")

    def handle(self, *args, **options):
        messages = send_inspection_reminders(dry_run=options["dry_run"], out=self.stdout)
        if not messages:
            self.stdout.write("Nothing to send.")

from django.core.management.base import BaseCommand

from actions.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail each officer one digest of their actions lacking an update for the current "
        "period or overdue, and tell plan owners who is outstanding after the deadline. "
        "Running it twice in a period sends nothing more."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent.")

    def handle(self, *args, **options):
        messages = send_reminders(dry_run=options["dry_run"], out=self.stdout)
        if not messages:
            self.stdout.write("Nothing to send.")

from django.core.management.base import BaseCommand
from django.utils import timezone

from actions.reminders import send_reminders
from core.models import Job
from core.tasks import start_job


class Command(BaseCommand):
    help = (
        "E-mail each officer one digest of their actions lacking an update for the current "
        "period or overdue, and tell plan owners who is outstanding after the deadline. "
        "Queued as a job (run by the worker in production, at once in development). "
        "Running it twice in a period sends nothing more."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would be sent.")

    def handle(self, *args, **options):
        if options["dry_run"]:
            if not send_reminders(dry_run=True, out=self.stdout):
                self.stdout.write("Nothing to send.")
            return
        job = start_job(Job.Kind.REMINDERS, today=timezone.localdate().isoformat())
        job.refresh_from_db()
        if job.finished:
            self.stdout.write(f"Job {job.pk}: {job.get_status_display()}. {job.outcome}")
        else:
            self.stdout.write(f"Job {job.pk} queued for the worker.")

"""manage.py export_plan SLUG: write a plan as .xlsx or .csv (logged like a download)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from transfer.exports import log_export, plan_csv_bytes, plan_xlsx_bytes


class Command(BaseCommand):
    help = "Export a plan in the import layout, with its current RAG ratings (.xlsx or .csv)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", "-o", help="File to write (default: SLUG.FORMAT).")

    def handle(self, *args, **o):
        plan = Plan.objects.select_related("organisation").filter(slug=o["slug"]).first()
        if plan is None:
            raise CommandError(f"No plan with the slug {o['slug']}.")
        fmt = o["format"]
        content = (
            plan_xlsx_bytes(plan, exported_by="manage.py")
            if fmt == "xlsx"
            else plan_csv_bytes(plan)
        )
        target = Path(o["output"] or f"{plan.slug}.{fmt}")
        target.write_bytes(content)
        log_export(
            user=None,
            username="manage.py",
            summary=f"Exported {plan.title} as .{fmt} from the command line",
            detail={"plan": plan.pk, "slug": plan.slug, "format": fmt, "file": str(target)},
        )
        self.stdout.write(f"Wrote {target} ({len(content):,} bytes)")

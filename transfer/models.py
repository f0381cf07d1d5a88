"""Uploaded spreadsheets kept between their preview and their commit. The table keeps the name it
had in the plans app (ADR 0007)."""

from django.conf import settings
from django.db import models

from plans.models import Plan


class PlanImport(models.Model):
    """An uploaded spreadsheet, kept between its preview and its commit."""

    class Kind(models.TextChoices):
        PLAN = "plan", "Plan"
        MEASURE_VALUES = "measure_values", "Measure values"

    class Status(models.TextChoices):
        READING = "reading", "Reading the file"  # a large upload, read by a background job
        PREVIEWED = "previewed", "Previewed"
        COMMITTED = "committed", "Committed"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PLAN)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    options = models.JSONField(default=dict, blank=True, help_text="Header mapping and choices.")
    result = models.JSONField(default=dict, blank=True, help_text="Preview or commit summary.")
    table = models.JSONField(
        default=dict,
        blank=True,
        help_text="The rows read from the file at upload (with the file's SHA-256), so that "
        "previewing again and committing do not read the file again.",
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports"
    )
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "plans_planimport"
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} import of {self.filename}"

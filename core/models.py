"""Organisations, the people who lead and oversee the work, and the audit log: the records every
other app builds on. The tables keep the names they had in the plans app (ADR 0007)."""

from django.conf import settings
from django.db import models


class Organisation(models.Model):
    """A council or a partner agency (police, health, schools, a partnership)."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        SCHOOL = "school", "School or academy trust"
        PARTNERSHIP = "partnership", "Partnership"
        VOLUNTARY = "voluntary", "Voluntary sector"
        GOVERNMENT = "government", "Central government"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    rag_legend = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="A copy of the organisation's RAG definitions (rating: label and meaning), "
        "kept up to date when they change, so that pages show the legend without a query.",
    )

    class Meta:
        db_table = "plans_organisation"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone who leads or supports actions: a named officer, or a post such as DCS."""

    slug = models.SlugField(
        max_length=80, unique=True, help_text="Short unique key, e.g. jane-smith."
    )
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    is_role = models.BooleanField(
        default=False,
        help_text="Tick when this stands for a post (e.g. DCS) rather than a named person.",
    )
    email = models.EmailField(blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text="The sign-in account of this person, if they have one.",
    )

    class Meta:
        db_table = "plans_person"
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        if self.job_title and not self.is_role:
            return f"{self.name} ({self.job_title})"
        return self.name


class AuditEvent(models.Model):
    """Who did what and when (UTC): sign-ins, failed sign-ins, permission refusals, exports,
    imports, reopened periods, issued board packs."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        PERMISSION_DENIED = "permission_denied", "Permission refused"
        EXPORT = "export", "Export"
        IMPORT = "import", "Import"
        PERIOD_REOPENED = "period_reopened", "Reporting period reopened"
        PACK_ISSUED = "pack_issued", "Board pack issued"
        REMINDERS_SENT = "reminders_sent", "Reminders sent"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=30, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, help_text="As given at the time.")
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "plans_auditevent"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class RateLimit(models.Model):
    """A count of requests in the current window for one limited thing (password reset e-mails
    to one address, unauthenticated posts from one client...), kept in the database so that
    every server process counts together (``core.ratelimit``). ``key`` is a keyed hash: no
    address is stored."""

    key = models.CharField(max_length=64, unique=True)
    window_start = models.BigIntegerField(help_text="Seconds since the epoch.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window")]

    def __str__(self) -> str:
        return f"{self.key[:8]}: {self.count} since {self.window_start}"

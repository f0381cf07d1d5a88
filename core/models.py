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
    illustrative = models.BooleanField(
        default=False, help_text="Demo data made up to show the product, not a real person."
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
        JOB_STARTED = "job_started", "Background job started"
        JOB_FINISHED = "job_finished", "Background job finished"

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


class Job(models.Model):
    """A piece of work run off the request path (core.jobs), as its requester sees it on the
    "Downloads and jobs" page. django-tasks' own result rows exist only with the database
    backend, name no requester and hold no progress or file: this row does, whichever backend
    runs the work; ``task_id`` links it to the latest attempt's task result."""

    class Kind(models.TextChoices):
        REMINDERS = "reminders", "Update reminders"
        PACK_FILES = "pack_files", "Board pack file"
        PLAN_EXPORT = "plan_export", "Plan export"
        EXPLORER_EXPORT = "explorer_export", "Actions explorer download"
        EVIDENCE_PACK = "evidence_pack", "Evidence pack"
        IMPORT_PREVIEW = "import_preview", "Import: reading the file"
        IMPORT_COMMIT = "import_commit", "Import: saving the plan"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        RETRYING = "retrying", "Waiting to retry"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        help_text="Empty for scheduled jobs (the reminders command run by cron).",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    outcome = models.CharField(max_length=500, blank=True)
    file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    sha256 = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the file, checked on every download."
    )
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes in the file.")
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requester", "-created_at"], name="core_job_requester_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def label(self) -> str:
        """What the job makes, as its requester knows it: the kind's name, unless the code that
        started it named it more closely (``parameters["label"]``, e.g. "Self-evaluation PDF")."""
        named = self.parameters.get("label") if isinstance(self.parameters, dict) else None
        return str(named) if named else self.get_kind_display()


class WorkerHeartbeat(models.Model):
    """One row per running worker process (``manage.py run_worker``), touched every
    TASK_WORKER_HEARTBEAT_SECONDS; /readyz needs one newer than TASK_WORKER_STALE_SECONDS."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} (last seen {self.last_seen:%H:%M:%S})"


class DataVersion(models.Model):
    """A single row whose number is raised after every committed transaction that wrote to the
    records pages show (``core.freshness``): what a cached page part was built from is known
    by the number it was built at."""

    number = models.BigIntegerField()

    def __str__(self) -> str:
        return f"data version {self.number}"

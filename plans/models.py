"""Organisations, the people who lead actions, plans, and the boards that oversee them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


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
        ordering = ["name"]

    def __str__(self):
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
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        if self.job_title and not self.is_role:
            return f"{self.name} ({self.job_title})"
        return self.name


class Plan(models.Model):
    """A strategy, improvement plan, action plan or business plan of an organisation."""

    class Kind(models.TextChoices):
        STRATEGY = "strategy", "Strategy"
        IMPROVEMENT_PLAN = "improvement_plan", "Improvement plan"
        ACTION_PLAN = "action_plan", "Action plan"
        BUSINESS_PLAN = "business_plan", "Business plan"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"
        SUPERSEDED = "superseded", "Superseded"

    class Numbering(models.TextChoices):
        CONTINUOUS = "continuous", "Continuous across the plan (1, 2, 3 ... 37)"
        HIERARCHICAL = "hierarchical", "Within its parent (1.1.1, 1.1.2 ...)"

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        BOARD = "board", "Before each meeting of the overseeing board"

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=250)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.IMPROVEMENT_PLAN)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="plans")
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_plans", help_text="Partnership plans."
    )
    start = models.DateField("period start")
    end = models.DateField("period end")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    version_label = models.CharField(
        max_length=100, blank=True, help_text='e.g. "Draft April 2023"'
    )
    summary = models.TextField(blank=True)
    vision = models.TextField(blank=True)
    priority_label = models.CharField(
        "name of the top level",
        max_length=60,
        default="Priority",
        help_text='What this plan calls its top level: "Improvement area", "Principle"...',
    )
    outcome_label = models.CharField("name of the outcome level", max_length=60, default="Outcome")
    objective_label = models.CharField(
        "name of the objective level", max_length=60, default="Objective"
    )
    action_label = models.CharField("name of an action", max_length=60, default="Action")
    numbering = models.CharField(
        max_length=20, choices=Numbering.choices, default=Numbering.HIERARCHICAL
    )
    reporting_cadence = models.CharField(
        max_length=20,
        choices=Cadence.choices,
        default=Cadence.MONTHLY,
        help_text="How often officers give RAG updates.",
    )
    owner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_plans",
        help_text="Told who is outstanding when updates are late.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "-start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="plan_period_start_before_end"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plans:detail", kwargs={"slug": self.slug})


class PlanLink(models.Model):
    """A link from a plan to a related plan or to an external document."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=250)
    url = models.URLField(blank=True)
    related_plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="linked_from"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return self.title


class Board(models.Model):
    """A governance body that oversees plans: an improvement board, cabinet, scrutiny..."""

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        EVERY_2_MONTHS = "every_2_months", "Every 2 months"
        QUARTERLY = "quarterly", "Quarterly"
        SIX_MONTHLY = "six_monthly", "Six-monthly"
        ANNUAL = "annual", "Annual"
        AS_REQUIRED = "as_required", "As required"

    name = models.CharField(max_length=200, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="boards")
    purpose = models.TextField(blank=True)
    cadence = models.CharField(max_length=20, choices=Cadence.choices, default=Cadence.MONTHLY)
    cadence_note = models.CharField(max_length=300, blank=True)
    plans = models.ManyToManyField(Plan, blank=True, related_name="boards")

    history = HistoricalRecords(m2m_fields=[plans])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("plans:board", kwargs={"pk": self.pk})


class BoardMembership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        PARTNER = "partner", "Partner representative"
        OFFICER = "officer", "Officer in attendance"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="board_memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        ordering = ["board", "role", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "person"], name="one_membership_per_board"),
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()} of {self.board}"


class Meeting(models.Model):
    class Kind(models.TextChoices):
        BOARD = "board", "Board meeting"
        WORKSHOP = "workshop", "Thematic workshop"
        COMMITTEE = "committee", "Committee meeting"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.BOARD)

    class Meta:
        ordering = ["board", "date"]
        constraints = [
            models.UniqueConstraint(fields=["board", "date"], name="one_meeting_per_board_per_day"),
        ]

    def __str__(self):
        return f"{self.board} – {self.date:%d %B %Y}"

    def get_absolute_url(self):
        return reverse("plans:meeting", kwargs={"pk": self.pk})


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
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class IssuedPack(models.Model):
    """A board pack as issued for a meeting: an immutable, date-stamped record of what the board
    was shown (the figures as a JSON snapshot, and the rendered document)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="issued_packs")
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    as_at = models.DateTimeField(help_text="The moment the figures were taken as at.")
    snapshot = models.JSONField(help_text="Everything the pack showed, as data.")
    html = models.TextField(blank=True, help_text="The pack as rendered when issued.")

    class Meta:
        ordering = ["meeting", "-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting"], name="one_issued_pack_per_meeting"),
        ]

    def __str__(self):
        return f"Pack for {self.meeting} issued {self.issued_at:%d %b %Y}"


class PlanImport(models.Model):
    """An uploaded spreadsheet, kept between its preview and its commit."""

    class Kind(models.TextChoices):
        PLAN = "plan", "Plan"
        MEASURE_VALUES = "measure_values", "Measure values"

    class Status(models.TextChoices):
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
    plan = models.ForeignKey(
        Plan, on_delete=models.SET_NULL, null=True, blank=True, related_name="imports"
    )
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} import of {self.filename}"

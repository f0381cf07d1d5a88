"""Actions, their sub-actions, tags and links, reporting periods and RAG status updates."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actions.overdue import OVERDUE
from actions.querysets import ActionQuerySet, Approval, StatusUpdateQuerySet
from actions.timescales import TimescaleKind, parse_timescale
from core.formatting import day_text
from core.models import Organisation, Person
from core.rag import Confidence, Lifecycle, Rating, combine
from plans.models import Plan
from priorities.models import Objective, Outcome, Priority


class TimescaleFields(models.Model):
    """A timescale kept as written and as understood (see ``actions.timescales``)."""

    timescale_text = models.CharField("timescale", max_length=200, blank=True)
    timescale_kind = models.CharField(
        max_length=20, choices=TimescaleKind.choices, default=TimescaleKind.BLANK, editable=False
    )
    timescale_start = models.DateField(null=True, blank=True, editable=False)
    timescale_due = models.DateField("due date", null=True, blank=True, editable=False)
    timescale_label = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.apply_timescale()
        super().save(*args, **kwargs)

    def apply_timescale(self):
        parsed = parse_timescale(self.timescale_text)
        self.timescale_text = parsed.text
        self.timescale_kind = parsed.kind
        self.timescale_start = parsed.start
        self.timescale_due = parsed.due_date
        self.timescale_label = parsed.label

    @property
    def timescale(self):
        return parse_timescale(self.timescale_text)

    @property
    def timescale_understood(self) -> bool:
        return self.timescale_kind != TimescaleKind.UNPARSED


class Tag(models.Model):
    """A label such as "Ofsted Improvement Action 3" or "2017/18 focus"."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Action(TimescaleFields):
    """The unit of delivery: numbered, led, timed and rated."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    outcome = models.ForeignKey(
        Outcome, on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    number = models.CharField(
        max_length=30,
        blank=True,
        help_text="Leave blank to number it from the plan's numbering style.",
    )
    sequence = models.PositiveIntegerField(default=0, help_text="Order within its parent.")
    description = models.TextField()
    success_criteria = models.TextField(blank=True)
    notes = models.TextField(
        "other text from the plan",
        blank=True,
        help_text="Columns of an imported plan with no field of their own (kept as "
        '"Heading: text"), and commentary it gave without a rating.',
    )
    lead = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="led_actions"
    )
    lead_text = models.CharField(
        "lead as written",
        max_length=300,
        blank=True,
        help_text='When the lead is more than one person, e.g. "DCS and key partner agencies".',
    )
    supporting_officers = models.ManyToManyField(
        Person, blank=True, related_name="supported_actions"
    )
    delegates = models.ManyToManyField(
        Person,
        blank=True,
        related_name="delegated_actions",
        help_text="People the lead has delegated updating to.",
    )
    partners = models.ManyToManyField(Organisation, blank=True, related_name="partner_actions")
    tags = models.ManyToManyField(Tag, blank=True, related_name="actions")
    rating = models.CharField(
        "current RAG rating",
        max_length=20,
        choices=Rating.choices,
        default=Rating.NOT_STARTED,
        editable=False,
        help_text="The latest update's rating.",
    )
    rating_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Increases with every update (no lost updates)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[tags], excluded_fields=["updated_at"])

    class Meta:
        ordering = ["plan", "priority__order", "sequence", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_number_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(timescale_start__isnull=True)
                | Q(timescale_due__isnull=True)
                | Q(timescale_start__lte=F("timescale_due")),
                name="action_timescale_start_before_due",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "rating"], name="action_plan_rating"),
            models.Index(fields=["timescale_due"], name="action_due"),
        ]

    def __str__(self):
        return f"{self.number} {self.description}"[:120]

    def save(self, *args, **kwargs):
        if self.priority_id and not self.plan_id:
            self.plan_id = self.priority.plan_id
        if not self.number:
            self.number = self.next_number()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("actions:detail", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        errors = {}
        if self.priority_id and self.plan_id and self.priority.plan_id != self.plan_id:
            errors["priority"] = "The priority must belong to the action's plan."
        if self.outcome_id and self.outcome.priority_id != self.priority_id:
            errors["outcome"] = "The outcome must sit under the action's priority."
        if self.objective_id:
            if self.objective.priority_id != self.priority_id:
                errors["objective"] = "The objective must sit under the action's priority."
            elif self.objective.outcome_id and self.objective.outcome_id != self.outcome_id:
                errors["objective"] = "The objective must sit under the action's outcome."
        if errors:
            raise ValidationError(errors)

    # Numbering ---------------------------------------------------------------------------
    def parent_number(self) -> str:
        """The number actions are numbered within, in the hierarchical style."""
        if self.outcome_id:
            return self.outcome.number
        return self.priority.number

    def next_number(self) -> str:
        """The next free number: continuous across the plan (1..37), or within the outcome or
        priority (1.1.1, 1.1.2). Numbers, once given, never change when others are added."""
        plan = self.plan if self.plan_id else self.priority.plan
        taken = (
            Action.objects.filter(plan=plan).exclude(pk=self.pk).values_list("number", flat=True)
        )
        if plan.numbering == Plan.Numbering.CONTINUOUS:
            used = [int(n) for n in taken if re.fullmatch(r"[0-9]{1,6}", n)]
            return str(max(used, default=0) + 1)
        prefix = f"{self.parent_number()}."
        used = [
            int(n[len(prefix) :])
            for n in taken
            if n.startswith(prefix) and re.fullmatch(r"[0-9]{1,6}", n[len(prefix) :])
        ]
        return f"{prefix}{max(used, default=0) + 1}"

    # Status ------------------------------------------------------------------------------
    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())

    def overdue_on(self, day) -> bool:
        """Overdue on a day, by the one rule (``actions.overdue.OVERDUE``)."""
        return OVERDUE.holds(self, day)

    @property
    def lead_display(self) -> str:
        if self.lead_text:
            return self.lead_text
        return self.lead.name if self.lead else ""


class ActionLink(models.Model):
    """A link to a strategy or detailed action plan ("Links to Strategy" column)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(max_length=250)
    url = models.URLField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["action", "order", "pk"]

    def __str__(self):
        return self.title


class SubAction(TimescaleFields):
    """A sub-item or milestone of an action, with its own timescale."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="sub_actions")
    order = models.PositiveIntegerField(default=0)
    description = models.TextField()
    lead_text = models.CharField(max_length=300, blank=True)
    links = models.TextField(blank=True, help_text="One link title a line.")
    complete = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "order", "pk"]
        verbose_name = "sub-action or milestone"
        verbose_name_plural = "sub-actions and milestones"

    def __str__(self):
        return self.description[:120]

    @property
    def link_list(self):
        return [line.strip() for line in self.links.splitlines() if line.strip()]


class ReportingPeriod(models.Model):
    """A window in which officers give one update per action (a month, a quarter, or the run-up
    to a board meeting). It closes on a date; an administrator may reopen it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting_periods")
    label = models.CharField(max_length=100)
    start = models.DateField()
    end = models.DateField()
    closes_on = models.DateField(help_text="Updates are due by this date; the period then closes.")
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "start"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "start"], name="one_period_per_plan_start"),
            models.CheckConstraint(
                condition=Q(start__lte=F("end")), name="period_start_before_end"
            ),
        ]

    def __str__(self):
        return f"{self.plan.title}: {self.label}"

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return today <= self.closes_on or self.reopened_at is not None


class StatusUpdate(models.Model):
    """One RAG rating of an action, with commentary, given by an officer for a reporting period.

    Append-only history: the action's current rating is the latest update's."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="updates"
    )
    lifecycle = models.CharField(max_length=20, choices=Lifecycle.choices)
    confidence = models.CharField(
        "delivery confidence", max_length=10, choices=Confidence.choices, blank=True
    )
    rating = models.CharField(max_length=20, choices=Rating.choices, editable=False)
    commentary = models.TextField(max_length=4000, blank=True)
    issue = models.TextField("what the issue is", max_length=2000, blank=True)
    mitigation = models.TextField("what is being done", max_length=2000, blank=True)
    resolve_by = models.DateField("by when", null=True, blank=True)
    outside_control = models.BooleanField("outside the service's control", default=False)
    evidence_of_impact = models.TextField(
        "evidence of impact",
        max_length=4000,
        blank=True,
        help_text="How do we know it made a difference?",
    )
    proposed_timescale = models.CharField("proposed revised timescale", max_length=200, blank=True)
    proposed_timescale_reason = models.TextField(max_length=2000, blank=True)
    escalate = models.BooleanField("escalate to the board", default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_updates",
    )
    author_name = models.CharField(max_length=200, blank=True, help_text="As recorded at the time.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    illustrative = models.BooleanField(
        default=False, help_text="Demo data made up to show the product, not a real rating."
    )
    approval = models.CharField(
        max_length=10,
        choices=Approval.choices,
        default=Approval.APPROVED,
        help_text="Boards see approved updates only (plans whose updates need approval).",
    )
    approved_at = models.DateTimeField(
        null=True, blank=True, help_text="Blank for updates that needed no approval."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who approved or returned it.",
    )
    review_comment = models.TextField("comment when returned", max_length=2000, blank=True)

    objects = StatusUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-created_at", "-pk"]
        get_latest_by = "created_at"
        constraints = [
            models.UniqueConstraint(
                fields=["action", "period"], name="one_update_per_action_per_period"
            ),
            models.CheckConstraint(
                condition=(
                    Q(lifecycle=Lifecycle.IN_PROGRESS, confidence__in=Confidence.values)
                    | (~Q(lifecycle=Lifecycle.IN_PROGRESS) & Q(confidence=""))
                ),
                name="confidence_only_in_progress",
            ),
        ]
        indexes = [models.Index(fields=["action", "created_at"], name="update_action_created")]

    def __str__(self):
        day = day_text(self.created_at, short=True, padded=True)
        return f"{self.action.number}: {self.get_rating_display()} ({day})"

    def save(self, *args, **kwargs):
        self.rating = combine(self.lifecycle, self.confidence)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        try:
            combine(self.lifecycle, self.confidence or None)
        except ValueError as exc:
            raise ValidationError({"confidence": str(exc)}) from exc
        if self.lifecycle != Lifecycle.IN_PROGRESS and self.confidence:
            raise ValidationError(
                {"confidence": "Only an action in progress has a delivery confidence."}
            )


def evidence_path(instance, filename):
    """Where an attachment is stored: a random name with the extension of what it is, never the
    name it was uploaded with (that is kept in ``name`` and given back on download)."""
    import uuid

    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(models.Model):
    """A file given as evidence with a status update (``actions.evidence`` checks it)."""

    update = models.ForeignKey(StatusUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    name = models.CharField("file name as uploaded", max_length=255)
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["update", "uploaded_at", "pk"]
        verbose_name = "evidence attachment"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("actions:evidence", kwargs={"pk": self.pk})

    @property
    def extension(self) -> str:
        from actions.evidence import KINDS

        return KINDS[self.kind].extension

    @property
    def kind_words(self) -> str:
        from actions.evidence import KINDS

        return KINDS[self.kind].words


class RagDefinition(models.Model):
    """What an organisation means by each colour; shown in every legend."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="rag_definitions"
    )
    rating = models.CharField(max_length=20, choices=Rating.choices)
    label = models.CharField(
        max_length=40, help_text='The word shown with the colour, e.g. "Blue".'
    )
    meaning = models.CharField(max_length=300)

    class Meta:
        ordering = ["organisation", "rating"]
        verbose_name = "RAG definition"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "rating"], name="one_meaning_per_rating"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.label}"


class ReminderSent(models.Model):
    """One reminder e-mail per recipient, kind and period: running the command twice sends
    nothing more."""

    class Kind(models.TextChoices):
        DIGEST = "digest", "Officer digest"
        ESCALATION = "escalation", "Outstanding updates to the plan owner"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reminders")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    sent_at = models.DateTimeField(auto_now_add=True)
    action_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "person", "period"], name="one_reminder_per_person_period"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.person} for {self.period}"

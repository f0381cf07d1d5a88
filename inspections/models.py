"""Inspections and visits of an organisation, their judgements and findings (recommendations,
areas for priority action, areas for improvement), the actions that answer each finding, the
statutory deadlines that follow a report, what monitoring visits said about each finding, and the
yearly self-evaluation."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actions.models import Action
from core.models import Organisation
from inspections.working_days import add_working_days, working_days_between
from measures.models import Measure
from plans.models import Plan


class Grade(models.TextChoices):
    """The four-point scale of inspection judgements."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


class Inspection(models.Model):
    """An inspection, visit, notice or review of an organisation's children's services."""

    class Kind(models.TextChoices):
        FULL = "full", "Full (standard) inspection"
        SHORT = "short", "Short inspection"
        FOCUSED = "focused", "Focused visit"
        MONITORING = "monitoring", "Monitoring visit"
        JTAI = "jtai", "Joint targeted area inspection"
        NOTICE = "notice", "Improvement notice or statutory direction"
        REVIEW = "review", "Peer review or diagnostic"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(
        max_length=250, help_text='As the report names it, e.g. "Focused visit: the front door".'
    )
    inspectorate = models.CharField(
        max_length=200, blank=True, help_text='Who carried it out: "Ofsted", "DfE", "LGA"...'
    )
    on_site_start = models.DateField("first day on site", null=True, blank=True)
    on_site_end = models.DateField("last day on site", null=True, blank=True)
    report_received = models.DateField(
        "report received", null=True, blank=True, help_text="Statutory deadlines count from here."
    )
    published = models.DateField("report published", null=True, blank=True)
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text="For a monitoring visit, notice or review: the inspection it follows up.",
    )
    plans = models.ManyToManyField(
        Plan,
        blank=True,
        related_name="inspections",
        help_text="The plans that respond to it (the improvement plan, the action plan).",
    )
    adviser = models.CharField(
        "adviser or commissioner",
        max_length=200,
        blank=True,
        help_text="Appointed by the DfE with a notice or direction.",
    )
    report_url = models.URLField("link to the report", blank=True)
    summary = models.TextField(blank=True)
    action_tag_prefix = models.CharField(
        max_length=100,
        blank=True,
        help_text="Actions tagged with this and a finding's number (e.g. \"Ofsted Improvement "
        'Action" + "3") answer that finding when "Link actions by their tags" is run.',
    )
    illustrative = models.BooleanField(
        default=False, help_text="Demo data: some of its facts are made up (see the note)."
    )
    illustrative_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["organisation__name", "-on_site_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(on_site_start__isnull=True)
                | Q(on_site_end__isnull=True)
                | Q(on_site_start__lte=F("on_site_end")),
                name="inspection_on_site_start_before_end",
            ),
            models.CheckConstraint(
                condition=Q(report_received__isnull=True)
                | Q(published__isnull=True)
                | Q(report_received__lte=F("published")),
                name="inspection_received_before_published",
            ),
        ]

    def __str__(self):
        when = self.on_site_start or self.report_received
        return f"{self.title} ({when:%B %Y})" if when else self.title

    def get_absolute_url(self):
        return reverse("inspections:detail", kwargs={"pk": self.pk})

    @property
    def date(self) -> date | None:
        """The date a visit is known by: its last day on site, else its first, else the report."""
        return self.on_site_end or self.on_site_start or self.report_received

    def basis_date(self, basis: str) -> date | None:
        return {
            Deadline.Basis.REPORT_RECEIVED: self.report_received,
            Deadline.Basis.PUBLISHED: self.published,
            Deadline.Basis.ON_SITE_END: self.on_site_end,
        }.get(basis)


class Judgement(models.Model):
    """One judgement of an inspection: overall effectiveness or a sub-judgement."""

    class Area(models.TextChoices):
        OVERALL = "overall", "Overall effectiveness"
        LEADERS = (
            "leaders",
            "The impact of leaders on social work practice with children and families",
        )
        HELP_AND_PROTECTION = (
            "help_and_protection",
            "The experiences and progress of children who need help and protection",
        )
        CHILDREN_IN_CARE = "children_in_care", "The experiences and progress of children in care"
        CARE_LEAVERS = "care_leavers", "The experiences and progress of care leavers"
        IN_CARE_AND_LEAVERS = (
            "in_care_and_leavers",
            "The experiences and progress of children in care and care leavers",
        )
        OTHER = "other", "Other (named below)"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    area = models.CharField(max_length=30, choices=Area.choices)
    other_area = models.CharField("area (other)", max_length=250, blank=True)
    grade = models.CharField(max_length=30, choices=Grade.choices)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "area"],
                condition=~Q(area="other"),
                name="one_judgement_per_area",
            ),
            models.CheckConstraint(
                condition=~Q(area="other") | ~Q(other_area=""), name="other_judgement_named"
            ),
        ]

    def __str__(self):
        return f"{self.area_label}: {self.get_grade_display()}"

    @property
    def area_label(self) -> str:
        return self.other_area if self.area == self.Area.OTHER else self.get_area_display()


class Recommendation(models.Model):
    """A numbered finding of an inspection, with its text as published: a recommendation, an
    area for priority action or an area for improvement."""

    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", "Recommendation"
        PRIORITY_ACTION = "priority_action", "Area for priority action"
        IMPROVEMENT = "improvement", "Area for improvement"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RECOMMENDATION)
    number = models.CharField(max_length=20, help_text='As numbered in the report: "1", "3a".')
    text = models.TextField("text as published")
    order = models.PositiveIntegerField(default=0)
    actions = models.ManyToManyField(
        Action, through="RecommendationAction", blank=True, related_name="recommendations"
    )
    measures = models.ManyToManyField(
        Measure,
        blank=True,
        related_name="recommendations",
        help_text="Measures that show whether it is being put right.",
    )
    illustrative = models.BooleanField(
        default=False, help_text="Demo data: the wording is made up, not the report's."
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "order", "kind", "number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "kind", "number"], name="one_finding_number_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.text}"[:120]

    def get_absolute_url(self):
        return reverse("inspections:recommendation", kwargs={"pk": self.pk})

    @property
    def label(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class RecommendationAction(models.Model):
    """An action answering a recommendation (with its history, so a pack as at an earlier date
    shows the links as they were then)."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="action_links"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="recommendation_links"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "action__plan", "action__sequence", "pk"]
        verbose_name = "action answering a recommendation"
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "action"], name="one_link_per_action_recommendation"
            ),
        ]

    def __str__(self):
        return f"{self.action.number} answers {self.recommendation.label}"


class Deadline(models.Model):
    """A date the organisation must meet after a report, counted in working days from a date of
    the inspection (or overridden, with the reason recorded)."""

    class Kind(models.TextChoices):
        PUBLISH_REPORT = "publish_report", "Publish the report"
        EARLY_DRAFT = "early_draft", "Early draft of the action plan to Ofsted"
        ACTION_PLAN = "action_plan", "Written statement of action (action plan)"
        OTHER = "other", "Other"

    class Basis(models.TextChoices):
        REPORT_RECEIVED = "report_received", "the report was received"
        PUBLISHED = "published", "the report was published"
        ON_SITE_END = "on_site_end", "the last day on site"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    label = models.CharField(max_length=200, blank=True, help_text="Leave blank for the kind's.")
    basis = models.CharField(
        "counted from", max_length=20, choices=Basis.choices, default=Basis.REPORT_RECEIVED
    )
    working_days = models.PositiveIntegerField()
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the number of days comes from."
    )
    override_due = models.DateField("due date (overridden)", null=True, blank=True)
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    met_on = models.DateField("done on", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "working_days", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(override_due__isnull=True) | ~Q(override_reason=""),
                name="deadline_override_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.inspection})"

    def clean(self):
        super().clean()
        if self.override_due is not None and not self.override_reason.strip():
            raise ValidationError({"override_reason": "Give the reason for changing the date."})

    @property
    def name(self) -> str:
        return self.label or self.get_kind_display()

    @property
    def basis_date(self) -> date | None:
        return self.inspection.basis_date(self.basis)

    @property
    def computed_due(self) -> date | None:
        start = self.basis_date
        return add_working_days(start, self.working_days) if start else None

    @property
    def due(self) -> date | None:
        return self.override_due or self.computed_due

    @property
    def is_overridden(self) -> bool:
        return self.override_due is not None

    def working_days_left(self, today: date | None = None) -> int | None:
        """Working days from today to the due date (0 on the day, negative once past)."""
        if self.due is None:
            return None
        return working_days_between(today or timezone.localdate(), self.due)

    def calendar_days_left(self, today: date | None = None) -> int | None:
        if self.due is None:
            return None
        return (self.due - (today or timezone.localdate())).days


class DeadlineReminder(models.Model):
    """One reminder per deadline, recipient and stage: running the command again sends nothing
    more."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    person = models.ForeignKey(
        "core.Person", on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    stage = models.CharField(max_length=20)
    due = models.DateField(help_text="The due date the reminder was about.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "person", "stage", "due"], name="one_deadline_reminder"
            ),
        ]

    def __str__(self):
        return f"{self.deadline.name}: {self.stage} to {self.person}"


class VisitFinding(models.Model):
    """What a monitoring visit (or review) said about one finding of the inspection it follows."""

    class Progress(models.TextChoices):
        GOOD = "good", "Good progress"
        SOME = "some", "Some progress"
        INSUFFICIENT = "insufficient", "Insufficient progress"
        NOT_ASSESSED = "not_assessed", "Looked at, no progress judgement"

    visit = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="visit_findings")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="visit_findings"
    )
    progress = models.CharField(
        max_length=20, choices=Progress.choices, default=Progress.NOT_ASSESSED
    )
    said = models.TextField("what the visit said")
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["visit", "recommendation__order", "recommendation__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "recommendation"], name="one_visit_finding_per_recommendation"
            ),
        ]

    def __str__(self):
        return f"{self.visit}: {self.recommendation.label}"


class SelfEvaluation(models.Model):
    """An organisation's yearly self-evaluation under the three questions inspections start from;
    every saved version is kept (History)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SHARED = "shared", "Shared with the inspectorate"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="self_evaluations"
    )
    year = models.CharField(max_length=20, help_text='e.g. "2024/25"')
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    know = models.TextField(
        "what do you know about the quality and impact of practice?", blank=True
    )
    how_know = models.TextField("how do you know it?", blank=True)
    plans_text = models.TextField(
        "what are your plans to maintain or improve practice?", blank=True
    )
    actions = models.ManyToManyField(Action, blank=True, related_name="self_evaluations")
    measures = models.ManyToManyField(Measure, blank=True, related_name="self_evaluations")
    illustrative = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[actions, measures], excluded_fields=["updated_at"])

    class Meta:
        ordering = ["organisation__name", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="one_self_evaluation_a_year"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} self-evaluation {self.year}"

    def get_absolute_url(self):
        return reverse("inspections:self_evaluation", kwargs={"pk": self.pk})


class Evidence(models.Model):
    """A piece of evidence a self-evaluation rests on: an audit, a report, feedback."""

    self_evaluation = models.ForeignKey(
        SelfEvaluation, on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(max_length=250)
    url = models.URLField(blank=True)
    note = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["self_evaluation", "order", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return self.title

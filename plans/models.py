"""Plans (strategies, improvement plans, action plans) and the links between them."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import Organisation, Person


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
    updates_need_approval = models.BooleanField(
        default=False,
        help_text="Officers' updates are submitted to the plan's owner (or a delegate below), "
        "and boards, dashboards and packs see them only once approved.",
    )
    update_approvers = models.ManyToManyField(
        Person,
        blank=True,
        related_name="approves_updates_of",
        verbose_name="delegates who may approve updates",
        help_text="People who may approve or return updates on the owner's behalf.",
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

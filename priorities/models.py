"""The structure of a plan above its actions: key issues, priorities, outcomes, objectives and
the other numbered lists plans carry (commitments, focus areas, values, ambitions...)."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import Person
from plans.models import Plan


class KeyIssue(models.Model):
    """A numbered challenge the plan responds to; priorities cite them ("Issues 1,2,3")."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="key_issues")
    number = models.CharField(max_length=20)
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="key_issue_number_unique"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Priority(models.Model):
    """The top level of a plan (improvement area, theme, strategic priority, principle)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    number = models.CharField(max_length=20, help_text='As the plan writes it: "1", "SP1".')
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    statement = models.TextField("purpose or statement", blank=True)
    notes = models.TextField(
        "other text from the plan",
        blank=True,
        help_text="Columns of an imported plan kept as text on the priority (as "
        '"Heading: text"), and the "Priority notes" column of an exported plan.',
    )
    key_issues = models.ManyToManyField(KeyIssue, blank=True, related_name="priorities")
    lead = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="led_priorities"
    )

    history = HistoricalRecords(m2m_fields=[key_issues])

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="priority_number_unique"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def clean(self):
        super().clean()
        if self.pk and self.plan_id:
            wrong = [i for i in self.key_issues.all() if i.plan_id != self.plan_id]
            if wrong:
                raise ValidationError({"key_issues": "Key issues must belong to the same plan."})


class Outcome(models.Model):
    """An optional level under a priority ("1.1 A skilled, professional and stable workforce")."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="outcomes")
    number = models.CharField(max_length=20)
    order = models.PositiveIntegerField(default=0)
    title = models.TextField()
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "number"], name="outcome_number_unique"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"[:120]


class Objective(models.Model):
    """An optional level under a priority or one of its outcomes."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="objectives")
    outcome = models.ForeignKey(
        Outcome, on_delete=models.CASCADE, null=True, blank=True, related_name="objectives"
    )
    number = models.CharField(max_length=20)
    order = models.PositiveIntegerField(default=0)
    title = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "number"], name="objective_number_unique"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"[:120]

    def clean(self):
        super().clean()
        if self.outcome_id and self.priority_id and self.outcome.priority_id != self.priority_id:
            raise ValidationError({"outcome": "The outcome must sit under the same priority."})


class PlanStatement(models.Model):
    """Any other numbered list a plan carries, kept so nothing in a council's document is lost:
    "how we will work" commitments, annual focus areas, values, principles, ambitions, business
    areas, cohorts of children in focus..."""

    class Kind(models.TextChoices):
        COMMITMENT = "commitment", "How we will work (commitment)"
        FOCUS_AREA = "focus_area", "Focus area for the year"
        VALUE = "value", "Value"
        PRINCIPLE = "principle", "Guiding principle"
        KEY_PRINCIPLE = "key_principle", "Key principle (of a priority)"
        WAY_OF_WORKING = "way_of_working", "Way we will work (of a priority)"
        AMBITION = "ambition", "Ambition"
        BUSINESS_AREA = "business_area", "Business area driving delivery"
        COHORT = "cohort", "Children in focus"
        IMPERATIVE = "imperative", "Imperative"
        POLICY_PRIORITY = "policy_priority", "Policy priority"
        QUALITY_ASSURANCE = "quality_assurance", "Quality assurance"
        FEEDBACK = "feedback", "Feedback and insight"
        DEFINITION = "definition", "Definition"
        ACHIEVEMENT = "achievement", "Achievement to date"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    number = models.CharField(max_length=20, blank=True)
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    year = models.CharField(max_length=20, blank=True, help_text='e.g. "2017/18" for focus areas')
    priority = models.ForeignKey(
        Priority, on_delete=models.CASCADE, null=True, blank=True, related_name="statements"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "kind", "order", "pk"]

    def __str__(self):
        return f"{self.number}. {self.title}" if self.number else self.title

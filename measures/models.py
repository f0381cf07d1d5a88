"""Outcome measures (KPIs) tracked over time against targets and comparators."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import Organisation, Person
from plans.models import Plan
from priorities.models import Priority

PER_10K = Decimal(10000)


def rate_per_10000(count, population, places: int = 1) -> Decimal:
    """count / population x 10,000, rounded half up (454 of 32,180 is 141.1)."""
    if not population:
        raise ValueError("A rate needs a population greater than zero.")
    exact = Decimal(count) / Decimal(population) * PER_10K
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


class PopulationEstimate(models.Model):
    """A population estimate (e.g. mid-2016, 0-17) from which rates per 10,000 are computed.
    ``organisation`` is the council whose area it covers: a measure's rates use only the
    estimates of its own organisation's area."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="population_estimates",
        help_text="The council whose area this is: its measures' rates use this estimate.",
    )
    area = models.CharField(max_length=200)
    year = models.PositiveIntegerField(help_text="The estimate's year (mid-year estimates).")
    age_band = models.CharField(max_length=20, default="0-17")
    count = models.PositiveIntegerField()
    source = models.CharField(max_length=300, blank=True)
    illustrative = models.BooleanField(default=False)

    class Meta:
        ordering = ["area", "-year", "age_band"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "year", "age_band"], name="one_population_estimate"
            ),
            models.CheckConstraint(condition=Q(count__gt=0), name="population_positive"),
        ]

    def __str__(self):
        return f"{self.area} {self.age_band} ({self.year}): {self.count:,}"


class Measure(models.Model):
    class Unit(models.TextChoices):
        COUNT = "count", "Count"
        PERCENTAGE = "percentage", "Percentage"
        RATE_PER_10000 = "rate_per_10000", "Rate per 10,000 children"
        SCORE = "score", "Score"
        DAYS = "days", "Days"
        NUMBER = "number", "Number"

    class Polarity(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"
        MONITOR = "monitor", "Monitored (neither is better)"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        ANNUAL = "annual", "Annual"
        ACADEMIC_YEAR = "academic_year", "Academic year"
        AS_AT_DATE = "as_at_date", "As at a date"

    code = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.COUNT)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.HIGHER)
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    source = models.CharField(max_length=300, blank=True)
    annual_only = models.BooleanField("annual measure only", default=False)
    for_publication = models.BooleanField(
        default=False, help_text="Small counts (1 to 5) are shown as c when published."
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="measures"
    )
    owner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_measures",
        help_text="Enters values for this measure.",
    )
    plans = models.ManyToManyField(Plan, blank=True, related_name="measures")
    priorities = models.ManyToManyField(Priority, blank=True, related_name="measures")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("measures:detail", kwargs={"code": self.code})


class PeriodFields(models.Model):
    period_start = models.DateField()
    period_end = models.DateField()
    label = models.CharField(max_length=100, help_text='e.g. "2023/24 Q2", "As at 28 Feb 2018"')

    class Meta:
        abstract = True


class MeasureValue(PeriodFields):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        blank=True,
        help_text="Leave blank for a rate to compute it from the count and population.",
    )
    numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    population = models.ForeignKey(
        PopulationEstimate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="values",
        help_text="For a rate per 10,000: the estimate it was computed from.",
    )
    note = models.CharField(max_length=500, blank=True)
    illustrative = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period_start"], name="one_value_per_measure_period"
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")), name="value_period_start_before_end"
            ),
        ]

    def __str__(self):
        return f"{self.measure.code} {self.label}: {self.value}"

    def save(self, *args, **kwargs):
        self.compute_rate()
        super().save(*args, **kwargs)

    def compute_rate(self):
        """A rate per 10,000 takes its denominator from the population estimate it names."""
        if self.population_id and self.numerator is not None:
            self.denominator = Decimal(self.population.count)
            if self.value is None:
                self.value = rate_per_10000(self.numerator, self.population.count)

    def clean(self):
        super().clean()
        self.compute_rate()
        if self.value is None:
            if (
                self.numerator is not None
                and self.denominator
                and self.measure_id
                and (self.measure.unit == Measure.Unit.RATE_PER_10000)
            ):
                self.value = rate_per_10000(self.numerator, self.denominator)
            else:
                raise ValidationError({"value": "Enter a value (or a count and a population)."})
        if self.numerator is not None and self.denominator:
            if self.measure_id and self.measure.unit == Measure.Unit.RATE_PER_10000:
                expected = rate_per_10000(self.numerator, self.denominator)
            elif self.measure_id and self.measure.unit == Measure.Unit.PERCENTAGE:
                expected = (Decimal(self.numerator) / Decimal(self.denominator) * 100).quantize(
                    Decimal("0.1"), rounding=ROUND_HALF_UP
                )
            else:
                return
            if self.value is not None and abs(Decimal(self.value) - expected) > Decimal("0.1"):
                raise ValidationError(
                    {"value": f"The value should be {expected} for this numerator and denominator."}
                )


class Target(PeriodFields):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(max_digits=14, decimal_places=4)
    amber_tolerance = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        default=0,
        help_text="How far on the wrong side of the target still counts as amber.",
    )
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period_start"], name="one_target_per_measure_period"
            ),
            models.CheckConstraint(
                condition=Q(amber_tolerance__gte=0), name="target_tolerance_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.measure.code} target {self.label}: {self.value}"


class Comparator(PeriodFields):
    class Kind(models.TextChoices):
        ENGLAND = "england", "England average"
        REGION = "region", "Regional average"
        STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours average"
        BEST_NEIGHBOUR = "best_neighbour", "Best statistical neighbour"
        TOP_QUARTILE = "top_quartile", "Top quartile threshold"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="comparators")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    value = models.DecimalField(max_digits=14, decimal_places=4)
    method = models.CharField(
        max_length=1000,
        blank=True,
        help_text="How the figure was computed from published figures (blank when published).",
    )
    illustrative = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "period_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "kind", "period_start"], name="one_comparator_per_kind_period"
            ),
        ]

    def __str__(self):
        return f"{self.measure.code} {self.get_kind_display()} {self.label}: {self.value}"


#: Symbols that official statistics put where a figure is not published, and what each means
#: (the Government Statistical Service's and the Department for Education's conventions).
SUPPRESSION_SYMBOLS = {
    "c": "confidential: suppressed to protect individuals (usually a small number)",
    "x": "not available",
    "z": "not applicable",
    "low": "a positive figure that rounds to zero",
    "k": "a positive figure that rounds to zero",
    "..": "not available",
    ":": "not available",
    "~": "a positive figure that rounds to zero",
    "*": "suppressed (an older convention, usually a small number)",
    "n/a": "not available",
}


class UnpublishedFigure(PeriodFields):
    """A figure that a published table gives as a symbol ("c", "x", "..") instead of a number:
    the measure's own value or a comparator for a period, shown as "not published" with the
    symbol's meaning, never as 0. A number recorded later for the same period replaces it."""

    VALUE = "value"
    SERIES_CHOICES = [(VALUE, "Our value"), *Comparator.Kind.choices]
    SYMBOL_CHOICES = [(s, f"{s} ({meaning})") for s, meaning in SUPPRESSION_SYMBOLS.items()]

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="unpublished")
    series = models.CharField(max_length=30, choices=SERIES_CHOICES, default=VALUE)
    symbol = models.CharField(max_length=5, choices=SYMBOL_CHOICES)
    note = models.CharField(max_length=500, blank=True)
    illustrative = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "period_start", "series"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "series", "period_start"], name="one_unpublished_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=F("period_end")),
                name="unpublished_period_start_before_end",
            ),
        ]

    def __str__(self):
        return f"{self.measure.code} {self.get_series_display()} {self.label}: {self.symbol}"

    @property
    def meaning(self) -> str:
        return SUPPRESSION_SYMBOLS.get(self.symbol, "not published")


class StatisticalNeighbour(models.Model):
    """One council's statistical neighbour, as the Department for Education lists them (each
    council's ten nearest, ranked). Replaced as a whole by each import of the list."""

    council_code = models.CharField(max_length=20, help_text='e.g. "808" or "E06000004"')
    council_name = models.CharField(max_length=200)
    rank = models.PositiveSmallIntegerField()
    neighbour_code = models.CharField(max_length=20, blank=True)
    neighbour_name = models.CharField(max_length=200)
    source = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["council_name", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["council_code", "rank"], name="one_neighbour_per_rank"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="neighbour_rank_positive"),
        ]

    def __str__(self):
        return f"{self.council_name}: {self.rank}. {self.neighbour_name}"

"""The API's tables: one flat, "long" table per record type, as BI tools want them.

Each ``Table`` names its columns once. From that one list come the list query (a single
``values()`` query with the joins and subqueries it needs: no query per row, whatever the page
size), the serializer (and so the OpenAPI schema), the CSV columns, the filters and the moment
used for ``updated_since`` and ``Last-Modified``. Many-to-many links are tables of their own
(``measure-plans``, ``board-plans``, ``action-tags``, ``inspection-plans``,
``recommendation-actions``, ``recommendation-measures``) rather than lists inside a row, so that
every row is flat in CSV as in JSON.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from rest_framework import serializers

from actions.models import Action, ReportingPeriod, StatusUpdate
from actions.querysets import overdue_q
from api.scope import Scope
from boards.models import Board, IssuedPack, Meeting
from core.links import url_for_each
from core.models import Organisation
from core.rag import Rating
from inspections.models import (
    Deadline,
    Grade,
    Inspection,
    Judgement,
    Recommendation,
    RecommendationAction,
    VisitFinding,
)
from inspections.working_days import add_working_days
from measures.models import Comparator, Measure, MeasureValue, PopulationEstimate, Target
from plans.models import Plan
from priorities.models import Objective, Outcome, Priority

UTC = dt.UTC
RATING_LABELS = dict(Rating.choices)


# Field builders (the schema's types) ---------------------------------------------------------
def integer(help_text="", null=False):
    return serializers.IntegerField(help_text=help_text, allow_null=null)


def text(help_text="", null=False):
    return serializers.CharField(help_text=help_text, allow_null=null, allow_blank=True)


def choice(model_field, help_text=""):
    return serializers.ChoiceField(
        choices=model_field.choices, help_text=help_text, allow_blank=model_field.blank
    )


def boolean(help_text=""):
    return serializers.BooleanField(help_text=help_text)


def day(help_text="", null=False):
    return serializers.DateField(help_text=help_text, allow_null=null)


def moment(help_text="", null=False):
    return serializers.DateTimeField(help_text=help_text, allow_null=null, default_timezone=UTC)


def decimal(help_text="", null=False):
    return serializers.DecimalField(
        max_digits=14,
        decimal_places=4,
        coerce_to_string=False,
        allow_null=null,
        help_text=help_text,
    )


@dataclass(frozen=True)
class Column:
    """One column: its name, its type (a DRF field), and where its value comes from: a model
    field path (``source``), an expression, or a function of the row (``compute``)."""

    name: str
    field: serializers.Field
    source: str | None = None
    expr: Any = None  # an expression, or a function returning one (built per query)
    compute: Callable[[dict], Any] | None = None

    @property
    def is_text(self) -> bool:
        return isinstance(self.field, serializers.CharField) and not isinstance(
            self.field, serializers.ChoiceField
        )


def history_moment(model):
    """The moment of the latest change of each row, from its simple-history records."""
    history = model.history.model
    return Subquery(
        history.objects.filter(id=OuterRef("pk"))
        .order_by("-history_date")
        .values("history_date")[:1]
    )


@dataclass
class Table:
    name: str  # the URL segment, e.g. "status-updates"
    model: type
    columns: list[Column]
    scope: Callable[[Scope], Q]
    description: str
    plan: str | None = None  # the path of the plan id, for ?plan=
    organisation: str | None = None  # the path of the organisation id, for ?organisation=
    modified: str | None = None  # the column that says when a row last changed
    period: str | None = None  # the path of the reporting period id, for ?period=
    period_start: str | None = None  # the path of the period start, for ?period_from/_to
    through: bool = False  # a link table (no schema model of its own)
    rows: Callable[[], Any] | None = None  # the model's rows before scoping (default: all)
    filterset_class: type | None = field(default=None, repr=False)
    _serializer: type | None = field(default=None, repr=False)

    @property
    def basename(self) -> str:
        return self.name.replace("-", "_")

    def base_queryset(self):
        return self.rows() if self.rows is not None else self.model.objects.all()

    def queryset(self, scope: Scope):
        """The visible rows as dicts keyed by column name, in a stable order (by id)."""
        plain, named = [], {}
        for col in self.columns:
            if col.compute is not None:
                continue
            if col.expr is not None:
                named[col.name] = col.expr() if callable(col.expr) else col.expr
            elif col.source is None or col.source == col.name:
                plain.append(col.name)
            else:
                named[col.name] = F(col.source)
        return self.base_queryset().filter(self.scope(scope)).values(*plain, **named).order_by("id")

    def complete(self, rows):
        """Add the computed columns to rows fetched by ``queryset``."""
        computed = [c for c in self.columns if c.compute is not None]
        if not computed:
            return rows
        for row in rows:
            for col in computed:
                row[col.name] = col.compute(row)
        return rows

    @property
    def serializer_class(self) -> type[serializers.Serializer]:
        if self._serializer is None:
            attrs = {c.name: copy.deepcopy(c.field) for c in self.columns}
            name = "".join(part.title() for part in self.name.split("-"))
            attrs["Meta"] = type("Meta", (), {"ref_name": name})
            self._serializer = type(f"{name}Row", (serializers.Serializer,), attrs)
        return self._serializer


def _rating_label(row):
    return RATING_LABELS.get(row["rating"], "")


def _lazy_url(url_name: str, kwarg: str, key: str):
    """A column function giving each row's page address (one ``reverse()`` per request)."""
    holder = {}

    def compute(row):
        if "f" not in holder:
            holder["f"] = url_for_each(url_name, kwarg)
        return holder["f"](row[key])

    return compute


def _overdue():
    # Built with each queryset, so that "today" is today. A Case, not the bare condition: a
    # missing due date must read false, not null.
    return Case(
        When(overdue_q(), then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _labels(column: str, choices) -> Callable[[dict], str]:
    """A column function giving the label of a choice column's value."""
    labels = dict(choices)
    return lambda row: labels.get(row[column], "")


AREA_LABELS = dict(Judgement.Area.choices)
FINDING_LABELS = dict(Recommendation.Kind.choices)
DEADLINE_LABELS = dict(Deadline.Kind.choices)


def _area_label(row):
    if row["area"] == Judgement.Area.OTHER:
        return row["other_area"]
    return AREA_LABELS.get(row["area"], "")


def _recommendation_label(row):
    return f"{FINDING_LABELS.get(row['kind'], '')} {row['number']}".strip()


def _deadline_name(row):
    return row["label"] or DEADLINE_LABELS.get(row["kind"], "")


def _computed_due(row):
    """The due date the rules give (working days from the basis date), as the pages work it out."""
    start = row["basis_date"]
    return add_working_days(start, row["working_days"]) if start else None


def _deadline_due(row):
    return row["override_due"] or _computed_due(row)


def _basis_date():
    return Case(
        *(
            When(basis=basis, then=F(f"inspection__{basis}"))
            for basis in Deadline.Basis.values  # each basis names a date of the inspection
        ),
        default=Value(None),
        output_field=DateField(),
    )


def _overall_grade():
    return Subquery(
        Judgement.objects.filter(inspection_id=OuterRef("pk"), area=Judgement.Area.OVERALL)
        .order_by("order", "pk")
        .values("grade")[:1]
    )


def _visit_date():
    return Coalesce(F("visit__on_site_end"), F("visit__on_site_start"), F("visit__report_received"))


ID = Column("id", integer("Identifier, stable for the life of the record."))
PLAN_ID = Column("plan_id", integer("The plan (see /plans/)."))


def _plan_scope(path):
    return lambda s: s.plans_q(path)


TABLES: list[Table] = [
    Table(
        "organisations",
        Organisation,
        [
            ID,
            Column("name", text()),
            Column("short_name", text()),
            Column("kind", choice(Organisation._meta.get_field("kind"))),
        ],
        scope=lambda s: s.organisations_q(),
        description="Councils and partner agencies that own the plans you may see.",
        plan="plans",
        organisation="id",
    ),
    Table(
        "plans",
        Plan,
        [
            ID,
            Column("slug", text("The plan's key in page addresses.")),
            Column("title", text()),
            Column("kind", choice(Plan._meta.get_field("kind"))),
            Column("status", choice(Plan._meta.get_field("status"))),
            Column("organisation_id", integer()),
            Column("organisation_name", text(), source="organisation__name"),
            Column("start", day("Start of the plan's period.")),
            Column("end", day("End of the plan's period.")),
            Column("version_label", text('e.g. "Draft April 2023".')),
            Column("priority_label", text('What the plan calls its top level ("Priority").')),
            Column("outcome_label", text()),
            Column("objective_label", text()),
            Column("action_label", text()),
            Column("numbering", choice(Plan._meta.get_field("numbering"))),
            Column("reporting_cadence", choice(Plan._meta.get_field("reporting_cadence"))),
            Column("owner_name", text(null=True), source="owner__name"),
            Column("created_at", moment()),
            Column("updated_at", moment()),
            Column(
                "url", text("The plan's page."), compute=_lazy_url("plans:detail", "slug", "slug")
            ),
        ],
        scope=_plan_scope("pk"),
        description="Plans: strategies, improvement plans, action plans and business plans.",
        plan="id",
        organisation="organisation_id",
        modified="updated_at",
    ),
    Table(
        "priorities",
        Priority,
        [
            ID,
            PLAN_ID,
            Column("number", text('As the plan writes it: "1", "SP1".')),
            Column("order", integer("Position in the plan.")),
            Column("title", text()),
            Column("statement", text()),
            Column("lead_name", text(null=True), source="lead__name"),
            Column("modified_at", moment(null=True), expr=history_moment(Priority)),
        ],
        scope=_plan_scope("plan_id"),
        description="The top level of each plan (improvement areas, themes, principles).",
        plan="plan_id",
        organisation="plan__organisation_id",
        modified="modified_at",
    ),
    Table(
        "outcomes",
        Outcome,
        [
            ID,
            Column("plan_id", integer(), source="priority__plan_id"),
            Column("priority_id", integer()),
            Column("number", text()),
            Column("order", integer()),
            Column("title", text()),
            Column("description", text()),
            Column("modified_at", moment(null=True), expr=history_moment(Outcome)),
        ],
        scope=_plan_scope("priority__plan_id"),
        description="Outcomes under priorities (optional level).",
        plan="priority__plan_id",
        organisation="priority__plan__organisation_id",
        modified="modified_at",
    ),
    Table(
        "objectives",
        Objective,
        [
            ID,
            Column("plan_id", integer(), source="priority__plan_id"),
            Column("priority_id", integer()),
            Column("outcome_id", integer(null=True)),
            Column("number", text()),
            Column("order", integer()),
            Column("title", text()),
            Column("modified_at", moment(null=True), expr=history_moment(Objective)),
        ],
        scope=_plan_scope("priority__plan_id"),
        description="Objectives under priorities or outcomes (optional level).",
        plan="priority__plan_id",
        organisation="priority__plan__organisation_id",
        modified="modified_at",
    ),
    Table(
        "actions",
        Action,
        [
            ID,
            PLAN_ID,
            Column("priority_id", integer()),
            Column("outcome_id", integer(null=True)),
            Column("objective_id", integer(null=True)),
            Column("number", text('"1.1.3" or "37".')),
            Column("sequence", integer("Order within its parent.")),
            Column("description", text()),
            Column("success_criteria", text()),
            Column("lead_id", integer(null=True)),
            Column(
                "lead_name",
                text("The lead as written, or the lead officer's name.", null=True),
                expr=Coalesce(NullIf(F("lead_text"), Value("")), F("lead__name")),
            ),
            Column("timescale_text", text("The timescale as written.")),
            Column(
                "timescale_kind",
                choice(Action._meta.get_field("timescale_kind"), "How it was understood."),
            ),
            Column("timescale_start", day(null=True)),
            Column("timescale_due", day(null=True)),
            Column(
                "overdue",
                boolean("Past its due date and not complete, whatever its rating."),
                expr=_overdue,
            ),
            Column("rating", choice(Action._meta.get_field("rating"), "The current rating.")),
            Column("rating_label", text(), compute=_rating_label),
            Column("rating_updated_at", moment(null=True)),
            Column("created_at", moment()),
            Column("updated_at", moment()),
            Column(
                "url", text("The action's page."), compute=_lazy_url("actions:detail", "pk", "id")
            ),
        ],
        scope=_plan_scope("plan_id"),
        description="Actions with their current RAG rating (the latest update's).",
        plan="plan_id",
        organisation="plan__organisation_id",
        modified="updated_at",
    ),
    Table(
        "action-tags",
        Action.tags.through,
        [
            ID,
            Column("action_id", integer()),
            Column("plan_id", integer(), source="action__plan_id"),
            Column("tag_name", text(), source="tag__name"),
        ],
        scope=_plan_scope("action__plan_id"),
        description='Tags of actions, one row per action and tag ("Ofsted Improvement Action 3").',
        plan="action__plan_id",
        organisation="action__plan__organisation_id",
        through=True,
    ),
    Table(
        "reporting-periods",
        ReportingPeriod,
        [
            ID,
            PLAN_ID,
            Column("label", text()),
            Column("start", day()),
            Column("end", day()),
            Column("closes_on", day("Updates are due by this date.")),
            Column("modified_at", moment(null=True), expr=history_moment(ReportingPeriod)),
        ],
        scope=_plan_scope("plan_id"),
        description="The windows in which one update per action is given.",
        plan="plan_id",
        organisation="plan__organisation_id",
        modified="modified_at",
        period="id",
        period_start="start",
    ),
    Table(
        "status-updates",
        StatusUpdate,
        [
            ID,
            Column("action_id", integer()),
            Column("plan_id", integer(), source="action__plan_id"),
            Column("action_number", text(), source="action__number"),
            Column("period_id", integer(null=True)),
            Column("period_label", text(null=True), source="period__label"),
            Column("period_start", day(null=True), source="period__start"),
            Column("period_end", day(null=True), source="period__end"),
            Column("lifecycle", choice(StatusUpdate._meta.get_field("lifecycle"))),
            Column("confidence", choice(StatusUpdate._meta.get_field("confidence"))),
            Column("rating", choice(StatusUpdate._meta.get_field("rating"))),
            Column("rating_label", text(), compute=_rating_label),
            Column("commentary", text()),
            Column("issue", text("For red and amber: what the issue is.")),
            Column("mitigation", text("For red and amber: what is being done.")),
            Column("resolve_by", day(null=True)),
            Column("outside_control", boolean()),
            Column("evidence_of_impact", text()),
            Column("proposed_timescale", text()),
            Column("proposed_timescale_reason", text()),
            Column("escalate", boolean("Escalated to the board.")),
            Column("author_name", text("As recorded at the time.")),
            Column("created_at", moment("When the rating was given.")),
            Column("updated_at", moment()),
            Column("illustrative", boolean("Demo data, not a real rating.")),
        ],
        scope=_plan_scope("action__plan_id"),
        description=(
            "Every RAG rating boards may see: one row per action per reporting period. Where a "
            "plan's updates need approval, an update appears once its plan owner approves it."
        ),
        rows=lambda: StatusUpdate.objects.approved(),
        plan="action__plan_id",
        organisation="action__plan__organisation_id",
        modified="updated_at",
        period="period_id",
        period_start="period__start",
    ),
    Table(
        "measures",
        Measure,
        [
            ID,
            Column("code", text()),
            Column("title", text()),
            Column("definition", text()),
            Column("unit", choice(Measure._meta.get_field("unit"))),
            Column("polarity", choice(Measure._meta.get_field("polarity"))),
            Column("frequency", choice(Measure._meta.get_field("frequency"))),
            Column("source", text()),
            Column("annual_only", boolean()),
            Column("for_publication", boolean()),
            Column("organisation_id", integer(null=True)),
            Column("owner_name", text(null=True), source="owner__name"),
            Column("created_at", moment()),
            Column("updated_at", moment()),
            Column(
                "url",
                text("The measure's page."),
                compute=_lazy_url("measures:detail", "code", "code"),
            ),
        ],
        scope=lambda s: s.measures_q(),
        description="Outcome measures (KPIs). Their plans are in /measure-plans/.",
        plan="plans",
        organisation="organisation_id",
        modified="updated_at",
    ),
    Table(
        "measure-plans",
        Measure.plans.through,
        [ID, Column("measure_id", integer()), PLAN_ID],
        scope=lambda s: s.measures_q("measure_id") & s.plans_q("plan_id"),
        description="Which plans each measure belongs to, one row per measure and plan.",
        plan="plan_id",
        organisation="plan__organisation_id",
        through=True,
    ),
    Table(
        "measure-values",
        MeasureValue,
        [
            ID,
            Column("measure_id", integer()),
            Column("measure_code", text(), source="measure__code"),
            Column("period_start", day()),
            Column("period_end", day()),
            Column("label", text('The period as written, e.g. "2023/24 Q2".')),
            Column("value", decimal()),
            Column("numerator", decimal("The count the value is computed from.", null=True)),
            Column("denominator", decimal(null=True)),
            Column("population_id", integer(null=True)),
            Column("note", text()),
            Column("illustrative", boolean()),
            Column("created_at", moment()),
            Column("modified_at", moment(null=True), expr=history_moment(MeasureValue)),
        ],
        scope=lambda s: s.measures_q("measure_id"),
        description="Measure values by period (corrections change the row; see modified_at).",
        plan="measure__plans",
        organisation="measure__organisation_id",
        modified="modified_at",
        period_start="period_start",
    ),
    Table(
        "targets",
        Target,
        [
            ID,
            Column("measure_id", integer()),
            Column("measure_code", text(), source="measure__code"),
            Column("period_start", day()),
            Column("period_end", day()),
            Column("label", text()),
            Column("value", decimal()),
            Column("amber_tolerance", decimal()),
            Column("illustrative", boolean()),
            Column("modified_at", moment(null=True), expr=history_moment(Target)),
        ],
        scope=lambda s: s.measures_q("measure_id"),
        description="Targets of measures by period, with their amber tolerance.",
        plan="measure__plans",
        organisation="measure__organisation_id",
        modified="modified_at",
        period_start="period_start",
    ),
    Table(
        "comparators",
        Comparator,
        [
            ID,
            Column("measure_id", integer()),
            Column("measure_code", text(), source="measure__code"),
            Column("kind", choice(Comparator._meta.get_field("kind"))),
            Column("period_start", day()),
            Column("period_end", day()),
            Column("label", text()),
            Column("value", decimal()),
            Column("illustrative", boolean()),
            Column("modified_at", moment(null=True), expr=history_moment(Comparator)),
        ],
        scope=lambda s: s.measures_q("measure_id"),
        description="England, regional and statistical-neighbour comparators of measures.",
        plan="measure__plans",
        organisation="measure__organisation_id",
        modified="modified_at",
        period_start="period_start",
    ),
    Table(
        "population-estimates",
        PopulationEstimate,
        [
            ID,
            Column("area", text()),
            Column("year", integer()),
            Column("age_band", text()),
            Column("count", integer()),
            Column("source", text()),
        ],
        scope=lambda s: s.populations_q(),
        description="Population estimates that rates per 10,000 are computed from.",
    ),
    Table(
        "boards",
        Board,
        [
            ID,
            Column("name", text()),
            Column("organisation_id", integer()),
            Column("purpose", text()),
            Column("cadence", choice(Board._meta.get_field("cadence"))),
            Column("cadence_note", text()),
            Column("modified_at", moment(null=True), expr=history_moment(Board)),
        ],
        scope=lambda s: s.boards_q(),
        description="Boards that oversee plans. The plans they oversee are in /board-plans/.",
        plan="plans",
        organisation="organisation_id",
        modified="modified_at",
    ),
    Table(
        "board-plans",
        Board.plans.through,
        [ID, Column("board_id", integer()), PLAN_ID],
        scope=lambda s: s.boards_q("board_id") & s.plans_q("plan_id"),
        description="Which plans each board oversees, one row per board and plan.",
        plan="plan_id",
        organisation="plan__organisation_id",
        through=True,
    ),
    Table(
        "meetings",
        Meeting,
        [
            ID,
            Column("board_id", integer()),
            Column("date", day()),
            Column("title", text()),
            Column("kind", choice(Meeting._meta.get_field("kind"))),
            Column("illustrative", boolean("Demo data: the meeting is made up.")),
            Column(
                "pack_issued_at",
                moment("When the meeting's board pack was issued, if it has been.", null=True),
                expr=Subquery(
                    IssuedPack.objects.filter(meeting_id=OuterRef("pk")).values("issued_at")[:1]
                ),
            ),
        ],
        scope=lambda s: s.boards_q("board_id"),
        description="Meetings of the boards, with when their pack was issued.",
        plan="board__plans",
        organisation="board__organisation_id",
    ),
    Table(
        "inspections",
        Inspection,
        [
            ID,
            Column("organisation_id", integer()),
            Column("organisation_name", text(), source="organisation__name"),
            Column("kind", choice(Inspection._meta.get_field("kind"))),
            Column("kind_label", text(), compute=_labels("kind", Inspection.Kind.choices)),
            Column("title", text('As the report names it, e.g. "Focused visit: the front door".')),
            Column("inspectorate", text('Who carried it out: "Ofsted", "DfE", "LGA".')),
            Column("on_site_start", day("First day on site.", null=True)),
            Column("on_site_end", day("Last day on site.", null=True)),
            Column(
                "report_received",
                day(
                    "When the report was received (statutory deadlines count from here).", null=True
                ),
            ),
            Column("published", day("When the report was published.", null=True)),
            Column(
                "follows_id",
                integer("For a monitoring visit, notice or review: what it follows up.", null=True),
            ),
            Column(
                "overall_grade",
                serializers.ChoiceField(
                    choices=Grade.choices,
                    allow_null=True,
                    help_text="The overall effectiveness judgement, if it has one.",
                ),
                expr=_overall_grade,
            ),
            Column("adviser", text("Adviser or commissioner appointed by the DfE.")),
            Column("report_url", text("Link to the report.")),
            Column("summary", text()),
            Column("illustrative", boolean("Demo data: some of its facts are made up.")),
            Column("created_at", moment()),
            Column("updated_at", moment()),
            Column(
                "url",
                text("The inspection's page."),
                compute=_lazy_url("inspections:detail", "pk", "id"),
            ),
        ],
        scope=lambda s: s.inspections_q(),
        description="Inspections, visits, notices and reviews of children's services. The plans "
        "that respond to each are in /inspection-plans/.",
        plan="plans",
        organisation="organisation_id",
        modified="updated_at",
    ),
    Table(
        "inspection-plans",
        Inspection.plans.through,
        [ID, Column("inspection_id", integer()), PLAN_ID],
        scope=lambda s: s.inspections_q("inspection_id") & s.plans_q("plan_id"),
        description="Which plans respond to each inspection, one row per inspection and plan.",
        plan="plan_id",
        organisation="plan__organisation_id",
        through=True,
    ),
    Table(
        "judgements",
        Judgement,
        [
            ID,
            Column("inspection_id", integer()),
            Column("area", choice(Judgement._meta.get_field("area"))),
            Column("other_area", text("The area's name when area is other.")),
            Column("area_label", text(), compute=_area_label),
            Column("grade", choice(Judgement._meta.get_field("grade"))),
            Column("grade_label", text(), compute=_labels("grade", Grade.choices)),
            Column("order", integer()),
            Column("modified_at", moment(null=True), expr=history_moment(Judgement)),
        ],
        scope=lambda s: s.inspections_q("inspection_id"),
        description="The judgements of each inspection: overall effectiveness and the others.",
        plan="inspection__plans",
        organisation="inspection__organisation_id",
        modified="modified_at",
    ),
    Table(
        "recommendations",
        Recommendation,
        [
            ID,
            Column("inspection_id", integer()),
            Column("organisation_id", integer(), source="inspection__organisation_id"),
            Column("kind", choice(Recommendation._meta.get_field("kind"))),
            Column("number", text('As numbered in the report: "1", "3a".')),
            Column(
                "label", text('e.g. "Area for priority action 2".'), compute=_recommendation_label
            ),
            Column("text", text("The text as published.")),
            Column("order", integer()),
            Column("illustrative", boolean("Demo data: the wording is made up.")),
            Column("created_at", moment()),
            Column("modified_at", moment(null=True), expr=history_moment(Recommendation)),
            Column(
                "url",
                text("The finding's page."),
                compute=_lazy_url("inspections:recommendation", "pk", "id"),
            ),
        ],
        scope=lambda s: s.inspections_q("inspection_id"),
        description="The findings of inspections (recommendations, areas for priority action, "
        "areas for improvement). The actions answering them are in /recommendation-actions/.",
        plan="inspection__plans",
        organisation="inspection__organisation_id",
        modified="modified_at",
    ),
    Table(
        "recommendation-actions",
        RecommendationAction,
        [
            ID,
            Column("recommendation_id", integer()),
            Column("inspection_id", integer(), source="recommendation__inspection_id"),
            Column("action_id", integer()),
            Column("plan_id", integer(), source="action__plan_id"),
            Column("action_number", text(), source="action__number"),
            Column("created_at", moment("When the action was linked to the finding.")),
        ],
        scope=lambda s: (
            s.inspections_q("recommendation__inspection_id") & s.plans_q("action__plan_id")
        ),
        description="Which actions answer each finding, one row per finding and action.",
        plan="action__plan_id",
        organisation="recommendation__inspection__organisation_id",
        modified="created_at",
    ),
    Table(
        "recommendation-measures",
        Recommendation.measures.through,
        [ID, Column("recommendation_id", integer()), Column("measure_id", integer())],
        scope=lambda s: (
            s.inspections_q("recommendation__inspection_id") & s.measures_q("measure_id")
        ),
        description="Measures that show whether a finding is being put right, one row per "
        "finding and measure.",
        plan="recommendation__inspection__plans",
        organisation="recommendation__inspection__organisation_id",
        through=True,
    ),
    Table(
        "visit-findings",
        VisitFinding,
        [
            ID,
            Column("visit_id", integer("The monitoring visit or review (see /inspections/).")),
            Column("visit_date", day(null=True), expr=_visit_date),
            Column("recommendation_id", integer()),
            Column(
                "inspection_id",
                integer("The inspection the finding is from."),
                source="recommendation__inspection_id",
            ),
            Column("progress", choice(VisitFinding._meta.get_field("progress"))),
            Column(
                "progress_label", text(), compute=_labels("progress", VisitFinding.Progress.choices)
            ),
            Column("said", text("What the visit said about the finding.")),
            Column("illustrative", boolean()),
            Column("modified_at", moment(null=True), expr=history_moment(VisitFinding)),
        ],
        scope=lambda s: (
            s.inspections_q("visit_id") & s.inspections_q("recommendation__inspection_id")
        ),
        description="What each monitoring visit or review said about each finding of the "
        "inspection it follows: one row per visit and finding.",
        plan="visit__plans",
        organisation="visit__organisation_id",
        modified="modified_at",
    ),
    Table(
        "deadlines",
        Deadline,
        [
            ID,
            Column("inspection_id", integer()),
            Column("kind", choice(Deadline._meta.get_field("kind"))),
            Column("name", text(), compute=_deadline_name),
            Column("label", text("The deadline's own name, if it has one.")),
            Column("basis", choice(Deadline._meta.get_field("basis"), "Counted from.")),
            Column(
                "basis_date",
                day("The inspection's date it counts from.", null=True),
                expr=_basis_date,
            ),
            Column("working_days", integer()),
            Column("source", text("Where the number of days comes from.")),
            Column(
                "computed_due",
                day("The due date the working days give (blank without a basis date).", null=True),
                compute=_computed_due,
            ),
            Column("override_due", day("A due date set by hand, with its reason.", null=True)),
            Column("override_reason", text()),
            Column("due", day("The due date in force.", null=True), compute=_deadline_due),
            Column("met_on", day("When it was done.", null=True)),
            Column("modified_at", moment(null=True), expr=history_moment(Deadline)),
        ],
        scope=lambda s: s.inspections_q("inspection_id"),
        description="The statutory deadlines that follow each report, in working days.",
        plan="inspection__plans",
        organisation="inspection__organisation_id",
        modified="modified_at",
    ),
]

BY_NAME = {t.name: t for t in TABLES}


def table_urls() -> dict[str, str]:
    return {t.name: reverse(f"api:{t.basename}-list") for t in TABLES}

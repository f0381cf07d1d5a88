"""The actions explorer's table (django-tables2), rendered by ``templates/includes/table.html``.

Every row's rating is a badge with the organisation's word for it as well as the colour; overdue
is a word, and a timescale the system could not read is said to be so (never shown as on time).
"""

import django_tables2 as tables
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from actions.timescales import TimescaleKind
from core.formatting import short_day_text
from core.presentation import legend_for, rating_badge
from core.rag import SEVERITY

PLAN_ORDER = ("plan__title", "priority__order", "priority__pk", "sequence", "pk")


def severity_order():
    """Worst first: red, amber, not started, green, complete."""
    return Case(
        *[When(rating=rating.value, then=Value(rank)) for rating, rank in SEVERITY.items()],
        output_field=IntegerField(),
    )


def overdue_text(action) -> str:
    if action.is_overdue:
        return "Overdue"
    if action.timescale_kind == TimescaleKind.UNPARSED:
        return "Timescale not understood"
    return ""


class ActionTable(tables.Table):
    number = tables.Column(verbose_name="No.", order_by=PLAN_ORDER)
    description = tables.Column(verbose_name="Action", orderable=False)
    plan = tables.Column(verbose_name="Plan", accessor="plan__title", order_by=PLAN_ORDER)
    priority = tables.Column(
        verbose_name="Priority", order_by=("plan__title", "priority__order", "priority__pk")
    )
    lead = tables.Column(verbose_name="Lead officer", empty_values=())
    timescale = tables.Column(
        verbose_name="Timescale", empty_values=(), order_by=("timescale_due",)
    )
    rating = tables.Column(verbose_name="RAG rating")
    overdue = tables.Column(verbose_name="Overdue", empty_values=(), orderable=False)

    class Meta:
        orderable = True
        template_name = "includes/table.html"
        attrs = {"class": "app-explorer-table"}
        empty_text = "No actions match these filters."

    row_header = "number"

    def __init__(self, *args, caption: str = "", **kwargs):
        self.caption = caption
        self._legends: dict = {}
        super().__init__(*args, **kwargs)

    def legend(self, organisation):
        key = organisation.pk if organisation else None
        if key not in self._legends:
            self._legends[key] = legend_for(organisation)
        return self._legends[key]

    def render_number(self, record):
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', record.get_absolute_url(), record.number
        )

    def render_description(self, record):
        text = Truncator(record.description).chars(240)
        tags = record.tags.all()
        if not tags:
            return text
        return format_html(
            '{}<br><span class="govuk-body-s app-muted">{}</span>',
            text,
            format_html_join(", ", "{}", ((t.name,) for t in tags)),
        )

    def render_plan(self, record):
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', record.plan.get_absolute_url(), record.plan
        )

    def render_priority(self, record):
        return f"{record.priority.number}. {record.priority.title}"

    def render_lead(self, record):
        return record.lead_display or "–"

    def render_timescale(self, record):
        if not record.timescale_text:
            return "Not given"
        if record.timescale_due and record.timescale_kind not in (
            TimescaleKind.DATE,
            TimescaleKind.ONGOING,
            TimescaleKind.RECURRING,
        ):
            return format_html(
                '{}<br><span class="govuk-body-s app-muted">due {}</span>',
                record.timescale_text,
                short_day_text(record.timescale_due),
            )
        return record.timescale_text

    def render_rating(self, record):
        return rating_badge(record.rating, self.legend(record.plan.organisation))

    def render_overdue(self, record):
        text = overdue_text(record)
        if text == "Overdue":
            return format_html('<strong class="app-flag">{}</strong>', text)
        if text:
            return format_html('<span class="app-muted">{}</span>', text)
        return ""

    def order_rating(self, queryset, is_descending):
        queryset = queryset.annotate(severity=severity_order()).order_by(
            F("severity").desc() if is_descending else F("severity").asc(), *PLAN_ORDER
        )
        return queryset, True

    def order_timescale(self, queryset, is_descending):
        due = F("timescale_due")
        queryset = queryset.order_by(
            due.desc(nulls_last=True) if is_descending else due.asc(nulls_last=True), *PLAN_ORDER
        )
        return queryset, True

    def order_lead(self, queryset, is_descending):
        """By the lead as shown: the lead as written, else the lead's name."""
        shown = Coalesce(NullIf("lead_text", Value("")), "lead__name")
        queryset = queryset.annotate(lead_shown=shown).order_by(
            F("lead_shown").desc(nulls_last=True)
            if is_descending
            else F("lead_shown").asc(nulls_last=True),
            *PLAN_ORDER,
        )
        return queryset, True

""" "My actions": what an officer leads or has been delegated, grouped by plan, with what needs
an update for the current reporting period. A fixed number of queries however many actions."""

from dataclasses import dataclass
from datetime import date

import django_filters
import django_tables2 as tables
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from actions.models import Action, StatusUpdate
from actions.periods import Window, current_windows
from actions.querysets import overdue_q
from core.formatting import short_day_text
from core.presentation import rating_badge
from core.rag import Rating
from plans.models import Plan
from plans.permissions import plans_visible_to


class MyActionsFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        queryset=Plan.objects.none(), label="Plan", empty_label="All plans"
    )
    rating = django_filters.ChoiceFilter(
        choices=Rating.choices, label="Rating", empty_label="Any rating"
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Overdue",
        widget=forms.Select(
            choices=[("", "Either"), ("true", "Overdue"), ("false", "Not overdue")]
        ),
    )
    update_due = django_filters.BooleanFilter(
        method="filter_noop",
        label="Update due",
        widget=forms.Select(
            choices=[("", "Either"), ("true", "Update due"), ("false", "Up to date")]
        ),
    )
    due_within = django_filters.NumberFilter(
        method="filter_due_within", label="Due within (days)", min_value=0, max_value=3650
    )

    class Meta:
        model = Action
        fields = ["plan", "rating"]

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["plan"].queryset = plans if plans is not None else Plan.objects.none()

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_due_within(self, queryset, name, value):
        return queryset.due_within(int(value))

    def filter_noop(self, queryset, name, value):
        return queryset  # applied after the periods are known (see my_actions)


@dataclass
class Row:
    action: Action
    update_due: bool

    # Attributes the table sorts and shows.
    @property
    def number(self):
        return self.action.number

    @property
    def sort_number(self):
        return tuple(int(p) if p.isdigit() else 0 for p in self.action.number.split("."))

    @property
    def description(self):
        return self.action.description

    @property
    def rating(self):
        return self.action.rating

    @property
    def due(self):
        return self.action.timescale_due or date.max

    @property
    def is_overdue(self):
        return self.action.is_overdue

    @property
    def updated(self):
        return self.action.rating_updated_at or timezone.make_aware(timezone.datetime(1900, 1, 1))


@dataclass
class PlanGroup:
    plan: Plan
    window: Window
    rows: list[Row]
    table: "MyActionsTable | None" = None


def my_actions(
    user, params, today: date | None = None, limit: int | None = None, *, listing: bool = True
):
    """(filterset, groups, next_due) for the signed-in officer. With ``limit``, at most that
    many actions are read (the page's row budget); ``filterset.over_limit`` then says whether
    there were more. ``listing=False`` reads the actions without what only the page shows
    (their tags, people and headings)."""
    today = today or timezone.localdate()
    person = getattr(user, "person", None) if user.is_authenticated else None
    base = Action.objects.none()
    if person is not None:
        # Only in plans the user may read: never another organisation's actions. The ids are
        # read first, in one query of two indexed lookups (led, delegated): as a subquery with
        # an OR, PostgreSQL joined every action of every plan before keeping the user's
        # (75 ms on 50,000 actions, against 2 ms).
        visible = plans_visible_to(user).values("pk")
        mine = Action.objects.filter(plan__in=visible).order_by()
        led = mine.filter(lead=person).values_list("pk", flat=True)
        delegated = mine.filter(delegates=person).values_list("pk", flat=True)
        base = Action.objects.filter(pk__in=list(led.union(delegated)))
    plans = Plan.objects.filter(pk__in=base.values("plan")).order_by("title")
    rows = base.for_listing() if listing else base.select_related("plan")
    filterset = MyActionsFilter(params, queryset=rows, plans=plans)
    actions = []
    if filterset.is_valid():
        ordered = filterset.qs.in_plan_order()
        actions = list(ordered if limit is None else ordered[: limit + 1])
    filterset.over_limit = limit is not None and len(actions) > limit
    actions = actions[:limit] if limit is not None else actions
    plan_objs = {a.plan_id: a.plan for a in actions}
    windows = current_windows(plan_objs.values(), today)
    period_ids = [period.pk for _, period in windows.values() if period is not None]
    updated_now = (
        set(
            StatusUpdate.objects.filter(
                action__in=[a.pk for a in actions], period_id__in=period_ids
            )
            .exclude(approval="returned")  # a returned update is due again
            .values_list("action_id", flat=True)
        )
        if actions
        else set()
    )
    want_due = filterset.form.cleaned_data.get("update_due") if filterset.is_valid() else None
    groups: dict[int, PlanGroup] = {}
    for action in actions:
        due = action.rating != Rating.COMPLETE and action.pk not in updated_now
        if want_due is not None and due != want_due:
            continue
        window = windows[action.plan_id][0]
        group = groups.setdefault(action.plan_id, PlanGroup(action.plan, window, []))
        group.rows.append(Row(action, due))
    closing = [g.window.closes_on for g in groups.values() if any(r.update_due for r in g.rows)]
    return filterset, list(groups.values()), (min(closing) if closing else None)


class MyActionsTable(tables.Table):
    sort_number = tables.Column(verbose_name="No.", order_by=("sort_number",))
    description = tables.Column(verbose_name="Action")
    rating = tables.Column(verbose_name="Rating")
    due = tables.Column(verbose_name="Timescale")
    update_due = tables.Column(verbose_name="Update")
    updated = tables.Column(verbose_name="Last updated")
    give = tables.Column(verbose_name="", orderable=False, empty_values=())

    class Meta:
        orderable = True
        template_name = "includes/table.html"

    def __init__(self, *args, legend=None, caption="", **kwargs):
        self.legend = legend
        self.caption = caption
        super().__init__(*args, **kwargs)

    def render_sort_number(self, record):
        return record.number

    def render_description(self, record):
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>',
            record.action.get_absolute_url(),
            record.description,
        )

    def render_rating(self, record):
        return rating_badge(record.rating, self.legend)

    def render_due(self, record):
        text = record.action.timescale_text or "Not given"
        if record.action.timescale_kind == "unparsed":
            text += " (not understood)"
        if record.is_overdue:
            return format_html('{}<br><strong class="app-flag">Overdue</strong>', text)
        return text

    def render_update_due(self, record):
        if record.update_due:
            return mark_safe('<strong class="govuk-tag govuk-tag--yellow">Update due</strong>')  # nosec B308 B703 - constant markup
        return mark_safe('<strong class="govuk-tag govuk-tag--green">Up to date</strong>')  # nosec B308 B703 - constant markup

    def render_updated(self, record):
        if record.action.rating_updated_at is None:
            return "Never"
        return short_day_text(record.action.rating_updated_at)

    def render_give(self, record):
        url = reverse("actions:update", kwargs={"pk": record.action.pk})
        return format_html(
            '<a class="govuk-link" href="{}">Give update'
            '<span class="govuk-visually-hidden"> for {} {}</span></a>',
            url,
            record.action.plan.action_label.lower(),
            record.number,
        )


def tables_for(groups, request, legends):
    """One sortable table per plan; every table follows the same ?sort= choice."""
    for group in groups:
        group.table = MyActionsTable(
            group.rows,
            legend=legends.get(group.plan.organisation_id),
            caption=f"{group.plan.title}: your {group.plan.action_label.lower()}s",
        )
        tables.RequestConfig(request, paginate=False).configure(group.table)
    return groups


def next_action_to_update(user, after: Action) -> Action | None:
    """The action the officer should update next: the first on "My actions" after ``after``
    that still needs an update this period, else the first before it; None when none remain."""
    _, groups, _ = my_actions(user, {}, listing=False)
    due = [row.action for group in groups for row in group.rows if row.update_due]
    due = [a for a in due if a.pk != after.pk]
    if not due:
        return None
    order = [row.action.pk for group in groups for row in group.rows]
    position = order.index(after.pk) if after.pk in order else -1
    later = [a for a in due if order.index(a.pk) > position]
    return (later or due)[0]

"""Filters of the actions explorer (django-filter). Every choice list is limited to what the
user may see (``plans.permissions.plans_visible_to``): the plans of their organisations and of
the boards they sit on, and those plans' priorities, leads, organisations and tags; another
organisation's record given as a filter is an invalid choice."""

from datetime import date

import django_filters
from django import forms
from django.db.models import Q

from actions.models import Action, Tag
from actions.querysets import overdue_q
from actions.timescales import TimescaleKind
from core.models import Organisation, Person
from core.rag import Rating
from core.widgets import QuickSelect
from plans.models import Plan
from plans.permissions import plan_ids_visible_to
from priorities.models import Priority

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %m %Y", "%d %B %Y", "%d %b %Y"]


class PriorityChoiceField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.title}: {obj.number}. {obj.title}"[:150]


class PriorityFilter(django_filters.ModelChoiceFilter):
    field_class = PriorityChoiceField


class UKDateFilter(django_filters.DateFilter):
    """A date typed the UK way (31/3/2024), with a clear message when it is not a date."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault(
            "error_messages", {"invalid": "Enter a real date, for example 31/3/2024."}
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)


def visible_plan_ids(request) -> list[int] | None:
    """The ids of the plans the user may read (None: every plan), read once per request. Given
    to the queries as a list rather than a subquery: PostgreSQL then uses the plan index of the
    actions instead of joining every action of every plan first."""
    if not hasattr(request, "_visible_plan_ids"):
        ids = plan_ids_visible_to(request.user)
        request._visible_plan_ids = None if ids is None else sorted(ids)
    return request._visible_plan_ids


def in_visible_plans(queryset, lookup: str, request, *, related: bool = False):
    """``queryset`` narrowed to the plans the user may read through ``lookup``; with
    ``related``, rows reached through a relation only (those with such a plan at all)."""
    ids = visible_plan_ids(request)
    if ids is None:
        return queryset.filter(**{f"{lookup}__isnull": False}) if related else queryset
    return queryset.filter(**{f"{lookup}__in": ids})


def _visible_plans(request):
    return (
        in_visible_plans(Plan.objects.all(), "pk", request)
        .select_related("organisation")
        .order_by("title")
    )


def _visible_priorities(request):
    return (
        in_visible_plans(Priority.objects.all(), "plan", request)
        .select_related("plan")
        .order_by("plan__title", "order", "pk")
    )


def _leads(request):
    return (
        in_visible_plans(Person.objects.all(), "led_actions__plan", request, related=True)
        .distinct()
        .order_by("name")
    )


def _organisations(request):
    ids = visible_plan_ids(request)
    if ids is None:
        rule = Q(plans__isnull=False) | Q(partner_actions__isnull=False)
    else:
        rule = Q(plans__in=ids) | Q(partner_actions__plan__in=ids)
    return Organisation.objects.filter(rule).distinct().order_by("name")


def _tags(request):
    return (
        in_visible_plans(Tag.objects.all(), "actions__plan", request, related=True)
        .distinct()
        .order_by("name")
    )


class ActionFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("due_from"), cleaned.get("due_to")
        if start and end and end < start:
            self.add_error("due_to", "The second date must be the same as or after the first.")
        return cleaned


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        help_text="Words in the number, description, success criteria or lead.",
    )
    plan = django_filters.ModelChoiceFilter(
        label="Plan", queryset=_visible_plans, empty_label="All plans", widget=QuickSelect
    )
    priority = PriorityFilter(
        label="Priority",
        queryset=_visible_priorities,
        empty_label="All priorities",
        widget=QuickSelect,
    )
    lead = django_filters.ModelChoiceFilter(
        label="Lead officer", queryset=_leads, empty_label="Anyone", widget=QuickSelect
    )
    organisation = django_filters.ModelChoiceFilter(
        label="Organisation",
        queryset=_organisations,
        method="by_organisation",
        empty_label="Any organisation",
        widget=QuickSelect,
        help_text="The plan's organisation, or a partner on the action.",
    )
    rating = django_filters.MultipleChoiceFilter(
        label="RAG rating",
        choices=Rating.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue",
        choices=[
            ("yes", "Overdue"),
            ("no", "Not overdue"),
            ("unread", "Timescale not understood"),
        ],
        empty_label="Any",
        method="by_overdue",
    )
    due_from = UKDateFilter(label="Due on or after", field_name="timescale_due", lookup_expr="gte")
    due_to = UKDateFilter(label="Due on or before", field_name="timescale_due", lookup_expr="lte")
    tag = django_filters.ModelChoiceFilter(
        label="Tag", queryset=_tags, field_name="tags", empty_label="Any tag", widget=QuickSelect
    )

    class Meta:
        model = Action
        form = ActionFilterForm
        fields = [
            "q",
            "plan",
            "priority",
            "lead",
            "organisation",
            "rating",
            "overdue",
            "due_from",
            "due_to",
            "tag",
        ]

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        for name in ("plan", "priority", "lead", "organisation", "tag"):
            self.form.fields[name].error_messages["invalid_choice"] = (
                f"Choose a {self.form.fields[name].label.lower()} from the list."
            )
        self.form.fields["rating"].error_messages["invalid_choice"] = (
            "Choose ratings from the list."
        )
        self.form.fields["overdue"].error_messages["invalid_choice"] = (
            "Choose overdue or not overdue."
        )
        self.form.fields["q"].max_length = 200
        self.form.fields["q"].widget.attrs.update({"spellcheck": "false"})

    def search(self, queryset, name, value):
        words = value.split()[:10]
        for word in words:
            queryset = queryset.filter(
                Q(number__icontains=word)
                | Q(description__icontains=word)
                | Q(success_criteria__icontains=word)
                | Q(lead_text__icontains=word)
                | Q(lead__name__icontains=word)
            )
        return queryset

    def by_organisation(self, queryset, name, value):
        if value is None:
            return queryset
        partner_of = Action.objects.filter(partners=value).values("pk")
        return queryset.filter(Q(plan__organisation=value) | Q(pk__in=partner_of))

    def by_overdue(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(overdue_q(self.today))
        if value == "no":
            return queryset.exclude(overdue_q(self.today))
        if value == "unread":
            return queryset.filter(timescale_kind=TimescaleKind.UNPARSED)
        return queryset

    def filters_applied(self) -> dict:
        """The filters as given (for the audit log and the page): names and typed values."""
        if not self.is_bound:
            return {}
        data = {}
        for name in self.filters:
            values = [v for v in self.data.getlist(name) if v.strip()]
            if values:
                data[name] = values if len(values) > 1 or name == "rating" else values[0]
        return data

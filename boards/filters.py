"""The filters of a plan's dashboard (django-filter)."""

from __future__ import annotations

import django_filters

from actions.models import Action
from core.rag import Rating
from plans.models import Plan


class DashboardFilter(django_filters.FilterSet):
    """Filters of a plan's dashboard: priority, lead officer and RAG rating (GET parameters).

    The choices come from the plan's priorities and the leads of its actions, which the
    dashboard has already loaded, and the rows are filtered in Python: the filters cost no
    query (``filter_rows``)."""

    priority = django_filters.ChoiceFilter(choices=[], empty_label="All", label="Priority")
    lead = django_filters.ChoiceFilter(choices=[], empty_label="Anyone", label="Lead officer")
    rating = django_filters.ChoiceFilter(
        choices=Rating.choices, empty_label="Any rating", label="RAG rating"
    )

    class Meta:
        model = Action
        fields = ["priority", "lead", "rating"]

    def __init__(self, data=None, *args, plan: Plan, priorities, leads, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.priorities = {str(p.pk): p for p in priorities}
        self.leads = {str(p.pk): p for p in leads}
        # The filters' fields add their own empty choice ("All", "Anyone") before these.
        self.form.fields["priority"].choices = [(pk, str(p)) for pk, p in self.priorities.items()]
        self.form.fields["lead"].choices = [(pk, str(p)) for pk, p in self.leads.items()]
        self.filters["priority"].label = plan.priority_label
        self.form.fields["priority"].label = plan.priority_label
        messages = {
            "priority": f"Choose a {plan.priority_label.lower()} from the list",
            "lead": "Choose a lead officer from the list",
            "rating": "Choose a RAG rating from the list",
        }
        for name, message in messages.items():
            field = self.form.fields[name]
            field.error_messages["invalid_choice"] = message
            field.widget.attrs["class"] = "govuk-select"

    def chosen(self) -> dict:
        """The valid filters chosen: priority and lead as objects, rating as its value. A bad
        value in one filter leaves the others applied."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        data = self.form.cleaned_data
        chosen = {
            "priority": self.priorities.get(data.get("priority") or ""),
            "lead": self.leads.get(data.get("lead") or ""),
            "rating": data.get("rating") or None,
        }
        return {k: v for k, v in chosen.items() if v is not None}

    def keeps(self, action: Action, chosen: dict) -> bool:
        return (
            ("priority" not in chosen or action.priority_id == chosen["priority"].pk)
            and ("lead" not in chosen or action.lead_id == chosen["lead"].pk)
            and ("rating" not in chosen or action.rating == chosen["rating"])
        )

    def mark_errors(self) -> None:
        """GOV.UK error styling and the error message read out with each field in error."""
        for name in self.form.errors:
            if name in self.form.fields:
                attrs = self.form.fields[name].widget.attrs
                attrs["class"] = "govuk-select govuk-select--error"
                attrs["aria-describedby"] = f"id_{name}-error"

"""The plan owner's publication settings: whether the plan is published, its introduction, and
for each action whether its commentary and its lead as written are public."""

from django import forms

from publishing.models import PublishedPlan


class PublicationSettingsForm(forms.ModelForm):
    class Meta:
        model = PublishedPlan
        fields = ["enabled", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"})}


def chosen_ids(data, name: str, allowed: set[int]) -> set[int]:
    """The action ids ticked in a list of checkboxes, keeping only the plan's own actions."""
    chosen = set()
    for value in data.getlist(name):
        try:
            pk = int(value)
        except (TypeError, ValueError):
            continue
        if pk in allowed:
            chosen.add(pk)
    return chosen

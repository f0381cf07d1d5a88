"""The RAG update form: the organisation's meaning beside each colour, commentary, the structured
reason for red and amber, evidence, and an optional revised timescale."""

from django import forms
from django.core.exceptions import ValidationError

from actions.timescales import TimescaleKind, parse_timescale
from core.rag import Rating, split
from core.text import clean_text  # hidden characters are refused, with their names

COMMENTARY_LIMIT = 4000
REASON_LIMIT = 2000


class StatusUpdateForm(forms.Form):
    rating = forms.ChoiceField(
        label="Rating",
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating"},
    )
    commentary = forms.CharField(
        label="Commentary",
        required=False,
        max_length=COMMENTARY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"What has happened this period. Required when the rating changes. "
        f"Up to {COMMENTARY_LIMIT:,} characters.",
        error_messages={
            "max_length": f"Commentary must be {COMMENTARY_LIMIT:,} characters or fewer "
            "(it has %(show_value)d)"
        },
    )
    issue = forms.CharField(
        label="What is the issue?",
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    mitigation = forms.CharField(
        label="What is being done about it?",
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    resolve_by = forms.DateField(
        label="By when?",
        required=False,
        help_text="For example, 31/03/2027",
        input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y"],
        error_messages={"invalid": "Enter a real date, for example 31/03/2027"},
    )
    outside_control = forms.BooleanField(
        label="The cause is outside the service's control", required=False
    )
    evidence_of_impact = forms.CharField(
        label="Evidence of impact",
        required=False,
        max_length=COMMENTARY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How do we know it made a difference? Required when marking the action complete.",
    )
    proposed_timescale = forms.CharField(
        label="Proposed revised timescale (optional)",
        required=False,
        max_length=200,
        help_text="For example: Mar 27, Q4 2026/27 or 31/03/2027",
    )
    proposed_timescale_reason = forms.CharField(
        label="Reason for the revised timescale",
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    escalate = forms.BooleanField(label="Escalate this to the board", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    TEXT_FIELDS = [
        "commentary",
        "issue",
        "mitigation",
        "evidence_of_impact",
        "proposed_timescale",
        "proposed_timescale_reason",
    ]

    def __init__(self, *args, action, legend, **kwargs):
        self.action = action
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [(r.value, legend.label(r.value)) for r in Rating]
        self.meanings = {r.value: legend.meaning(r.value) for r in Rating}

    def clean(self):
        data = super().clean()
        for name in self.TEXT_FIELDS:
            if data.get(name):
                try:
                    data[name] = clean_text(data[name])
                except ValidationError as err:
                    self.add_error(name, err)
        rating = data.get("rating")
        if not rating:
            return data
        if rating != self.action.rating and not data.get("commentary"):
            self.add_error("commentary", "Enter commentary explaining why the rating has changed")
        if rating in (Rating.RED, Rating.AMBER):
            label = "red" if rating == Rating.RED else "amber"
            if not data.get("issue"):
                self.add_error("issue", f"Say what the issue is for a {label} rating")
            if not data.get("mitigation"):
                self.add_error("mitigation", f"Say what is being done for a {label} rating")
            if not data.get("resolve_by"):
                self.add_error(
                    "resolve_by", f"Say by when it will be resolved for a {label} rating"
                )
        if rating == Rating.COMPLETE and not data.get("evidence_of_impact"):
            self.add_error("evidence_of_impact", "Give the evidence that the action is complete")
        proposed = data.get("proposed_timescale")
        if proposed:
            if parse_timescale(proposed).kind in (TimescaleKind.UNPARSED, TimescaleKind.BLANK):
                self.add_error(
                    "proposed_timescale",
                    "Write the timescale as a month (Mar 27), a quarter (Q4 2026/27) or a date "
                    "(31/03/2027)",
                )
            if not data.get("proposed_timescale_reason"):
                self.add_error(
                    "proposed_timescale_reason", "Give a reason for the revised timescale"
                )
        return data

    def lifecycle_and_confidence(self) -> tuple[str, str]:
        return split(self.cleaned_data["rating"])

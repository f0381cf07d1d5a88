"""The RAG update form: the organisation's meaning beside each colour, commentary, the structured
reason for red and amber, evidence, and an optional revised timescale."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions.date_input import GovukDateField
from actions.evidence import check_upload, max_bytes, max_files, size_words
from core.formatting import day_text
from core.rag import Rating, split
from core.text import clean_text  # hidden characters are refused, with their names

COMMENTARY_LIMIT = 4000
REASON_LIMIT = 2000


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Up to ``EVIDENCE_MAX_FILES`` files, each checked by its content (``actions.evidence``);
    cleaned to a list of (file, kind)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > max_files():
            limit = max_files()
            raise ValidationError(
                f"Choose at most {limit} file{'s' if limit != 1 else ''} for one update"
            )
        checked, errors = [], []
        for upload in files:
            try:
                checked.append((upload, check_upload(upload)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


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
    resolve_by = GovukDateField(
        label="By when?",
        required=False,
        help_text="For example, 31 3 2027",
        error_label="By when",
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
    proposed_timescale = GovukDateField(
        label="Proposed revised date (optional)",
        required=False,
        help_text="The new date it will be delivered by, for example 31 3 2027",
        error_label="The revised date",
    )
    proposed_timescale_reason = forms.CharField(
        label="Reason for the revised date, or why it is still on track",
        required=False,
        max_length=REASON_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    escalate = forms.BooleanField(label="Escalate this to the board", required=False)
    evidence = EvidenceField(
        label="Attach evidence (optional)",
        required=False,
        help_text=f"PDF, Word (.docx), Excel (.xlsx) or an image (PNG, JPEG, GIF); up to "
        f"{max_files()} files, each smaller than {size_words(max_bytes())}.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    TEXT_FIELDS = [
        "commentary",
        "issue",
        "mitigation",
        "evidence_of_impact",
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
            self._check_reason(data, "a red" if rating == Rating.RED else "an amber")
        if rating == Rating.COMPLETE and not data.get("evidence_of_impact"):
            self.add_error("evidence_of_impact", "Give the evidence that the action is complete")
        self._check_revised_timescale(data, rating)
        return data

    def _check_reason(self, data, rating_words: str) -> None:
        if not data.get("issue"):
            self.add_error("issue", f"Say what the issue is for {rating_words} rating")
        if not data.get("mitigation"):
            self.add_error("mitigation", f"Say what is being done for {rating_words} rating")
        if not data.get("resolve_by") and "resolve_by" not in self.errors:
            self.add_error(
                "resolve_by", f"Say by when it will be resolved for {rating_words} rating"
            )

    def _check_revised_timescale(self, data, rating: str) -> None:
        """A revised date is in the future and has a reason; Green on an overdue action needs a
        revised date or a reason why it is still on track. The date is kept as the timescale's
        text ("31/03/2027"), which ``actions.timescales`` reads as a date."""
        proposed: date | None = data.get("proposed_timescale")
        if proposed is not None:
            if proposed <= timezone.localdate():
                self.add_error("proposed_timescale", "The revised date must be in the future")
            if not data.get("proposed_timescale_reason"):
                self.add_error("proposed_timescale_reason", "Give a reason for the revised date")
        elif (
            rating == Rating.GREEN
            and self.action.is_overdue
            and not data.get("proposed_timescale_reason")
            and "proposed_timescale" not in self.errors
        ):
            due = day_text(self.action.timescale_due)
            self.add_error(
                "proposed_timescale",
                f"This {self.action.plan.action_label.lower()} was due by {due}: to rate it "
                "green, give a revised date or say why it is still on track",
            )
        data["proposed_timescale"] = proposed.strftime("%d/%m/%Y") if proposed else ""

    def lifecycle_and_confidence(self) -> tuple[str, str]:
        return split(self.cleaned_data["rating"])

"""Forms for what is written into a meeting's pack. They parse input; ``boards.services``
saves."""

from django import forms
from django.db.models import QuerySet

from actions.date_input import GovukDateField
from actions.models import Action
from boards.models import BoardDecision
from core.models import Person
from core.text import clean_text

LIST_HINT = 'Plain text. Start a line with "- " to make a list.'


class BriefForm(forms.Form):
    summary = forms.CharField(
        label="Executive summary",
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the board most needs to know, in a few paragraphs. " + LIST_HINT,
    )
    key_messages = forms.CharField(
        label="Key messages",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One message a line. " + LIST_HINT,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_summary(self):
        return clean_text(self.cleaned_data.get("summary", ""))

    def clean_key_messages(self):
        return clean_text(self.cleaned_data.get("key_messages", ""))


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.title}: {obj.number} {obj.description[:90]}"


class QuestionForm(forms.Form):
    action = ActionChoiceField(
        queryset=Action.objects.none(),
        label="Which action is your question about?",
        empty_label="Choose an action",
        error_messages={"required": "Choose the action your question is about"},
    )
    question = forms.CharField(
        label="Your question",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The action's lead answers before the meeting; both appear in the pack.",
        error_messages={"required": "Enter your question"},
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        if not isinstance(field, ActionChoiceField):  # the field declared above
            raise TypeError("the action field must be an ActionChoiceField")
        field.queryset = (
            Action.objects.filter(plan__boards=meeting.board)
            .select_related("plan")
            .order_by("plan__title", "priority__order", "sequence", "pk")
        )

    def clean_question(self):
        return clean_text(self.cleaned_data.get("question", ""))


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter your answer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_answer(self):
        return clean_text(self.cleaned_data.get("answer", ""))


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Decision or action arising",
        choices=BoardDecision.Kind.choices,
        widget=forms.RadioSelect,
        initial=BoardDecision.Kind.ACTION,
    )
    text = forms.CharField(
        label="What was decided or is to be done",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what was decided or is to be done"},
    )
    owner_person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        label="Owner",
        required=False,
        empty_label="Someone not listed (enter their name below)",
        help_text="Who will do it. Needed for an action arising.",
    )
    owner = forms.CharField(
        label="Owner not listed: their name or post",
        required=False,
        max_length=200,
        help_text="For someone outside the system, such as a partner agency's officer.",
    )
    due = GovukDateField(
        label="Due by",
        required=False,
        error_label="The due date",
        help_text="For example, 31 5 2025",
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["owner_person"]
        if not isinstance(field, forms.ModelChoiceField):  # the field declared above
            raise TypeError("the owner field must be a ModelChoiceField")
        field.queryset = owners_for(meeting)

    def clean_text(self):
        return clean_text(self.cleaned_data.get("text", ""))

    def clean_owner(self):
        return clean_text(self.cleaned_data.get("owner", ""))

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("owner_person") is not None:
            cleaned["owner"] = ""  # the person chosen is the owner; nothing typed is kept
        elif (
            cleaned.get("kind") == BoardDecision.Kind.ACTION
            and not cleaned.get("owner")
            and "owner" not in self.errors
        ):
            self.add_error("owner_person", "Choose who owns this action, or enter their name")
        return cleaned


def owners_for(meeting) -> QuerySet[Person]:
    """The people who may own a decision: those of the board's organisation and of the
    organisations whose plans it oversees."""
    board = meeting.board
    organisations = {board.organisation_id, *board.plans.values_list("organisation_id", flat=True)}
    return (
        Person.objects.filter(organisation_id__in=organisations)
        .select_related("organisation")
        .order_by("name", "pk")
    )


class CloseDecisionForm(forms.Form):
    note = forms.CharField(label="How it was closed", required=False, max_length=500)

    def clean_note(self):
        return clean_text(self.cleaned_data.get("note", ""))

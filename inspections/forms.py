"""Forms: which actions answer a finding (and which findings an action answers), overriding a
deadline with a reason, the as-at date of an evidence pack."""

from django import forms
from django.utils import timezone

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y"]


def date_field(label: str, *, required: bool, help_text: str = "For example, 31/03/2027"):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_FORMATS,
        error_messages={
            "invalid": "Enter a real date, for example 31/03/2027",
            "required": f"Enter the {label.lower()}",
        },
    )


class ChooseActionsForm(forms.Form):
    actions = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Actions answering this finding",
    )

    def __init__(self, *args, actions_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = actions_queryset


class ChooseRecommendationsForm(forms.Form):
    recommendations = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Inspection findings this action answers",
    )

    def __init__(self, *args, recommendations_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendations"].queryset = recommendations_queryset


class DeadlineOverrideForm(forms.Form):
    due = date_field(
        "New due date",
        required=False,
        help_text="For example, 29/07/2022. Leave blank to go back to the computed date.",
    )
    reason = forms.CharField(
        label="Reason for the change",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, who agreed an extension and when. It is kept with the date.",
        error_messages={"required": "Enter the reason for the change"},
    )


class AsAtForm(forms.Form):
    as_at = date_field("Position as at", required=True, help_text="For example, 31/03/2024")

    def clean_as_at(self):
        day = self.cleaned_data["as_at"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past")
        return day

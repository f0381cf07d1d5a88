"""Render a Django form field's widget with GOV.UK classes and the right aria attributes."""

from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


@register.simple_tag
def govuk_widget(field: BoundField, autocomplete: str | None = None) -> SafeString:
    widget = field.field.widget
    css = next((c for cls, c in CLASSES.items() if isinstance(widget, cls)), "govuk-input")
    if field.errors:
        css += {
            "govuk-textarea": " govuk-textarea--error",
            "govuk-select": " govuk-select--error",
        }.get(css, " govuk-input--error")
    attrs: dict[str, str | bool] = {"class": css}
    described = []
    if field.help_text:
        described.append(f"{field.id_for_label}-hint")
    if field.errors:
        described.append(f"{field.id_for_label}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return field.as_widget(attrs=attrs)


@register.simple_tag
def error_anchor(field: BoundField) -> str:
    """The id an error summary links to: the field's input, or for radios and checkbox lists
    (which have no single input) the first choice, as Django numbers them."""
    return field.id_for_label or f"{field.auto_id}_0"

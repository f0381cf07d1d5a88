"""QuickSelect (core/widgets.py): the same <select> as Django's, written out in Python."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Person
from core.widgets import QuickSelect
from tests import factories


class Parsed(HTMLParser):
    """The select's attributes and each option as (value, label, selected)."""

    def __init__(self, html: str):
        super().__init__()
        self.select: dict = {}
        self.options: list[list] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "select":
            self.select = dict(attrs)
        elif tag == "option":
            values = dict(attrs)
            self.options.append([values["value"], "", "selected" in values])

    def handle_data(self, data):
        if self.options and data.strip():
            self.options[-1][1] += data


def both(choices, value, attrs=None):
    ours = QuickSelect(choices=choices).render("lead", value, attrs)
    django = forms.Select(choices=choices).render("lead", value, attrs)
    return Parsed(ours), Parsed(django)


@pytest.mark.parametrize("value", [None, "", "2", 2, "9"])
def test_it_shows_what_djangos_select_shows(value):
    choices = [("", "Anyone"), (1, "Ada Lovelace"), (2, "Grace <Hopper> & Co"), (3, "Zed")]
    ours, django = both(choices, value, {"id": "id_lead", "class": "govuk-select"})
    assert (
        ours.select == django.select == {"id": "id_lead", "class": "govuk-select", "name": "lead"}
    )
    assert ours.options == django.options
    assert ours.options[2][1] == "Grace <Hopper> & Co"  # escaped in the markup, read back


def test_labels_and_values_are_escaped():
    html = QuickSelect(choices=[('"><script>x</script>', "<b>bold</b>")]).render("f", None)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_only_the_first_matching_option_is_selected_and_boolean_attributes_are_bare():
    html = QuickSelect(choices=[("a", "A"), ("a", "A again")]).render(
        "f", "a", {"required": True, "disabled": False}
    )
    assert html.count(" selected") == 1
    assert Parsed(html).select == {"required": None, "name": "f"}  # bare: no value
    assert "disabled" not in html


def test_grouped_choices_are_left_to_django():
    choices = [("Group", [(1, "One"), (2, "Two")])]
    assert QuickSelect(choices=choices).render("f", 1) == forms.Select(choices=choices).render(
        "f", 1
    )


@pytest.mark.django_db
def test_a_model_choice_field_is_read_in_one_query_with_no_count():
    for name in ("Ada", "Bea", "Cal"):
        factories.person(name=name)
    field = forms.ModelChoiceField(
        queryset=Person.objects.order_by("name"), widget=QuickSelect, empty_label="Anyone"
    )
    with CaptureQueriesContext(connection) as queries:
        html = field.widget.render("lead", None)
    assert len(queries) == 1
    assert "COUNT" not in queries[0]["sql"].upper()
    assert [label for _, label, _ in Parsed(html).options] == ["Anyone", "Ada", "Bea", "Cal"]

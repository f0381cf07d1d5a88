"""Migration 0009 reads again the timescales saved as not understood, with the parser as it is
now: "Summer 2026" saved before seasons were read becomes June to August 2026; text the parser
still cannot read, and rows already understood, are left as they are."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from actions.models import Action, SubAction
from actions.timescales import TimescaleKind
from tests import factories

pytestmark = pytest.mark.django_db

migration = importlib.import_module("actions.migrations.0009_read_timescales_again")


def saved_as_not_understood(model, pk):
    """As the parser before seasons left it: the text kept, its meaning not understood."""
    model.objects.filter(pk=pk).update(
        timescale_kind=TimescaleKind.UNPARSED,
        timescale_start=None,
        timescale_due=None,
        timescale_label="",
    )


def test_timescales_not_understood_are_read_again():
    summer = factories.action(timescale_text="Summer 2026")
    weekly = factories.action(priority_obj=summer.priority, timescale_text="Weekly")
    unclear = factories.action(priority_obj=summer.priority, timescale_text="Whenever possible")
    dated = factories.action(priority_obj=summer.priority, timescale_text="March 2026")
    step = SubAction.objects.create(
        action=summer, description="Step", timescale_text="w/c 12 Jan 2026"
    )
    for action in (summer, weekly, unclear):
        saved_as_not_understood(Action, action.pk)
    saved_as_not_understood(SubAction, step.pk)
    Action.objects.filter(pk=dated.pk).update(timescale_label="kept")  # understood: not touched

    migration.read_again(apps, None)

    summer.refresh_from_db()
    assert (summer.timescale_kind, summer.timescale_start, summer.timescale_due) == (
        TimescaleKind.PHASE,
        date(2026, 6, 1),
        date(2026, 8, 31),
    )
    assert summer.timescale_label == "Summer" and summer.timescale_text == "Summer 2026"
    weekly.refresh_from_db()
    assert weekly.timescale_kind == TimescaleKind.RECURRING and weekly.timescale_due is None
    unclear.refresh_from_db()
    assert unclear.timescale_kind == TimescaleKind.UNPARSED
    dated.refresh_from_db()
    assert dated.timescale_label == "kept"
    step.refresh_from_db()
    assert (step.timescale_kind, step.timescale_due) == (TimescaleKind.RANGE, date(2026, 1, 18))

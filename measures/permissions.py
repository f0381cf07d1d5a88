"""Who may read measures, and who may enter and correct their values: administrators (of the
measure's organisation), and the officer who owns it.

A measure is read by those who may read a plan it belongs to (``plans.permissions``), and by the
people of its organisation (administrators, officers, viewers)."""

from django.db.models import Q

from core.permissions import (
    administered_organisation_ids,
    is_officer,
    organisation_ids,
    person_of,
    reads_all_plans,
)
from measures.models import Measure
from plans.permissions import plans_visible_to


def measures_visible_to(user):
    """Measures a user may read (pages, charts and every export)."""
    if reads_all_plans(user):
        return Measure.objects.all()
    through = Measure.plans.through.objects.filter(plan__in=plans_visible_to(user).values("pk"))
    rule = Q(pk__in=through.values("measure_id"))
    organisations = organisation_ids(user)
    if organisations:
        rule |= Q(organisation_id__in=organisations)
    return Measure.objects.filter(rule)


def can_view_measure(user, measure) -> bool:
    """No query for a measure of the user's organisations."""
    if reads_all_plans(user) or measure.organisation_id in organisation_ids(user):
        return True
    return measures_visible_to(user).filter(pk=measure.pk).exists()


def can_enter_measure_values(user, measure) -> bool:
    administered = administered_organisation_ids(user)
    if administered is None or measure.organisation_id in administered:
        return True
    person = person_of(user)
    return (
        is_officer(user)
        and person is not None
        and measure.owner_id == person.pk
        and can_view_measure(user, measure)
    )

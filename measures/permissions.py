"""Who may read measures, and who may enter and correct their values.

Measures follow the visibility of the plans they belong to (``plans.permissions``): those who
read every plan read every measure (including measures not yet linked to a plan); a board member
reads the measures of the plans their boards oversee; a signed-in user with no role reads none.
Values are entered by administrators and by the officer who owns the measure."""

from core.permissions import is_administrator, is_officer, person_of, reads_all_plans
from measures.models import Measure
from plans.permissions import plans_visible_to


def measures_visible_to(user):
    """Measures a user may read (pages, charts and every export)."""
    if reads_all_plans(user):
        return Measure.objects.all()
    through = Measure.plans.through.objects.filter(plan__in=plans_visible_to(user).values("pk"))
    return Measure.objects.filter(pk__in=through.values("measure_id"))


def can_view_measure(user, measure) -> bool:
    if reads_all_plans(user):
        return True
    return measures_visible_to(user).filter(pk=measure.pk).exists()


def can_enter_measure_values(user, measure) -> bool:
    if is_administrator(user):
        return True
    person = person_of(user)
    return is_officer(user) and person is not None and measure.owner_id == person.pk

"""Who may enter and correct a measure's values: administrators, and the officer who owns it."""

from core.permissions import is_administrator, is_officer, person_of


def can_enter_measure_values(user, measure) -> bool:
    if is_administrator(user):
        return True
    person = person_of(user)
    return is_officer(user) and person is not None and measure.owner_id == person.pk

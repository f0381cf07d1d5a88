"""Who decides what of a plan is public: administrators, and the plan's owner."""

from core.permissions import is_administrator, person_of


def can_manage_publication(user, plan) -> bool:
    if is_administrator(user):
        return True
    person = person_of(user)
    return person is not None and plan.owner_id == person.pk

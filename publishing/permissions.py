"""Who decides what of a plan is public: the administrators of the plan's organisation (a
superuser any plan), and the plan's owner (ADR 0012)."""

from core.permissions import administers, person_of


def can_manage_publication(user, plan) -> bool:
    if administers(user, plan.organisation_id):
        return True
    person = person_of(user)
    return person is not None and plan.owner_id == person.pk

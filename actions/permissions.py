"""Which actions a user may update: administrators every one, officers those they lead or are
delegated."""

from django.db.models import Q

from core.permissions import is_administrator, is_officer, person_of


def actions_editable_q(user) -> Q | None:
    """A filter for the actions a user may update; None means every action."""
    if is_administrator(user):
        return None
    person = person_of(user)
    if not is_officer(user) or person is None:
        return Q(pk__in=[])
    return Q(lead=person) | Q(delegates=person)


def can_update_action(user, action) -> bool:
    if is_administrator(user):
        return True
    person = person_of(user)
    if not is_officer(user) or person is None:
        return False
    if action.lead_id == person.pk:
        return True
    return action.delegates.filter(pk=person.pk).exists()

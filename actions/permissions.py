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


def can_approve_updates(user, plan) -> bool:
    """Administrators, the plan's owner and the delegates set on the plan (admin: Plans,
    "Approval of updates") may approve or return its submitted updates."""
    if is_administrator(user):
        return True
    person = person_of(user)
    if person is None:
        return False
    if plan.owner_id == person.pk:
        return True
    return plan.update_approvers.filter(pk=person.pk).exists()


def plans_approved_by_q(user) -> Q | None:
    """A filter on plans for those whose updates the user may approve; None means every plan."""
    if is_administrator(user):
        return None
    person = person_of(user)
    if person is None:
        return Q(pk__in=[])
    return Q(owner=person) | Q(update_approvers=person)

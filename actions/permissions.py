"""Which actions a user may update: administrators those of their organisations' plans (a
superuser every one), officers those they lead or are delegated, in plans they may read."""

from django.db.models import Q

from core.permissions import administered_organisation_ids, administers, is_officer, person_of
from plans.permissions import can_view_plan, plans_visible_to


def actions_editable_q(user) -> Q | None:
    """A filter for the actions a user may update; None means every action."""
    administered = administered_organisation_ids(user)
    if administered is None:
        return None
    rule = Q(plan__organisation_id__in=administered) if administered else Q(pk__in=[])
    person = person_of(user)
    if is_officer(user) and person is not None:
        led = Q(lead=person) | Q(delegates=person)
        rule |= led & Q(plan__in=plans_visible_to(user).values("pk"))
    return rule


def can_update_action(user, action) -> bool:
    """Whether ``user`` may give ``action`` an update (no query for an administrator of the
    plan's organisation, or the action's lead in their own organisation's plan)."""
    administered = administered_organisation_ids(user)
    if administered is None or action.plan.organisation_id in administered:
        return True
    person = person_of(user)
    if not is_officer(user) or person is None:
        return False
    if action.lead_id != person.pk and not action.delegates.filter(pk=person.pk).exists():
        return False
    return can_view_plan(user, action.plan)


def can_approve_updates(user, plan) -> bool:
    """Administrators of the plan's organisation (a superuser everywhere), the plan's owner and
    the delegates set on the plan (admin: Plans, "Approval of updates") may approve or return its
    submitted updates."""
    if administers(user, plan.organisation_id):
        return True
    person = person_of(user)
    if person is None:
        return False
    if plan.owner_id != person.pk and not plan.update_approvers.filter(pk=person.pk).exists():
        return False
    return can_view_plan(user, plan)


def plans_approved_by_q(user) -> Q | None:
    """A filter on plans for those whose updates the user may approve; None means every plan."""
    administered = administered_organisation_ids(user)
    if administered is None:
        return None
    rule = Q(organisation_id__in=administered) if administered else Q(pk__in=[])
    person = person_of(user)
    if person is not None:
        mine = Q(owner=person) | Q(update_approvers=person)
        rule |= mine & Q(pk__in=plans_visible_to(user).values("pk"))
    return rule

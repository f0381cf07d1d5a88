"""Which plans a user may read: the base of every other visibility rule (ADR 0012).

- A superuser reads every plan of the installation.
- Otherwise a user reads the plans of their organisations (``core.permissions.organisation_ids``:
  administrators, officers and viewers; a board member has none), and the plans overseen by the
  boards they may see: the boards of their organisations, and the boards their Person sits on
  (whatever their role: a councillor, or a partner agency's member of a council's board).
- A signed-in user with no role reads nothing.

Actions, measures, boards, packs, exports, imports, the explorer and the audit log follow from
this rule; pages, downloads, admin pages and any future API ask these functions and never
filter plans themselves.
"""

from django.db.models import Q

from accounts.models import Membership
from core.models import Person
from core.permissions import holds_a_role, organisation_ids, person_of, reads_all_plans
from core.roles import READING_ROLES
from plans.models import Plan


def _overseen_q(user) -> Q | None:
    """Plans overseen by the boards the user may see, as a filter on plans (None: no board)."""
    if not holds_a_role(user):
        return None
    boards = Q()
    organisations = organisation_ids(user)
    if organisations:
        boards |= Q(boards__organisation_id__in=organisations)
    person = person_of(user)
    if person is not None:
        boards |= Q(boards__memberships__person=person)
    if not boards:
        return None
    return Q(pk__in=Plan.objects.filter(boards).values("pk"))


def plans_visible_to(user):
    """Plans a user may read."""
    if reads_all_plans(user):
        return Plan.objects.all()
    rule = Q()
    organisations = organisation_ids(user)
    if organisations:
        rule |= Q(organisation_id__in=organisations)
    overseen = _overseen_q(user)
    if overseen is not None:
        rule |= overseen
    if not rule:
        return Plan.objects.none()
    return Plan.objects.filter(rule)


def plan_ids_visible_to(user) -> set[int] | None:
    """The ids of the plans a user may read, or None meaning "all plans"."""
    if reads_all_plans(user):
        return None
    return set(plans_visible_to(user).values_list("pk", flat=True))


def can_view_plan(user, plan) -> bool:
    """Whether ``user`` may read ``plan``: no query for a plan of the user's organisations."""
    if reads_all_plans(user):
        return True
    if plan.organisation_id in organisation_ids(user):
        return True
    if _overseen_q(user) is None:
        return False
    return plans_visible_to(user).filter(pk=plan.pk).exists()


def people_who_may_read(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of ``(person id, plan id)`` pairs, those where the person may read the plan by the rule
    above, whatever their account's role: the plan is of their organisation (their Person's, or
    a membership of their account in a reading role), or a board of their organisation or a
    board they sit on oversees it; a superuser's Person reads every plan. What a reminder may
    tell someone about (``actions.reminders``). Four queries however many pairs."""
    if not pairs:
        return set()
    person_ids = {person for person, _ in pairs}
    plan_ids = {plan for _, plan in pairs}
    people = {
        pk: (organisation, user, superuser)
        for pk, organisation, user, superuser in Person.objects.filter(
            pk__in=person_ids
        ).values_list("pk", "organisation_id", "user_id", "user__is_superuser")
    }
    members: dict[int, set[int]] = {}
    for user, organisation in Membership.objects.filter(
        user_id__in={user for _, user, _ in people.values() if user is not None},
        role__in=READING_ROLES,
    ).values_list("user_id", "organisation_id"):
        members.setdefault(user, set()).add(organisation)
    owners = dict(Plan.objects.filter(pk__in=plan_ids).values_list("pk", "organisation_id"))
    boards: dict[int, tuple[set[int], set[int]]] = {pk: (set(), set()) for pk in plan_ids}
    for plan, board_organisation, member in Plan.objects.filter(
        pk__in=plan_ids, boards__isnull=False
    ).values_list("pk", "boards__organisation_id", "boards__memberships__person_id"):
        boards[plan][0].add(board_organisation)
        if member is not None:
            boards[plan][1].add(member)
    allowed = set()
    for person, plan in pairs:
        if person not in people or plan not in owners:
            continue
        organisation, user, superuser = people[person]
        organisations = members.get(user, set()) | ({organisation} - {None})
        board_organisations, board_members = boards[plan]
        if (
            superuser
            or owners[plan] in organisations
            or organisations & board_organisations
            or person in board_members
        ):
            allowed.add((person, plan))
    return allowed

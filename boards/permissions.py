"""Which boards a user may read: every board for a superuser; otherwise the boards of the user's
organisations (administrators, officers, viewers) and the boards their Person sits on (any
role). The plans a board oversees are readable by whoever may read the board
(``plans.permissions``), so a board's pages and packs never show a plan the reader may not see."""

from django.db.models import Q

from boards.models import Board, BoardMembership
from core.permissions import holds_a_role, organisation_ids, person_of, reads_all_plans


def can_view_board(user, board, sits_on: bool | None = None) -> bool:
    """Whether ``user`` may read ``board``. ``sits_on``, when the caller has already read whether
    the user's Person sits on the board, saves the query."""
    if reads_all_plans(user):
        return True
    if board.organisation_id in organisation_ids(user):
        return True
    person = person_of(user)
    if person is None or not holds_a_role(user):
        return False
    if sits_on is not None:
        return sits_on
    return board.memberships.filter(person=person).exists()


def boards_visible_to(user):
    if reads_all_plans(user):
        return Board.objects.all()
    rule = Q()
    organisations = organisation_ids(user)
    if organisations:
        rule |= Q(organisation_id__in=organisations)
    person = person_of(user)
    if person is not None and holds_a_role(user):
        rule |= Q(pk__in=BoardMembership.objects.filter(person=person).values("board_id"))
    if not rule:
        return Board.objects.none()
    return Board.objects.filter(rule)

"""Which boards a user may read: all of them for those who read every plan, otherwise the boards
they sit on."""

from boards.models import Board
from core.permissions import person_of, reads_all_plans


def can_view_board(user, board) -> bool:
    if reads_all_plans(user):
        return True
    person = person_of(user)
    return person is not None and board.memberships.filter(person=person).exists()


def boards_visible_to(user):
    if reads_all_plans(user):
        return Board.objects.all()
    person = person_of(user)
    if person is None:
        return Board.objects.none()
    return Board.objects.filter(memberships__person=person).distinct()

"""Which boards a user may read: all of them for those who read every plan, otherwise the boards
they sit on."""

from actions.permissions import can_update_action
from boards.models import Board
from core.permissions import is_administrator, person_of, reads_all_plans


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


# --- what may be written for a meeting's pack -------------------------------------------------
# Nothing can be written into a pack once it has been issued: it is the record of what the board
# was shown. Callers pass ``issued`` (whether the meeting's pack has been issued).


def owns_a_plan_of(user, meeting) -> bool:
    """Whether the user's Person owns one of the plans the meeting's board oversees (from the
    ``meetings_for`` annotation when the meeting has it)."""
    owns = getattr(meeting, "user_owns_a_plan", None)
    if owns is not None:
        return bool(owns)
    person = person_of(user)
    return person is not None and meeting.board.plans.filter(owner=person).exists()


def can_write_brief(user, meeting, *, issued: bool) -> bool:
    """The executive summary and key messages: the owner of a plan the board oversees, or an
    administrator, until the pack is issued."""
    return not issued and (is_administrator(user) or owns_a_plan_of(user, meeting))


def can_ask_question(user, meeting, *, issued: bool) -> bool:
    """Questions before the meeting: the members of the board (and administrators, who may
    take them down from a member by e-mail), until the pack is issued."""
    if issued:
        return False
    if is_administrator(user):
        return True
    sits = getattr(meeting, "user_sits_on_board", None)
    if sits is None:
        person = person_of(user)
        sits = person is not None and meeting.board.memberships.filter(person=person).exists()
    return bool(sits)


def can_answer_question(user, question, *, issued: bool) -> bool:
    """The answer: whoever may update the action (its lead, their delegates, administrators),
    until the pack is issued."""
    return not issued and can_update_action(user, question.action)


def can_record_decisions(user, meeting) -> bool:
    """Decisions and actions arising (recorded after the meeting, closed later): the owner of a
    plan the board oversees, or an administrator."""
    return is_administrator(user) or owns_a_plan_of(user, meeting)

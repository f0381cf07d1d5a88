"""Which boards a user may read: every board for a superuser; otherwise the boards of the user's
organisations (administrators, officers, viewers) and the boards their Person sits on (any
role). The plans a board oversees are readable by whoever may read the board
(``plans.permissions``), so a board's pages and packs never show a plan the reader may not see."""

from django.db.models import Q

from actions.permissions import can_update_action
from boards.models import Board, BoardMembership
from core.permissions import administers, holds_a_role, organisation_ids, person_of, reads_all_plans


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


# --- what may be written for a meeting's pack -------------------------------------------------
# Nothing can be written into a pack once it has been issued: it is the record of what the board
# was shown. Callers pass ``issued`` (whether the meeting's pack has been issued).


def administers_board(user, meeting) -> bool:
    """Administrators of the board's organisation (a superuser of every one)."""
    return administers(user, meeting.board.organisation_id)


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
    return not issued and (administers_board(user, meeting) or owns_a_plan_of(user, meeting))


def can_ask_question(user, meeting, *, issued: bool) -> bool:
    """Questions before the meeting: the members of the board (and administrators, who may
    take them down from a member by e-mail), until the pack is issued."""
    if issued:
        return False
    if administers_board(user, meeting):
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
    return administers_board(user, meeting) or owns_a_plan_of(user, meeting)

"""Writes for a meeting's pack: the plan owner's summary and key messages, board members'
questions and the leads' answers, and decisions and actions arising. Each is atomic and
refuses to overwrite a newer save (a version check), so two people never lose each other's
words."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from boards.models import BoardDecision, BoardQuestion, Meeting, PackBrief
from core.models import Person


class StaleWrite(Exception):
    """Someone else saved after the form was opened: ``current`` is what they saved."""

    def __init__(self, current):
        super().__init__("Saved by someone else since the form was opened")
        self.current = current


class PackIssued(Exception):
    """The pack has been issued: nothing more can be written into it."""


def _refuse_if_issued(meeting: Meeting) -> None:
    if meeting.issued_packs.exists():
        raise PackIssued(meeting)


@transaction.atomic
def brief_save(
    *, meeting: Meeting, summary: str, key_messages: str, version: int, user
) -> PackBrief:
    """Save the summary and key messages, as long as nobody has saved since ``version`` (the
    version the form was opened at; 0 for a brief not yet written)."""
    _refuse_if_issued(meeting)
    brief, _ = PackBrief.objects.get_or_create(meeting=meeting)
    saved = PackBrief.objects.filter(pk=brief.pk, version=version).update(
        summary=summary,
        key_messages=key_messages,
        version=F("version") + 1,
        updated_by=user,
        updated_at=timezone.now(),
    )
    brief.refresh_from_db()
    if not saved:
        raise StaleWrite(brief)
    return brief


@transaction.atomic
def question_ask(*, meeting: Meeting, action, question: str, user) -> BoardQuestion:
    """A board member's question on an action of a plan the board oversees."""
    _refuse_if_issued(meeting)
    if not meeting.board.plans.filter(pk=action.plan_id).exists():
        raise ValueError("The action is not in a plan this board oversees.")
    return BoardQuestion.objects.create(
        meeting=meeting, action=action, question=question, asked_by=user
    )


@transaction.atomic
def question_answer(*, question: BoardQuestion, answer: str, version: int, user) -> BoardQuestion:
    """The lead's answer (which they may revise until the pack is issued), as long as nobody
    has answered since ``version``."""
    _refuse_if_issued(question.meeting)
    saved = BoardQuestion.objects.filter(pk=question.pk, version=version).update(
        answer=answer, answered_by=user, answered_at=timezone.now(), version=F("version") + 1
    )
    question.refresh_from_db()
    if not saved:
        raise StaleWrite(question)
    return question


def decision_record(
    *,
    meeting: Meeting,
    kind: str,
    text: str,
    owner: str,
    due: date | None,
    user,
    owner_person: Person | None = None,
) -> BoardDecision:
    """A decision or an action arising from the meeting (an action needs an owner: a person
    in the system, or the name of someone outside it)."""
    decision = BoardDecision(
        meeting=meeting,
        kind=kind,
        text=text,
        owner=owner,
        owner_person=owner_person,
        due=due,
        recorded_by=user,
    )
    decision.full_clean()
    decision.save()
    return decision


def decision_close(*, decision: BoardDecision, closed_on: date, note: str) -> bool:
    """Close a decision or action arising (it leaves the packs of later meetings). False when
    it had already been closed (by someone else): the first closing stands."""
    closed = BoardDecision.objects.filter(pk=decision.pk, closed_on__isnull=True).update(
        closed_on=closed_on, closing_note=note
    )
    decision.refresh_from_db()
    return bool(closed)

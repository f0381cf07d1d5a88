"""What a meeting's pack knows about the board's earlier meetings: the previous meeting (to list
the changes since) and the latest pack issued for an earlier meeting (to list the revisions
since), read with the meeting itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Subquery, When

from boards.models import BoardMembership, IssuedPack, Meeting
from plans.models import Plan


@dataclass(frozen=True)
class PreviousMeeting:
    """The board's meeting before this one."""

    id: int
    date: date


@dataclass(frozen=True)
class PreviousPack:
    """The latest pack issued for an earlier meeting of the same board."""

    as_at: datetime
    issued_at: datetime
    meeting_date: date


def with_pack_context(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Meetings annotated with what their pack needs to know about the board's chair and its
    earlier meetings: the previous meeting and the latest pack issued for an earlier meeting
    (subqueries, so the meeting page reads them with the meeting itself)."""
    earlier = Meeting.objects.filter(
        board_id=OuterRef("board_id"), date__lt=OuterRef("date")
    ).order_by("-date")
    issued = IssuedPack.objects.filter(
        meeting__board_id=OuterRef("board_id"), meeting__date__lt=OuterRef("date")
    ).order_by("-meeting__date")
    chairs = BoardMembership.objects.filter(
        board_id=OuterRef("board_id"), role=BoardMembership.Role.CHAIR
    ).order_by("person__name", "pk")
    made_up = Q(illustrative=True) | Q(person__illustrative=True)
    return meetings.annotate(
        pack_chair_name=Subquery(chairs.values("person__name")[:1]),
        pack_chair_illustrative=Subquery(
            chairs.annotate(
                made_up=Case(When(made_up, then=True), default=False, output_field=BooleanField())
            ).values("made_up")[:1]
        ),
        pack_previous_id=Subquery(earlier.values("pk")[:1]),
        pack_previous_date=Subquery(earlier.values("date")[:1]),
        pack_previous_as_at=Subquery(issued.values("as_at")[:1]),
        pack_previous_issued_at=Subquery(issued.values("issued_at")[:1]),
        pack_previous_issued_date=Subquery(issued.values("meeting__date")[:1]),
    )


def meetings_for(user) -> QuerySet[Meeting]:
    """Meetings as the meeting pages read them: with the board and its organisation, the pack
    context (``with_pack_context``), ``issued_pack_id`` (None until the pack is issued) and
    ``user_sits_on_board`` (whether the user's Person is a member of the board) and
    ``user_owns_a_plan`` (whether it owns a plan the board oversees), in one query."""
    return with_pack_context(
        Meeting.objects.select_related("board", "board__organisation").annotate(
            issued_pack_id=Subquery(
                IssuedPack.objects.filter(meeting_id=OuterRef("pk")).values("pk")[:1]
            ),
            user_sits_on_board=Exists(
                BoardMembership.objects.filter(
                    board_id=OuterRef("board_id"), person__user_id=user.pk
                )
            ),
            user_owns_a_plan=Exists(
                Plan.objects.filter(boards=OuterRef("board_id"), owner__user_id=user.pk)
            ),
        )
    )


def chair_of(meeting: Meeting) -> dict | None:
    """The board's chair for the pack's cover, ``illustrative`` when the seat or the person is
    demo data; None when the board records no chair. From the ``with_pack_context``
    annotations (one query unless the meeting has them)."""
    if not hasattr(meeting, "pack_chair_name"):
        meeting = with_pack_context(Meeting.objects.filter(pk=meeting.pk)).get()
    if meeting.pack_chair_name is None:
        return None
    return {"name": meeting.pack_chair_name, "illustrative": bool(meeting.pack_chair_illustrative)}


def earlier_of(meeting: Meeting) -> tuple[PreviousMeeting | None, PreviousPack | None]:
    """The board's previous meeting and its latest pack issued for an earlier meeting (each None
    when there is none), from the ``with_pack_context`` annotations (one query unless the
    meeting has them)."""
    if not hasattr(meeting, "pack_previous_id"):
        meeting = with_pack_context(Meeting.objects.filter(pk=meeting.pk)).get()
    previous = (
        PreviousMeeting(meeting.pack_previous_id, meeting.pack_previous_date)
        if meeting.pack_previous_id is not None
        else None
    )
    previous_pack = (
        PreviousPack(
            as_at=meeting.pack_previous_as_at,
            issued_at=meeting.pack_previous_issued_at,
            meeting_date=meeting.pack_previous_issued_date,
        )
        if meeting.pack_previous_as_at is not None
        else None
    )
    return previous, previous_pack

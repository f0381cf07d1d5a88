"""Reads for the boards' pages: the list of boards and a board's page."""

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from boards.models import Board, IssuedPack, Meeting


def boards_for_listing():
    return Board.objects.select_related("organisation").annotate(
        n_plans=Count("plans", distinct=True), n_meetings=Count("meetings", distinct=True)
    )


def board_detail(board: Board) -> dict:
    """Members, plans overseen and meetings (with whether each pack has been issued)."""
    meetings = list(
        Meeting.objects.filter(board=board)
        .annotate(issued=Exists(IssuedPack.objects.filter(meeting=OuterRef("pk"))))
        .order_by("-date")
    )
    today = timezone.localdate()
    return {
        "memberships": list(
            board.memberships.select_related("person", "person__organisation").order_by(
                "role", "person__name"
            )
        ),
        "plans": list(board.plans.select_related("organisation").order_by("title")),
        "meetings": meetings,
        # Newest first; the next meeting is the earliest of those still to come.
        "next_meeting": min(
            (m for m in meetings if m.date >= today), key=lambda m: m.date, default=None
        ),
        "today": today,
    }

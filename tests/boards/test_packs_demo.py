"""With the demo data: the Good and Beyond Board's packs for several meeting dates differ as the
demo's update history says, and a board member can read, print and download them."""

import shutil
import subprocess
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from actions.models import StatusUpdate
from boards.asat import end_of_day
from boards.models import Board, Meeting
from boards.packs.snapshot import build_pack
from tests.boards.downloads import body, fetch_pack

pytestmark = pytest.mark.django_db

DATES = [date(2023, 5, 18), date(2023, 6, 15), date(2023, 7, 20), date(2023, 12, 21)]


def expected_ratings(plan, day) -> dict[str, str]:
    """From the demo's history directly: each action's latest update given by the end of the
    day (the demo never edits an update, so the live rows are the history)."""
    latest = {}
    for u in (
        StatusUpdate.objects.filter(action__plan=plan, created_at__lte=end_of_day(day))
        .select_related("action")
        .order_by("created_at", "pk")
    ):
        latest[u.action.number] = u.rating
    return {a.number: latest.get(a.number, "not_started") for a in plan.actions.all()}


def pack_ratings(pack) -> dict[str, str]:
    (plan,) = pack["plans"]
    return {a["number"]: a["rating"] for p in plan["priorities"] for a in p["actions"]}


@pytest.fixture
def board(demo_data, db):
    return Board.objects.get(name="Good and Beyond Board")


def test_good_and_beyond_board_packs_follow_the_demo_history(board):
    plan = board.plans.get()
    packs = {}
    for day in DATES:
        pack = build_pack(Meeting.objects.get(board=board, date=day))
        assert pack_ratings(pack) == expected_ratings(plan, day), day
        packs[day] = pack_ratings(pack)
    # Each meeting in 2023 saw a different position...
    for a, b in zip(DATES, DATES[1:], strict=False):
        assert packs[a] != packs[b]
    # ...and the January 2024 meeting the December one, as no update was given in between.
    january = build_pack(Meeting.objects.get(board=board, date=date(2024, 1, 18)))
    assert pack_ratings(january) == packs[date(2023, 12, 21)]


def test_councillor_reads_prints_and_downloads_the_pack(board, client):
    client.force_login(get_user_model().objects.get(username="councillor"))
    assert client.get(reverse("home"))["Location"] == reverse("plans:portfolio")
    meeting = Meeting.objects.get(board=board, date=date(2023, 6, 15))
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Board pack for the meeting on 15 June 2023" in html
    assert "Improvement Plan" in html and "Changes since the previous meeting" in html
    assert "What the ratings mean" in html and "Illustrative" in html
    assert 'media="print"' in html  # the print stylesheet
    pdf = fetch_pack(client, reverse("plans:meeting_pdf", kwargs={"pk": meeting.pk}))
    assert pdf.status_code == 200
    text = subprocess.run(  # noqa: S603 - a fixed poppler tool reading our own PDF
        [shutil.which("pdftotext"), "-", "-"], input=body(pdf), capture_output=True, check=True
    ).stdout.decode()
    first_action = board.plans.get().actions.order_by("pk").first()
    assert first_action.description[:40] in " ".join(text.split())
    assert "What the ratings mean" in text
    xlsx = fetch_pack(client, reverse("plans:meeting_xlsx", kwargs={"pk": meeting.pk}))
    assert xlsx.status_code == 200 and body(xlsx)[:2] == b"PK"

"""Everything the demo invents (meetings, board seats and chairs, people) carries the same
"illustrative" flag as the invented updates, and the pages show the same label; what the seed
documents state does not."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import Action
from boards.models import Board, BoardMembership, Meeting
from boards.packs.snapshot import build_pack
from boards.packs.xlsx import pack_xlsx
from core.models import Person
from demo.loader import DEMO_PEOPLE

pytestmark = pytest.mark.django_db

LABEL = '<span class="app-illustrative">Illustrative</span>'
ROW = r"<tr .*?</tr>|<div class=\"govuk-summary-list__row\">.*?</div>"


@pytest.fixture
def admin_client(demo_data, client):
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def row_of(html: str, text: str) -> str:
    """The table row (or summary-list row) holding ``text``."""
    for row in re.findall(ROW, html, re.S):
        if text in row:
            return row
    raise AssertionError(f"no row with {text!r}")


def test_invented_people_are_flagged_and_seed_people_are_not(demo_data):
    for item in DEMO_PEOPLE:
        assert Person.objects.get(slug=item.slug).illustrative, item.slug
    # Named in the seed documents: real posts and officers.
    for slug in ["jane-smith", "adele-moore", "dcs", "helen-watson", "mike-carr"]:
        assert not Person.objects.get(slug=slug).illustrative, slug


def test_invented_meetings_and_seats_are_flagged(demo_data):
    good = Board.objects.get(name="Good and Beyond Board")
    # The seed's meeting dates follow the cadence, not the source: illustrative.
    assert Meeting.objects.get(board=good, date=date(2023, 5, 18)).illustrative
    # The meetings the loader adds up to today are too.
    recent = Meeting.objects.filter(board=good, date__gt=date(2024, 3, 21))
    assert recent.exists()
    assert not recent.filter(illustrative=False).exists()
    # A meeting the source states is not.
    council = Board.objects.get(name="Middlesbrough Council (full Council)")
    assert not Meeting.objects.get(board=council, date=date(2018, 3, 28)).illustrative
    # The chair and the invented partner's seat are illustrative; the member the source names
    # is not.
    assert BoardMembership.objects.get(board=good, role="chair").illustrative
    assert BoardMembership.objects.get(board=good, person__slug="chris-hart").illustrative
    assert not BoardMembership.objects.get(board=council, person__slug="mike-carr").illustrative
    assert BoardMembership.objects.filter(illustrative=True).count() >= 4


def test_board_page_labels_the_chair_members_and_meetings(admin_client):
    good = Board.objects.get(name="Good and Beyond Board")
    html = admin_client.get(good.get_absolute_url()).content.decode()
    assert LABEL in row_of(html, '<td class="govuk-table__cell">Chair</td>')
    assert LABEL in row_of(html, "Chris Hart")
    assert LABEL in row_of(html, "18 May 2023")

    council = Board.objects.get(name="Middlesbrough Council (full Council)")
    html = admin_client.get(council.get_absolute_url()).content.decode()
    assert LABEL not in row_of(html, "Councillor Mike Carr")
    assert LABEL not in row_of(html, "28 March 2018")


def test_meeting_page_and_pack_cover_label_the_meeting_and_chair(admin_client):
    meeting = Meeting.objects.get(board__name="Good and Beyond Board", date=date(2023, 6, 15))
    html = admin_client.get(meeting.get_absolute_url()).content.decode()
    assert "This meeting was made up for the demo." in html
    assert LABEL in row_of(html, '<dt class="govuk-summary-list__key">Meeting</dt>')
    chair = row_of(html, '<dt class="govuk-summary-list__key">Chair</dt>')
    assert "DCS" in chair and LABEL in chair

    pack = build_pack(meeting)
    assert pack["meeting"]["illustrative"] is True
    assert pack["board"]["chair"] == {"name": "DCS", "illustrative": True}
    cover = load_workbook(BytesIO(pack_xlsx(pack))).worksheets[0]
    facts = {row[0]: row[1] for row in cover.iter_rows(values_only=True) if row[0]}
    assert facts["Chair"] == "DCS (illustrative)"
    assert facts["Meeting"].endswith("(illustrative)")

    real = Meeting.objects.get(board__name__startswith="Middlesbrough Council", date="2018-03-28")
    html = admin_client.get(real.get_absolute_url()).content.decode()
    assert "made up for the demo" not in html
    assert LABEL not in row_of(html, '<dt class="govuk-summary-list__key">Meeting</dt>')


def test_an_invented_action_lead_is_labelled(admin_client):
    action = Action.objects.filter(plan__slug="middlesbrough-early-help-2018-22").first()
    action.lead, action.lead_text = Person.objects.get(slug="sam-okafor"), ""
    action.save()
    html = admin_client.get(action.get_absolute_url()).content.decode()
    assert LABEL in row_of(html, "Lead officer")

    action.lead = Person.objects.get(slug="mike-carr")
    action.save()
    html = admin_client.get(action.get_absolute_url()).content.decode()
    assert LABEL not in row_of(html, "Lead officer")


@pytest.mark.parametrize(
    "name, flagged",
    [("meeting", "2023"), ("boardmembership", "Chris Hart"), ("person", "Sam Okafor")],
)
def test_admin_lists_filter_on_the_flag(admin_client, name, flagged):
    app = "core" if name == "person" else "boards"
    url = reverse(f"admin:{app}_{name}_changelist")
    shown = admin_client.get(url, {"illustrative__exact": "1"}).content.decode()
    assert flagged in shown
    hidden = admin_client.get(url, {"illustrative__exact": "0"}).content.decode()
    assert "Sam Okafor" not in hidden and "Chris Hart" not in hidden

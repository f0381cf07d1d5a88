"""Matrix entries for the board pages: portfolio, plan dashboard, exception report, board packs
(page, PDF, spreadsheet) and issuing a pack; and the same for council B's records."""

from tests.matrix import (
    BOARD_SCOPED,
    COUNCIL_B_ONLY,
    NOT_ALLOWED_METHOD,
    OTHER_PLAN,
    READ_ALL,
    Entry,
    no_other_council,
    statuses,
)

# Only administrators of the board's organisation issue packs; issuing redirects back to the
# meeting page.
ISSUE = statuses(403, administrator=302, superuser=302)
ISSUE_B = statuses(403, superuser=302)

MATRIX = [
    Entry("plans:portfolio", get=READ_ALL, check=no_other_council),
    Entry("plans:dashboard", kwargs=lambda o: {"slug": o["plan"].slug}, get=BOARD_SCOPED),
    Entry(
        "plans:dashboard",
        kwargs=lambda o: {"slug": o["other_plan"].slug},
        get=OTHER_PLAN,
        label="other plan",
    ),
    Entry(
        "plans:dashboard",
        kwargs=lambda o: {"slug": o["b_plan"].slug},
        get=COUNCIL_B_ONLY,
        label="council B",
    ),
    Entry("plans:exceptions", kwargs=lambda o: {"slug": o["plan"].slug}, get=BOARD_SCOPED),
    Entry(
        "plans:exceptions",
        kwargs=lambda o: {"slug": o["other_plan"].slug},
        get=OTHER_PLAN,
        label="other plan",
    ),
    Entry(
        "plans:exceptions",
        kwargs=lambda o: {"slug": o["b_plan"].slug},
        get=COUNCIL_B_ONLY,
        label="council B",
    ),
    Entry("plans:meeting_pdf", kwargs=lambda o: {"pk": o["meeting"].pk}, get=BOARD_SCOPED),
    Entry("plans:meeting_xlsx", kwargs=lambda o: {"pk": o["meeting"].pk}, get=BOARD_SCOPED),
    Entry(
        "plans:meeting_pdf",
        kwargs=lambda o: {"pk": o["b_meeting"].pk},
        get=COUNCIL_B_ONLY,
        label="council B",
    ),
    Entry(
        "plans:meeting_xlsx",
        kwargs=lambda o: {"pk": o["b_meeting"].pk},
        get=COUNCIL_B_ONLY,
        label="council B",
    ),
    Entry(
        "plans:meeting_issue",
        kwargs=lambda o: {"pk": o["meeting"].pk},
        get=NOT_ALLOWED_METHOD,
        post=ISSUE,
    ),
    Entry(
        "plans:meeting_issue",
        kwargs=lambda o: {"pk": o["b_meeting"].pk},
        get=NOT_ALLOWED_METHOD,
        post=ISSUE_B,
        label="council B",
    ),
]

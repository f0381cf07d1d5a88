"""Matrix entries for the board pages: portfolio, plan dashboard, exception report, board packs
(page, PDF, spreadsheet) and issuing a pack."""

from tests.matrix import NOT_ALLOWED_METHOD, READ_ALL, Entry, statuses

BOARD_SCOPED = statuses(200, no_role=403)
OTHER_PLAN = statuses(200, board_member=403, no_role=403)
# Only administrators issue packs; issuing redirects back to the meeting page.
ISSUE = statuses(403, administrator=302)

MATRIX = [
    Entry("plans:portfolio", get=READ_ALL),
    Entry("plans:dashboard", kwargs=lambda o: {"slug": o["plan"].slug}, get=BOARD_SCOPED),
    Entry(
        "plans:dashboard",
        kwargs=lambda o: {"slug": o["other_plan"].slug},
        get=OTHER_PLAN,
        label="other plan",
    ),
    Entry("plans:exceptions", kwargs=lambda o: {"slug": o["plan"].slug}, get=BOARD_SCOPED),
    Entry(
        "plans:exceptions",
        kwargs=lambda o: {"slug": o["other_plan"].slug},
        get=OTHER_PLAN,
        label="other plan",
    ),
    Entry("plans:meeting_pdf", kwargs=lambda o: {"pk": o["meeting"].pk}, get=BOARD_SCOPED),
    Entry("plans:meeting_xlsx", kwargs=lambda o: {"pk": o["meeting"].pk}, get=BOARD_SCOPED),
    Entry(
        "plans:meeting_issue",
        kwargs=lambda o: {"pk": o["meeting"].pk},
        get=NOT_ALLOWED_METHOD,
        post=ISSUE,
    ),
]

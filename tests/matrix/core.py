"""Matrix entries for the core pages: home, sign-in, plans, actions, measures, boards."""

from tests.matrix import READ_ALL, Entry, statuses

PUBLIC_GET = statuses(200, anonymous=200)
BOARD_SCOPED = statuses(200, board_member=200)
OTHER_PLAN = statuses(200, board_member=403)

MATRIX = [
    Entry("home", get=statuses(302)),
    Entry("theme_css", get=PUBLIC_GET, post=statuses(405, anonymous=405)),
    Entry("accessibility", get=PUBLIC_GET, post=statuses(405, anonymous=405)),
    # Signed-in users are sent on from the sign-in page; a POST with no data re-shows the form.
    Entry("login", get=statuses(302, anonymous=200), post=statuses(302, anonymous=200)),
    Entry("logout", get=statuses(405, anonymous=405), post=statuses(302, anonymous=302)),
    Entry("plans:list", get=READ_ALL),
    Entry("plans:detail", kwargs=lambda o: {"slug": o["plan"].slug}, get=BOARD_SCOPED),
    Entry(
        "plans:detail",
        kwargs=lambda o: {"slug": o["other_plan"].slug},
        get=OTHER_PLAN,
        label="other plan",
    ),
    Entry("actions:detail", kwargs=lambda o: {"pk": o["action"].pk}, get=BOARD_SCOPED),
    Entry(
        "actions:detail",
        kwargs=lambda o: {"pk": o["other_action"].pk},
        get=OTHER_PLAN,
        label="other plan",
    ),
    Entry("measures:list", get=READ_ALL),
    Entry("measures:detail", kwargs=lambda o: {"code": o["measure"].code}, get=READ_ALL),
    Entry("plans:boards", get=READ_ALL),
    Entry("plans:board", kwargs=lambda o: {"pk": o["board"].pk}, get=BOARD_SCOPED),
    Entry(
        "plans:board",
        kwargs=lambda o: {"pk": o["other_board"].pk},
        get=OTHER_PLAN,
        label="other board",
    ),
    Entry("plans:meeting", kwargs=lambda o: {"pk": o["meeting"].pk}, get=BOARD_SCOPED),
    # Downloads and jobs (issue 16): everyone signed in sees their own; only administrators
    # start reminders; a job that is not one's own (here: none) is 404.
    Entry("jobs", get=READ_ALL),
    Entry(
        "jobs_start_reminders",
        get=statuses(405),
        post=statuses(403, administrator=302),
    ),
    Entry("job_download", kwargs=lambda o: {"pk": 999999}, get=statuses(404)),
]

"""Matrix entries for the core pages: home, sign-in, plans, actions, measures, boards; and the
same pages for council B's records, which council A's people may not open by id or by slug."""

from tests.matrix import (
    BOARD_SCOPED,
    COUNCIL_B_ONLY,
    OTHER_PLAN,
    READ_ALL,
    Entry,
    no_other_council,
    statuses,
)

PUBLIC_GET = statuses(200, anonymous=200)

MATRIX = [
    Entry("home", get=statuses(302)),
    Entry("theme_css", get=PUBLIC_GET, post=statuses(405, anonymous=405)),
    Entry("accessibility", get=PUBLIC_GET, post=statuses(405, anonymous=405)),
    # Signed-in users are sent on from the sign-in page; a POST with no data re-shows the form.
    Entry("login", get=statuses(302, anonymous=200), post=statuses(302, anonymous=200)),
    Entry("logout", get=statuses(405, anonymous=405), post=statuses(302, anonymous=302)),
    Entry("plans:list", get=READ_ALL, check=no_other_council),
    Entry("plans:detail", kwargs=lambda o: {"slug": o["plan"].slug}, get=BOARD_SCOPED),
    Entry(
        "plans:detail",
        kwargs=lambda o: {"slug": o["other_plan"].slug},
        get=OTHER_PLAN,
        label="other plan",
    ),
    Entry(
        "plans:detail",
        kwargs=lambda o: {"slug": o["b_plan"].slug},
        get=COUNCIL_B_ONLY,
        label="council B",
    ),
    Entry("actions:detail", kwargs=lambda o: {"pk": o["action"].pk}, get=BOARD_SCOPED),
    Entry(
        "actions:detail",
        kwargs=lambda o: {"pk": o["other_action"].pk},
        get=OTHER_PLAN,
        label="other plan",
    ),
    Entry(
        "actions:detail",
        kwargs=lambda o: {"pk": o["b_action"].pk},
        get=COUNCIL_B_ONLY,
        label="council B",
    ),
    Entry("measures:list", get=READ_ALL, check=no_other_council),
    Entry(
        "measures:list",
        get=READ_ALL,
        query=lambda o: f"?plan={o['b_plan'].pk}",
        label="council B's plan as a filter",
        check=no_other_council,
    ),
    # CSS-01 is linked to the Improvement Plan the Good and Beyond Board oversees (and to the
    # 2017-20 strategy); CSS-03 only to the strategy, which that board does not oversee.
    Entry("measures:detail", kwargs=lambda o: {"code": o["measure"].code}, get=BOARD_SCOPED),
    Entry(
        "measures:detail", kwargs=lambda o: {"code": "CSS-03"}, get=OTHER_PLAN, label="other plan"
    ),
    Entry(
        "measures:detail",
        kwargs=lambda o: {"code": o["b_measure"].code},
        get=COUNCIL_B_ONLY,
        label="council B",
    ),
    Entry("plans:boards", get=READ_ALL, check=no_other_council),
    Entry("plans:board", kwargs=lambda o: {"pk": o["board"].pk}, get=BOARD_SCOPED),
    Entry(
        "plans:board",
        kwargs=lambda o: {"pk": o["other_board"].pk},
        get=OTHER_PLAN,
        label="other board",
    ),
    Entry(
        "plans:board",
        kwargs=lambda o: {"pk": o["b_board"].pk},
        get=COUNCIL_B_ONLY,
        label="council B",
    ),
    Entry("plans:meeting", kwargs=lambda o: {"pk": o["meeting"].pk}, get=BOARD_SCOPED),
    Entry(
        "plans:meeting",
        kwargs=lambda o: {"pk": o["b_meeting"].pk},
        get=COUNCIL_B_ONLY,
        label="council B",
    ),
    # Downloads and jobs (issue 16): everyone signed in sees their own; only superusers start
    # reminders (they go to every organisation); a job that is not one's own (here: none) is 404.
    Entry("jobs", get=READ_ALL),
    Entry(
        "jobs_start_reminders",
        get=statuses(405),
        post=statuses(403, superuser=302),
    ),
    Entry("job_download", kwargs=lambda o: {"pk": 999999}, get=statuses(404)),
    Entry("job_detail", kwargs=lambda o: {"pk": 999999}, get=statuses(404)),
]

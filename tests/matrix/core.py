"""Matrix entries for the core pages: home, sign-in, plans, actions, measures, boards."""

from tests.matrix import READ_ALL, Entry, statuses


def check_measures(objs, role, response):
    """Which measures a page or download holds: every measure for those who read every plan,
    the board's plan's measures for the board member, none for a user with no role."""
    body = response.content.decode("utf-8", "replace") if "html" in response["Content-Type"] else ""
    if not body:
        body = objs["download_text"](response)
    shown = {code for code in objs["measure_codes"] if code_in(code, body)}
    if role == "board_member":
        assert shown == {objs["plan_measure"].code}, shown
    elif role == "no_role":
        assert not shown, shown
    else:
        assert {objs["measure"].code, objs["plan_measure"].code} <= shown


def code_in(code: str, text: str) -> bool:
    import re

    return re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text) is not None


PUBLIC_GET = statuses(200, anonymous=200)
# Pages of the board member's plan: a signed-in user with no role may read no plan.
BOARD_SCOPED = statuses(200, no_role=403)
OTHER_PLAN = statuses(200, board_member=403, no_role=403)

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
    # Measures follow their plans: the list holds only the measures of plans the user may read.
    Entry("measures:list", get=READ_ALL, check=lambda o, role, r: check_measures(o, role, r)),
    Entry("measures:detail", kwargs=lambda o: {"code": o["measure"].code}, get=OTHER_PLAN),
    Entry(
        "measures:detail",
        kwargs=lambda o: {"code": o["plan_measure"].code},
        get=BOARD_SCOPED,
        label="board's plan",
    ),
    Entry("plans:boards", get=READ_ALL),
    Entry("plans:board", kwargs=lambda o: {"pk": o["board"].pk}, get=BOARD_SCOPED),
    Entry(
        "plans:board",
        kwargs=lambda o: {"pk": o["other_board"].pk},
        get=OTHER_PLAN,
        label="other board",
    ),
    Entry("plans:meeting", kwargs=lambda o: {"pk": o["meeting"].pk}, get=BOARD_SCOPED),
]

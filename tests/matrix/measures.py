"""Matrix entries for entering and correcting measure values (the list and the measure page are
in core). Only administrators and the officer who owns a measure may enter its values:
``objs.measure`` (CSS-01) is owned by the demo officer jane.smith, so she and administrators may;
adele.moore and everyone else get 403. An empty POST re-shows the form with errors (200) to those
allowed."""

from tests.matrix import Entry, statuses

OWNER_ONLY = statuses(403, officer=200, administrator=200)
OTHER_PLAN = statuses(200, board_member=403, no_role=403)  # CSS-01 is not of the board's plan


def first_value(o):
    return {"code": o["measure"].code, "pk": o["measure"].values.order_by("pk").first().pk}


MATRIX = [
    Entry("measures:list", query="?publication=1", label="publication"),
    Entry(
        "measures:detail",
        kwargs=lambda o: {"code": o["measure"].code},
        query="?publication=1&compare=last_year",
        get=OTHER_PLAN,
        label="publication",
    ),
    Entry(
        "measures:add_value",
        kwargs=lambda o: {"code": o["measure"].code},
        get=OWNER_ONLY,
        post=OWNER_ONLY,
    ),
    Entry("measures:correct_value", kwargs=first_value, get=OWNER_ONLY, post=OWNER_ONLY),
]

"""Matrix entries for entering and correcting measure values (the list and the measure page are
in core). Only administrators of the measure's organisation and the officer who owns it may
enter its values: ``objs.measure`` (CSS-01) is owned by the demo officer jane.smith, so she,
Stockton's administrator and the superuser may; everyone else gets 403. Council B's
``b_measure`` (EH-01) is owned by middlesbrough.officer. An empty POST re-shows the form with
errors (200) to those allowed."""

from tests.matrix import BOARD_SCOPED, COUNCIL_B_ONLY, Entry, statuses

OWNER_ONLY = statuses(403, officer=200, administrator=200, superuser=200)


def first_value(measure_key):
    def kwargs(o):
        measure = o[measure_key]
        return {"code": measure.code, "pk": measure.values.order_by("pk").first().pk}

    return kwargs


MATRIX = [
    Entry("measures:list", query="?publication=1", label="publication"),
    Entry(
        "measures:detail",
        kwargs=lambda o: {"code": o["measure"].code},
        query="?publication=1&compare=last_year",
        get=BOARD_SCOPED,  # CSS-01 is also linked to the board's Improvement Plan
        label="publication",
    ),
    Entry(
        "measures:add_value",
        kwargs=lambda o: {"code": o["measure"].code},
        get=OWNER_ONLY,
        post=OWNER_ONLY,
    ),
    Entry("measures:correct_value", kwargs=first_value("measure"), get=OWNER_ONLY, post=OWNER_ONLY),
    Entry(
        "measures:add_value",
        kwargs=lambda o: {"code": o["b_measure"].code},
        get=COUNCIL_B_ONLY,
        post=COUNCIL_B_ONLY,
        label="council B",
    ),
    Entry(
        "measures:correct_value",
        kwargs=first_value("b_measure"),
        get=COUNCIL_B_ONLY,
        post=COUNCIL_B_ONLY,
        label="council B",
    ),
]

"""The URL x role x method permission matrix.

Every named URL of the site (all but the Django admin, which has its own tests) must have an
entry in one of this package's modules (``MATRIX`` lists of ``Entry``); the test in
``tests/config/test_permission_matrix.py`` fails when a URL is added without one.

Actors are built from the demo data:
- anonymous: not signed in
- viewer: a user in the Viewers group
- board_member: "councillor", member of the Good and Beyond Board (oversees the Improvement Plan)
- no_role: a signed-in user in no role group and with no Person: reads no plan and no measure
- officer: "jane.smith", leads actions in the Improvement Plan
- other_officer: "adele.moore", an officer who does not lead `objs.action`
- administrator: "admin"

Objects (``Objects``) are demo records: ``plan`` (the Improvement Plan, overseen by the board
member's board), ``other_plan`` (the 2017-20 strategy, not overseen by it), ``action`` (led by
jane.smith), ``other_action`` (an action of ``other_plan``), ``measure`` (CSS-01, of
``other_plan`` only), ``plan_measure`` (a measure of another plan that the fixture also links to
``plan``, so the board member may read it), ``board`` (Good and Beyond Board), ``other_board``
(Cabinet), ``meeting`` (a Good and Beyond Board meeting).

An entry may also ``check`` the response body (``check(objs, role, response)``), for pages and
downloads whose status is the same for everyone but whose rows depend on who asks.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = [
    "anonymous",
    "no_role",
    "viewer",
    "board_member",
    "officer",
    "other_officer",
    "administrator",
]


def statuses(default: int, anonymous: int = 302, **overrides) -> dict[str, int]:
    """Expected HTTP status per actor: ``default`` for every signed-in actor unless overridden."""
    result = {role: default for role in ROLES}
    result["anonymous"] = anonymous
    result.update(overrides)
    return result


READ_ALL = statuses(200)
NOT_ALLOWED_METHOD = statuses(405)


@dataclass
class Entry:
    name: str  # the URL's name, e.g. "plans:detail"
    kwargs: Callable[[dict], dict] = field(default=lambda o: {})
    get: dict[str, int] = field(default_factory=lambda: READ_ALL)
    post: dict[str, int] = field(default_factory=lambda: NOT_ALLOWED_METHOD)
    post_data: Callable[[dict], dict] = field(default=lambda o: {})
    query: str = ""  # appended to the URL, e.g. "?format=csv"
    label: str = ""  # distinguishes two entries for one URL name
    check: Callable | None = None  # check(objs, role, response) after a 200 GET


def all_entries() -> list[Entry]:
    import importlib
    import pkgutil

    entries = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        entries.extend(getattr(module, "MATRIX", []))
    return entries

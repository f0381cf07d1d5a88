"""The URL x role x method permission matrix.

Every named URL of the site (all but the Django admin, which has its own tests, among them
``tests/config/test_admin_isolation.py``) must have an entry in one of this package's modules
(``MATRIX`` lists of ``Entry``); the test in ``tests/config/test_permission_matrix.py`` fails
when a URL is added without one.

Actors are built from the demo data, in which each council is its own organisation (ADR 0012).
Council A is Stockton-on-Tees, council B Middlesbrough:
- anonymous: not signed in
- viewer: a user in the Viewers group, a member of Stockton
- board_member: "councillor", member of the Good and Beyond Board (oversees the Improvement Plan)
- partner: "police.partner", Cleveland Police's member of the Good and Beyond Board (a partner
  agency: reads what that board oversees and nothing else)
- officer: "jane.smith", leads actions in the Improvement Plan
- other_officer: "adele.moore", an officer who does not lead `objs.action`
- administrator: "stockton.admin", Stockton's administrator (not a superuser)
- superuser: "admin", who administers the installation
- b_officer: "middlesbrough.officer", council B's officer (owns ``b_measure``)

Objects (``Objects``) are demo records: ``plan`` (the Improvement Plan, overseen by the board
member's board), ``other_plan`` (the 2017-20 strategy, not overseen by it), ``action`` (led by
jane.smith), ``other_action`` (an action of ``other_plan``), ``measure`` (CSS-01, of
``other_plan``), ``board`` (Good and Beyond Board), ``other_board`` (Cabinet), ``meeting`` (a Good
and Beyond Board meeting). Council B's: ``b_plan`` (the Early Help Strategy), ``b_action``,
``b_measure`` (EH-01), ``b_board`` (Middlesbrough Council (full Council)), ``b_meeting`` (its
meeting), ``b_organisation``.

An entry may also ``check`` the response body (``check(objs, role, response)``), for pages and
downloads whose status is the same for everyone but whose rows depend on who asks;
``no_other_council`` is the check that no list ever mentions another council's records.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = [
    "anonymous",
    "viewer",
    "board_member",
    "partner",
    "officer",
    "other_officer",
    "administrator",
    "superuser",
    "b_officer",
]
# The signed-in actors of council A (Stockton), and of council B (Middlesbrough).
COUNCIL_A = ["viewer", "board_member", "partner", "officer", "other_officer", "administrator"]
COUNCIL_B = ["b_officer"]


def statuses(default: int, anonymous: int = 302, **overrides) -> dict[str, int]:
    """Expected HTTP status per actor: ``default`` for every signed-in actor unless overridden."""
    result = {role: default for role in ROLES}
    result["anonymous"] = anonymous
    result.update(overrides)
    return result


READ_ALL = statuses(200)
NOT_ALLOWED_METHOD = statuses(405)
# Pages of council A's Improvement Plan (and its board and meetings): council B is refused.
BOARD_SCOPED = statuses(200, b_officer=403)
# Pages of a Stockton plan (or board) the Good and Beyond Board does not oversee.
OTHER_PLAN = statuses(200, board_member=403, partner=403, b_officer=403)
# Pages of council B's records: refused to every council-A actor, by id and by slug.
COUNCIL_B_ONLY = statuses(403, superuser=200, b_officer=200)
ADMINS = {"administrator": 200, "superuser": 200}


@dataclass
class Entry:
    name: str  # the URL's name, e.g. "plans:detail"
    kwargs: Callable[[dict], dict] = field(default=lambda o: {})
    get: dict[str, int] = field(default_factory=lambda: READ_ALL)
    post: dict[str, int] = field(default_factory=lambda: NOT_ALLOWED_METHOD)
    post_data: Callable[[dict], dict] = field(default=lambda o: {})
    query: str | Callable[[dict], str] = ""  # appended to the URL, e.g. "?format=csv"
    label: str = ""  # distinguishes two entries for one URL name
    check: Callable | None = None  # check(objs, role, response) after a 200 GET


# What only council B's people (and superusers) may ever see, and only council A's; Wokingham,
# a third council, is never seen by either. Codes are matched as whole words.
COUNCIL_B_WORDS = ["Middlesbrough", "Early Help Strategy", "Mike Carr", "Sam Okafor"]
COUNCIL_B_CODES = ["EH-01", "MBRO-LAC"]
COUNCIL_A_WORDS = ["Stockton", "Good and Beyond", "Jane Smith", "Adele Moore", "Chris Hart"]
COUNCIL_A_CODES = ["CSS-01", "CYP-A1"]
COUNCIL_C_WORDS = ["Wokingham", "Getting to Good", "Priya Shah", "Helen Watson"]


def response_text(response) -> str:
    """The text of a page, or of a .csv or .xlsx download."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        import io

        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    return content.decode("utf-8-sig", "replace")


def mentions(text: str, words: list[str], codes: list[str]) -> list[str]:
    found = [w for w in words if w in text]
    found += [c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)]
    return found


def no_other_council(objs, role, response) -> None:
    """A list, count, search, filter or download never mentions another council's records."""
    text = response_text(response)
    if role in COUNCIL_A:
        leaked = mentions(text, COUNCIL_B_WORDS + COUNCIL_C_WORDS, COUNCIL_B_CODES)
    elif role in COUNCIL_B:
        leaked = mentions(text, COUNCIL_A_WORDS + COUNCIL_C_WORDS, COUNCIL_A_CODES)
    else:
        return
    assert not leaked, f"{role} was shown another council's {leaked}"


def all_entries() -> list[Entry]:
    import importlib
    import pkgutil

    entries = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        entries.extend(getattr(module, "MATRIX", []))
    return entries

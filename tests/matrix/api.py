"""Matrix entries for the API (``/api/v1/``) with the pages' sessions. Without a session or a
key the API answers 401 (never a redirect to the sign-in page); every signed-in role may read,
each seeing what its pages show (ADR 0012: no table, page or whole-table CSV mentions another
council's records, even when asked for council B's plan or organisation by id; tested in
tests/api/test_sessions_and_http.py and tests/api/test_inspections.py); nobody may write with a
session (403: writes need a read-and-write key), and tables other than measure values take no POST
at all. The schema is public. Keys, with two organisations, are in tests/api/."""

from api.tables import TABLES
from tests.matrix import Entry, no_other_council, statuses

API_READ = statuses(200, anonymous=401)
SESSION_WRITE = statuses(403, anonymous=401)

MATRIX = [
    Entry("api:index", get=API_READ, post=SESSION_WRITE),
    Entry(
        "api:schema",
        get=statuses(200, anonymous=200),
        post=statuses(405, anonymous=405),
    ),
]
for _table in TABLES:
    MATRIX += [
        Entry(
            f"api:{_table.basename}-list",
            get=API_READ,
            post=SESSION_WRITE,
            check=no_other_council,
        ),
        Entry(
            f"api:{_table.basename}-csv", get=API_READ, post=SESSION_WRITE, check=no_other_council
        ),
    ]
    if _table.plan:
        MATRIX.append(
            Entry(
                f"api:{_table.basename}-list",
                get=API_READ,
                post=SESSION_WRITE,
                query=lambda o: f"?plan={o['b_plan'].pk}",
                label="council B's plan as a filter",
                check=no_other_council,
            )
        )
    if _table.organisation:
        MATRIX.append(
            Entry(
                f"api:{_table.basename}-csv",
                get=API_READ,
                post=SESSION_WRITE,
                query=lambda o: f"?organisation={o['b_organisation'].pk}",
                label="council B as a filter",
                check=no_other_council,
            )
        )

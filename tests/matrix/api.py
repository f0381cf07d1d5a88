"""Matrix entries for the API (``/api/v1/``) with the pages' sessions. Without a session or a
key the API answers 401 (never a redirect to the sign-in page); every signed-in role may read,
each seeing what its pages show (tested in tests/api/test_sessions_and_http.py and
tests/api/test_inspections.py); nobody may write with a session (403: writes need a
read-and-write key), and tables other than measure values take no POST at all. The schema is
public. Keys, with two organisations, are in tests/api/."""

from api.tables import TABLES
from tests.matrix import Entry, statuses

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
        Entry(f"api:{_table.basename}-list", get=API_READ, post=SESSION_WRITE),
        Entry(f"api:{_table.basename}-csv", get=API_READ, post=SESSION_WRITE),
    ]

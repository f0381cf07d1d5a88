"""Row budgets: how much one request may render or write (docs/security.md, "Limits").

Every page lists at most ``MAX_PER_PAGE`` rows (``core.links``); beyond that, a page or download
that holds a whole plan, meeting or filtered list checks its size first, with one cheap count,
and refuses what is over its budget with a message saying what to do instead:

- ``PAGE_MAX_ACTIONS``: actions on one page (plan document, dashboard, exception report, board
  pack page and spreadsheet); 10,000 actions render in about 3 s;
- ``EXPORT_MAX_ROWS``: rows in one .xlsx or .csv download (actions explorer, plan, measures);
  10,000 rows take about 6 s as .xlsx;
- ``PDF_MAX_ACTIONS``: actions in one PDF board pack, inspection evidence pack or
  self-evaluation PDF (WeasyPrint lays out about 16 actions a
  second here, so 600 take under a minute, within ``LONG_REQUEST_TIMEOUT``);
- ``INLINE_EXPORT_MAX_ACTIONS``: actions in a plan's or the actions explorer's .xlsx or .csv
  made inside the request (300 take well under 2 s); a larger file is prepared as a
  background job (issue 16, ``core.tasks``) and downloaded from "Downloads and jobs";
- ``INLINE_IMPORT_MAX_BYTES``: the size of an uploaded plan or measures file read and
  committed inside the request; a larger file is read (its preview) and committed by
  background jobs, the preview page saying "reading your file" until it is ready;
- ``MINE_MAX_ACTIONS``: actions on an officer's "My actions" (about 1.3 ms of CPU each, with
  their reporting periods): beyond it the page shows the first ones and says so.

Larger plans are read a page at a time in the actions explorer, and exported from the command
line (``manage.py export_plan``), which has no request deadline.
"""

from django.conf import settings

DEFAULTS = {
    "PAGE_MAX_ACTIONS": 10_000,
    "EXPORT_MAX_ROWS": 10_000,
    "PDF_MAX_ACTIONS": 600,
    "MINE_MAX_ACTIONS": 2_000,
    "INLINE_EXPORT_MAX_ACTIONS": 300,
    "INLINE_IMPORT_MAX_BYTES": 300_000,
}


def budget(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def within(name: str, count: int | None) -> bool:
    return count is None or count <= budget(name)


def over_budget_message(what: str, count: int, name: str) -> str:
    return (
        f"This {what} has {count:,} rows, more than the {budget(name):,} that can be produced "
        "at once. Narrow the filters, or ask an administrator for a copy from the command line."
    )

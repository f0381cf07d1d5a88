"""A fuzzing crawl (issue 18): every URL pattern of the permission matrix, as every role, with
generated path values and query and form parameters (page, per_page, sort, filters, dates, ids:
negative, huge, NUL, unicode, SQL and template fragments), by GET and by POST. It fails on any
5xx and on any response slower than its time budget.

Each URL and role gets a sweep first: every path argument, query parameter and form field set at
once to one of ``SWEEP`` (three per role, rotated so that each URL meets all of them across the
roles), then hypothesis examples mixing valid and hostile values. Repeatable: hypothesis runs
derandomized (the same examples on every run, no example database); ``FUZZ_EXAMPLES`` (default 2)
sets the examples per URL and role. The demo data is loaded once for the module, and each test's
writes are rolled back."""

import os
import string
import time
from urllib.parse import quote, urlencode

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.config.test_permission_matrix import client_for, objs  # noqa: F401 - objs: a fixture
from tests.matrix import ROLES, all_entries

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
TIME_BUDGET = 10.0  # seconds for any response (a busy 2-core machine)
PDF_VIEWS = ["plans:meeting_pdf", "inspections:evidence_pack", "inspections:self_evaluation_pdf"]
SLOW_BUDGETS = dict.fromkeys(PDF_VIEWS, 30.0)  # WeasyPrint lays out the whole pack
FEWER_EXAMPLES = {**dict.fromkeys(PDF_VIEWS, 1), "plans:meeting_issue": 1}

# One entry per URL name, the first in the matrix: its kwargs give valid path values.
ENTRIES = list({entry.name: entry for entry in reversed(all_entries())}.values())
ENTRIES.sort(key=lambda e: e.name)

QUERY_NAMES = [
    "page", "per_page", "sort", "q", "plan", "priority", "lead", "organisation", "rating",
    "overdue", "update_due", "due_within", "due_from", "due_to", "tag", "frequency", "compare",
    "publication", "_export", "next", "as_at",
    # the API (api.pagination, api.filters, api.authentication) and single sign-on (accounts)
    "page_size", "cursor", "format", "updated_since", "period", "period_from", "period_to",
    "api_key", "provider", "code", "state", "error",
]  # fmt: skip
FORM_NAMES = [
    "rating", "commentary", "issue", "mitigation", "resolve_by", "outside_control",
    "evidence_of_impact", "proposed_timescale", "proposed_timescale_reason", "escalate",
    "version", "next", "period_start", "period_end", "label", "value", "numerator",
    "denominator", "population", "note", "reason", "mode", "plan", "organisation", "title",
    "version_label", "kind", "numbering", "start", "end", "col_A", "col_B", "username",
    "password", "email", "new_password1", "new_password2",
]  # fmt: skip
HOSTILE = [
    "", " ", "0", "1", "-1", "2", "007", "1.5", "1e40", "-1e40", "1e-40", "NaN", "Infinity",
    "9" * 30, "-" + "9" * 30, str(2**63), str(-(2**63) - 1), "2147483648",
    "\x00", "a\x00b", "\x01\x1f\x7f", "\r\nSet-Cookie: x=1", "\t",
    "' OR '1'='1", "1; DROP TABLE actions_action; --", '"><script>alert(1)</script>',
    "{{ 7|add:7 }}", "{% debug %}", "${7*7}", "%(x)s", "%s%n", "../../../etc/passwd",
    "\u202eevil", "\ufeff", "😀" * 3, "日本語", "\u0663\u0664", "\uff11\uff12", "ß", "İ",
    "31/02/2024", "29/02/2023", "00/00/0000", "31/12/9999", "1/1/0001", "2024-13-45",
    "99999999-01-01", "9999-12-31T23:59:59", "-5 days", "yesterday",
    "red", "amber", "green", "complete", "not_started", "-rating", "rating", "number",
    "-number", "plan", "timescale", "__str__", "pk", "-pk", "csv", "xlsx", "pdf", "json",
    "true", "false", "on", "yes", "previous", "last_year", "annual", "monthly",
    "http://example.org/", "//example.org", "javascript:alert(1)", "/plans/",
    "x" * 3000,
]  # fmt: skip
# The sweep: the values most likely to break a view, each given to every parameter at once.
SWEEP = [
    "-1", "0", "9" * 30, "1e40", "\x00", "' OR '1'='1", "{{ 7|add:7 }}", "日本語😀",
    "31/02/2024", "x" * 3000, "\r\n",
]  # fmt: skip
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    TEXT,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def markers_for(valid_kwargs: dict) -> dict:
    """A marker per path argument that its converter accepts: digits for numbers, letters
    otherwise."""
    return {
        name: (f"90817263{n}" if isinstance(value, int) else f"zqmarker{n}zq")
        for n, (name, value) in enumerate(sorted(valid_kwargs.items()))
    }


def build_url(name: str, valid_kwargs: dict, drawn: dict) -> str:
    """The URL with each path argument replaced by the drawn text (percent-encoded, so any
    text reaches the resolver), or by its valid value when none was drawn."""
    markers = markers_for(valid_kwargs)
    url = reverse(name, kwargs=markers)
    for param, marker in markers.items():
        value = drawn.get(param)
        text = str(valid_kwargs[param]) if value is None else value
        url = url.replace(marker, quote(text, safe=""), 1)
    return url


CASES = [
    pytest.param(
        entry,
        role,
        [SWEEP[(i + j + k * 4) % len(SWEEP)] for k in range(3)],  # all of SWEEP over the roles
        id=f"{entry.name}-{role}",
    )
    for i, entry in enumerate(ENTRIES)
    for j, role in enumerate(ROLES)
]


def crawl(entry, role, sweep, objs):  # noqa: F811 - objs is the fixture's value
    """The sweep and the hypothesis test for one URL pattern and one role."""
    client = client_for(role, objs)
    client.raise_request_exception = False
    valid_kwargs = entry.kwargs(objs)
    params = sorted(valid_kwargs)
    budget = SLOW_BUDGETS.get(entry.name, TIME_BUDGET)

    @settings(
        max_examples=FEWER_EXAMPLES.get(entry.name, EXAMPLES),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        path=st.fixed_dictionaries({p: st.one_of(st.none(), VALUE) for p in params}),
        query=st.dictionaries(st.sampled_from(QUERY_NAMES), VALUE, max_size=4),
        form=st.dictionaries(st.sampled_from(FORM_NAMES + QUERY_NAMES), VALUE, max_size=6),
    )
    def visit(path, query, form):
        url = build_url(entry.name, valid_kwargs, path)
        for method, target, data in (
            ("GET", f"{url}?{urlencode(query)}" if query else url, None),
            ("POST", url, form),
        ):
            started = time.monotonic()
            response = client.get(target) if method == "GET" else client.post(target, data)
            seconds = time.monotonic() - started
            assert response.status_code < 500, f"{method} {target!r} {data!r} as {role}"
            assert seconds < budget, f"{method} {target!r} as {role} took {seconds:.1f} s"

    for value in sweep:
        visit.hypothesis.inner_test(
            path=dict.fromkeys(params, value),
            query=dict.fromkeys(QUERY_NAMES, value),
            form=dict.fromkeys(FORM_NAMES + QUERY_NAMES, value),
        )
    visit()


@pytest.mark.parametrize("entry,role,sweep", CASES)
def test_fuzz_crawl(entry, role, sweep, objs):  # noqa: F811
    crawl(entry, role, sweep, objs)


def test_the_crawl_covers_every_url_of_the_matrix():
    from tests.config.test_permission_matrix import named_urls

    assert {entry.name for entry in ENTRIES} == named_urls()
    assert set(string.ascii_letters) & set("".join(QUERY_NAMES))  # the names are plain words

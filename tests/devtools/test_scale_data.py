"""The synthetic council for the benchmark (plans.scale, generate_scale_data) and the benchmark's
own parts (page registry, measurement, load plan and no-lost-writes check, report)."""

import zlib
from datetime import date, datetime, time
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from actions.models import Action, ReportingPeriod, StatusUpdate
from actions.timescales import TimescaleKind
from boards.models import Board
from core.models import Person
from core.rag import Rating
from core.roles import Role
from devtools.bench import formfill
from devtools.management.commands import bench
from devtools.scale import (
    PROFILES,
    Profile,
    ScaleDataExists,
    ScaleGenerator,
    add_months,
    fingerprint,
    history_months,
    invariant_breaches,
    scale_plans,
)
from measures.models import Comparator, MeasureValue, Target

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 15)
TINY = Profile(plans=2, actions_per_plan=12, periods=4, measures=3)


def generate(profile=TINY, seed=7, as_of=AS_OF, **options):
    return ScaleGenerator(profile, seed=seed, as_of=as_of, **options).run()


def fingerprint_of(**kwargs) -> str:
    """Generate, fingerprint, and roll the data back."""
    with transaction.atomic():
        generate(**kwargs)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


# --- sizes and shape ---------------------------------------------------------------------------
def test_generator_builds_the_requested_sizes():
    report = generate()
    plans = scale_plans()
    assert plans.count() == 2
    actions = Action.objects.filter(plan__in=plans)
    assert actions.count() == 24
    assert StatusUpdate.objects.filter(action__plan__in=plans).count() == 24 * 4
    # One update per action per past period, none in the current (open) month.
    per_pair = (
        StatusUpdate.objects.values("action", "period").annotate(n=Count("pk")).order_by("-n")
    )
    assert per_pair[0]["n"] == 1 and len(per_pair) == 96
    for plan in plans:
        periods = list(ReportingPeriod.objects.filter(plan=plan).order_by("start"))
        assert [p.start for p in periods] == [*history_months(AS_OF, 4), date(2026, 6, 1)]
        assert not periods[-1].updates.exists() and periods[-1].is_open(AS_OF)
    assert MeasureValue.objects.filter(measure__code__startswith="SCL").count() == 3 * 4
    assert Target.objects.filter(measure__code__startswith="SCL").exists()
    assert Comparator.objects.filter(measure__code__startswith="SCL").count() >= 3 * 3
    assert report.counts["actions"] == 24


def test_officers_have_accounts_in_the_officers_group_and_lead_actions():
    generate()
    officers = Person.objects.filter(user__groups__name=Role.OFFICER)
    assert officers.count() == 4  # at least 4, one per 20 actions
    assert all(p.user.check_password("improve-2026") for p in officers[:1])
    led = Action.objects.filter(lead__in=officers)
    assert led.count() > 12  # most actions are led by a named officer, the rest by a post
    assert not Action.objects.filter(lead__isnull=True, lead_text="").exists()
    assert Group.objects.get(name=Role.BOARD_MEMBER).user_set.count() == 6


def test_timescales_are_real_looking_and_understood():
    generate()
    actions = Action.objects.filter(plan__in=scale_plans())
    kinds = set(actions.values_list("timescale_kind", flat=True))
    assert TimescaleKind.UNPARSED not in kinds and TimescaleKind.BLANK not in kinds
    assert len(kinds) >= 4  # months, quarters, dates, ongoing...
    for action in actions:
        parsed = action.timescale
        assert action.timescale_due == parsed.due_date


def test_boards_meet_monthly_and_oversee_every_plan():
    generate()
    board = Board.objects.get(cadence=Board.Cadence.MONTHLY, organisation__name__startswith="Scale")
    months = [(d.year, d.month) for d in board.meetings.values_list("date", flat=True)]
    assert len(months) == len(set(months)) == 4 + 1 + 2  # past periods, this month, two ahead
    assert set(board.plans.all()) == set(scale_plans())
    assert board.memberships.filter(person__user__groups__name=Role.BOARD_MEMBER).count() == 6


def test_updates_fall_inside_their_period_and_before_the_as_of_date():
    generate()
    as_of = timezone.make_aware(datetime.combine(AS_OF, time(0, 0)))
    for update in StatusUpdate.objects.select_related("period"):
        assert update.created_at < as_of
        assert update.period.start <= timezone.localdate(update.created_at) <= update.period.end


# --- determinism and invariants ----------------------------------------------------------------
def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    first = fingerprint_of(seed=7)
    assert fingerprint_of(seed=7) == first
    assert fingerprint_of(seed=8) != first
    assert fingerprint_of(seed=7, as_of=add_months(AS_OF, 1)) != first


def test_copy_writes_the_same_rows_as_bulk_create():
    """On PostgreSQL status updates and history rows go in by COPY: the same data, history
    included, as bulk_create would have written."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    two = Profile(plans=3, actions_per_plan=8, periods=3, measures=2, councils=2)

    def written(copy):
        with transaction.atomic():
            generate(profile=two, copy=copy)
            result = (
                fingerprint(),
                sorted(
                    StatusUpdate.history.values_list(
                        "action__number",
                        "period__start",
                        "rating",
                        "history_type",
                        "history_date",
                        "history_user__username",
                    )
                ),
            )
            transaction.set_rollback(True)
        return result

    assert written(copy=True) == written(copy=False)


def test_several_councils_each_keep_their_people_plans_and_boards():
    generate(profile=Profile(plans=5, actions_per_plan=6, periods=2, measures=4, councils=2))
    councils = set(scale_plans().values_list("organisation__name", flat=True))
    assert len(councils) == 2
    for action in Action.objects.filter(plan__in=scale_plans()).select_related("lead", "plan"):
        assert action.lead.organisation_id == action.plan.organisation_id
    for board in Board.objects.filter(organisation__name__in=councils):
        assert set(board.plans.values_list("organisation_id", flat=True)) == {board.organisation_id}
        assert set(board.memberships.values_list("person__organisation_id", flat=True)) == {
            board.organisation_id
        }


def test_every_action_rating_is_its_latest_update():
    generate()
    assert invariant_breaches(scale_plans()) == {
        "rating": 0,
        "rating_updated_at": 0,
        "version_below_updates": 0,
        "version_not_updates": 0,
        "no_update_not_started": 0,
    }
    for action in Action.objects.filter(plan__in=scale_plans()).order_by("pk")[:10]:
        latest = action.updates.order_by("-created_at", "-pk").first()
        assert action.rating == latest.rating
        assert action.rating_updated_at == latest.created_at
        assert action.version == action.updates.count() == 4
    # The ratings are a realistic spread, not all one colour.
    assert len(set(Action.objects.values_list("rating", flat=True))) >= 3


def test_the_invariant_check_notices_a_rating_out_of_step():
    generate()
    action = Action.objects.filter(plan__in=scale_plans()).exclude(rating=Rating.RED).first()
    Action.objects.filter(pk=action.pk).update(rating=Rating.RED)
    assert invariant_breaches(scale_plans())["rating"] == 1


def test_generating_twice_in_one_database_is_refused():
    generate()
    with pytest.raises(ScaleDataExists):
        generate()


def test_the_command_prints_counts_and_a_fingerprint():
    out = StringIO()
    call_command(
        "generate_scale_data",
        "--plans=2",
        "--actions-per-plan=5",
        "--periods=2",
        "--measures=2",
        "--as-of=2026-06-15",
        "--fingerprint",
        stdout=out,
    )
    text = out.getvalue()
    assert "2 plans x 5 actions x 2 periods = 20 updates" in text
    assert "fingerprint " in text and "status updates" in text
    with pytest.raises(CommandError, match="already in this database"):
        call_command("generate_scale_data", "--plans=1", stdout=StringIO())


def test_the_profiles_match_the_issue():
    assert PROFILES["large"] == Profile(plans=20, actions_per_plan=250, periods=36, measures=300)
    assert PROFILES["large"].updates == 180_000
    assert PROFILES["small"].actions == 750 and PROFILES["tiny"].actions == 50
    xl = PROFILES["xl"]
    assert (xl.plans, xl.actions, xl.updates, xl.measures) == (200, 50_000, 1_800_000, 3000)
    assert xl.councils == 8


# --- the benchmark's parts ---------------------------------------------------------------------
def test_pages_without_a_url_yet_are_reported_as_not_built():
    generate()
    subjects = bench.pick_subjects()
    page = bench.Page("x", "Future page", "plans:not_a_page", lambda s: [{}])
    assert bench.resolve(page, subjects, bench.named_urls()) == (None, "not built yet")
    built = bench.Page("d", "Plan document", "plans:detail", bench._plan)
    assert bench.resolve(built, subjects, bench.named_urls()) == (
        subjects.plan.get_absolute_url(),
        "",
    )


def measured_queries(profile: Profile) -> dict:
    with transaction.atomic():
        generate(profile)
        data = bench.measure_all(repeats=1, warmup=1, diagnose=False)
        transaction.set_rollback(True)
    return data


# Issue 7's budget is 15 queries a page. These pages were over it when the benchmark was built
# (see docs/benchmarks/README.md, "Findings"): pinned at what they were, so they cannot grow; lower
# a pin (or remove it) when a page is fixed.
QUERY_BUDGET = 15
OVER_BUDGET = {
    # Issue 14: the evidence attachments (checked and saved), the approval state and finding the
    # next action needing an update (the redirect after saving) took it from 16 to 25; still
    # the same on both sizes.
    "actions:update POST": 25,
    # Progress per inspection finding (issue 13, boards.panels) costs these two pages two queries.
    "plans:dashboard": 17,
    # ... and the meeting page's authored summary, questions and decisions (issue 14) three more.
    "plans:meeting": 20,
}


@pytest.fixture(scope="module")
def two_sizes(django_db_setup, django_db_blocker):
    """Every page measured on a small and a larger generated council (rolled back after)."""
    with django_db_blocker.unblock():
        small = measured_queries(Profile(plans=2, actions_per_plan=6, periods=2, measures=2))
        large = measured_queries(Profile(plans=4, actions_per_plan=40, periods=6, measures=12))
    return small, large


def test_every_built_page_loads_in_the_same_number_of_queries_on_small_and_larger_data(
    two_sizes,
):
    small, large = two_sizes
    small_pages = {p["key"]: p for p in small["pages"]}
    measured = 0
    for page in large["pages"]:
        if page["status"] == "not built yet":
            continue
        assert page["status"] == "ok", page
        assert small_pages[page["key"]]["status"] == "ok", small_pages[page["key"]]
        assert page["queries"] == small_pages[page["key"]]["queries"], page["title"]
        assert page["bytes"] > 0 and page["median_ms"] > 0
        measured += 1
    assert measured >= 5  # at least the pages that existed before issue 7
    post = large["update_post"]
    if post["status"] != "not built yet":
        assert post["outcomes"] == {"accepted": post["posts"]}
        assert post["rows_created"] == post["posts"]
        assert post["queries"] == small["update_post"]["queries"]


def test_no_page_uses_more_queries_than_its_budget(two_sizes):
    _, large = two_sizes
    counts = {p["url_name"]: p["queries"] for p in large["pages"] if p["status"] == "ok"}
    if large["update_post"]["status"] == "ok":
        counts["actions:update POST"] = large["update_post"]["queries"]
    over = {name: n for name, n in counts.items() if n > OVER_BUDGET.get(name, QUERY_BUDGET)}
    assert not over, f"queries above budget: {over}"


# Issue 16: the meeting pack's HTML under 400 KB for a board of 250 actions, page included.
MEETING_PAGE_BUDGET = 400 * 1024


def test_the_meeting_page_stays_under_its_html_budget_at_250_actions(two_sizes):
    """The page's size at 250 actions, projected from the two sizes: the smaller's size plus
    each further action at the marginal bytes per action between them (which also carry the
    larger board's extra plan, so the projection errs high)."""
    sizes = []
    for data in two_sizes:
        meeting = next(p for p in data["pages"] if p["key"] == "meeting")
        sizes.append((data["subjects"]["meeting_actions"], meeting["bytes"]))
    (a_small, b_small), (a_large, b_large) = sizes
    assert a_large >= 100 and a_large > a_small
    per_action = (b_large - b_small) / (a_large - a_small)
    projected = b_small + (250 - a_small) * per_action
    assert projected < MEETING_PAGE_BUDGET, f"{projected / 1024:.0f} KB ({per_action:.0f} B/action)"


def test_the_pack_pdf_is_measured_outside_a_request():
    generate(Profile(plans=2, actions_per_plan=5, periods=2, measures=1))
    result = bench.measure_pdf([5, 10, 20])
    assert result["status"] == "ok"
    first, second, third = result["runs"]
    assert (first["actions"], first["plans"]) == (5, 1)
    assert (second["actions"], second["plans"]) == (10, 2)
    assert third == {"actions": 20, "plans": 4, "status": "only 2 plans"}
    for run in (first, second):
        assert run["pages"] >= 1 and run["pdf_bytes"] > 1000 and run["html_bytes"] > 1000
        assert run["total_s"] == pytest.approx(run["html_s"] + run["pdf_s"], abs=0.02)
    assert second["html_bytes"] > first["html_bytes"]
    # The boards made for the purpose are rolled back.
    assert not Board.objects.filter(name__startswith="Benchmark PDF board").exists()


def compressed_page_object_ending_in(last_byte: int) -> bytes:
    """Compressed bytes of a page object whose compressed data ends with ``last_byte``."""
    for n in range(1024):  # each "!" adds 33 to the checksum's last byte: all 256 values come
        data = zlib.compress(f"<< /Type /Page /Parent 2 0 R /Pad ({'!' * n}) >>".encode())
        if data[-1] == last_byte:
            return data
    raise AssertionError("no such object found")


@pytest.mark.parametrize("last_byte", [0x0D, 0x0A, 0x41])
@pytest.mark.parametrize("eol", [b"\n", b"\r\n"])
def test_pdf_pages_counts_pages_in_compressed_streams_whatever_their_last_byte(last_byte, eol):
    """The bench counted no pages in a pack whose object stream's compressed data happened to
    end in a carriage return (the pattern took it for the end-of-line before ``endstream``)."""
    stream = compressed_page_object_ending_in(last_byte)
    pdf = (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Pages /Count 2 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page >>\nendobj\n"
        + f"4 0 obj\n<< /Length {len(stream)} /Filter /FlateDecode >>\nstream".encode()
        + eol
        + stream
        + eol
        + b"endstream\nendobj\n%%EOF\n"
    )
    assert bench.pdf_pages(pdf) == 2


def test_the_load_plan_signs_people_in_and_never_shares_an_action():
    generate()
    plan = bench.prepare_load(3, 2, updates_each=4, think={"officer": [1, 2], "board": [1, 2]})
    assert len(plan["officers"]) == 3 and len(plan["board_members"]) == 2
    client = Client()
    client.cookies[plan["session_cookie"]] = plan["officers"][0]["session"]
    assert client.get(plan["officers"][0]["read"][0]["url"]).status_code == 200
    if plan["update_built"]:
        ids = [u["action"] for o in plan["officers"] for u in o["update"]]
        assert ids and len(ids) == len(set(ids))
        for officer in plan["officers"]:
            leads = Action.objects.filter(pk__in=[u["action"] for u in officer["update"]])
            assert {a.lead.user.username for a in leads} <= {officer["username"]}
    for member in plan["board_members"]:
        assert member["read"]


def test_the_load_check_counts_lost_writes():
    generate()
    action = Action.objects.filter(plan__in=scale_plans(), lead__user__isnull=False).first()
    plan = {"before": {"updates": StatusUpdate.objects.count(), "versions": {str(action.pk): 4}}}
    from actions.services import status_update_record

    status_update_record(action=action, lifecycle="in_progress", confidence="green")
    ok = bench.check_load(plan, {"accepted_by_action": {str(action.pk): 1}})
    assert ok == {
        "accepted": 1,
        "new_rows": 1,
        "lost_writes": 0,
        "version_mismatches": 0,
        "invariant_breaches": 0,
    }
    lost = bench.check_load(plan, {"accepted_by_action": {str(action.pk): 2}})
    assert lost["lost_writes"] == 1 and lost["version_mismatches"] == 1


def test_percentiles_use_the_nearest_rank():
    values = [float(v) for v in range(1, 31)]
    assert bench.percentile(values, 0.95) == 29.0
    assert bench.percentile(values, 0.5) == 15.0
    assert bench.summarise(values)["median_ms"] == 15.5


def test_verdicts_name_each_missed_target():
    ok = {"status": "ok", "queries": 9, "median_ms": 40.0, "p95_ms": 60.0}
    assert bench.page_verdict({**ok, "median_ms": 30.0}, ok) == "met"
    slow = {**ok, "queries": 20, "median_ms": 200.0, "p95_ms": 400.0}
    verdict = bench.page_verdict({**ok, "median_ms": 50.0}, slow, admin_median=100.0)
    assert "queries 20 > 15" in verdict and "queries grow (9 → 20)" in verdict
    assert "median 200 > 150 ms" in verdict and "p95 400 > 300 ms" in verdict
    assert "2.00 × admin" in verdict
    # No slower than the admin changelist on the same data: equal is met, slower is not.
    assert bench.page_verdict(ok, ok, admin_median=40.0) == "met"
    assert bench.page_verdict(ok, ok, admin_median=39.0) == "missed: 1.03 × admin"
    assert bench.page_verdict(ok, {**ok, "ratio_exempt": True}, admin_median=1.0) == "met"
    assert bench.page_verdict(None, {"status": "not built yet"}) == "not built yet"


def test_the_meeting_pack_is_held_to_its_size_per_250_actions():
    ok = {"status": "ok", "queries": 4, "median_ms": 10.0, "p95_ms": 12.0}
    meeting = {**ok, "key": "meeting", "bytes": 834 * 1024}
    # 834 KB for a board of 750 actions is 278 KB per 250: met.
    assert bench.pack_kb_per_250(meeting, 750) == pytest.approx(278.0)
    assert bench.page_verdict(ok, meeting, meeting_actions=750) == "met"
    # The same page for a board of 500 actions is 417 KB per 250: missed, and said so.
    assert bench.page_verdict(ok, meeting, meeting_actions=500) == (
        "missed: 417 KB per 250 actions > 400 KB"
    )
    # Other pages, and a meeting whose board size is unknown, are not held to it.
    assert bench.pack_kb_per_250({**meeting, "key": "document"}, 500) is None
    assert bench.page_verdict(ok, meeting, meeting_actions=0) == "met"


def test_the_report_is_a_markdown_table_with_the_machine():
    page = {
        "key": "document",
        "title": "Plan document",
        "url_name": "plans:detail",
        "status": "ok",
        "queries": 9,
        "median_ms": 40.0,
        "p95_ms": 60.0,
        "sql_ms": 10.0,
        "bytes": 40960,
    }
    missing = {"key": "explorer", "title": "Explorer", "url_name": "explorer:actions"}
    admin = {
        **page,
        "key": "admin_changelist",
        "title": "Admin",
        "url_name": "admin:actions_action_changelist",
        "reference": True,
        "median_ms": 80.0,
    }
    cached = {
        **page,
        "key": "meeting",
        "title": "Meeting pack",
        "url_name": "plans:meeting",
        "queries": 5,
        "median_ms": 30.0,
        "p95_ms": 40.0,
        "after_change": {"status": "ok", "queries": 20, "median_ms": 150.0, "p95_ms": 210.0},
    }
    profile = {
        "counts": {"plans": 2, "actions": 50, "updates": 300, "measures": 10},
        "subjects": {
            "plan": "P",
            "plan_actions": 25,
            "officer": "o",
            "officer_actions": 5,
            "action": "1.1.1 (6 updates)",
            "measure": "SCL001",
            "meeting": "M",
            "board_member": "b",
        },
        "pages": [page, {**missing, "status": "not built yet"}],
        "update_post": {"url_name": "actions:update", "status": "not built yet"},
        "repeats": 30,
        "warmup": 3,
        "load_average": "0.10",
    }
    results = {
        "machine": {
            "when": "2026-11-28 10:00 UTC",
            "commit": "abc123",
            "cpus": 2,
            "cpu_model": "AMD EPYC",
            "memory": "23.5 GiB",
            "postgresql": "15.20",
            "python": "3.11.7",
            "django": "5.2.19",
            "load_average": "0.10",
        },
        "profiles": {
            "small": profile,
            "large": {**profile, "pages": [{**page, "queries": 9}, admin, cached]},
            "xl": {**profile, "pages": [{**page, "queries": 11, "median_ms": 90.0}, admin]},
        },
        "pdf": {
            "status": "ok",
            "profile": "xl",
            "runs": [
                {
                    "status": "ok",
                    "actions": 250,
                    "plans": 1,
                    "html_s": 1.0,
                    "pdf_s": 9.0,
                    "total_s": 10.0,
                    "html_bytes": 204800,
                    "pages": 40,
                    "pdf_bytes": 409600,
                },
                {"status": "only 3 plans", "actions": 1000, "plans": 4},
            ],
        },
    }
    text = bench.render_markdown(results)
    assert "2 CPUs (AMD EPYC), 23.5 GiB memory, PostgreSQL 15.20" in text
    assert "### Pages: small profile" in text and "### Pages: xl profile" in text
    # Each profile's row: queries, median, p95, SQL, size, the ratio to the admin changelist.
    assert "| Plan document | `plans:detail` | 9 | 40 | 60 | 10 | 40 KB | 0.50 | met | – |" in text
    assert (
        "| Plan document | `plans:detail` | 11 (small 9) | 90 | 60 | 10 | 40 KB | 1.12 | "
        "missed: queries grow (9 → 11); 1.12 × admin | – |"
    ) in text
    # A cached page is also timed on its first view after a change (not held to the targets).
    assert (
        "| Meeting pack | `plans:meeting` | 5 | 30 | 40 | 10 | 40 KB | 0.38 | met | "
        "20, 150 ms, 210 ms |"
    ) in text
    assert (
        "| 250 | 1 | 1.0 | 9.0 | 10.0 | 200 KB | 40 | 400 KB | met: 10.0 s against 15 s |" in text
    )
    assert "| 1000 | 4 | | | | | | | only 3 plans |" in text
    assert "`actions:update` on small: not built yet." in text


# --- the form filler shared with locust ---------------------------------------------------------
FORM_PAGE = """
<form method="post" action="/sign-out/"><input type="hidden" name="csrfmiddlewaretoken" value="t">
<button>Sign out</button></form>
<form method="post" novalidate>
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="radio" name="rating" value="red"><input type="radio" name="rating" value="amber">
  <input type="radio" name="rating" value="green" checked>
  <input type="radio" name="rating" value="complete">
  <textarea name="commentary">Old &amp; kept</textarea>
  <textarea name="issue"></textarea><textarea name="mitigation"></textarea>
  <input type="text" name="resolve_by" value="">
  <input type="checkbox" name="escalate">
  <select name="reason"><option value="a">A</option><option value="b" selected>B</option></select>
  <input type="hidden" name="version" value="36">
  <button type="submit" name="save">Save</button>
</form>
"""


def test_the_form_filler_posts_the_form_as_shown_with_an_officers_answers():
    form = formfill.update_form(FORM_PAGE)
    assert form is not None and form.action == ""
    assert formfill.defaults(form) == {
        "csrfmiddlewaretoken": "tok",
        "rating": "green",
        "commentary": "Old & kept",
        "issue": "",
        "mitigation": "",
        "resolve_by": "",
        "reason": "b",
        "version": "36",
    }
    data = formfill.fill(form, rating="red", today=date(2026, 11, 28))
    assert data["rating"] == "red" and data["version"] == "36"
    assert data["issue"] and data["mitigation"] and data["commentary"].startswith("Benchmark")
    assert data["resolve_by"] == "27/01/2027"
    assert "escalate" not in data and "save" not in data


def test_responses_are_classified_with_conflicts_apart_from_errors():
    assert formfill.classify(302, "") == "accepted"
    assert formfill.classify(409, "Someone else has updated this action") == "conflict"
    body = '<div class="govuk-error-summary">Enter commentary</div>'
    assert formfill.classify(200, body) == "invalid"
    assert formfill.classify(500, "Server error") == "error"
    assert formfill.classify(403, "Forbidden") == "error"


def test_the_latest_table_replaces_only_what_lies_between_the_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# Intro\n{bench.README_START}\nold table\n{bench.README_END}\n## After\n",
        encoding="utf-8",
    )
    bench.replace_between_markers(readme, "| new | table |\n")
    assert readme.read_text(encoding="utf-8") == (
        f"# Intro\n{bench.README_START}\n| new | table |\n{bench.README_END}\n## After\n"
    )
    plain = tmp_path / "other.md"
    plain.write_text("no markers\n", encoding="utf-8")
    bench.replace_between_markers(plain, "| new |\n")
    assert plain.read_text(encoding="utf-8") == "no markers\n"


def test_the_form_filler_fills_a_govuk_date_input_box_by_box():
    page = FORM_PAGE.replace(
        '<input type="text" name="resolve_by" value="">',
        '<input type="text" name="resolve_by-day" value=""><input type="text" '
        'name="resolve_by-month" value=""><input type="text" name="resolve_by-year" value="">',
    )
    data = formfill.fill(formfill.update_form(page), rating="amber", today=date(2026, 11, 28))
    assert (data["resolve_by-day"], data["resolve_by-month"], data["resolve_by-year"]) == (
        "27",
        "1",
        "2027",
    )
    assert "resolve_by" not in data

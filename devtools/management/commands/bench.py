"""``manage.py bench`` (``make bench``): how fast the key pages are on a large council's data.

Without ``--step`` it orchestrates the whole benchmark against PostgreSQL (see
docs/benchmarks/README.md and docs/adr/0005-benchmark.md):

1. for the small, large and xl profiles (``--profiles`` to run some), a fresh database
   (``improvement_plans_bench_small``, ``improvement_plans_bench``,
   ``improvement_plans_bench_xl``), ``migrate``, ``generate_scale_data``, ``VACUUM ANALYZE``;
2. in-process, for each key page of the registry below: queries per request, median and 95th
   percentile server time over repeated requests, response size (``--step measure``); the RAG
   update POST; Django admin's action changelist as a reference, each page's median also given
   as a ratio to it; on the largest profile run, 250- and 1,000-action board packs rendered to
   PDF outside a request (``--pdf-sizes``);
3. on the large profile, gunicorn on 127.0.0.1 and a headless locust run (own virtualenv):
   officers updating and board members reading for a fixed time; then the database is checked:
   accepted updates = new StatusUpdate rows, and every action's rating = its latest update's;
4. a markdown table to stdout, ``docs/benchmarks/latest.md`` (and ``latest.json``), and the
   table in ``docs/benchmarks/README.md``.

Pages whose URL name does not exist yet are reported as "not built yet", so the benchmark
measures whatever pages the site has.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from actions.models import Action, StatusUpdate
from boards.models import Meeting
from core.models import Person
from core.roles import Role
from devtools.bench.formfill import RATINGS, classify, fill, update_form
from devtools.scale import MEASURE_PREFIX, invariant_breaches, scale_councils, scale_plans
from measures.models import Measure
from plans.models import Plan

BASE_DIR = Path(settings.BASE_DIR)
OUT_DIR = BASE_DIR / "docs" / "benchmarks"
LOCUSTFILE = BASE_DIR / "devtools" / "bench" / "locustfile.py"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432"
DATABASES = {
    "small": "improvement_plans_bench_small",
    "large": "improvement_plans_bench",
    "xl": "improvement_plans_bench_xl",
}

TARGETS = {
    "queries": 15,
    "median_ms": 150,
    "p95_ms": 300,
    "post_median_ms": 100,
    "admin_ratio": 1.0,  # no page slower than Django admin's action changelist on the same data
    "pdf_250_s": 15.0,
    "load_p95_ms": 500,
    "pack_kb_per_250_actions": 400,  # the meeting pack's HTML, scaled to a board of 250 actions
}


# --- the page registry -------------------------------------------------------------------------
@dataclass(frozen=True)
class Subjects:
    """The records the pages are opened for, chosen from the generated data."""

    plan: Plan
    action: Action
    measure: Measure
    meeting: Meeting | None
    officer: object  # User
    board_member: object  # User
    administrator: object  # User


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    url_name: str
    kwargs: Callable[[Subjects], list[dict]]
    actor: str = "officer"  # officer, board_member or administrator
    reference: bool = False  # shown for comparison, not held to the targets
    ratio_exempt: bool = False  # paginated exports: the ratio target does not apply
    cached: bool = False  # kept until the data changes (core/freshness.py): timed after one too


def _plan(s):
    return [{"slug": s.plan.slug}, {"pk": s.plan.pk}]


PAGES = [
    Page("portfolio", "Portfolio", "plans:portfolio", lambda s: [{}]),
    Page("dashboard", "Plan dashboard", "plans:dashboard", _plan, cached=True),
    Page("document", "Plan document", "plans:detail", _plan, cached=True),
    Page("explorer", "Actions explorer", "explorer:actions", lambda s: [{}]),
    Page("mine", "My actions", "actions:mine", lambda s: [{}]),
    Page("action", "Action page", "actions:detail", lambda s: [{"pk": s.action.pk}]),
    Page("update_form", "RAG update form (GET)", "actions:update", lambda s: [{"pk": s.action.pk}]),
    Page("measures", "Measures list", "measures:list", lambda s: [{}]),
    Page(
        "measure",
        "Measure page",
        "measures:detail",
        lambda s: [{"code": s.measure.code}, {"pk": s.measure.pk}],
    ),
    Page(
        "meeting",
        "Meeting pack",
        "plans:meeting",
        lambda s: [{"pk": s.meeting.pk}] if s.meeting else [],
        actor="board_member",
        cached=True,
    ),
    Page("plan_list", "Plan list", "plans:list", lambda s: [{}]),
    Page(
        "admin_changelist",
        "Django admin: action changelist (reference)",
        "admin:actions_action_changelist",
        lambda s: [{}],
        actor="administrator",
        reference=True,
    ),
]
UPDATE_POST = Page("update_post", "RAG update POST", "actions:update", lambda s: [])


def named_urls(resolver=None, namespace="") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= named_urls(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def resolve(page: Page, subjects: Subjects, known: set[str]) -> tuple[str | None, str]:
    """(url, "") or (None, why not)."""
    if page.url_name not in known:
        return None, "not built yet"
    for kwargs in page.kwargs(subjects):
        try:
            return reverse(page.url_name, kwargs=kwargs), ""
        except NoReverseMatch:
            continue
    return None, "URL arguments not understood by the benchmark"


# --- statistics --------------------------------------------------------------------------------
def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 30 samples is the 29th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-int(fraction * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def summarise(times_ms: list[float]) -> dict:
    return {
        "n": len(times_ms),
        "median_ms": round(statistics.median(times_ms), 1) if times_ms else None,
        "p95_ms": round(percentile(times_ms, 0.95), 1) if times_ms else None,
        "min_ms": round(min(times_ms), 1) if times_ms else None,
        "max_ms": round(max(times_ms), 1) if times_ms else None,
    }


# --- in-process measurement --------------------------------------------------------------------
def pick_subjects() -> Subjects:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    plans = scale_plans()
    plan = plans.order_by("slug").first()
    if plan is None:
        raise CommandError("No synthetic data here: run generate_scale_data first.")
    officer_person = (
        Person.objects.filter(user__groups__name=Role.OFFICER, led_actions__plan=plan)
        .annotate(n=Count("led_actions", distinct=True))
        .order_by("-n", "slug")
        .first()
    )
    action = (
        Action.objects.filter(plan=plan, lead=officer_person)
        .annotate(n=Count("updates"))
        .order_by("-n", "pk")
        .first()
    )
    today = timezone.localdate()
    meeting = (
        Meeting.objects.filter(board__plans=plan, board__cadence="monthly", date__lte=today)
        .select_related("board")
        .order_by("-date")
        .first()
    )
    member = None
    if meeting is not None:
        member = (
            Person.objects.filter(
                board_memberships__board=meeting.board, user__groups__name=Role.BOARD_MEMBER
            )
            .order_by("board_memberships__role", "slug")
            .first()
        )
    return Subjects(
        plan=plan,
        action=action,
        measure=Measure.objects.filter(code__startswith=MEASURE_PREFIX).order_by("code").first(),
        meeting=meeting,
        officer=officer_person.user,
        board_member=member.user if member else None,
        administrator=User.objects.get(username="scale.admin"),
    )


def slowest_queries(captured, limit=3) -> list[dict]:
    rows = sorted(captured, key=lambda q: float(q.get("time") or 0), reverse=True)[:limit]
    return [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"]} for q in rows]


def explain(sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a captured SELECT (a server-side cursor's DECLARE too)."""
    declared = re.match(r"\s*DECLARE .*? CURSOR .*? FOR (SELECT .*)", sql, re.S | re.I)
    if declared:
        sql = declared[1]
    if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith("SELECT"):
        return ""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def profile_request(do_request) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    do_request()
    profiler.disable()
    parts = []
    for order, limit in (("cumulative", 45), ("tottime", 20)):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order).print_stats(r"^(?!.*(test/client|core/handlers|middleware))", limit)
        text = out.getvalue()
        parts.append(f"by {order}:\n" + (text[text.find("ncalls") :] if "ncalls" in text else text))
    return "\n".join(parts)


def measure_page(
    client: Client, url: str, repeats: int, warmup: int, diagnose: bool, cached: bool = False
) -> dict:
    result: dict = {"url": url}
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            return {**result, "status": f"HTTP {response.status_code}"}
    # Two counted requests, keeping the smaller: the session's last-activity time is written at
    # most once a minute (config.middleware), which must not count against the page.
    captures = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        captures.append(ctx)
    ctx = min(captures, key=lambda c: len(c.captured_queries))
    result["queries"] = len(ctx.captured_queries)
    result["sql_ms"] = round(sum(float(q.get("time") or 0) for q in ctx.captured_queries) * 1000, 1)
    result["slowest_sql"] = slowest_queries(ctx.captured_queries)
    result["bytes"] = len(response.content)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            return {**result, "status": f"HTTP {response.status_code} on a repeat"}
    result.update(summarise(times), status="ok", times_ms=[round(t, 2) for t in times])
    if cached:
        result["after_change"] = measure_after_change(client, url, max(5, repeats // 3))
    missed = result["median_ms"] > TARGETS["median_ms"] or result["p95_ms"] > TARGETS["p95_ms"]
    if diagnose and (missed or result["queries"] > TARGETS["queries"]):
        result["profile"] = profile_request(lambda: client.get(url))
        if result["slowest_sql"]:
            try:
                result["explain"] = explain(result["slowest_sql"][0]["sql"])
            except Exception as exc:  # noqa: BLE001 - diagnosis only
                result["explain"] = f"(EXPLAIN failed: {exc})"
    return result


def measure_after_change(client: Client, url: str, repeats: int) -> dict:
    """A cached page's first view after the data changed (the version raised before each
    request, as a committed update would): what the page costs when it is built."""
    from core import freshness

    times, queries = [], 0
    for _ in range(repeats):
        freshness.bump()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
        if response.status_code != 200:
            return {"status": f"HTTP {response.status_code}"}
    return {"status": "ok", "queries": queries, **summarise(times)}


def update_targets(n: int):
    """(lead's user, action) pairs: actions led by officers with no update in their plan's
    current period, one per officer first, so that posts spread across people."""
    today = timezone.localdate()
    current = StatusUpdate.objects.filter(
        action=OuterRef("pk"), period__start__lte=today, period__end__gte=today
    )
    actions = (
        Action.objects.filter(plan__in=scale_plans(), lead__user__groups__name=Role.OFFICER)
        .exclude(Exists(current))
        .select_related("lead__user")
        .order_by("pk")
    )
    firsts, rest, seen = [], [], set()
    for action in actions[: n * 50]:
        (rest if action.lead_id in seen else firsts).append((action.lead.user, action))
        seen.add(action.lead_id)
    return (firsts + rest)[:n]


def measure_update_post(repeats: int, warmup: int, known: set[str], diagnose: bool) -> dict:
    if UPDATE_POST.url_name not in known:
        return {"status": "not built yet"}
    outcomes: dict[str, int] = {}
    times, queries, bytes_, sample = [], None, None, None
    before = StatusUpdate.objects.count()
    pairs = update_targets(warmup + 1 + repeats)  # warm-up, one counted for queries, timed
    if len(pairs) < warmup + 1 + repeats:
        return {"status": f"only {len(pairs)} actions without an update this period"}
    for i, (user, action) in enumerate(pairs):
        client = Client()
        client.force_login(user)
        url = reverse(UPDATE_POST.url_name, kwargs={"pk": action.pk})
        page = client.get(url)
        form = update_form(page.content.decode()) if page.status_code == 200 else None
        if form is None:
            return {"status": f"no update form (HTTP {page.status_code}) at {url}"}
        data = fill(form, rating=RATINGS[i % len(RATINGS)])
        target = form.action or url
        if i == warmup:
            with CaptureQueriesContext(connection) as ctx:
                response = client.post(target, data)
            queries = len(ctx.captured_queries)
            sample = ctx.captured_queries
        else:
            started = time.perf_counter()
            response = client.post(target, data)
            elapsed = (time.perf_counter() - started) * 1000
            if i > warmup:
                times.append(elapsed)
        outcome = classify(response.status_code, response.content.decode())
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        bytes_ = len(response.content)
    created = StatusUpdate.objects.count() - before
    result = {
        "status": "ok" if outcomes.get("accepted", 0) == len(pairs) else "some posts refused",
        "url": url,
        "queries": queries,
        "sql_ms": round(sum(float(q.get("time") or 0) for q in sample or []) * 1000, 1),
        "slowest_sql": slowest_queries(sample or []),
        "bytes": bytes_,
        "outcomes": outcomes,
        "posts": len(pairs),
        "rows_created": created,
        "times_ms": [round(t, 2) for t in times],
        **summarise(times),
    }
    if diagnose and result["median_ms"] and result["median_ms"] > TARGETS["post_median_ms"]:
        result["note"] = "profile the POST with --step measure --diagnose on a copy of the data"
    return result


def measure_all(
    repeats: int, warmup: int, diagnose: bool, pdf_sizes: list[int] | None = None
) -> dict:
    load_average_at_start = load_average()
    subjects = pick_subjects()
    known = named_urls()
    clients = {}
    for actor in ("officer", "board_member", "administrator"):
        user = getattr(subjects, actor)
        if user is not None:
            clients[actor] = Client()
            clients[actor].force_login(user)
    pages = []
    for page in PAGES:
        url, why = resolve(page, subjects, known)
        entry = {"key": page.key, "title": page.title, "url_name": page.url_name}
        entry.update(actor=page.actor, reference=page.reference, ratio_exempt=page.ratio_exempt)
        if url is None:
            pages.append({**entry, "status": why})
            continue
        if page.actor not in clients:
            pages.append({**entry, "status": f"no {page.actor} in the data"})
            continue
        entry.update(
            measure_page(clients[page.actor], url, repeats, warmup, diagnose, cached=page.cached)
        )
        pages.append(entry)
    post = {"key": UPDATE_POST.key, "title": UPDATE_POST.title, "url_name": UPDATE_POST.url_name}
    post.update(measure_update_post(repeats, warmup, known, diagnose))
    return {
        "subjects": {
            "plan": subjects.plan.title,
            "plan_actions": subjects.plan.actions.count(),
            "officer": subjects.officer.get_username(),
            "officer_actions": Action.objects.filter(
                Q(lead__user=subjects.officer) | Q(delegates__user=subjects.officer)
            )
            .distinct()
            .count(),
            "action": f"{subjects.action.number} ({subjects.action.updates.count()} updates)",
            "measure": subjects.measure.code if subjects.measure else None,
            "meeting": str(subjects.meeting) if subjects.meeting else None,
            "meeting_actions": Action.objects.filter(plan__boards=subjects.meeting.board).count()
            if subjects.meeting
            else 0,
            "board_member": subjects.board_member.get_username() if subjects.board_member else None,
        },
        "counts": data_counts(),
        "pages": pages,
        "update_post": post,
        "repeats": repeats,
        "warmup": warmup,
        "load_average": load_average_at_start,
        **({"pdf": measure_pdf(pdf_sizes)} if pdf_sizes else {}),
    }


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF: its page objects, counted in the file and in its compressed streams
    (WeasyPrint keeps objects in compressed object streams)."""
    import zlib

    text = pdf
    for match in re.finditer(rb"(?<!end)stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        if end < 0:
            break
        # A decompressor object stops at the end of the compressed data, whatever follows (the
        # end-of-line before ``endstream``): cutting that end-of-line off by pattern lost the
        # stream whenever its last compressed byte was itself a carriage return.
        with contextlib.suppress(zlib.error):
            text += zlib.decompressobj().decompress(pdf[match.end() : end])
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", text))


def measure_pdf(sizes: list[int]) -> dict:
    """The board pack as a PDF at size, rendered outside a request as a worker would: for each
    size, a board (made for the purpose, rolled back afterwards) over as many of the first plans
    as hold that many actions, its pack built, rendered to HTML and to PDF."""
    import math

    from django.db import transaction

    from boards.models import Board
    from boards.packs.html import render_pack_html
    from boards.packs.pdf import pack_pdf
    from boards.packs.snapshot import build_pack

    plans = list(scale_plans().annotate(n=Count("actions")).order_by("slug"))
    if not plans:
        return {"status": "no synthetic data"}
    per_plan = max(1, plans[0].n)
    runs = []
    for size in sizes:
        k = math.ceil(size / per_plan)
        if k > len(plans):
            runs.append({"actions": size, "plans": k, "status": f"only {len(plans)} plans"})
            continue
        chosen = plans[:k]
        with transaction.atomic():
            board = Board.objects.create(
                name=f"Benchmark PDF board over {k} plans", organisation=chosen[0].organisation
            )
            board.plans.set(chosen)
            meeting = Meeting.objects.create(
                board=board, date=timezone.localdate(), title="Benchmark PDF"
            )
            started = time.perf_counter()
            snapshot = build_pack(meeting)
            body = render_pack_html(snapshot)
            html_s = time.perf_counter() - started
            started = time.perf_counter()
            pdf = pack_pdf(
                meeting=meeting, body_html=body, as_at_text=snapshot["as_at_text"], issued=None
            )
            pdf_s = time.perf_counter() - started
            transaction.set_rollback(True)
        runs.append(
            {
                "status": "ok",
                "actions": sum(p.n for p in chosen),
                "plans": k,
                "html_s": round(html_s, 2),
                "pdf_s": round(pdf_s, 2),
                "total_s": round(html_s + pdf_s, 2),
                "html_bytes": len(body),
                "pdf_bytes": len(pdf),
                "pages": pdf_pages(pdf),
            }
        )
    return {"status": "ok", "runs": runs}


def data_counts() -> dict:
    plans = scale_plans()
    return {
        "plans": plans.count(),
        "actions": Action.objects.filter(plan__in=plans).count(),
        "updates": StatusUpdate.objects.filter(action__plan__in=plans).count(),
        "measures": Measure.objects.filter(code__startswith=MEASURE_PREFIX).count(),
    }


# --- the concurrent run ------------------------------------------------------------------------
def prepare_load(n_officers: int, n_members: int, updates_each: int, think: dict) -> dict:
    """Sessions for officers and board members, and what each will do."""
    known = named_urls()
    today = timezone.localdate()
    current = StatusUpdate.objects.filter(
        action=OuterRef("pk"), period__start__lte=today, period__end__gte=today
    )
    officers = list(
        Person.objects.filter(user__groups__name=Role.OFFICER, led_actions__plan__in=scale_plans())
        .select_related("user")
        .distinct()
        .order_by("slug")[:n_officers]
    )
    subjects = pick_subjects()
    plan_pages = [p for p in PAGES if not p.reference and p.key not in ("update_form", "mine")]
    board_read = []
    for page in plan_pages:
        url, _ = resolve(page, subjects, known)
        if url:
            board_read.append({"name": page.title, "url": url})
    mine = resolve(next(p for p in PAGES if p.key == "mine"), subjects, known)[0]
    plan = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "officer_think_seconds": think["officer"],
        "board_think_seconds": think["board"],
        "officers": [],
        "board_members": [],
        "update_built": "actions:update" in known,
        "before": {"updates": StatusUpdate.objects.count(), "versions": {}},
    }
    for person in officers:
        actions = list(
            Action.objects.filter(lead=person)
            .exclude(Exists(current))
            .order_by("pk")[:updates_each]
        )
        read = [{"name": "action page", "url": a.get_absolute_url()} for a in actions[:3]]
        if mine:
            read.append({"name": "my actions", "url": mine})
        update = []
        if plan["update_built"]:
            for a in actions:
                update.append(
                    {"action": a.pk, "url": reverse("actions:update", kwargs={"pk": a.pk})}
                )
                plan["before"]["versions"][str(a.pk)] = a.version
        plan["officers"].append(
            {
                "username": person.user.get_username(),
                "session": session_for(person.user),
                "update": update,
                "read": read or board_read,
            }
        )
    members = list(
        Person.objects.filter(
            user__groups__name=Role.BOARD_MEMBER,
            board_memberships__board__organisation__in=scale_councils(),
        )
        .select_related("user")
        .distinct()
        .order_by("slug")[:n_members]
    )
    for person in members:
        plan["board_members"].append(
            {
                "username": person.user.get_username(),
                "session": session_for(person.user),
                "read": member_pages(person, known) or board_read,
            }
        )
    return plan


def member_pages(person, known) -> list[dict]:
    """The pages a board member reads: the portfolio, their plans' dashboards and documents,
    their board's latest meeting pack, measures."""
    today = timezone.localdate()
    plans = list(Plan.objects.filter(boards__memberships__person=person).distinct()[:3])
    meeting = (
        Meeting.objects.filter(board__memberships__person=person, date__lte=today)
        .order_by("-date")
        .first()
    )
    measure = Measure.objects.filter(plans__in=plans).order_by("code").first() if plans else None
    pages = []

    def add(name, url_name, **kwargs):
        if url_name in known:
            with contextlib.suppress(NoReverseMatch):
                pages.append({"name": name, "url": reverse(url_name, kwargs=kwargs)})

    add("portfolio", "plans:portfolio")
    for plan in plans:
        add("plan dashboard", "plans:dashboard", slug=plan.slug)
        add("plan document", "plans:detail", slug=plan.slug)
    if meeting:
        add("meeting pack", "plans:meeting", pk=meeting.pk)
    add("measures list", "measures:list")
    if measure:
        add("measure page", "measures:detail", code=measure.code)
    return pages


def session_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def check_load(plan: dict, result: dict) -> dict:
    """After the concurrent run: no lost writes, and current ratings still match."""
    before = plan["before"]
    new_rows = StatusUpdate.objects.count() - before["updates"]
    accepted = sum(result.get("accepted_by_action", {}).values())
    versions = dict(
        Action.objects.filter(pk__in=[int(k) for k in before["versions"]]).values_list(
            "pk", "version"
        )
    )
    version_mismatch = [
        pk
        for pk, old in before["versions"].items()
        if versions.get(int(pk), old) - old != result.get("accepted_by_action", {}).get(pk, 0)
    ]
    return {
        "accepted": accepted,
        "new_rows": new_rows,
        "lost_writes": accepted - new_rows,
        "version_mismatches": len(version_mismatch),
        "invariant_breaches": invariant_breaches(scale_plans())["rating"],
    }


# --- orchestration -----------------------------------------------------------------------------
def with_database(base_url: str, name: str) -> str:
    parts = urlsplit(base_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def pg_admin(base_url: str, database: str = "postgres"):
    import psycopg2

    parts = urlsplit(with_database(base_url, database))
    conn = psycopg2.connect(
        dbname=database,
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )
    conn.autocommit = True
    return conn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine_info(base_url: str) -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, TypeError):
        pass
    conn = pg_admin(base_url)
    with conn.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    conn.close()
    commit = ""
    with contextlib.suppress(OSError):
        commit = subprocess.run(  # noqa: S603 # nosec B603 B607 - fixed argument list (git), no user input
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory": memory,
        "postgresql": pg,
        "python": platform.python_version(),
        "django": django.get_version(),
        "commit": commit,
        "load_average": load_average(),
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def load_average() -> str:
    """The 1-minute load average: other work on the machine inflates the timings."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


class Orchestrator:
    def __init__(self, cmd: BaseCommand, options: dict):
        self.cmd = cmd
        self.o = options
        self.base_url = options["postgres"]
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-"))

    def say(self, message: str) -> None:
        self.cmd.stdout.write(message)
        self.cmd.stdout.flush()

    def env(self, database: str) -> dict:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=with_database(self.base_url, database),
            DJANGO_SETTINGS_MODULE="config.settings.local",
            DJANGO_DEBUG="false",
            ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
            LOG_LEVEL="WARNING",
            CONN_MAX_AGE="60",
        )
        return env

    def manage(self, database: str, *args, timeout=1800) -> str:
        done = subprocess.run(  # noqa: S603 # nosec B603 - fixed argument list, no user input
            [sys.executable, str(BASE_DIR / "manage.py"), *args],
            cwd=BASE_DIR,
            env=self.env(database),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise CommandError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def fresh_database(self, profile: str) -> dict:
        name = self.o[f"db_{profile}"]
        conn = pg_admin(self.base_url)
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}"')
        conn.close()
        self.manage(name, "migrate", "--noinput", "-v", "0")
        started = time.perf_counter()
        out = self.manage(
            name,
            "generate_scale_data",
            "--profile",
            profile,
            "--seed",
            str(self.o["seed"]),
            timeout=3600,
        )
        seconds = time.perf_counter() - started
        conn = pg_admin(self.base_url, name)
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
            # Write the freshly generated data out now, so that the server's background
            # checkpoint does not share the CPUs with the pages being timed.
            cur.execute("CHECKPOINT")
        conn.close()
        self.say(f"  generated the {profile} profile in {seconds:.0f} s")
        return {"seconds": round(seconds, 1), "output": out}

    def measure(self, profile: str) -> dict:
        name = self.o[f"db_{profile}"]
        out = self.tmp / f"measure-{profile}.json"
        args = ["bench", "--step", "measure", "--json", str(out)]
        args += ["--repeats", str(self.o["repeats"]), "--warmup", str(self.o["warmup"])]
        if profile != "small":
            args.append("--diagnose")
        if profile == self.o["profiles"][-1]:
            sizes = [250, 1000] if self.o["pdf_sizes"] is None else self.o["pdf_sizes"]
            if sizes:
                args += ["--pdf-sizes", *map(str, sizes)]
        self.manage(name, *args)
        return json.loads(out.read_text())

    def load(self) -> dict:
        name = self.o["db_large"]
        locust = Path(self.o["locust"])
        if not locust.exists():
            return {"status": f"skipped: {locust} not found (make bench creates it)"}
        plan_file = self.tmp / "load-plan.json"
        result_file = self.tmp / "load-result.json"
        self.manage(
            name,
            "bench",
            "--step",
            "prepare-load",
            "--json",
            str(plan_file),
            "--officers",
            str(self.o["officers"]),
            "--board-members",
            str(self.o["board_members"]),
            "--run-time",
            str(self.o["run_time"]),
        )
        plan = json.loads(plan_file.read_text())
        port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        log = (self.tmp / "gunicorn.log").open("w")
        server = subprocess.Popen(  # noqa: S603 # nosec B603 - our own gunicorn on loopback
            [
                str(gunicorn),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(self.o["workers"]),
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env=self.env(name),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        host = f"http://127.0.0.1:{port}"
        try:
            self.wait_for(host + "/sign-in/", server)
            users = len(plan["officers"]) + len(plan["board_members"])
            self.say(
                f"  locust: {len(plan['officers'])} officers and {len(plan['board_members'])} "
                f"board members for {self.o['run_time']} s against gunicorn "
                f"({self.o['workers']} workers) on {host}"
            )
            env = dict(
                os.environ, BENCH_LOAD_PLAN=str(plan_file), BENCH_LOAD_RESULT=str(result_file)
            )
            subprocess.run(  # noqa: S603 # nosec B603 - fixed argument list, no user input
                [
                    str(locust),
                    "-f",
                    str(LOCUSTFILE),
                    "--headless",
                    "--users",
                    str(users),
                    "--spawn-rate",
                    "50",
                    "--run-time",
                    f"{self.o['run_time']}s",
                    "--stop-timeout",
                    "20",
                    "--host",
                    host,
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=self.o["run_time"] + 180,
                check=False,
            )
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
        if not result_file.exists():
            raise CommandError("locust wrote no results; see " + str(self.tmp))
        result = json.loads(result_file.read_text())
        check_file = self.tmp / "load-check.json"
        self.manage(
            name,
            "bench",
            "--step",
            "check-load",
            "--json",
            str(check_file),
            "--plan",
            str(plan_file),
            "--result",
            str(result_file),
        )
        result["check"] = json.loads(check_file.read_text())
        result["workers"] = self.o["workers"]
        result["run_time"] = self.o["run_time"]
        result["think"] = {
            "officer": plan["officer_think_seconds"],
            "board": plan["board_think_seconds"],
        }
        result["update_built"] = plan["update_built"]
        result["status"] = "ok"
        return result

    def wait_for(self, url: str, server) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError("gunicorn stopped; see " + str(self.tmp / "gunicorn.log"))
            try:
                with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 # nosec B310 - http URL to our own loopback server
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise CommandError("gunicorn did not answer within 60 s")

    def run(self) -> dict:
        results = {"machine": machine_info(self.base_url), "targets": TARGETS, "profiles": {}}
        for profile in self.o["profiles"]:
            self.say(f"== {profile} profile ({self.o[f'db_{profile}']})")
            generated = None if self.o["reuse"] else self.fresh_database(profile)
            measured = self.measure(profile)
            if generated:
                measured["generated_seconds"] = generated["seconds"]
            if "pdf" in measured:
                results["pdf"] = {**measured.pop("pdf"), "profile": profile}
            results["profiles"][profile] = measured
        if "large" in self.o["profiles"] and self.o["run_time"] > 0:
            self.say("== concurrent run")
            results["load"] = self.load()
        shutil.rmtree(self.tmp, ignore_errors=True)
        return results


# --- report ------------------------------------------------------------------------------------
def _ms(value) -> str:
    return "–" if value is None else f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _kb(value) -> str:
    return "–" if value is None else f"{value / 1024:.0f} KB"


def page_verdict(
    small: dict | None,
    page: dict,
    post: bool = False,
    admin_median: float | None = None,
    meeting_actions: int = 0,
) -> str:
    """met, or each target ``page`` misses: its query budget, the same queries as on the small
    profile, median and p95, (``admin_median``) no slower than the admin changelist, and for the
    meeting pack (``meeting_actions`` on its board) its HTML per 250 actions."""
    if page.get("status") != "ok":
        return page.get("status", "")
    if page.get("reference"):
        return "reference"
    misses = []
    if not post and page.get("queries") is not None and page["queries"] > TARGETS["queries"]:
        misses.append(f"queries {page['queries']} > {TARGETS['queries']}")
    if small and small.get("status") == "ok" and small.get("queries") != page.get("queries"):
        misses.append(f"queries grow ({small.get('queries')} → {page.get('queries')})")
    limit = TARGETS["post_median_ms"] if post else TARGETS["median_ms"]
    if page["median_ms"] > limit:
        misses.append(f"median {_ms(page['median_ms'])} > {limit} ms")
    if not post and page["p95_ms"] > TARGETS["p95_ms"]:
        misses.append(f"p95 {_ms(page['p95_ms'])} > {TARGETS['p95_ms']} ms")
    if admin_median and not post and not page.get("ratio_exempt"):
        ratio = page["median_ms"] / admin_median
        if ratio > TARGETS["admin_ratio"]:
            misses.append(f"{ratio:.2f} × admin")
    per_250 = pack_kb_per_250(page, meeting_actions)
    if per_250 is not None and per_250 > TARGETS["pack_kb_per_250_actions"]:
        misses.append(f"{per_250:.0f} KB per 250 actions > {TARGETS['pack_kb_per_250_actions']} KB")
    return "met" if not misses else "missed: " + "; ".join(misses)


def pack_kb_per_250(page: dict, meeting_actions: int) -> float | None:
    """The meeting pack's HTML in KB scaled to a board of 250 actions (None for other pages).
    The page's fixed parts are scaled with it, so the figure errs high for larger boards."""
    if page.get("key") != "meeting" or not meeting_actions or not page.get("bytes"):
        return None
    return page["bytes"] / 1024 * 250 / meeting_actions


def admin_median(profile: dict | None) -> float | None:
    """The median of Django admin's action changelist on the same data (the reference)."""
    for page in (profile or {}).get("pages", []):
        if page.get("key") == "admin_changelist" and page.get("status") == "ok":
            return page["median_ms"]
    return None


def page_table(data: dict, small_pages: dict) -> list[str]:
    """One profile's pages: queries (against the small profile's), median, p95, SQL time, size,
    the median over the admin changelist's on the same data, and the verdict."""
    admin = admin_median(data)
    actions = (data.get("subjects") or {}).get("meeting_actions") or 0
    lines = [
        "| Page | URL name | Queries | Median (ms) | p95 (ms) | SQL (ms) | Size | ÷ admin "
        "| Targets | After a change: queries, median, p95 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page in data.get("pages", []):
        if page.get("status") != "ok":
            lines.append(
                f"| {page['title']} | `{page['url_name']}` | | | | | | | {page.get('status')} | |"
            )
            continue
        sp = small_pages.get(page["key"])
        queries = str(page["queries"])
        if sp and sp.get("status") == "ok" and sp["queries"] != page["queries"]:
            queries += f" (small {sp['queries']})"
        ratio = f"{page['median_ms'] / admin:.2f}" if admin else "–"
        lines.append(
            f"| {page['title']} | `{page['url_name']}` | {queries} | {_ms(page['median_ms'])} | "
            f"{_ms(page['p95_ms'])} | {_ms(page.get('sql_ms'))} | {_kb(page.get('bytes'))} | "
            f"{ratio} | {page_verdict(sp, page, admin_median=admin, meeting_actions=actions)} | "
            f"{_after_change(page)} |"
        )
    return lines


def _after_change(page: dict) -> str:
    """A cached page's first view after a change (not held to the targets: the page is built
    once per change, then read from the cache)."""
    after = page.get("after_change")
    if not after:
        return "–"
    if after.get("status") != "ok":
        return after.get("status", "")
    return f"{after['queries']}, {_ms(after['median_ms'])} ms, {_ms(after['p95_ms'])} ms"


def render_pdf(pdf: dict) -> list[str]:
    if pdf.get("status") != "ok":
        return [f"Not measured: {pdf.get('status')}."]
    lines = [
        f"On the {pdf['profile']} profile, for boards made for the purpose over the first plans "
        "(`boards.packs.pdf.pack_pdf` after `build_pack` and `render_pack_html`).",
        "",
        "| Actions | Plans | HTML (s) | PDF (s) | Total (s) | HTML size | Pages | PDF size "
        "| Target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in pdf["runs"]:
        if r.get("status") != "ok":
            lines.append(f"| {r['actions']} | {r['plans']} | | | | | | | {r.get('status')} |")
            continue
        target = "completes"
        if r["actions"] <= 250:
            met = r["total_s"] <= TARGETS["pdf_250_s"]
            verdict = "met" if met else "missed"
            target = f"{verdict}: {r['total_s']:.1f} s against {TARGETS['pdf_250_s']:.0f} s"
        lines.append(
            f"| {r['actions']:,} | {r['plans']} | {r['html_s']:.1f} | {r['pdf_s']:.1f} | "
            f"{r['total_s']:.1f} | {_kb(r['html_bytes'])} | {r['pages']} | {_kb(r['pdf_bytes'])} "
            f"| {target} |"
        )
    return lines


def render_markdown(results: dict) -> str:
    m = results["machine"]
    profiles = results["profiles"]
    small = profiles.get("small")
    main = list(profiles.values())[-1] if profiles else None  # the largest profile run
    lines = [
        f"Run {m['when']} at commit `{m.get('commit') or '?'}` on {m['cpus']} CPUs "
        f"({m['cpu_model']}), {m['memory']} memory, PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}, Django {m['django']}. Load average (1 min) at the start: "
        f"{m['load_average']} (well above 0 means other work shared the CPUs and inflated the "
        "times).",
        "",
    ]
    for name, data in profiles.items():
        c = data["counts"]
        gen = (
            f", generated in {data['generated_seconds']:.0f} s"
            if "generated_seconds" in data
            else ""
        )
        lines.append(
            f"- **{name}** profile: {c['plans']} plans, {c['actions']:,} actions, "
            f"{c['updates']:,} status updates, {c['measures']} measures{gen}; load average "
            f"when its pages were timed: {data.get('load_average', '?')}."
        )
    if main:
        s = main["subjects"]
        lines += [
            f"- Pages opened for: plan *{s['plan']}* ({s['plan_actions']} actions), officer "
            f"`{s['officer']}` ({s['officer_actions']} actions led or delegated), action "
            f"{s['action']}, measure {s['measure']}, meeting *{s['meeting']}* "
            f"({s.get('meeting_actions', 0):,} actions on its board) as board member "
            f"`{s['board_member']}`.",
            f"- Server time in-process (Django test client, DEBUG off, PostgreSQL on loopback): "
            f"{main['repeats']} requests per page after {main['warmup']} warm-up requests.",
        ]
    small_pages = {p["key"]: p for p in (small or {}).get("pages", [])}
    for name, data in profiles.items():
        lines += ["", f"### Pages: {name} profile", ""]
        lines += page_table(data, small_pages if name != "small" else {})
    pdf = results.get("pdf")
    if pdf:
        lines += ["", "### Board pack PDF (rendered outside a request, as a worker would)", ""]
        lines += render_pdf(pdf)
    small_post = (small or {}).get("update_post")
    posts = [(name, d["update_post"]) for name, d in profiles.items() if d.get("update_post")]
    if posts:
        lines += ["", "### RAG update POST", ""]
        done = [(n, d) for n, d in posts if d.get("status") in ("ok", "some posts refused")]
        for name, data in posts:
            if (name, data) not in done:
                lines.append(f"`{data['url_name']}` on {name}: {data.get('status')}.")
        if done:
            lines += [
                "| Profile | Posts | Outcomes | New rows | Queries | Median (ms) | p95 (ms) "
                "| SQL time (ms) | Target |",
                "|---|---|---|---|---|---|---|---|---|",
            ]
            for label, data in done:
                outcomes = ", ".join(f"{k} {v}" for k, v in sorted(data["outcomes"].items()))
                compare = small_post if label != "small" else None
                verdict = page_verdict(compare, {**data, "status": "ok"}, post=True)
                lines.append(
                    f"| {label} | {data['posts']} | {outcomes} | {data['rows_created']} | "
                    f"{data['queries']} | {_ms(data['median_ms'])} | {_ms(data['p95_ms'])} | "
                    f"{_ms(data.get('sql_ms'))} | {verdict} |"
                )
    load = results.get("load")
    if load:
        lines += ["", "### Concurrent run", ""]
        if load.get("status") != "ok":
            lines.append(load.get("status", ""))
        else:
            lines += render_load(load)
    lines += ["", f"Targets: {target_text()}"]
    return "\n".join(lines) + "\n"


def target_text() -> str:
    t = TARGETS
    return (
        f"at most {t['queries']} queries per page and the same on every profile as on small; "
        f"median under {t['median_ms']} ms and p95 under {t['p95_ms']} ms per page on every "
        f"profile, and no page slower than Django admin's action changelist on the same data "
        f"(÷ admin at most {t['admin_ratio']:.0f}); a 250-action pack rendered to PDF in under "
        f"{t['pdf_250_s']:.0f} s; the meeting pack's HTML under "
        f"{t['pack_kb_per_250_actions']} KB per 250 actions on its board; "
        f"the update POST under {t['post_median_ms']} ms median; under load no errors but "
        f"deliberate conflicts, no lost writes, p95 under {t['load_p95_ms']} ms."
    )


def render_load(load: dict) -> list[str]:
    total = load["total"]
    check = load["check"]
    outcomes = load.get("outcomes", {})
    failures = total["failures"]
    lines = [
        f"gunicorn ({load['workers']} sync workers) on 127.0.0.1; locust headless: "
        f"{load['users']['officers']} officers (think {load['think']['officer'][0]}-"
        f"{load['think']['officer'][1]} s) and {load['users']['board_members']} board members "
        f"(think {load['think']['board'][0]}-{load['think']['board'][1]} s) for "
        f"{load['run_time']} s.",
        "",
        "| Request | Requests | Failures | Median (ms) | p95 (ms) | p99 (ms) | Max (ms) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in load["requests"]:
        lines.append(
            f"| {r['method']} {r['name']} | {r['requests']} | {r['failures']} | "
            f"{_ms(r['median_ms'])} | {_ms(r['p95_ms'])} | {_ms(r['p99_ms'])} | "
            f"{_ms(r['max_ms'])} |"
        )
    lines.append(
        f"| **all** | {total['requests']} | {failures} | {_ms(total['median_ms'])} | "
        f"{_ms(total['p95_ms'])} | {_ms(total['p99_ms'])} | {_ms(total['max_ms'])} |"
    )
    verdicts = []
    if failures:
        verdicts.append(f"{failures} errors")
    if check["lost_writes"] or check["version_mismatches"] or check["invariant_breaches"]:
        verdicts.append("lost or inconsistent writes")
    if total["p95_ms"] and total["p95_ms"] > TARGETS["load_p95_ms"]:
        verdicts.append(f"p95 {_ms(total['p95_ms'])} > {TARGETS['load_p95_ms']} ms")
    if not load.get("update_built"):
        verdicts.append("the update page is not built yet, so officers only read")
    lines += [
        "",
        f"- Throughput {total['rps']:.1f} requests/s over {load['seconds']:.0f} s.",
        f"- Update POSTs: accepted {outcomes.get('accepted', 0)}, deliberate conflicts (409) "
        f"{outcomes.get('conflict', 0)}, refused as invalid {outcomes.get('invalid', 0)}, "
        f"errors {outcomes.get('error', 0)}.",
        f"- No lost writes: accepted updates {check['accepted']} = new StatusUpdate rows "
        f"{check['new_rows']}: **{'yes' if check['lost_writes'] == 0 else 'NO'}**; actions "
        f"whose version moved by other than their accepted updates: "
        f"{check['version_mismatches']}; actions whose rating differs from their latest update: "
        f"{check['invariant_breaches']}.",
        f"- Targets: {'met' if not verdicts else 'missed: ' + '; '.join(verdicts)}.",
    ]
    for e in load.get("errors", [])[:10]:
        lines.append(f"- Error: {e['name']}: {e['error']} ({e['occurrences']}×)")
    return lines


def render_details(results: dict) -> str:
    """Diagnosis of the pages that missed a target: slowest SQL, EXPLAIN, profile."""
    out = []
    for name, data in results["profiles"].items():
        for page in data.get("pages", []):
            if "profile" not in page and "explain" not in page:
                continue
            out += [f"## {page['title']} (`{page['url_name']}`), {name} profile", ""]
            out.append(
                f"{page['queries']} queries, SQL {page['sql_ms']} ms of a median "
                f"{page['median_ms']} ms."
            )
            for q in page.get("slowest_sql", []):
                out += ["", f"Slow query ({q['ms']} ms):", "", "```sql", q["sql"][:3000], "```"]
            if page.get("explain"):
                out += [
                    "",
                    "EXPLAIN (ANALYZE, BUFFERS) of the slowest:",
                    "",
                    "```",
                    page["explain"],
                    "```",
                ]
            if page.get("profile"):
                out += [
                    "",
                    "Profile of one request (cumulative):",
                    "",
                    "```",
                    page["profile"],
                    "```",
                ]
            out.append("")
    return "\n".join(out)


def slim(results: dict) -> dict:
    """The results without the diagnosis (it is in details.md) and with SQL shortened."""
    copy = json.loads(json.dumps(results, default=str))
    for profile in copy.get("profiles", {}).values():
        for page in [*profile.get("pages", []), profile.get("update_post", {})]:
            page.pop("profile", None)
            page.pop("explain", None)
            for q in page.get("slowest_sql", []):
                q["sql"] = q["sql"][:500]
    return copy


README_START = "<!-- latest:start -->"
README_END = "<!-- latest:end -->"


def write_reports(results: dict, table: str) -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "latest.md").write_text("# Benchmark: latest run\n\n" + table, encoding="utf-8")
    (OUT_DIR / "latest.json").write_text(
        json.dumps(slim(results), indent=1, default=str), encoding="utf-8"
    )
    details = render_details(results)
    (OUT_DIR / "details.md").write_text(
        "# Benchmark: diagnosis of missed targets\n\n"
        + (details or "Every page met its targets.\n"),
        encoding="utf-8",
    )
    # The latest table goes between the markers of the benchmark notes and of the project README.
    for readme in (OUT_DIR / "README.md", BASE_DIR / "README.md"):
        if readme.exists():
            replace_between_markers(readme, table)


def replace_between_markers(path: Path, table: str) -> None:
    text = path.read_text(encoding="utf-8")
    if README_START in text and README_END in text:
        head, rest = text.split(README_START, 1)
        _, tail = rest.split(README_END, 1)
        path.write_text(f"{head}{README_START}\n{table}{README_END}{tail}", encoding="utf-8")


# --- the command -------------------------------------------------------------------------------
class Command(BaseCommand):
    help = "Benchmark the key pages and a concurrent load on PostgreSQL (see docs/benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--step",
            choices=["all", "measure", "prepare-load", "check-load"],
            default="all",
            help="Internal steps run by the orchestrator against the current database.",
        )
        parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", DEFAULT_PG))
        parser.add_argument("--db-small", default=DATABASES["small"])
        parser.add_argument("--db-large", default=DATABASES["large"])
        parser.add_argument("--db-xl", default=DATABASES["xl"])
        parser.add_argument(
            "--profiles",
            nargs="+",
            choices=list(DATABASES),
            default=list(DATABASES),
            help="Which profiles to run (default all three; xl takes about 15 minutes to "
            "generate on 2 cores).",
        )
        parser.add_argument(
            "--pdf-sizes",
            nargs="*",
            type=int,
            default=None,
            help="Actions in the board packs rendered to PDF (default 250 1000, on the largest "
            "profile run; none to skip).",
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--reuse", action="store_true", help="Keep the existing bench databases' data."
        )
        parser.add_argument("--repeats", type=int, default=30)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--diagnose", action="store_true")
        parser.add_argument("--officers", type=int, default=200)
        parser.add_argument("--board-members", type=int, default=30)
        parser.add_argument(
            "--run-time", type=int, default=60, help="Seconds of concurrent load (0 skips it)."
        )
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
        parser.add_argument("--locust", default=str(BASE_DIR / ".bench-venv" / "bin" / "locust"))
        parser.add_argument("--json", help="Where a step writes its result.")
        parser.add_argument("--plan")
        parser.add_argument("--result")
        parser.add_argument("--no-write", action="store_true", help="Print only.")

    def handle(self, *args, **o):
        step = o["step"]
        if step == "measure":
            data = measure_all(o["repeats"], o["warmup"], o["diagnose"], o["pdf_sizes"])
            Path(o["json"]).write_text(json.dumps(data, default=str), encoding="utf-8")
            return
        if step == "prepare-load":
            think = {"officer": [5, 15], "board": [3, 10]}
            updates_each = max(1, o["run_time"] // 10 + 2)
            plan = prepare_load(o["officers"], o["board_members"], updates_each, think)
            Path(o["json"]).write_text(json.dumps(plan), encoding="utf-8")
            return
        if step == "check-load":
            plan = json.loads(Path(o["plan"]).read_text())
            result = json.loads(Path(o["result"]).read_text())
            Path(o["json"]).write_text(json.dumps(check_load(plan, result)), encoding="utf-8")
            return
        o["profiles"] = sorted(set(o["profiles"]), key=list(DATABASES).index)
        started = time.perf_counter()
        results = Orchestrator(self, o).run()
        table = render_markdown(results)
        self.stdout.write("")
        self.stdout.write(table)
        if not o["no_write"]:
            write_reports(results, table)
            self.stdout.write(f"Written to {OUT_DIR / 'latest.md'} (and README.md, details.md).")
        self.stdout.write(f"Benchmark took {time.perf_counter() - started:.0f} s.")

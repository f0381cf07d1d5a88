"""The browser harness: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright's
sync API against a live server holding the demo data. Browser tests run last in a session
(see ``pytest_collection_modifyitems``).

Fixtures
- ``browser`` (session): the Chromium instance;
- ``live_demo`` (module): a live server whose database holds the demo data (loaded once per
  module, flushed after it);
- ``page``: a fresh browser context and page on ``live_demo`` (``page.goto("/plans/")``);
- ``signed_in_page(username)``: signs in through the real sign-in form, returns the page;
- ``axe_check(page)``: runs axe-core (WCAG 2.2 AA rules) on the page, fails on serious or
  critical violations, prints moderate and minor ones, returns every violation;
- ``console_errors(page)``: the browser console errors seen so far (CSP violations among them).

When Chromium is missing the tests are skipped with the reason, unless REQUIRE_BROWSER=1 (as in
.ci/run), which makes that a failure. A failing test leaves a screenshot and the page's HTML in
``test-artifacts/``.
"""

import os
import re
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
AXE_SOURCE = ROOT / "tests" / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DEMO_PASSWORD = "improve-2026"


def pytest_collection_modifyitems(items):
    """Every test here is a browser test and uses the test database. Without a django_db mark
    (or a db fixture) on some test of the run, pytest-django would create no test database and
    the demo would be loaded into, then flushed from, the real one. (The mark does not wrap the
    tests in a transaction here: see ``_django_db_marker`` below.)"""
    here = Path(__file__).parent
    browser_items = [i for i in items if Path(str(i.fspath)).is_relative_to(here)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
        if item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)
    # Last in the run: once Playwright has started, an asyncio loop stays "running" in this
    # thread, and Django then needs DJANGO_ALLOW_ASYNC_UNSAFE for every database query.
    # (pytest-django's own reordering runs before this hook: it is tryfirst.)
    chosen = set(browser_items)
    items[:] = [i for i in items if i not in chosen] + browser_items


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _no_browser(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (REQUIRE_BROWSER=1: browser tests must run)", pytrace=False)
    pytest.skip(f"{reason}: browser tests skipped")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _no_browser(f"Chromium not found at {CHROMIUM} (install Debian's chromium package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("Playwright is not installed")
    # Playwright's sync API runs an event loop in this thread; Django refuses database access
    # from a thread with a running loop unless told it is safe (it is: the calls are
    # synchronous). Set here, not at import, so that the subprocesses of tests that run before
    # the browser tests (manage.py check --deploy) do not inherit it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
    except Exception as exc:  # a broken Chromium install
        playwright.stop()
        _no_browser(f"Chromium at {CHROMIUM} would not start: {exc}")
    yield chromium
    # Close the database connections opened while Playwright's loop was running, before it
    # stops: otherwise one can outlive the run and keep PostgreSQL from dropping the test
    # database ("being accessed by other users").
    from django.db import connections

    connections.close_all()
    chromium.close()
    playwright.stop()


@pytest.fixture(autouse=True)
def _django_db_marker():
    """Overrides pytest-django's fixture of this name for browser tests: their django_db mark
    only makes sure the test database exists. Wrapping each test in a transaction (what the
    mark normally does) would hide the data from the live server's own connection, and on
    SQLite (IMMEDIATE transactions) hold the write lock the server needs. The database is
    opened for the module by ``live_demo`` and emptied after it by ``demo_data``."""


@pytest.fixture(scope="session")
def _live_server_thread():
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()
    # Requests still being answered hold database connections, which would stop the test
    # database being dropped: give them a moment to finish.
    deadline = time.monotonic() + 5
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture(scope="module")
def live_demo(browser, _test_database_only, demo_data, django_db_blocker, _live_server_thread):
    """A live server on the demo data. The database stays open to the server (and the tests)
    for the whole module; ``demo_data`` flushes it afterwards."""
    with django_db_blocker.unblock():
        yield _live_server_thread


@pytest.fixture(scope="module")
def _test_database_only(django_db_setup, django_db_blocker):
    """Never load (and then flush) the demo in a database that is not the test database; and
    put back the role groups (made by a data migration) that an earlier transactional test's
    flush removed."""
    from django.contrib.auth.models import Group
    from django.db import connection

    from core.roles import Role

    name = str(connection.settings_dict["NAME"])
    test_name = (connection.settings_dict.get("TEST") or {}).get("NAME")
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if not (in_memory or name.startswith("test_") or (test_name and name == str(test_name))):
        pytest.fail(f"refusing to use {name!r}: browser tests need the test database")
    with django_db_blocker.unblock():
        for role in Role:
            Group.objects.get_or_create(name=role.value)


@pytest.fixture
def queue_worker(live_demo, settings, tmp_path):
    """Issue 16's rule in the browser: requests only queue files to be made, and a real worker
    process (``manage.py run_worker``) on the test database makes them, as in production. The
    browser reloads the "being prepared" page until the file is there. Yields the worker, whose
    id is on every task it ran."""
    from tests.worker import DATABASE_QUEUE, Worker

    settings.TASKS = DATABASE_QUEUE
    worker = Worker(f"browser-worker-{os.getpid()}", tmp_path / "worker.log").start()
    try:
        yield worker
    finally:
        worker.stop()


def tasks_run_by(worker) -> list:
    """The jobs' task results, checked to have run in ``worker`` and nowhere else."""
    from django_tasks_db.models import DBTaskResult

    results = list(DBTaskResult.objects.filter(task_path="core.tasks.run_job").order_by("pk"))
    assert results, "no job went through the queue\n" + worker.output()
    assert all(r.worker_ids == [worker.worker_id] for r in results), [
        (r.pk, r.worker_ids) for r in results
    ]
    return results


@pytest.fixture
def page(browser, live_demo, request):
    context = browser.new_context(base_url=live_demo.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message))
    page.on(
        "pageerror",
        lambda error: page.console_messages.append(_PageError(f"uncaught: {error}")),
    )
    yield page
    failed = any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    if failed:
        save_artifacts(page, request.node.nodeid)
    page.goto("about:blank")  # stops the page's timers and requests before the context closes
    context.close()


class _PageError:
    type = "error"
    location: dict = {}

    def __init__(self, text):
        self.text = text


def save_artifacts(page, name: str) -> list[Path]:
    """A screenshot and the HTML of the page, under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[-150:]
    saved = []
    try:
        shot = ARTIFACTS / f"{stem}.png"
        page.screenshot(path=str(shot), full_page=True)
        saved.append(shot)
        html = ARTIFACTS / f"{stem}.html"
        html.write_text(page.content())
        saved.append(html)
    except Exception as exc:  # the page may be gone; the test's own failure matters more
        print(f"could not save browser artifacts for {name}: {exc}")
    return saved


def sign_in(page, username: str, password: str = DEMO_PASSWORD):
    page.goto("/sign-in/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if "/sign-in/" in page.url:
        raise AssertionError(f"could not sign in as {username}: still on {page.url}")
    return page


@pytest.fixture
def signed_in_page(page):
    """``signed_in_page("jane.smith")`` signs in through the sign-in form and returns the page."""

    def _sign_in(username: str, password: str = DEMO_PASSWORD):
        return sign_in(page, username, password)

    return _sign_in


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now. axe is evaluated through the
    DevTools protocol, which the page's CSP does not govern (an injected <script> would be
    refused, rightly)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE.read_text())
    return page.evaluate(
        """async (tags) => {
            const results = await window.axe.run(document, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],
            });
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                          summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )


def describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html']}")
    return "\n".join(lines)


@pytest.fixture
def axe_check():
    """``axe_check(page)``: fails on serious or critical WCAG 2.2 AA violations, prints moderate
    and minor ones, and returns all of them."""

    def _check(page) -> list[dict]:
        violations = run_axe(page)
        blocking = [v for v in violations if v["impact"] in ("serious", "critical")]
        others = [v for v in violations if v not in blocking]
        if others:
            print(f"\naxe: {len(others)} moderate or minor on {page.url}:\n{describe(others)}")
        if blocking:
            pytest.fail(
                f"axe: {len(blocking)} serious or critical on {page.url}:\n{describe(blocking)}",
                pytrace=False,
            )
        return violations

    return _check


@pytest.fixture
def console_errors():
    """``console_errors(page)``: console errors so far (CSP refusals, uncaught exceptions)."""

    def _errors(page) -> list[str]:
        return [
            m.text
            for m in page.console_messages
            if m.type == "error"
            # Browsers ask for /favicon.ico by themselves; the service has none.
            and not (m.location or {}).get("url", "").endswith("/favicon.ico")
        ]

    return _errors


def timeout_dialog(page, idle, warning):
    """The include's dialog: on the page when base.html includes it, otherwise rendered here
    and added to the page with the page's own CSRF token (the script file is same-origin)."""
    from django.contrib.auth import get_user_model
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from config.middleware import SessionTimeout

    if page.locator("#session-timeout").count() == 0:
        request = RequestFactory().get("/plans/")
        request.user = get_user_model().objects.get(username="jane.smith")
        request.session_timeout = SessionTimeout(idle=idle, warning=warning, remaining=idle)
        html = render_to_string("includes/session_timeout.html", request=request)
        token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
        page.evaluate(
            """([html, token]) => {
                const box = document.createElement('div');
                box.innerHTML = html.replace(/<script[^>]*><\\/script>/, '');
                box.querySelectorAll('input[name=csrfmiddlewaretoken]')
                   .forEach(input => { input.value = token; });
                document.body.appendChild(box);
            }""",
            [html, token],
        )
        page.add_script_tag(url="/static/js/session-timeout.js", type="module")
    return page.locator("#session-timeout")

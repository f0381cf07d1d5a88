"""Nothing correctness-relevant lives in one process's memory (issue 16, several app servers):
sessions are in the database, no product code uses Django's cache (per-process by default), and
sign-in lockouts are counted in the database. The two-server run itself is
tests/devtools/test_cluster.py (PostgreSQL)."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["config", "core", "accounts", "plans", "priorities", "actions", "measures", "boards"]
PRODUCT += ["inspections", "transfer", "demo", "api", "publishing"]


def test_sessions_are_shared_by_every_server():
    # production.py keeps the shared settings' choice (checked here) and changes neither.
    production = (ROOT / "config" / "settings" / "production.py").read_text("utf-8")
    assert "SESSION_ENGINE" not in production and "CACHES" not in production
    assert settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.signed_cookies",
    )


def test_lockouts_are_counted_in_the_database():
    handler = getattr(settings, "AXES_HANDLER", "axes.handlers.database.AxesDatabaseHandler")
    assert handler == "axes.handlers.database.AxesDatabaseHandler"


def test_only_the_fresh_page_cache_uses_the_per_process_cache():
    """CACHES is each process's memory by default: anything kept there would differ between app
    servers. Rate limits, locks and sessions use the database; the one user of the cache is
    core/freshness.py (ADR 0019), whose entries are checked against a data version kept in the
    database, so a change made through one server shows on every other one."""
    uses = []
    pattern = re.compile(r"django\.core\.cache import|from django\.core import cache|\bcaches\[")
    for app in PRODUCT:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts and pattern.search(path.read_text("utf-8")):
                uses.append(str(path.relative_to(ROOT)))
    assert uses == ["core/freshness.py"]

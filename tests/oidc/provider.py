"""Start the test OpenID Connect provider (``tests/oidc/server.mjs``, npm ``oidc-provider``) in
its own Node process, change its accounts, and walk a sign-in through it as a browser would.

Needs ``node`` and ``npm ci`` run once in ``tests/oidc`` (``.ci/run`` does both). Without them
the tests that use it are skipped, unless ``REQUIRE_OIDC=1`` (as in CI), which fails them.
"""

import atexit
import json
import os
import re
import shutil
import subprocess  # nosec B404 - starts the test provider
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

HERE = Path(__file__).resolve().parent
SERVER = HERE / "server.mjs"
FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


class TestProvider:
    """A running provider. ``issuer`` is its address, ``discovery_url`` its discovery document."""

    __test__ = False  # not a test class

    def __init__(self, process, issuer, config_file):
        self.process = process
        self.issuer = issuer
        self.discovery_url = f"{issuer}/.well-known/openid-configuration"
        self._config_file = config_file

    def set_account(self, account_id: str, **claims) -> None:
        """Create or replace an account; its claims go into the ID tokens issued from now on."""
        response = requests.put(
            f"{self.issuer}/_test/accounts/{account_id}", data=json.dumps(claims), timeout=10
        )
        response.raise_for_status()

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        Path(self._config_file).unlink(missing_ok=True)


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_OIDC") == "1":
        pytest.fail(f"{reason} (REQUIRE_OIDC=1: the single sign-on tests must run)", pytrace=False)
    pytest.skip(f"{reason}: single sign-on tests skipped")


def start_provider(clients: list[dict], accounts: dict | None = None) -> TestProvider:
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed")
    if not (HERE / "node_modules" / "oidc-provider").exists():
        _unavailable("the test provider is not installed (cd tests/oidc && npm ci)")
    handle, config_file = tempfile.mkstemp(prefix="oidc-test-", suffix=".json")
    with os.fdopen(handle, "w") as out:
        json.dump({"clients": clients, "accounts": accounts or {}}, out)
    process = subprocess.Popen(  # noqa: S603 # nosec B603 - fixed arguments
        [node, str(SERVER), config_file],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=HERE,
    )
    deadline = time.monotonic() + 30
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("listening "):
            issuer = line.split()[1]
            # Keep reading its output so that the pipe never fills up.
            _drain(process)
            provider = TestProvider(process, issuer, config_file)
            atexit.register(provider.stop)  # even if the session ends abruptly
            return provider
    process.kill()
    pytest.fail("the test provider did not start:\n" + "".join(lines))


def _drain(process) -> None:
    import threading

    def read():
        for line in process.stdout:
            if "WARNING" not in line:
                print(f"[oidc-provider] {line}", end="")

    threading.Thread(target=read, daemon=True).start()


def walk_to_callback(start_location: str, account: str, app_origin: str, session=None) -> str:
    """Follow the provider's pages from the authorization URL, signing in as ``account``, up to
    the redirect back to the app. Returns that callback URL (not yet opened)."""
    browser = session or requests.Session()
    url = start_location
    for _ in range(20):
        if url.startswith(app_origin):
            return url
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            continue
        form = FORM_ACTION.search(response.text)
        if response.status_code == 200 and form:
            response = browser.post(
                urljoin(url, form.group(1)),
                data={"account": account},
                allow_redirects=False,
                timeout=10,
            )
            if not response.is_redirect:
                raise AssertionError(f"the provider refused {account}: {response.text[:500]}")
            url = urljoin(url, response.headers["Location"])
            continue
        raise AssertionError(f"unexpected provider page {url}: {response.status_code}")
    raise AssertionError("too many redirects at the provider")


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path

"""What the users of the two-server run do (``manage.py bench_cluster``), whatever drives them.

Standard library only: the locust file (its own virtualenv, no Django) and the command's quick
mode (a thread pool in the app's virtualenv) both use it, each with its own *transport*, a
function ``(method, url, headers, body, name) -> Reply`` that sends one request without following
redirects.

No sticky sessions: a ``Browser`` sends each request to the next server in turn, so an update
form opened on one server is posted to the other. The servers run the production settings, whose
cookies are ``Secure`` and ``__Host-`` prefixed; the harness stands for a load balancer that
ends TLS (``X-Forwarded-Proto: https``) and sends the cookies itself, as a browser would over
HTTPS.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import formfill


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return ""


LOCKED_MARKER = "update has already been given by"

Transport = Callable[[str, str, dict, bytes | None, str], Reply]


def new_csrf_secret() -> str:
    """A CSRF cookie as Django makes one (32 letters and digits): the forms the servers render
    for this browser carry tokens masked from it."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32))


@dataclass
class Browser:
    hosts: list[str]  # http://127.0.0.1:PORT of each server
    cookie_names: dict[str, str]  # {"session": ..., "csrf": ...}
    transport: Transport
    session: str = ""
    csrf: str = field(default_factory=new_csrf_secret)
    turn: int = 0

    def next_host(self) -> str:
        host = self.hosts[self.turn % len(self.hosts)]
        self.turn += 1
        return host

    def request(
        self,
        method: str,
        path: str,
        name: str,
        data: dict | None = None,
        host: str | None = None,
        body: bytes | None = None,
        content_type: str = "",
    ) -> Reply:
        host = host or self.next_host()
        netloc = urlsplit(host).netloc
        cookies = [f"{self.cookie_names['csrf']}={self.csrf}"]
        if self.session:
            cookies.append(f"{self.cookie_names['session']}={self.session}")
        headers = {
            "Cookie": "; ".join(cookies),
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{netloc}{path}",
        }
        if method == "POST":
            headers["Origin"] = f"https://{netloc}"
            if data is not None:
                body = urlencode(data, doseq=True).encode()
                content_type = "application/x-www-form-urlencoded"
            headers["Content-Type"] = content_type
        reply = self.transport(method, host + path, headers, body, name)
        self.remember(reply)
        return reply

    def remember(self, reply: Reply) -> None:
        """Keep a new session cookie (after signing in) as a browser would."""
        for key, value in reply.headers.items():
            if key.lower() != "set-cookie":
                continue
            for line in value.split("\n"):
                pair = line.split(";", 1)[0].strip()
                cookie, _, cookie_value = pair.partition("=")
                if cookie == self.cookie_names["session"] and cookie_value:
                    self.session = cookie_value


def update_action(browser: Browser, item: dict, token: str, rating: str) -> dict:
    """Open the action's update form on one server and post it, filled in, to the other. The
    commentary is ``token``, so the run can find this write in the database afterwards."""
    form_reply = browser.request("GET", item["url"], "officer: update form")
    record = {"action": item["action"], "token": token, "version": None, "outcome": "error"}
    if form_reply.status != 200:
        record["detail"] = f"form HTTP {form_reply.status} {form_reply.header('Location')}"
        return record
    form = formfill.update_form(form_reply.text)
    if form is None or "version" not in form.names():
        # Someone else's update for this period is shown instead of the form: the page says so
        # before anything is typed.
        record["outcome"] = "locked" if LOCKED_MARKER in form_reply.text else "error"
        return record
    data = formfill.fill(form, rating=rating)
    data["commentary"] = token
    record["version"] = int(str(data.get("version") or 0))
    reply = browser.request("POST", form.action or item["url"], "officer: update POST", data=data)
    record["outcome"] = formfill.classify(reply.status, reply.text)
    record["status"] = reply.status
    # A refused write must say so on the page the officer gets back (what they typed is kept).
    record["reported"] = any(m in reply.text.lower() for m in formfill.CONFLICT_MARKERS) or (
        LOCKED_MARKER in reply.text
    )
    return record


def start_reminders_job(browser: Browser, jobs_url: str, start_url: str) -> str:
    """The administrator's "Send reminders now" on the Downloads and jobs page."""
    page = browser.request("GET", jobs_url, "admin: jobs page")
    if page.status != 200:
        return f"jobs page HTTP {page.status}"
    forms = [
        f
        for f in formfill.parse_forms(page.text)
        if f.method == "post" and f.action.rstrip("/") == start_url.rstrip("/")
    ]
    if not forms:
        return "no start form on the jobs page"
    reply = browser.request("POST", start_url, "admin: start job", data=formfill.defaults(forms[0]))
    return "started" if reply.status in (302, 303) else f"start HTTP {reply.status}"


def read(browser: Browser, page: dict, prefix: str) -> int:
    return browser.request("GET", page["url"], f"{prefix}: {page['name']}").status

"""The concurrent part of `make bench`: officers giving RAG updates and board members reading,
against gunicorn on 127.0.0.1 (never another address).

Runs headless from its own virtualenv (``.bench-venv``, made by ``make bench``: locust brings
gevent, which must not enter the app's environment), started by ``manage.py bench``, which writes
the load plan (``BENCH_LOAD_PLAN``: signed-in sessions of generated officers and board members,
the actions each officer leads that have no update this period, the pages each may read) and
reads back the results (``BENCH_LOAD_RESULT``). The run is bounded by locust's ``--run-time``.

Each officer works through their own actions: opens the update form, takes a moment, posts the
form as shown with a rating and commentary filled in, then follows the redirect. Officers never
share an action, so every accepted update must add exactly one StatusUpdate row; the command
checks that in the database afterwards (no lost writes). A 409 from the optimistic version check
is counted as a deliberate conflict, not an error.
"""

import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
import formfill  # noqa: E402

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text(encoding="utf-8"))
OUTCOMES: Counter = Counter()
ACCEPTED: Counter = Counter()  # accepted POSTs per action id
POOLS = {"officer": list(PLAN["officers"]), "board_member": list(PLAN["board_members"])}
STARTED = time.time()


class SignedIn(HttpUser):
    abstract = True
    role = ""

    def on_start(self):
        self.me = POOLS[self.role].pop(0)
        host = urlsplit(self.host).hostname
        self.client.cookies.set(PLAN["session_cookie"], self.me["session"], domain=host, path="/")
        self.rng = random.Random(self.me["username"])  # noqa: S311 - load test only
        # People do not all press a key in the same second: each starts after a pause of up to
        # one think time, as if they had arrived at their desk at some moment before the run.
        # Without it the first requests of all 230 users arrive within the few seconds locust
        # takes to start them, and the run measures that artificial burst.
        think = PLAN["officer_think_seconds" if self.role == "officer" else "board_think_seconds"]
        gevent.sleep(self.rng.uniform(0, think[1]))

    def read(self, prefix: str) -> None:
        page = self.rng.choice(self.me["read"])
        with self.client.get(
            page["url"], name=f"{prefix}: {page['name']}", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Officer(SignedIn):
    role = "officer"
    fixed_count = len(PLAN["officers"])
    wait_time = between(*PLAN["officer_think_seconds"])

    def on_start(self):
        super().on_start()
        self.queue = list(self.me["update"])

    @task
    def update_next_action(self):
        if not self.queue:
            self.read("officer")
            return
        item = self.queue.pop(0)
        with self.client.get(
            item["url"], name="officer: update form", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            form = formfill.update_form(response.text)
            if form is None:
                response.failure("no update form on the page")
                return
        self.wait()  # reading the form and typing the commentary
        rating = self.rng.choice(formfill.RATINGS)
        data = formfill.fill(form, rating=rating)
        target = form.action or item["url"]
        with self.client.post(
            target,
            data=data,
            name="officer: update POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            outcome = formfill.classify(response.status_code, response.text)
            OUTCOMES[outcome] += 1
            if outcome == "accepted":
                ACCEPTED[str(item["action"])] += 1
            if outcome in ("accepted", "conflict"):
                response.success()
            else:
                response.failure(f"{outcome} (HTTP {response.status_code})")
            location = response.headers.get("Location")
        if outcome == "accepted" and location:
            self.client.get(location, name="officer: page after update")


class BoardMember(SignedIn):
    role = "board_member"
    fixed_count = len(PLAN["board_members"])
    wait_time = between(*PLAN["board_think_seconds"])

    @task
    def read_a_page(self):
        self.read("board")


def _entry(stats) -> dict:
    return {
        "name": stats.name,
        "method": stats.method,
        "requests": stats.num_requests,
        "failures": stats.num_failures,
        "median_ms": stats.get_response_time_percentile(0.5),
        "p95_ms": stats.get_response_time_percentile(0.95),
        "p99_ms": stats.get_response_time_percentile(0.99),
        "avg_ms": stats.avg_response_time,
        "max_ms": stats.max_response_time,
        "avg_bytes": stats.avg_content_length,
    }


@events.quitting.add_listener
def write_results(environment, **kwargs):
    stats = environment.stats
    elapsed = max(
        1e-9, (stats.total.last_request_timestamp or time.time()) - stats.total.start_time
    )
    result = {
        "seconds": elapsed,
        "total": {**_entry(stats.total), "rps": stats.total.num_requests / elapsed},
        "requests": [_entry(s) for s in sorted(stats.entries.values(), key=lambda s: s.name)],
        "errors": [
            {"name": e.name, "error": str(e.error), "occurrences": e.occurrences}
            for e in stats.errors.values()
        ],
        "outcomes": dict(OUTCOMES),
        "accepted_by_action": dict(ACCEPTED),
        "users": {"officers": len(PLAN["officers"]), "board_members": len(PLAN["board_members"])},
    }
    Path(os.environ["BENCH_LOAD_RESULT"]).write_text(json.dumps(result, indent=1), "utf-8")

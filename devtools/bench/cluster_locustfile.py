"""The two-server run of ``manage.py bench_cluster`` (``make bench-cluster``) under locust.

Runs headless from ``.bench-venv`` (no Django here). The command writes the plan
(``CLUSTER_PLAN``: the two servers, signed-in sessions, the shared actions, the pages to read)
and reads back what every user did (``CLUSTER_RESULT``); it then checks the database against it.

Users (devtools/bench/cluster_client.py does the requests):

- officers, all delegates of the same few actions, each repeatedly opening an action's update
  form on one server and posting it to the other: most posts race someone else's, so the
  optimistic version check and the one-update-a-period rule are exercised all the time;
- board members reading pages, each request to the other server from the last;
- an administrator starting "Send reminders now" jobs from the Downloads and jobs page.
"""

import json
import os
import random
import sys
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cluster_client  # noqa: E402

PLAN = json.loads(Path(os.environ["CLUSTER_PLAN"]).read_text(encoding="utf-8"))
POOLS = {key: list(PLAN[key]) for key in ("officers", "board_members", "admins")}
UPDATES: list[dict] = []
JOB_STARTS: list[str] = []
READS: list[int] = []


class ClusterUser(HttpUser):
    abstract = True
    pool = ""

    def on_start(self):
        self.me = POOLS[self.pool].pop(0)
        # Cookies are sent by cluster_client (the servers' cookies are Secure; this is plain
        # HTTP on loopback behind a pretend TLS-ending load balancer): keep requests' jar out.
        self.client.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.rng = random.Random(self.me["username"])  # noqa: S311 - load test only
        self.browser = cluster_client.Browser(
            hosts=PLAN["hosts"],
            cookie_names=PLAN["cookie_names"],
            transport=self.send,
            session=self.me["session"],
            turn=self.rng.randrange(2),
        )

    def send(self, method, url, headers, body, name):
        with self.client.request(
            method,
            url,
            headers=headers,
            data=body,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code >= 500 or response.status_code in (0, 403):
                response.failure(f"HTTP {response.status_code}")
            else:
                response.success()
            return cluster_client.Reply(
                response.status_code, dict(response.headers), response.content or b""
            )


class Officer(ClusterUser):
    pool = "officers"
    fixed_count = len(PLAN["officers"])
    wait_time = between(*PLAN["think_seconds"])

    @task(3)
    def update(self):
        item = self.rng.choice(PLAN["shared_actions"])
        token = f"cluster {self.me['username']} {time.time_ns()} {self.rng.random():.12f}"
        rating = self.rng.choice(("green", "amber", "red"))
        UPDATES.append(cluster_client.update_action(self.browser, item, token, rating))

    @task(1)
    def read(self):
        READS.append(cluster_client.read(self.browser, self.rng.choice(self.me["read"]), "officer"))


class BoardMember(ClusterUser):
    pool = "board_members"
    fixed_count = len(PLAN["board_members"])
    wait_time = between(*PLAN["think_seconds"])

    @task
    def read(self):
        READS.append(cluster_client.read(self.browser, self.rng.choice(self.me["read"]), "board"))


class Administrator(ClusterUser):
    pool = "admins"
    fixed_count = len(PLAN["admins"])
    wait_time = between(*PLAN["job_think_seconds"])

    @task
    def start_job(self):
        JOB_STARTS.append(
            cluster_client.start_reminders_job(self.browser, PLAN["jobs_url"], PLAN["start_url"])
        )


@events.quitting.add_listener
def write_results(environment, **kwargs):
    stats = environment.stats
    requests = [
        {
            "name": s.name,
            "method": s.method,
            "requests": s.num_requests,
            "failures": s.num_failures,
            "median_ms": s.get_response_time_percentile(0.5),
            "p95_ms": s.get_response_time_percentile(0.95),
        }
        for s in sorted(stats.entries.values(), key=lambda s: s.name)
    ]
    result = {
        "driver": "locust",
        "updates": UPDATES,
        "job_starts": JOB_STARTS,
        "reads": READS,
        "requests": requests,
        "total": {
            "requests": stats.total.num_requests,
            "failures": stats.total.num_failures,
            "median_ms": stats.total.get_response_time_percentile(0.5),
            "p95_ms": stats.total.get_response_time_percentile(0.95),
        },
    }
    Path(os.environ["CLUSTER_RESULT"]).write_text(json.dumps(result, indent=1), "utf-8")

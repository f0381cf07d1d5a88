"""``manage.py bench_cluster``: two app servers and two workers on one PostgreSQL, driven
together with no sticky sessions; checks no lost writes, exactly-once jobs and tasks, sessions
and files across servers, reminders once (devtools/bench/cluster.py; ``make bench-cluster``).

Exits non-zero when a check fails. ``--quick`` is the short run of the test suite (a thread pool
instead of locust, about 15 seconds of load)."""

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from devtools.bench import cluster


class Command(BaseCommand):
    help = (
        "Start two gunicorn servers and two workers against a fresh PostgreSQL database, drive "
        "them together (locust, or a thread pool with --quick) and check the database: no lost "
        "writes, each job once, sessions and files shared, reminders sent once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--postgres",
            default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
            help="The PostgreSQL server (its database part is ignored).",
        )
        parser.add_argument("--database", default="improvement_plans_cluster")
        parser.add_argument("--quick", action="store_true", help="A short run without locust.")
        parser.add_argument("--locust", default="", help="locust executable (.bench-venv)")
        parser.add_argument("--run-time", type=int, default=None, help="Seconds of load.")
        parser.add_argument("--officers", type=int, default=None)
        parser.add_argument("--shared-actions", type=int, default=None)
        parser.add_argument("--keep", action="store_true", help="Keep the logs directory.")
        # The database steps, run by the harness itself in a subprocess.
        parser.add_argument("--step", choices=["run", "prepare", "verify"], default="run")
        parser.add_argument("--json", help=("(steps) where to write the step's result"))
        parser.add_argument("--plan")
        parser.add_argument("--result")
        parser.add_argument("--mail")

    def handle(self, *args, **o):
        quick = o["quick"]
        officers = o["officers"] or (4 if quick else 8)
        shared = o["shared_actions"] or (6 if quick else 12)
        if o["step"] == "prepare":
            data = cluster.prepare(officers, shared)
            Path(o["json"]).write_text(json.dumps(data), encoding="utf-8")
            return
        if o["step"] == "verify":
            plan = json.loads(Path(o["plan"]).read_text(encoding="utf-8"))
            result = json.loads(Path(o["result"]).read_text(encoding="utf-8"))
            data = cluster.verify(plan, result, Path(o["mail"]))
            Path(o["json"]).write_text(json.dumps(data), encoding="utf-8")
            return
        options = cluster.Options(
            postgres=o["postgres"],
            database=o["database"],
            quick=quick,
            locust=o["locust"],
            run_time=o["run_time"] or (15 if quick else 60),
            officers=officers,
            shared_actions=shared,
            keep=o["keep"],
        )

        def say(message: str) -> None:
            self.stdout.write(message)
            self.stdout.flush()

        status = cluster.Cluster(options, say).run()
        if status:
            raise CommandError("The two-server run failed a check (see the table above).")

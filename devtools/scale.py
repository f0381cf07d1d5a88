"""A synthetic council at scale, for the benchmark (``manage.py generate_scale_data``).

It builds what a large council (or a shared service) accumulates over years: several plans with
priorities, outcomes, objectives and numbered actions with real-looking timescales and leads;
officers with sign-ins; boards with monthly meetings; P monthly reporting periods with one RAG
update per action per period; and measures with P monthly values, annual targets and comparators.

Everything is made up (the council is "Scalebridge", every update and value is flagged
``illustrative``) and deterministic: the same seed and the same ``as_of`` date give the same data,
row for row (see :func:`fingerprint`). Rows are written with ``bulk_create`` in batches, which
skips ``save()`` and django-simple-history, so the generator does their work itself: it parses
timescales, sets each update's combined rating, writes the denormalised ``Action.rating``,
``rating_updated_at`` and ``version`` equal to the latest update's rating and time and the number
of updates (as ``actions.services.status_update_record`` would have left them), and writes the
"+" history rows of actions, status updates and measure values (``bulk_history_create``), dated
when each was given, because the "as at" board packs and measure statuses read those tables.
Other models' history (plans, priorities...) is not written: no page reads it.

The P past periods are the P whole months before the month of ``as_of``; the month of ``as_of`` is
stored too, open and without updates, so officers have a period to update in.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import math
import random
import time
from calendar import monthrange
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.text import slugify

from actions.legend import refresh_rag_legends
from actions.models import (
    Action,
    ActionLink,
    RagDefinition,
    ReportingPeriod,
    StatusUpdate,
    SubAction,
    Tag,
)
from actions.timescales import TimescaleKind
from boards.models import Board, BoardMembership, Meeting
from core import freshness
from core.models import Organisation, Person
from core.rag import DEFAULT_MEANINGS, Lifecycle, Rating, combine
from core.roles import Role
from measures.models import (
    Comparator,
    Measure,
    MeasureValue,
    PopulationEstimate,
    Target,
    rate_per_10000,
)
from plans.models import Plan
from priorities.models import KeyIssue, Objective, Outcome, PlanStatement, Priority

COUNCIL = "Scalebridge Borough Council"
COUNCIL_SHORT = "Scalebridge"
SLUG_PREFIX = "scale-"
MEASURE_PREFIX = "SCL"
PASSWORD = "improve-2026"  # noqa: S105 # nosec B105 - the demo password for synthetic accounts
GRACE_DAYS = 5  # a month's updates are due by the 5th of the next month
# Timescales whose start is when the work starts (for the rest it is the due window's start).
WINDOW_KINDS = {TimescaleKind.PHASE, TimescaleKind.RANGE, TimescaleKind.FINANCIAL_YEAR}


@dataclass(frozen=True)
class Profile:
    plans: int
    actions_per_plan: int
    periods: int
    measures: int
    councils: int = 1  # plans, officers, boards and measures spread across this many councils

    @property
    def actions(self) -> int:
        return self.plans * self.actions_per_plan

    @property
    def updates(self) -> int:
        return self.actions * self.periods


# "small" keeps the large profile's plan size (250 actions a plan) and board size (each board
# oversees three plans) so that pages about one plan or one board's meeting compare like with like:
# the large/small ratio then shows growth with history (36 months against 6), the number of plans
# (20 against 3) and measures (300 against 10), not with the size of one plan or one board.
PROFILES = {
    "tiny": Profile(plans=2, actions_per_plan=25, periods=6, measures=10),
    "small": Profile(plans=3, actions_per_plan=250, periods=6, measures=10),
    "large": Profile(plans=20, actions_per_plan=250, periods=36, measures=300),
    # Ten times large, as a hosted service for several councils: 25 plans, ~310 officers and
    # 9 boards (and a scrutiny committee) in each of 8 councils; 1.8 million updates.
    "xl": Profile(plans=200, actions_per_plan=250, periods=36, measures=3000, councils=8),
}


class ScaleDataExists(Exception):
    """Synthetic data is already in this database."""


@dataclass
class ScaleReport:
    profile: Profile
    seed: int
    as_of: date
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


# --- words ---------------------------------------------------------------------------------
FIRST_NAMES = [
    "Amelia",
    "Ben",
    "Chloe",
    "Daniel",
    "Ellie",
    "Farah",
    "Gareth",
    "Hannah",
    "Imran",
    "Jess",
    "Kieran",
    "Laura",
    "Mohammed",
    "Nadia",
    "Owen",
    "Priya",
    "Rachel",
    "Sam",
    "Tariq",
    "Uma",
    "Victoria",
    "Wes",
    "Yasmin",
    "Zoe",
    "Aisha",
    "Callum",
    "Dawn",
    "Euan",
    "Fiona",
    "Grace",
    "Harvey",
    "Isla",
    "Jamal",
    "Kate",
    "Liam",
    "Megan",
    "Niall",
    "Olivia",
    "Paul",
    "Rosie",
    "Sean",
    "Tessa",
    "Aaron",
    "Bethany",
    "Connor",
    "Deborah",
    "Ethan",
    "Gemma",
    "Hugo",
    "Joanne",
]
SURNAMES = [
    "Ahmed",
    "Bennett",
    "Clarke",
    "Davies",
    "Evans",
    "Foster",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nolan",
    "Owens",
    "Patel",
    "Quinn",
    "Roberts",
    "Shaw",
    "Taylor",
    "Usher",
    "Vaughan",
    "Walker",
    "Young",
    "Brown",
    "Carter",
    "Dixon",
    "Ellis",
    "Fletcher",
    "Graham",
    "Hall",
    "Jackson",
    "Kelly",
    "Lee",
    "Mason",
    "Newton",
    "Parker",
    "Reid",
    "Smith",
    "Turner",
    "Wood",
    "Wright",
]
OFFICER_TITLES = [
    "Team Manager",
    "Service Manager",
    "Head of Service",
    "Practice Lead",
    "Principal Social Worker",
    "Performance Lead",
    "Commissioning Manager",
    "Early Help Locality Manager",
    "Independent Reviewing Officer Manager",
    "Workforce Development Lead",
]
ROLES = [
    ("dcs", "DCS", "Director of Children's Services"),
    ("director-education", "Director of Education", "Director of Education"),
    ("head-of-early-help", "Head of Early Help", "Head of Early Help"),
    ("head-of-safeguarding", "Head of Safeguarding", "Head of Safeguarding and Review"),
    ("principal-social-worker", "Principal Social Worker", "Principal Social Worker"),
    ("head-of-send", "Head of SEND", "Head of Special Educational Needs and Disabilities"),
]
PARTNERS = [
    ("Scalebridge Police", "police"),
    ("Scalebridge Integrated Care Board", "health"),
    ("Scalebridge Schools Partnership", "school"),
    ("Scalebridge Voluntary Sector Forum", "voluntary"),
]
THEMES = [
    "Children's Services",
    "Early Help",
    "Corporate Parenting",
    "SEND",
    "Youth Justice",
    "Children's Social Care",
    "Education Inclusion",
    "Placement Sufficiency",
    "Children's Workforce",
    "Emotional Wellbeing and Mental Health",
    "Child Exploitation",
    "Care Leavers",
    "Family Hubs",
    "Domestic Abuse",
    "School Readiness",
    "Safeguarding Partnership",
    "Fostering",
    "Adolescents at Risk",
    "Quality Assurance",
    "Edge of Care",
]
# (kind, what it calls its levels, numbering)
PLAN_KINDS = [
    (
        Plan.Kind.IMPROVEMENT_PLAN,
        "Improvement Plan",
        ("Improvement area", "Outcome", "Objective", "Action"),
        Plan.Numbering.HIERARCHICAL,
    ),
    (
        Plan.Kind.STRATEGY,
        "Strategy",
        ("Priority", "Outcome", "Objective", "Action"),
        Plan.Numbering.CONTINUOUS,
    ),
    (
        Plan.Kind.ACTION_PLAN,
        "Action Plan",
        ("Theme", "Outcome", "Objective", "Action"),
        Plan.Numbering.HIERARCHICAL,
    ),
    (
        Plan.Kind.BUSINESS_PLAN,
        "Business Plan",
        ("Strategic priority", "Outcome", "Objective", "Action"),
        Plan.Numbering.HIERARCHICAL,
    ),
]
PRIORITY_TITLES = [
    "Our people",
    "Quality of practice",
    "Leadership, management and oversight",
    "Working together with partners",
    "The voice of the child",
    "Permanence and stability",
    "Help at the earliest point",
    "Performance and quality assurance",
    "Sufficiency of homes for children",
    "Health and wellbeing",
    "Education, skills and employment",
    "Safety from harm and exploitation",
]
KEY_ISSUES = [
    "High caseloads in the assessment teams",
    "Reliance on agency social workers",
    "Drift and delay in plans for permanence",
    "Too few local foster carers",
    "Rising numbers of children looked after",
    "Inconsistent management oversight",
    "Re-referrals within twelve months",
    "Late education, health and care plans",
    "Children missing education",
    "Exploitation of adolescents outside the home",
    "Care leavers not in education, employment or training",
    "Variable quality of early help assessments",
]
OUTCOMES = [
    "A skilled, stable and supported workforce",
    "Children are seen, heard and understood",
    "Decisions for children are timely and well recorded",
    "Families get help before problems escalate",
    "Children live in stable homes close to their communities",
    "Partners share information and act on it together",
    "Leaders know their services well through data and audit",
    "Young people leaving care are ready for adult life",
    "Children with SEND get the right support at the right time",
    "Young people are safe from exploitation",
]
OBJECTIVES = [
    "Reduce reliance on agency staff",
    "Improve the timeliness of assessments",
    "Strengthen supervision and reflective practice",
    "Increase the number of in-house foster carers",
    "Embed the learning from audits in practice",
    "Improve the quality of plans for children",
    "Reduce repeat referrals",
    "Increase participation of children in their reviews",
]
VERBS = [
    "Review",
    "Embed",
    "Implement",
    "Develop",
    "Launch",
    "Audit",
    "Refresh",
    "Strengthen",
    "Train all staff on",
    "Commission",
    "Evaluate",
    "Roll out",
    "Agree with partners",
    "Publish",
]
OBJECTS = [
    "the practice framework",
    "supervision standards",
    "the front door threshold guidance",
    "the sufficiency strategy",
    "the care leavers' local offer",
    "return home interviews",
    "the quality assurance framework",
    "direct work tools for children",
    "the recruitment and retention offer for social workers",
    "the pre-proceedings tracker",
    "the early help assessment",
    "family network meetings",
    "the missing from home protocol",
    "the SEND local offer",
    "the timeliness of education, health and care plans",
    "the exploitation risk assessment",
    "management oversight in case records",
    "the corporate parenting pledge",
    "the participation strategy",
    "placement stability meetings",
]
QUALIFIERS = [
    "so that every child has a consistent worker",
    "with partners across health, police and schools",
    "using the findings of the latest audit cycle",
    "and report progress to the Improvement Board",
    "to reduce drift and delay",
    "shaped by the views of children and families",
    "in line with the inspection recommendations",
    "across all social work teams",
]
SUCCESS = [
    "90% of case audits rated good or better",
    "Supervision recorded every 4 to 6 weeks in 95% of cases",
    "Agency social workers below 15% of the workforce",
    "Every child's plan reviewed within timescale",
    "Re-referrals within 12 months below the statistical neighbour average",
    "Feedback from children and families shows improvement",
    "All managers trained and practice observed",
    "Quarterly report to the board shows sustained progress",
]
COMMENTARY = {
    Rating.GREEN: [
        "On track: the milestones for this month were met.",
        "Progress reviewed with the lead and partners; delivery is on schedule.",
        "Work is progressing as planned and the evidence is in the shared folder.",
        "Training sessions delivered as planned; attendance above 85%.",
    ],
    Rating.AMBER: [
        "Some slippage: capacity in the team has been stretched this month.",
        "Partner input has been slower than planned; a workshop is booked.",
        "Data quality issues delayed the audit; the sample is being re-run.",
    ],
    Rating.RED: [
        "Off track: a key milestone was missed and a recovery plan is needed.",
        "Recruitment has not produced the staff needed; the board's help is asked for.",
    ],
    Rating.COMPLETE: [
        "Complete: delivered, and the evidence of impact is recorded.",
        "Complete: signed off by the Head of Service; impact is tracked in the scorecard.",
    ],
    Rating.NOT_STARTED: [
        "Not started: scheduled to begin later in the plan.",
        "Not started: waiting for the dependent work to finish.",
    ],
}
U, P = Measure.Unit, Measure.Polarity
# (title, unit, polarity, low, high)
MEASURE_STEMS = [
    ("Children looked after", U.RATE_PER_10000, P.LOWER, 60, 140),
    ("Children subject to a child protection plan", U.RATE_PER_10000, P.LOWER, 30, 70),
    ("Children in need", U.RATE_PER_10000, P.MONITOR, 250, 450),
    ("Re-referrals within 12 months", U.PERCENTAGE, P.LOWER, 15, 30),
    ("Assessments completed within 45 working days", U.PERCENTAGE, P.HIGHER, 70, 95),
    ("Visits to children in care within timescale", U.PERCENTAGE, P.HIGHER, 80, 98),
    ("Agency social workers", U.PERCENTAGE, P.LOWER, 8, 30),
    ("Care leavers in education, employment or training", U.PERCENTAGE, P.HIGHER, 45, 70),
    ("Education, health and care plans issued within 20 weeks", U.PERCENTAGE, P.HIGHER, 30, 80),
    ("Average days from entering care to adoption", U.DAYS, P.LOWER, 350, 550),
    ("Children placed more than 20 miles from home", U.COUNT, P.LOWER, 20, 80),
    ("Early help assessments started", U.COUNT, P.MONITOR, 80, 250),
    ("Audits rated good or better", U.PERCENTAGE, P.HIGHER, 40, 80),
    ("Average caseload of social workers", U.NUMBER, P.LOWER, 14, 24),
    ("Children's feedback score", U.SCORE, P.HIGHER, 55, 85),
]
MEASURE_COHORTS = [
    "",
    " (under 5s)",
    " (aged 5 to 11)",
    " (aged 12 to 17)",
    " (North locality)",
    " (South locality)",
    " (Central locality)",
    " (disabled children)",
    " (unaccompanied children)",
    " (children with SEND)",
]
BOARDS = [
    "Children's Improvement Board",
    "Corporate Parenting Board",
    "SEND Partnership Board",
    "Early Help Partnership Board",
    "Youth Justice Management Board",
    "Safeguarding Children Partnership Executive",
    "Education Improvement Board",
    "Family Help Board",
]
SCRUTINY = "Children and Young People Scrutiny Committee"
# The other councils of a multi-council profile ("Scalebridge North Council"...): the first is
# always COUNCIL. Their names start with COUNCIL_SHORT, which is how scale_plans() finds them.
DISTRICTS = ["North", "South", "East", "West", "Vale", "Moor", "Coast", "Forest", "Downs", "Fen"]


def council_name(c: int) -> str:
    if c == 0:
        return COUNCIL
    return (
        f"{COUNCIL_SHORT} {DISTRICTS[(c - 1) % len(DISTRICTS)]}"
        + (f" {(c - 1) // len(DISTRICTS) + 1}" if c > len(DISTRICTS) else "")
        + " Council"
    )


# --- dates ---------------------------------------------------------------------------------
def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after (or before) the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return day.replace(day=monthrange(day.year, day.month)[1])


def fy_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def fy_label(start: date) -> str:
    return f"{start.year}/{str(start.year + 1)[2:]}"


def history_months(as_of: date, periods: int) -> list[date]:
    """First days of the ``periods`` whole months before the month of ``as_of``, oldest first."""
    current = as_of.replace(day=1)
    return [add_months(current, -k) for k in range(periods, 0, -1)]


def quantize(value: float, places: str = "0.1") -> Decimal:
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


# --- the generator -------------------------------------------------------------------------
class ScaleGenerator:
    def __init__(
        self,
        profile: Profile,
        *,
        seed: int = 2026,
        as_of: date | None = None,
        batch_size: int = 2000,
        history: bool = True,
        copy: bool = True,
        log: Callable[[str], None] | None = None,
    ):
        if profile.plans < 1 or profile.actions_per_plan < 1 or profile.periods < 1:
            raise ValueError("Plans, actions per plan and periods must each be at least 1.")
        if profile.measures < 0:
            raise ValueError("Measures cannot be negative.")
        self.profile = profile
        self.seed = seed
        self.as_of = as_of or timezone.localdate()
        self.batch_size = batch_size
        self.history = history
        # On PostgreSQL the status updates and the history rows (nine in ten of the xl profile's
        # 3.7 million rows) go in with COPY, several times faster than INSERTs of bulk_create.
        self.copy = copy and connection.vendor == "postgresql"
        self.log = log or (lambda message: None)
        self.report = ScaleReport(profile, seed, self.as_of)
        self.months = history_months(self.as_of, profile.periods)
        self.current_month = self.as_of.replace(day=1)
        self.tz = timezone.get_default_timezone()
        self.n_councils = max(1, min(profile.councils, profile.plans))
        # Plans are given to councils in contiguous blocks (plan i to council i * C // plans).
        self.plan_council = [i * self.n_councils // profile.plans for i in range(profile.plans)]
        self.plans_per_council = [self.plan_council.count(c) for c in range(self.n_councils)]
        self.boards_per_council = [max(1, math.ceil(n / 3)) for n in self.plans_per_council]

    # helpers
    def rng(self, *parts) -> random.Random:
        """An independent, reproducible random stream for one part of the data."""
        return random.Random(":".join([str(self.seed), *map(str, parts)]))  # noqa: S311

    def bulk(self, model, objs: list) -> list:
        model.objects.bulk_create(objs, batch_size=self.batch_size)
        self.count(model, len(objs))
        return objs

    def count(self, model, n: int) -> None:
        key = str(model._meta.verbose_name_plural)
        self.report.counts[key] = self.report.counts.get(key, 0) + n

    def bulk_history(self, model, objs: list, when: Callable, who: Callable = lambda o: None):
        """The "+" history rows ``save()`` would have written, dated when each row was given
        (the "as at" board packs and measure statuses read them)."""
        if not self.history or not objs:
            return
        if self.copy:
            self.copy_history(model, objs, when, who)
            return
        for obj in objs:
            obj._history_date = when(obj)
            obj._history_user = who(obj)
        model.history.bulk_history_create(objs, batch_size=self.batch_size)
        self.count(model.history.model, len(objs))

    @contextlib.contextmanager
    def no_time_limits(self):
        """Without the wait callback that gives up on a slow database (core.database): the xl
        profile's COMMIT alone takes minutes on a busy machine."""
        if connection.vendor != "postgresql":
            yield
            return
        import psycopg2.extensions

        callback = psycopg2.extensions.get_wait_callback()
        psycopg2.extensions.set_wait_callback(None)
        try:
            yield
        finally:
            psycopg2.extensions.set_wait_callback(callback)
        freshness.changed()  # COPY passes no execute wrapper: cached pages must not outlive it

    # COPY (PostgreSQL) ----------------------------------------------------------------------
    def copy_create(self, model, objs: list) -> list:
        """What ``bulk_create`` does (ids from the table's sequence, ``auto_now`` fields set),
        with one COPY instead of INSERTs."""
        if not objs:
            return objs
        meta = model._meta
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objs)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        fields = list(meta.concrete_fields)
        auto = [
            f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
            for f in auto:
                f.pre_save(obj, True)
            obj._state.adding = False
            obj._state.db = connection.alias
        columns = [f.column for f in fields]
        names = [f.attname for f in fields]
        self._copy(meta.db_table, columns, ([getattr(o, n) for n in names] for o in objs))
        self.count(model, len(objs))
        return objs

    def copy_history(self, model, objs: list, when: Callable, who: Callable) -> None:
        """The "+" history rows of ``objs`` (as ``bulk_history_create`` writes them), by COPY."""
        history = model.history.model
        meta = history._meta
        special = {"history_id", "history_date", "history_change_reason", "history_type"}
        fields = [f for f in meta.concrete_fields if f.attname not in special | {"history_user_id"}]
        columns = [f.column for f in fields] + ["history_date", "history_type", "history_user_id"]
        names = [f.attname for f in fields]

        def rows():
            for obj in objs:
                user = who(obj)
                yield [getattr(obj, n) for n in names] + [
                    when(obj),
                    "+",
                    user.pk if user is not None else None,
                ]

        self._copy(meta.db_table, columns, rows())
        self.count(history, len(objs))

    def _copy(self, table: str, columns: list[str], rows: Iterable[list]) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in rows:
            writer.writerow(
                [
                    "\\N" if v is None else ("t" if v else "f") if isinstance(v, bool) else v
                    for v in row
                ]
            )
        buffer.seek(0)
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        import psycopg2.extensions

        # psycopg2 refuses COPY while a wait callback (set for cancellable queries) is installed.
        callback = psycopg2.extensions.get_wait_callback()
        psycopg2.extensions.set_wait_callback(None)
        try:
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(  # the psycopg2 cursor under Django's wrapper
                    f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN "
                    "WITH (FORMAT csv, NULL '\\N')",
                    buffer,
                )
        finally:
            psycopg2.extensions.set_wait_callback(callback)
        freshness.changed()  # COPY passes no execute wrapper: cached pages must not outlive it

    def moment(self, day: date, rng: random.Random) -> datetime:
        at = dtime(rng.randint(9, 16), rng.choice([0, 15, 30, 45]))
        return timezone.make_aware(datetime.combine(day, at), self.tz)

    def stage(self, name: str, fn: Callable[[], None]) -> None:
        started = time.perf_counter()
        fn()
        self.report.timings[name] = time.perf_counter() - started
        self.log(f"  {name}: {self.report.timings[name]:.1f} s")

    # entry point
    def run(self) -> ScaleReport:
        if scale_councils().exists():
            raise ScaleDataExists(
                "Synthetic data is already in this database: use a new database, or empty it "
                "with `manage.py flush`, then generate again."
            )
        with self.no_time_limits(), transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # a COPY or the COMMIT may take minutes
                    cursor.execute("SET LOCAL statement_timeout = 0")
            self.stage("organisations and people", self.make_people)
            self.stage("plans and structure", self.make_plans)
            self.stage("actions and updates", self.make_actions)
            self.stage("boards and meetings", self.make_boards)
            self.stage("measures", self.make_measures)
        return self.report

    # organisations, people, accounts ------------------------------------------------------
    def make_people(self) -> None:
        p = self.profile
        self.councils = self.bulk(
            Organisation,
            [
                Organisation(
                    name=council_name(c),
                    short_name=council_name(c).removesuffix(" Council").removesuffix(" Borough"),
                    kind=Organisation.Kind.COUNCIL,
                )
                for c in range(self.n_councils)
            ],
        )
        self.council = self.councils[0]
        self.partners = self.bulk(
            Organisation,
            [Organisation(name=name, kind=kind) for name, kind in PARTNERS],
        )
        self.bulk(
            RagDefinition,
            [
                RagDefinition(
                    organisation=council, rating=r, label=r.label, meaning=DEFAULT_MEANINGS[r]
                )
                for council in self.councils
                for r in Rating
            ],
        )
        refresh_rag_legends([council.pk for council in self.councils])
        roles = self.bulk(
            Person,
            [
                Person(
                    slug=f"{SLUG_PREFIX}{key}" if c == 0 else f"{SLUG_PREFIX}c{c + 1}-{key}",
                    name=name,
                    job_title=title,
                    is_role=True,
                    organisation=council,
                )
                for c, council in enumerate(self.councils)
                for key, name, title in ROLES
            ],
        )
        self.roles_by_council = [
            roles[c * len(ROLES) : (c + 1) * len(ROLES)] for c in range(self.n_councils)
        ]
        self.roles = self.roles_by_council[0]
        n_officers = max(4 * self.n_councils, math.ceil(p.actions / 20))
        n_members = sum(self.boards_per_council) * 6
        # Member j sits on monthly board j // 6, of the council that board belongs to.
        member_council = [c for c, n in enumerate(self.boards_per_council) for _ in range(n * 6)]
        password = make_password(PASSWORD, salt=f"scale{self.seed}")
        User = get_user_model()
        names = self.names(n_officers + n_members)
        users, people = [], []
        for i, (first, last) in enumerate(names):
            officer = i < n_officers
            rng = self.rng("person", i)
            username = f"{first}.{last}.{i + 1:03d}".lower()
            users.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@scalebridge.example",
                    password=password,
                )
            )
            c = i * self.n_councils // n_officers if officer else member_council[i - n_officers]
            people.append(
                Person(
                    slug=f"{SLUG_PREFIX}{slugify(username)}",
                    name=f"{first} {last}" if officer else f"Cllr {first} {last}",
                    job_title=rng.choice(OFFICER_TITLES) if officer else "Councillor",
                    email=f"{username}@scalebridge.example",
                    organisation=self.councils[c],
                )
            )
        admin = User(
            username="scale.admin",
            first_name="Scale",
            last_name="Administrator",
            is_staff=True,
            is_superuser=True,
            password=password,
        )
        self.bulk(User, [*users, admin])
        for user, person in zip(users, people, strict=True):
            person.user = user
        self.bulk(Person, people)
        groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
        through = User.groups.through
        self.bulk(
            through,
            [
                through(
                    user_id=u.pk,
                    group_id=groups[Role.OFFICER if i < n_officers else Role.BOARD_MEMBER].pk,
                )
                for i, u in enumerate(users)
            ]
            + [through(user_id=admin.pk, group_id=groups[Role.ADMINISTRATOR].pk)],
        )
        self.officers = people[:n_officers]
        self.members = people[n_officers:]
        self.officers_by_council = [
            [o for o in self.officers if o.organisation_id == council.pk]
            for council in self.councils
        ]
        self.tags = self.bulk(
            Tag,
            [Tag(name=f"Scalebridge Improvement Action {n}") for n in range(1, 5)]
            + [Tag(name="Scalebridge focus for the year"), Tag(name="Scalebridge partnership")],
        )

    def names(self, n: int) -> list[tuple[str, str]]:
        rng = self.rng("names")
        pairs = [(f, s) for f in FIRST_NAMES for s in SURNAMES]
        rng.shuffle(pairs)
        return [pairs[i % len(pairs)] for i in range(n)]

    # plans, priorities, outcomes, objectives ----------------------------------------------
    def make_plans(self) -> None:
        p = self.profile
        first_month = self.months[0]
        plans = []
        for i in range(p.plans):
            rng = self.rng("plan", i)
            kind, kind_label, labels, numbering = PLAN_KINDS[i % len(PLAN_KINDS)]
            start = fy_start(add_months(first_month, -rng.randint(0, 9)))
            years = rng.choice([3, 3, 4, 5])
            end = date(start.year + years, 3, 31)
            while end < self.as_of + timedelta(days=120):
                end = date(end.year + 1, 3, 31)
            theme = THEMES[i % len(THEMES)]
            cycle = i // len(THEMES)
            title = f"{theme} {kind_label} {start.year}-{str(end.year)[2:]}"
            if cycle:
                title = f"{title} (phase {cycle + 1})"
            plans.append(
                Plan(
                    slug=f"{SLUG_PREFIX}{i + 1:03d}-{slugify(title)}"[:100],
                    title=title,
                    kind=kind,
                    organisation=self.councils[self.plan_council[i]],
                    start=start,
                    end=end,
                    status=Plan.Status.ACTIVE,
                    version_label=f"Refreshed {start:%B %Y}",
                    summary=f"Synthetic {kind_label.lower()} for {theme.lower()} in Scalebridge, "
                    "generated for the benchmark.",
                    priority_label=labels[0],
                    outcome_label=labels[1],
                    objective_label=labels[2],
                    action_label=labels[3],
                    numbering=numbering,
                    reporting_cadence=Plan.Cadence.MONTHLY,
                    owner=self.officers_by_council[self.plan_council[i]][
                        rng.randrange(len(self.officers_by_council[self.plan_council[i]]))
                    ],
                )
            )
        self.plans = self.bulk(Plan, plans)
        through = Plan.partners.through
        self.bulk(
            through,
            [
                through(plan_id=plan.pk, organisation_id=org.pk)
                for i, plan in enumerate(self.plans)
                for org in self.rng("plan-partners", i).sample(self.partners, 2)
            ],
        )

        issues, priorities, statements = [], [], []
        for i, plan in enumerate(self.plans):
            rng = self.rng("structure", i)
            roles = self.roles_by_council[self.plan_council[i]]
            for n, title in enumerate(rng.sample(KEY_ISSUES, rng.randint(6, 10)), start=1):
                issues.append(KeyIssue(plan=plan, number=str(n), order=n, title=title))
            n_priorities = rng.randint(4, 6)
            for n, title in enumerate(rng.sample(PRIORITY_TITLES, n_priorities), start=1):
                priorities.append(
                    Priority(
                        plan=plan,
                        number=str(n),
                        order=n,
                        title=title,
                        statement=f"What {title.lower()} will look like for Scalebridge's "
                        "children by the end of the plan.",
                        lead=roles[rng.randrange(len(roles))],
                    )
                )
            for n in range(1, 5):
                statements.append(
                    PlanStatement(
                        plan=plan,
                        kind=PlanStatement.Kind.COMMITMENT,
                        number=str(n),
                        order=n,
                        title=rng.choice(
                            [
                                "We will listen to children and act on what they say",
                                "We will work as one team with our partners",
                                "We will be open about our performance",
                                "We will support and develop our staff",
                                "We will use evidence of what works",
                            ]
                        ),
                    )
                )
        self.bulk(KeyIssue, issues)
        self.priorities = self.bulk(Priority, priorities)
        self.bulk(PlanStatement, statements)
        issues_by_plan: dict[int, list[KeyIssue]] = {}
        for issue in issues:
            issues_by_plan.setdefault(issue.plan_id, []).append(issue)
        through = Priority.key_issues.through
        self.bulk(
            through,
            [
                through(priority_id=pr.pk, keyissue_id=issue.pk)
                for pr in self.priorities
                for issue in self.rng("cites", pr.plan.slug, pr.number).sample(
                    issues_by_plan[pr.plan_id], 2
                )
            ],
        )

        outcomes = []
        for pr in self.priorities:
            rng = self.rng("outcomes", pr.plan.slug, pr.number)
            for n, title in enumerate(rng.sample(OUTCOMES, rng.randint(2, 3)), start=1):
                outcomes.append(
                    Outcome(priority=pr, number=f"{pr.number}.{n}", order=n, title=title)
                )
        self.outcomes = self.bulk(Outcome, outcomes)
        objectives = []
        for oc in self.outcomes:
            rng = self.rng("objectives", oc.priority.plan.slug, oc.number)
            for n, title in enumerate(rng.sample(OBJECTIVES, rng.randint(0, 2)), start=1):
                objectives.append(
                    Objective(
                        priority=oc.priority,
                        outcome=oc,
                        number=f"{oc.number}.{chr(96 + n)}",
                        order=n,
                        title=title,
                    )
                )
        self.objectives = self.bulk(Objective, objectives)

    # actions and their monthly updates ----------------------------------------------------
    def make_actions(self) -> None:
        periods_total = 0
        for i, plan in enumerate(self.plans):
            periods = [
                ReportingPeriod(
                    plan=plan,
                    label=f"{m:%B %Y}",
                    start=m,
                    end=month_end(m),
                    closes_on=month_end(m) + timedelta(days=GRACE_DAYS),
                )
                for m in [*self.months, self.current_month]
            ]
            self.bulk(ReportingPeriod, periods)
            periods_total += len(periods)
            self.make_plan_actions(i, plan, periods[:-1])
            self.log(f"    plan {i + 1}/{len(self.plans)}: {plan.title}")

    def leaves(self, plan: Plan) -> list[tuple[Priority, Outcome | None, Objective | None]]:
        """Where actions hang, in document order: under an objective, else an outcome."""
        result = []
        for pr in (x for x in self.priorities if x.plan_id == plan.pk):
            for oc in (x for x in self.outcomes if x.priority_id == pr.pk):
                objs = [x for x in self.objectives if x.outcome_id == oc.pk]
                if objs:
                    result.extend((pr, oc, ob) for ob in objs)
                else:
                    result.append((pr, oc, None))
        return result

    def officer_pool(self, i: int) -> list[Person]:
        """The officers who lead plan i's actions: a block of its council's officers."""
        c = self.plan_council[i]
        officers = self.officers_by_council[c]
        n, plans = len(officers), self.plans_per_council[c]
        local = i - self.plan_council.index(c)
        size = min(n, max(3, round(n * 1.5 / plans)))
        offset = local * n // plans
        return [officers[(offset + k) % n] for k in range(size)]

    def make_plan_actions(self, i: int, plan: Plan, periods: list[ReportingPeriod]) -> None:
        leaves = self.leaves(plan)
        pool = self.officer_pool(i)
        per_outcome: dict[int, int] = {}
        actions, trajectories, delegates, tags, links, subs = [], [], [], [], [], []
        for k in range(self.profile.actions_per_plan):
            rng = self.rng("action", i, k)
            leaf_index = k * len(leaves) // self.profile.actions_per_plan
            pr, oc, ob = leaves[leaf_index]
            per_outcome[oc.pk] = per_outcome.get(oc.pk, 0) + 1
            if plan.numbering == Plan.Numbering.CONTINUOUS:
                number = str(k + 1)
            else:
                number = f"{oc.number}.{per_outcome[oc.pk]}"
            lead, lead_text = self.lead_for(rng, pool, self.roles_by_council[self.plan_council[i]])
            action = Action(
                plan=plan,
                priority=pr,
                outcome=oc,
                objective=ob,
                number=number,
                sequence=k + 1,
                description=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(QUALIFIERS)}.",
                success_criteria=rng.choice(SUCCESS),
                lead=lead,
                lead_text=lead_text,
                timescale_text=self.timescale_for(rng, plan),
            )
            action.apply_timescale()
            ratings = self.trajectory(rng, action, plan)
            updates = []
            for period, rating in zip(periods, ratings, strict=True):
                updates.append(self.update_for(rng, action, period, rating))
            last = updates[-1]
            action.rating = last.rating
            action.rating_updated_at = last.created_at
            action.version = len(updates)
            actions.append(action)
            trajectories.append(updates)
            if lead is not None and not lead.is_role and rng.random() < 0.12:
                delegates.append((action, rng.choice([o for o in pool if o is not lead] or pool)))
            if rng.random() < 0.3:
                tags.append((action, self.tags[rng.randrange(len(self.tags))]))
            if rng.random() < 0.2:
                links.append(
                    ActionLink(action=action, title="Links to the detailed action plan", order=1)
                )
            if rng.random() < 0.25:
                for n in range(1, rng.randint(2, 4)):
                    due = add_months(plan.start, rng.randint(2, 30))
                    subs.append(
                        SubAction(
                            action=action,
                            order=n,
                            description=f"Milestone {n}: {rng.choice(OBJECTS)} agreed",
                            timescale_text=f"{due:%b %y}",
                            complete=due < self.as_of and rng.random() < 0.7,
                        )
                    )
        self.bulk(Action, actions)
        created = self.moment(plan.start, self.rng("created", i))
        Action.objects.filter(plan=plan).update(created_at=created)
        for action in actions:
            action.created_at = created
        self.bulk_history(Action, actions, when=lambda a: a.created_at)
        for sub in subs:
            sub.action_id = sub.action.pk
            sub.apply_timescale()
        for link in links:
            link.action_id = link.action.pk
        self.bulk(SubAction, subs)
        self.bulk(ActionLink, links)
        self.bulk(
            Action.delegates.through,
            [Action.delegates.through(action_id=a.pk, person_id=p.pk) for a, p in delegates],
        )
        self.bulk(
            Action.tags.through,
            [Action.tags.through(action_id=a.pk, tag_id=t.pk) for a, t in tags],
        )
        batch: list[StatusUpdate] = []
        for action, updates in zip(actions, trajectories, strict=True):
            for update in updates:
                update.action_id = action.pk
                batch.append(update)
            if len(batch) >= 20 * self.batch_size:
                self.bulk_updates(batch)
                batch = []
        self.bulk_updates(batch)

    def bulk_updates(self, batch: list[StatusUpdate]) -> None:
        if self.copy:
            self.copy_create(StatusUpdate, batch)
        else:
            self.bulk(StatusUpdate, batch)
        self.bulk_history(StatusUpdate, batch, when=lambda u: u.created_at, who=lambda u: u.author)

    def lead_for(
        self, rng: random.Random, pool: list[Person], roles: list[Person]
    ) -> tuple[Person | None, str]:
        roll = rng.random()
        if roll < 0.82:
            return pool[rng.randrange(len(pool))], ""
        role = roles[rng.randrange(len(roles))]
        if roll < 0.94:
            return role, ""
        return role, f"{role.name} and key partner agencies"

    def timescale_for(self, rng: random.Random, plan: Plan) -> str:
        span = (plan.end.year - plan.start.year) * 12 + plan.end.month - plan.start.month
        due = add_months(plan.start, rng.randint(2, max(3, span)))
        roll = rng.random()
        if roll < 0.3:
            return f"{due:%b %y}" if rng.random() < 0.6 else f"{due:%B %Y}"
        if roll < 0.5:
            fy = fy_start(due)
            q = ((due.month - 4) % 12) // 3 + 1
            return f"Q{q} {fy_label(fy)}"
        if roll < 0.6:
            return f"{month_end(due):%d/%m/%Y}"
        if roll < 0.7:
            first = add_months(due, -rng.randint(3, 5))
            name = rng.choice(["Short term", "Medium term", "Long term"])
            return f"{name} ({first:%b} - {due:%b %Y})"
        if roll < 0.8:
            return fy_label(fy_start(due))
        if roll < 0.92:
            return "Ongoing"
        return rng.choice(["Every Q", "Monthly", "Quarterly"])

    def trajectory(self, rng: random.Random, action: Action, plan: Plan) -> list[str]:
        """One rating per past month: not started until the work begins, then green, amber or
        red moving month to month, and complete (for good) around the due date."""
        due = action.timescale_due
        if action.timescale_kind in WINDOW_KINDS:
            starts = action.timescale_start
        elif due is not None:
            starts = max(plan.start, add_months(due, -rng.randint(3, 12)))
        else:
            starts = add_months(plan.start, rng.randint(0, 6))
        finishes = rng.random() < 0.7  # some slip past their due date
        current = Rating.NOT_STARTED
        ratings = []
        for m in self.months:
            end = month_end(m)
            if current == Rating.COMPLETE:
                pass
            elif end < starts:
                current = Rating.NOT_STARTED
            elif due is not None and finishes and end >= due:
                current = Rating.COMPLETE
            else:
                overdue = due is not None and end > due
                if current == Rating.NOT_STARTED:
                    current = rng.choice([Rating.GREEN, Rating.GREEN, Rating.AMBER])
                roll = rng.random()
                if overdue and roll < 0.15:
                    current = rng.choice([Rating.AMBER, Rating.AMBER, Rating.RED])
                elif roll < 0.2:
                    current = rng.choices(
                        [Rating.GREEN, Rating.AMBER, Rating.RED], weights=[6, 3, 1]
                    )[0]
            ratings.append(current)
        return ratings

    def update_for(
        self, rng: random.Random, action: Action, period: ReportingPeriod, rating: str
    ) -> StatusUpdate:
        if rating == Rating.COMPLETE:
            lifecycle, confidence = Lifecycle.COMPLETE, ""
        elif rating == Rating.NOT_STARTED:
            lifecycle, confidence = Lifecycle.NOT_STARTED, ""
        else:
            lifecycle, confidence = Lifecycle.IN_PROGRESS, rating
        lead = action.lead
        author = lead.user if lead is not None and lead.user_id else None
        update = StatusUpdate(
            period=period,
            lifecycle=lifecycle,
            confidence=confidence,
            rating=combine(lifecycle, confidence or None),
            commentary=rng.choice(COMMENTARY[Rating(rating)]),
            author=author,
            author_name=lead.name if lead is not None else action.lead_text,
            created_at=self.moment(period.end - timedelta(days=rng.randint(0, 9)), rng),
            illustrative=True,
        )
        if rating in (Rating.RED, Rating.AMBER):
            update.issue = "Capacity in the team and partner input have delayed the work."
            update.mitigation = "The lead has agreed a recovery plan with the Head of Service."
            update.resolve_by = period.end + timedelta(days=rng.choice([30, 60, 90]))
            update.outside_control = rng.random() < 0.2
            update.escalate = rating == Rating.RED and rng.random() < 0.4
        elif rating == Rating.COMPLETE:
            update.evidence_of_impact = "Audit results and feedback recorded in the QA log."
        return update

    # boards and meetings ------------------------------------------------------------------
    def make_boards(self) -> None:
        """Per council: a monthly board for each three of its plans, and a quarterly scrutiny
        committee over all of them."""
        boards, scrutinies, oversees = [], [], []  # oversees: (board, plan) pairs
        for c, council in enumerate(self.councils):
            short = council.short_name
            plans = [plan for i, plan in enumerate(self.plans) if self.plan_council[i] == c]
            first = len(boards)
            for b in range(self.boards_per_council[c]):
                boards.append(
                    Board(
                        name=f"{short} {BOARDS[b % len(BOARDS)]}"
                        + (f" {b // len(BOARDS) + 1}" if b >= len(BOARDS) else ""),
                        organisation=council,
                        purpose="Holds the plans it oversees to account; items come by exception.",
                        cadence=Board.Cadence.MONTHLY,
                    )
                )
            oversees += [(boards[first + j // 3], plan) for j, plan in enumerate(plans)]
            scrutiny = Board(
                name=f"{short} {SCRUTINY}",
                organisation=council,
                purpose="Scrutinises the council's children's plans every quarter.",
                cadence=Board.Cadence.QUARTERLY,
            )
            scrutinies.append((scrutiny, first, len(boards)))
            oversees += [(scrutiny, plan) for plan in plans]
        self.boards = self.bulk(Board, [*boards, *(s for s, _, _ in scrutinies)])
        through = Board.plans.through
        self.bulk(through, [through(board_id=b.pk, plan_id=p.pk) for b, p in oversees])

        memberships = []
        member_roles = [
            BoardMembership.Role.CHAIR,
            BoardMembership.Role.VICE_CHAIR,
            BoardMembership.Role.MEMBER,
            BoardMembership.Role.MEMBER,
            BoardMembership.Role.PARTNER,
            BoardMembership.Role.PARTNER,
        ]
        for b, board in enumerate(boards):
            for r, role in enumerate(member_roles):
                memberships.append(
                    BoardMembership(board=board, person=self.members[b * 6 + r], role=role)
                )
            c = self.councils.index(board.organisation)
            memberships.append(
                BoardMembership(
                    board=board,
                    person=self.roles_by_council[c][0],
                    role=BoardMembership.Role.OFFICER,
                )
            )
        for scrutiny, first, last in scrutinies:
            for b in range(first, last):
                memberships.append(
                    BoardMembership(
                        board=scrutiny,
                        person=self.members[b * 6 + 2],
                        role=BoardMembership.Role.CHAIR
                        if b == first
                        else BoardMembership.Role.MEMBER,
                    )
                )
        self.bulk(BoardMembership, memberships)
        scrutiny_boards = {s for s, _, _ in scrutinies}

        meetings = []
        months = [
            *self.months,
            self.current_month,
            *(add_months(self.current_month, k) for k in (1, 2)),
        ]
        for b, board in enumerate(self.boards):
            quarterly = board in scrutiny_boards
            for m in months:
                if quarterly and m.month % 3 != 0:
                    continue
                weekday = (b % 4) + 1  # Tuesday to Friday
                first = m + timedelta(days=(weekday - m.weekday()) % 7)
                day = first + timedelta(days=7)  # the second such weekday of the month
                meetings.append(
                    Meeting(
                        board=board,
                        date=day,
                        title=f"{board.name}, {day:%B %Y}",
                        kind=Meeting.Kind.COMMITTEE if quarterly else Meeting.Kind.BOARD,
                    )
                )
        self.bulk(Meeting, meetings)

    # measures -----------------------------------------------------------------------------
    def make_measures(self) -> None:
        if not self.profile.measures:
            return
        years = sorted({fy_start(m).year for m in self.months} | {fy_start(self.as_of).year})
        populations = {
            year: PopulationEstimate(
                area=COUNCIL_SHORT,
                year=year,
                age_band="0-17",
                count=41000 + 180 * (year - years[0]),
                source="Synthetic mid-year estimate (benchmark data)",
            )
            for year in years
        }
        self.bulk(PopulationEstimate, list(populations.values()))
        measures, plan_links, priority_links = [], [], []
        for n in range(self.profile.measures):
            rng = self.rng("measure", n)
            stem = MEASURE_STEMS[n % len(MEASURE_STEMS)]
            cohort = MEASURE_COHORTS[(n // len(MEASURE_STEMS)) % len(MEASURE_COHORTS)]
            cycle = n // (len(MEASURE_STEMS) * len(MEASURE_COHORTS))
            title = stem[0] + cohort + (f" - series {cycle + 1}" if cycle else "")
            plan_index = n % len(self.plans)
            measures.append(
                Measure(
                    code=f"{MEASURE_PREFIX}{n + 1:03d}",
                    title=title,
                    definition=f"{title}, as recorded in the case management system each month.",
                    unit=stem[1],
                    polarity=stem[2],
                    frequency=Measure.Frequency.MONTHLY,
                    source="Synthetic benchmark data",
                    organisation=self.councils[self.plan_council[plan_index]],
                    owner=self.officer_pool(plan_index)[0],
                )
            )
            plan_links.append(plan_index)
            if rng.random() < 0.2:
                plan_links.append((plan_index + 1) % len(self.plans))
            priority_links.append(rng.randrange(100))
        self.bulk(Measure, measures)
        through = Measure.plans.through
        rows, prow = [], []
        priorities_by_plan: dict[int, list[Priority]] = {}
        for pr in self.priorities:
            priorities_by_plan.setdefault(pr.plan_id, []).append(pr)
        for n, measure in enumerate(measures):
            plan = self.plans[n % len(self.plans)]
            rows.append(through(measure_id=measure.pk, plan_id=plan.pk))
            prs = priorities_by_plan[plan.pk]
            prow.append(
                Measure.priorities.through(
                    measure_id=measure.pk, priority_id=prs[priority_links[n] % len(prs)].pk
                )
            )
        self.bulk(through, rows)
        self.bulk(Measure.priorities.through, prow)

        values, targets, comparators = [], [], []
        for n, measure in enumerate(measures):
            rng = self.rng("measure-values", n)
            _title, unit, polarity, lo, hi = MEASURE_STEMS[n % len(MEASURE_STEMS)]
            level = rng.uniform(lo, hi)
            better = -1 if polarity == Measure.Polarity.LOWER else 1
            for m in self.months:
                level = min(
                    hi * 1.2, max(lo * 0.8, level * (1 + rng.uniform(-0.04, 0.035) * better))
                )
                values.append(self.value_for(measure, unit, level, m, populations, rng))
            for year in years:
                start, end = date(year, 4, 1), date(year + 1, 3, 31)
                label = fy_label(start)
                if polarity != Measure.Polarity.MONITOR:
                    targets.append(
                        Target(
                            measure=measure,
                            period_start=start,
                            period_end=end,
                            label=label,
                            value=quantize(level * (1 + 0.05 * better)),
                            amber_tolerance=quantize(level * 0.05),
                            illustrative=True,
                        )
                    )
                for kind, factor in (
                    (Comparator.Kind.ENGLAND, rng.uniform(0.85, 1.1)),
                    (Comparator.Kind.REGION, rng.uniform(0.9, 1.2)),
                    (Comparator.Kind.STATISTICAL_NEIGHBOURS, rng.uniform(0.9, 1.15)),
                ):
                    comparators.append(
                        Comparator(
                            measure=measure,
                            kind=kind,
                            period_start=start,
                            period_end=end,
                            label=label,
                            value=quantize(level * factor),
                            illustrative=True,
                        )
                    )
        self.bulk(MeasureValue, values)
        self.bulk_history(
            MeasureValue,
            values,
            when=lambda v: self.moment(
                v.period_end + timedelta(days=10), self.rng("recorded", v.measure.code)
            ),
        )
        self.bulk(Target, targets)
        self.bulk(Comparator, comparators)

    def value_for(self, measure, unit, level, month, populations, rng) -> MeasureValue:
        value = MeasureValue(
            measure=measure,
            period_start=month,
            period_end=month_end(month),
            label=f"{month:%B %Y}",
            illustrative=True,
            note="Synthetic figure",
        )
        if unit == Measure.Unit.RATE_PER_10000:
            population = populations[fy_start(month).year]
            count = max(1, round(level * population.count / 10000))
            value.numerator = Decimal(count)
            value.denominator = Decimal(population.count)
            value.population = population
            value.value = rate_per_10000(count, population.count)
        elif unit == Measure.Unit.PERCENTAGE:
            denominator = rng.randint(80, 400)
            numerator = round(level / 100 * denominator)
            value.numerator = Decimal(numerator)
            value.denominator = Decimal(denominator)
            value.value = quantize(numerator / denominator * 100)
        elif unit in (Measure.Unit.COUNT, Measure.Unit.DAYS):
            value.value = Decimal(round(level))
        else:
            value.value = quantize(level)
        return value


def generate(profile: Profile, **kwargs) -> ScaleReport:
    return ScaleGenerator(profile, **kwargs).run()


# --- checks --------------------------------------------------------------------------------
def scale_councils():
    """The synthetic councils (one, or several for a multi-council profile)."""
    return Organisation.objects.filter(
        name__startswith=COUNCIL_SHORT, kind=Organisation.Kind.COUNCIL
    )


def scale_plans():
    return Plan.objects.filter(organisation__in=scale_councils())


def invariant_breaches(plans=None) -> dict[str, int]:
    """Actions whose denormalised current rating does not match their latest update (and, for
    data nobody has revised, whose time and version do not match either)."""
    actions = Action.objects.all() if plans is None else Action.objects.filter(plan__in=plans)
    latest = StatusUpdate.objects.filter(action=OuterRef("pk")).order_by("-created_at", "-pk")
    annotated = actions.annotate(
        latest_rating=Subquery(latest.values("rating")[:1]),
        latest_at=Subquery(latest.values("created_at")[:1]),
        n_updates=Count("updates"),
    )
    with_updates = annotated.filter(n_updates__gt=0)
    return {
        "rating": with_updates.exclude(rating=F("latest_rating")).count(),
        "rating_updated_at": with_updates.exclude(rating_updated_at=F("latest_at")).count(),
        "version_below_updates": annotated.filter(version__lt=F("n_updates")).count(),
        "version_not_updates": annotated.exclude(version=F("n_updates")).count(),
        "no_update_not_started": annotated.filter(n_updates=0)
        .exclude(rating=Rating.NOT_STARTED)
        .count(),
    }


def _digest(h, rows: Iterable) -> int:
    n = 0
    for row in rows:
        h.update(repr(tuple(str(v) for v in row)).encode())
        n += 1
    return n


def fingerprint() -> str:
    """A SHA-256 over the synthetic data's content (not its ids or the moments rows were
    written), so two runs with the same seed and ``as_of`` can be compared."""
    h = hashlib.sha256()
    plans = scale_plans()
    _digest(
        h,
        plans.order_by("slug").values_list(
            "slug", "title", "kind", "start", "end", "numbering", "owner__slug"
        ),
    )
    _digest(
        h,
        Priority.objects.filter(plan__in=plans)
        .order_by("plan__slug", "order")
        .values_list("plan__slug", "number", "title", "lead__slug"),
    )
    _digest(
        h,
        Action.objects.filter(plan__in=plans)
        .order_by("plan__slug", "sequence")
        .values_list(
            "plan__slug",
            "number",
            "description",
            "lead__slug",
            "lead_text",
            "timescale_text",
            "timescale_due",
            "rating",
            "rating_updated_at",
            "version",
        ),
    )
    _digest(
        h,
        StatusUpdate.objects.filter(action__plan__in=plans)
        .order_by("action__plan__slug", "action__sequence", "created_at", "pk")
        .values_list(
            "action__plan__slug",
            "action__number",
            "period__start",
            "rating",
            "commentary",
            "created_at",
            "author__username",
            "escalate",
        ),
    )
    _digest(
        h,
        Person.objects.filter(slug__startswith=SLUG_PREFIX)
        .order_by("slug")
        .values_list("slug", "name", "user__username"),
    )
    _digest(
        h,
        Meeting.objects.filter(board__organisation__in=scale_councils())
        .order_by("board__name", "date")
        .values_list("board__name", "date"),
    )
    _digest(
        h,
        MeasureValue.objects.filter(measure__code__startswith=MEASURE_PREFIX)
        .order_by("measure__code", "period_start")
        .values_list("measure__code", "period_start", "value", "numerator"),
    )
    _digest(
        h,
        Target.objects.filter(measure__code__startswith=MEASURE_PREFIX)
        .order_by("measure__code", "period_start")
        .values_list("measure__code", "period_start", "value"),
    )
    return h.hexdigest()


def summary_counts() -> dict[str, int]:
    plans = scale_plans()
    return {
        "plans": plans.count(),
        "actions": Action.objects.filter(plan__in=plans).count(),
        "status updates": StatusUpdate.objects.filter(action__plan__in=plans).count(),
        "reporting periods": ReportingPeriod.objects.filter(plan__in=plans).count(),
        "officers": Person.objects.filter(
            slug__startswith=SLUG_PREFIX, user__groups__name=Role.OFFICER
        ).count(),
        "board members": Person.objects.filter(
            slug__startswith=SLUG_PREFIX, user__groups__name=Role.BOARD_MEMBER
        ).count(),
        "boards": Board.objects.filter(organisation__in=scale_councils()).count(),
        "meetings": Meeting.objects.filter(board__organisation__in=scale_councils()).count(),
        "measures": Measure.objects.filter(code__startswith=MEASURE_PREFIX).count(),
        "measure values": MeasureValue.objects.filter(
            measure__code__startswith=MEASURE_PREFIX
        ).count(),
        "overdue actions": Action.objects.filter(plan__in=plans)
        .filter(Q(timescale_due__lt=timezone.localdate()) & ~Q(rating=Rating.COMPLETE))
        .count(),
    }

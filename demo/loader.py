"""Build the five seed plans from the JSON files in ``plans/demo_data`` (see SCHEMA.md there),
add a clearly labelled illustrative history, and create the demo sign-ins.

Loading is idempotent: a plan whose slug already exists is left exactly as it is, so running
``load_demo`` twice changes nothing."""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from actions.legend import refresh_rag_legends
from actions.models import Action, ActionLink, RagDefinition, SubAction, Tag
from boards.models import Board, BoardMembership, Meeting
from core.models import Organisation, Person
from core.rag import DEFAULT_MEANINGS, Rating
from core.roles import Role
from measures.models import Comparator, Measure, MeasureValue, PopulationEstimate, Target
from plans.models import Plan, PlanLink
from priorities.models import KeyIssue, Objective, Outcome, PlanStatement, Priority

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "improve-2026"  # noqa: S105 # nosec B105 - the published demo password


STOCKTON = "Stockton-on-Tees Borough Council"
MIDDLESBROUGH = "Middlesbrough Council"
WOKINGHAM = "Wokingham Borough Council"
POLICE = "Cleveland Police"  # a partner agency, on a Stockton board
GOOD_AND_BEYOND = "Good and Beyond Board"


@dataclass
class DemoAccount:
    username: str
    role: str
    person_slug: str | None
    description: str
    organisation: str | None = None  # the organisation the account is a member of
    superuser: bool = False


@dataclass
class DemoPerson:
    """A person invented for the demo (none of the seed documents names them): flagged
    ``illustrative`` (and so labelled on the pages) as the demo's invented updates and figures
    are, and their job title says so too; so is the board seat they are given."""

    slug: str
    name: str
    job_title: str
    organisation: str
    organisation_kind: str = "council"
    board: str | None = None  # a board they sit on
    board_role: str = "member"


ILLUSTRATIVE = "(illustrative demo person)"

DEMO_PEOPLE = [
    DemoPerson("sam-okafor", "Sam Okafor", f"Early Help officer {ILLUSTRATIVE}", MIDDLESBROUGH),
    DemoPerson(
        "priya-shah", "Priya Shah", f"Children's services officer {ILLUSTRATIVE}", WOKINGHAM
    ),
    DemoPerson(
        "chris-hart",
        "Chris Hart",
        f"Detective Superintendent, safeguarding {ILLUSTRATIVE}",
        POLICE,
        organisation_kind="police",
        board=GOOD_AND_BEYOND,
        board_role="partner",
    ),
]

# Each council is its own organisation with its own sign-ins: its people see its plans, and the
# plans overseen by the boards they sit on; nothing of the other councils (ADR 0012).
DEMO_ACCOUNTS = [
    DemoAccount(
        "admin",
        Role.ADMINISTRATOR,
        None,
        "Superuser: administers the whole installation (every council)",
        superuser=True,
    ),
    DemoAccount(
        "jane.smith",
        Role.OFFICER,
        "jane-smith",
        "Officer, Stockton: Jane Smith, leads Improvement Plan actions",
        STOCKTON,
    ),
    DemoAccount(
        "adele.moore",
        Role.OFFICER,
        "adele-moore",
        "Officer, Stockton: Adele Moore, leads Improvement Plan actions",
        STOCKTON,
    ),
    DemoAccount(
        "councillor",
        Role.BOARD_MEMBER,
        "lead-member-childrens-services",
        "Board member, Stockton: Lead Member for Children's Services, Good and Beyond Board",
        STOCKTON,
    ),
    DemoAccount(
        "stockton.admin",
        Role.ADMINISTRATOR,
        None,
        "Administrator, Stockton: edits Stockton's records, uses the admin",
        STOCKTON,
    ),
    DemoAccount(
        "middlesbrough.officer",
        Role.OFFICER,
        "sam-okafor",
        "Officer, Middlesbrough: Sam Okafor (illustrative), owns Early Help measures",
        MIDDLESBROUGH,
    ),
    DemoAccount(
        "middlesbrough.admin",
        Role.ADMINISTRATOR,
        None,
        "Administrator, Middlesbrough: edits Middlesbrough's records, uses the admin",
        MIDDLESBROUGH,
    ),
    DemoAccount(
        "wokingham.officer",
        Role.OFFICER,
        "priya-shah",
        "Officer, Wokingham: Priya Shah (illustrative)",
        WOKINGHAM,
    ),
    DemoAccount(
        "wokingham.admin",
        Role.ADMINISTRATOR,
        None,
        "Administrator, Wokingham: edits Wokingham's records, uses the admin",
        WOKINGHAM,
    ),
    DemoAccount(
        "police.partner",
        Role.BOARD_MEMBER,
        "chris-hart",
        "Board member, Cleveland Police: Chris Hart (illustrative), Good and Beyond Board",
        POLICE,
    ),
]


@dataclass
class LoadReport:
    loaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def seed_files() -> list[Path]:
    return sorted(DATA_DIR.glob("[0-9][0-9][0-9]_*.json"))


@transaction.atomic
def load_all(*, with_history: bool = True, today: date | None = None) -> LoadReport:
    """Load every seed not loaded yet. The illustrative history runs up to ``today`` (the
    current date by default; tests may fix it)."""
    from demo.illustrative import add_illustrative_history

    report = LoadReport()
    pending_links = []
    linked_measures: list[tuple[Plan, list[str]]] = []
    for path in seed_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        slug = data["plan"]["slug"]
        if Plan.objects.filter(slug=slug).exists():
            report.skipped.append(slug)
            continue
        plan = SeedLoader(data).load()
        pending_links.extend(plan_links_pending(plan, data["plan"].get("links", [])))
        linked_measures.append((plan, data.get("linked_measures", [])))
        report.loaded.append(plan)
    for link, related_slug in pending_links:
        link.related_plan = Plan.objects.filter(slug=related_slug).first()
        if link.related_plan:
            link.save(update_fields=["related_plan"])
    ensure_demo_accounts()  # before the history, so the demo officers are its authors
    ensure_demo_measure_owners()
    today = today or timezone.localdate()
    if with_history:
        for plan in report.loaded:
            add_illustrative_history(plan, today)
    link_measures(linked_measures, today=today if with_history else None)
    # The inspection cycle around the Stockton Improvement Plan (idempotent; ADR 0009).
    from inspections.demo import load_demo_inspections

    load_demo_inspections()
    report.loaded = [plan.slug for plan in report.loaded]
    return report


def plan_links_pending(plan, links):
    created = {link.title: link for link in plan.links.all()}
    return [
        (created[item["title"]], item["related_plan"]) for item in links if item.get("related_plan")
    ]


class SeedLoader:
    """Creates one plan and everything around it from one seed file's data."""

    def __init__(self, data: dict):
        self.data = data
        self.orgs: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}
        self.populations: dict[str, PopulationEstimate] = {}
        self.tags: dict[str, Tag] = {}

    def load(self) -> Plan:
        for item in self.data.get("organisations", []):
            self.org(item["name"], item.get("short_name", ""), item.get("kind", "other"))
        for item in self.data.get("people", []):
            self.people[item["key"]], _ = Person.objects.get_or_create(
                slug=item["key"],
                defaults={
                    "name": item["name"],
                    "job_title": item.get("job_title", ""),
                    "is_role": item.get("is_role", False),
                    "email": item.get("email", ""),
                    "illustrative": item.get("illustrative", False),
                    "organisation": self.org(item["organisation"])
                    if item.get("organisation")
                    else None,
                },
            )
        for item in self.data.get("population_estimates", []):
            self.populations[item["key"]], _ = PopulationEstimate.objects.get_or_create(
                area=item["area"],
                year=item["year"],
                age_band=item["age_band"],
                defaults={
                    "count": item["count"],
                    "source": item.get("source", ""),
                    "organisation": self.org(item["organisation"])
                    if item.get("organisation")
                    else None,
                    "illustrative": item.get("illustrative", False),
                },
            )
        plan = self.plan(self.data["plan"])
        self.rag_definitions(plan.organisation)
        for item in self.data.get("boards", []):
            self.board(item, plan)
        for item in self.data.get("measures", []):
            self.measure(item, plan)
        return plan

    def rag_definitions(self, organisation) -> None:
        """Each council words its colours; the demo starts every council on the defaults."""
        if not organisation.rag_definitions.exists():
            RagDefinition.objects.bulk_create(
                RagDefinition(
                    organisation=organisation,
                    rating=r.value,
                    label=r.label,
                    meaning=DEFAULT_MEANINGS[r],
                )
                for r in Rating
            )
            refresh_rag_legends([organisation.pk])

    # -- helpers ----------------------------------------------------------------------------
    def org(self, name, short_name="", kind="other") -> Organisation:
        if name not in self.orgs:
            self.orgs[name], _ = Organisation.objects.get_or_create(
                name=name, defaults={"short_name": short_name, "kind": kind}
            )
        return self.orgs[name]

    def person(self, key) -> Person | None:
        if not key:
            return None
        if key not in self.people:
            self.people[key] = Person.objects.get(slug=key)
        return self.people[key]

    def tag(self, name) -> Tag:
        if name not in self.tags:
            self.tags[name], _ = Tag.objects.get_or_create(name=name)
        return self.tags[name]

    # -- the plan ---------------------------------------------------------------------------
    def plan(self, p: dict) -> Plan:
        owner_org = self.org(self.data["organisations"][0]["name"])
        names = p.get("level_names", {})
        plan = Plan.objects.create(
            slug=p["slug"],
            title=p["title"],
            kind=p["kind"],
            organisation=owner_org,
            start=date.fromisoformat(p["start"]),
            end=date.fromisoformat(p["end"]),
            status=p["status"],
            version_label=p.get("version_label", ""),
            summary=p.get("summary", ""),
            vision=p.get("vision", ""),
            priority_label=names.get("priority", "Priority"),
            outcome_label=names.get("outcome", "Outcome"),
            objective_label=names.get("objective", "Objective"),
            action_label=names.get("action", "Action"),
            numbering=p["numbering"],
            reporting_cadence=p.get("reporting_cadence", "monthly"),
            owner=self.person(p.get("owner")),
        )
        plan.partners.set([self.org(name) for name in p.get("partners", [])])
        for order, link in enumerate(p.get("links", [])):
            PlanLink.objects.create(
                plan=plan, title=link["title"], url=link.get("url", ""), order=order
            )
        issues = {}
        for order, item in enumerate(p.get("key_issues", [])):
            issues[item["number"]] = KeyIssue.objects.create(
                plan=plan,
                number=item["number"],
                order=order,
                title=item["title"],
                description=item.get("description", ""),
            )
        priorities = {}
        for order, item in enumerate(p.get("priorities", [])):
            priorities[item["number"]] = self.priority(plan, item, order, issues)
        for order, item in enumerate(p.get("statements", [])):
            PlanStatement.objects.create(
                plan=plan,
                kind=item["kind"],
                number=item.get("number", ""),
                order=order,
                title=item["title"],
                body=item.get("body", ""),
                year=item.get("year", ""),
                priority=priorities.get(item.get("priority")) if item.get("priority") else None,
            )
        return plan

    def priority(self, plan, item, order, issues) -> Priority:
        priority = Priority.objects.create(
            plan=plan,
            number=item["number"],
            order=order,
            title=item["title"],
            statement=item.get("statement", ""),
            lead=self.person(item.get("lead")),
        )
        priority.key_issues.set([issues[n] for n in item.get("key_issues", [])])
        sequence = iter(range(1, 10_000))
        for a in item.get("actions", []):
            self.action(plan, priority, None, None, a, next(sequence))
        for o_order, ob in enumerate(item.get("objectives", [])):
            objective = Objective.objects.create(
                priority=priority, number=ob["number"], order=o_order, title=ob["title"]
            )
            for a in ob.get("actions", []):
                self.action(plan, priority, None, objective, a, next(sequence))
        for oc_order, oc in enumerate(item.get("outcomes", [])):
            outcome = Outcome.objects.create(
                priority=priority,
                number=oc["number"],
                order=oc_order,
                title=oc["title"],
                description=oc.get("description", ""),
            )
            for a in oc.get("actions", []):
                self.action(plan, priority, outcome, None, a, next(sequence))
            for o_order, ob in enumerate(oc.get("objectives", [])):
                objective = Objective.objects.create(
                    priority=priority,
                    outcome=outcome,
                    number=ob["number"],
                    order=100 + oc_order * 10 + o_order,
                    title=ob["title"],
                )
                for a in ob.get("actions", []):
                    self.action(plan, priority, outcome, objective, a, next(sequence))
        return priority

    def action(self, plan, priority, outcome, objective, a, sequence) -> Action:
        action = Action.objects.create(
            plan=plan,
            priority=priority,
            outcome=outcome,
            objective=objective,
            number=a.get("number", ""),
            sequence=sequence,
            description=a["description"],
            success_criteria=a.get("success_criteria", ""),
            lead=self.person(a.get("lead")),
            lead_text=a.get("lead_text", ""),
            timescale_text=a.get("timescale", ""),
        )
        action.supporting_officers.set([self.person(k) for k in a.get("supporting", [])])
        action.partners.set([self.org(name) for name in a.get("partners", [])])
        action.tags.set([self.tag(name) for name in a.get("tags", [])])
        for order, title in enumerate(a.get("links", [])):
            ActionLink.objects.create(action=action, title=title, order=order)
        for order, sub in enumerate(a.get("sub_actions", [])):
            SubAction.objects.create(
                action=action,
                order=order,
                description=sub["description"],
                timescale_text=sub.get("timescale", ""),
                lead_text=sub.get("lead_text", ""),
                links="\n".join(sub.get("links", [])),
            )
        return action

    # -- boards and measures ----------------------------------------------------------------
    def board(self, item, plan) -> Board:
        board, _ = Board.objects.get_or_create(
            name=item["name"],
            defaults={
                "organisation": self.org(item["organisation"]),
                "purpose": item.get("purpose", ""),
                "cadence": item.get("cadence", "as_required"),
                "cadence_note": item.get("cadence_note", ""),
            },
        )
        for slug in item.get("plans", []):
            if slug == plan.slug:
                board.plans.add(plan)
        for m in item.get("members", []):
            BoardMembership.objects.get_or_create(
                board=board,
                person=self.person(m["person"]),
                defaults={
                    "role": m.get("role", "member"),
                    "illustrative": m.get("illustrative", False),
                },
            )
        for m in item.get("meetings", []):
            Meeting.objects.get_or_create(
                board=board,
                date=date.fromisoformat(m["date"]),
                defaults={
                    "title": m.get("title", ""),
                    "kind": m.get("kind", "board"),
                    "illustrative": m.get("illustrative", False),
                },
            )
        return board

    def measure(self, item, plan) -> Measure:
        measure = Measure.objects.create(
            code=item["code"],
            title=item["title"],
            definition=item.get("definition", ""),
            unit=item["unit"],
            polarity=item["polarity"],
            frequency=item["frequency"],
            source=item.get("source", ""),
            annual_only=item.get("annual_only", False),
            organisation=plan.organisation,
        )
        measure.plans.add(plan)
        measure.priorities.set(list(plan.priorities.filter(number__in=item.get("priorities", []))))
        for v in item.get("values", []):
            value = MeasureValue(
                measure=measure,
                period_start=date.fromisoformat(v["period_start"]),
                period_end=date.fromisoformat(v["period_end"]),
                label=v["label"],
                note=v.get("note", ""),
            )
            if v.get("population"):
                value.population = self.populations[v["population"]]
                value.numerator = v["count"]
            else:
                value.value = v["value"]
                value.numerator = v.get("numerator")
                value.denominator = v.get("denominator")
            value.full_clean()
            if v.get("recorded_on"):
                from demo.illustrative import recorded

                recorded(value, date.fromisoformat(v["recorded_on"]))
            else:
                value.save()
        for t in item.get("targets", []):
            Target.objects.create(
                measure=measure,
                period_start=t["period_start"],
                period_end=t["period_end"],
                label=t["label"],
                value=t["value"],
                amber_tolerance=t.get("amber_tolerance", 0),
            )
        for c in item.get("comparators", []):
            Comparator.objects.create(
                measure=measure,
                kind=c["kind"],
                period_start=c["period_start"],
                period_end=c["period_end"],
                label=c["label"],
                value=c["value"],
            )
        return measure


def link_measures(linked: list[tuple[Plan, list[str]]], *, today: date | None) -> None:
    """A plan's illustrative links to measures of other seeds (the flagship Improvement Plan
    is judged on Stockton's looked-after and child protection rates...), with their
    illustrative history brought up to date when ``today`` is given."""
    from demo.illustrative import extend_measure_history

    for plan, codes in linked:
        for measure in Measure.objects.filter(code__in=codes).order_by("code"):
            measure.plans.add(plan)
            if today is not None:
                extend_measure_history(measure, today)


# Demo officers own a few measures, so they can add values for them (illustrative ownership).
DEMO_MEASURE_OWNERS = {
    "CSS-01": "jane-smith",
    "CSS-02": "jane-smith",
    "CSS-09": "adele-moore",
    "EH-01": "sam-okafor",
    "EH-02": "sam-okafor",
}


def ensure_demo_measure_owners() -> None:
    for code, slug in DEMO_MEASURE_OWNERS.items():
        measure = Measure.objects.filter(code=code, owner__isnull=True).first()
        person = Person.objects.filter(slug=slug).first()
        if measure and person:
            measure.owner = person
            measure.save(update_fields=["owner"])


def ensure_demo_people() -> None:
    """The demo's invented people (``DEMO_PEOPLE``), and the board seats they hold."""
    for item in DEMO_PEOPLE:
        organisation, _ = Organisation.objects.get_or_create(
            name=item.organisation, defaults={"kind": item.organisation_kind}
        )
        person, _ = Person.objects.get_or_create(
            slug=item.slug,
            defaults={
                "name": item.name,
                "job_title": item.job_title,
                "organisation": organisation,
                "email": f"{item.slug.replace('-', '.')}@example.org",
                "illustrative": True,
            },
        )
        board = Board.objects.filter(name=item.board).first() if item.board else None
        if board is not None:
            BoardMembership.objects.get_or_create(
                board=board,
                person=person,
                defaults={"role": item.board_role, "illustrative": True},
            )


def ensure_demo_accounts() -> list[DemoAccount]:
    """Create the demo sign-ins once, each a member of its organisation; an existing account is
    left as it is (it gains its membership if it had none)."""
    ensure_demo_people()
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User.objects.create_user(
                username=account.username,
                password=DEMO_PASSWORD,
                is_staff=account.role == Role.ADMINISTRATOR,
                is_superuser=account.superuser,
            )
            user.groups.add(Group.objects.get(name=account.role))
        if account.organisation:
            organisation = Organisation.objects.filter(name=account.organisation).first()
            if organisation is not None:
                Membership.objects.get_or_create(
                    user=user, organisation=organisation, defaults={"role": account.role}
                )
        if account.person_slug:
            person = Person.objects.filter(slug=account.person_slug).first()
            if person and person.user_id is None:
                person.user = user
                person.save(update_fields=["user"])
    return DEMO_ACCOUNTS

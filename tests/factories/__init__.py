"""Small builders for test data: plain functions with sensible defaults.

Organisations are the boundary of what a user may read (ADR 0012). So that a test's plans,
boards and measures are readable by its users without saying so, they belong by default to one
shared organisation (``default_organisation``), and a user made with a role is a member of it
(or of the ``organisation`` given)."""

import itertools
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.models import Membership
from actions.models import Action, ReportingPeriod
from boards.models import Board
from core.models import Organisation, Person
from core.roles import Role
from measures.models import Measure
from plans.models import Plan
from priorities.models import Outcome, Priority

_n = itertools.count(1)


DEFAULT_ORGANISATION = "Test Borough Council"


def organisation(**kw) -> Organisation:
    kw.setdefault("name", f"Council {next(_n)}")
    return Organisation.objects.create(**kw)


def default_organisation() -> Organisation:
    """The organisation of the plans, boards and measures made without one."""
    return Organisation.objects.get_or_create(
        name=DEFAULT_ORGANISATION, defaults={"short_name": "Test"}
    )[0]


def plan(**kw) -> Plan:
    n = next(_n)
    kw.setdefault("slug", f"plan-{n}")
    kw.setdefault("title", f"Plan {n}")
    if "organisation" not in kw:
        kw["organisation"] = default_organisation()
    kw.setdefault("start", date(2023, 4, 1))
    kw.setdefault("end", date(2024, 3, 31))
    kw.setdefault("status", Plan.Status.ACTIVE)
    return Plan.objects.create(**kw)


def priority(plan_obj=None, **kw) -> Priority:
    plan_obj = plan_obj or plan()
    n = next(_n)
    kw.setdefault("number", str(plan_obj.priorities.count() + 1))
    kw.setdefault("title", f"Priority {n}")
    kw.setdefault("order", n)
    return Priority.objects.create(plan=plan_obj, **kw)


def outcome(priority_obj, **kw) -> Outcome:
    kw.setdefault("number", f"{priority_obj.number}.{priority_obj.outcomes.count() + 1}")
    kw.setdefault("title", f"Outcome {kw['number']}")
    return Outcome.objects.create(priority=priority_obj, **kw)


def action(priority_obj=None, **kw) -> Action:
    priority_obj = priority_obj or priority()
    kw.setdefault("description", f"Action {next(_n)}")
    return Action.objects.create(plan=priority_obj.plan, priority=priority_obj, **kw)


def person(**kw) -> Person:
    n = next(_n)
    kw.setdefault("slug", f"person-{n}")
    kw.setdefault("name", f"Person {n}")
    return Person.objects.create(**kw)


def user(username=None, role=None, organisation=None, **kw):
    """A user; with a role, a member of ``organisation`` (the default one if not given) in it."""
    User = get_user_model()
    u = User.objects.create_user(username=username or f"user{next(_n)}", password="pw", **kw)
    if role:
        u.groups.add(Group.objects.get_or_create(name=role)[0])
        Membership.objects.create(
            user=u, organisation=organisation or default_organisation(), role=role
        )
    return u


def member(user_obj, organisation_obj, role=None) -> Membership:
    """Make ``user_obj`` a member of another organisation too (in their first role)."""
    role = role or user_obj.groups.values_list("name", flat=True).first() or Role.VIEWER
    return Membership.objects.get_or_create(
        user=user_obj, organisation=organisation_obj, defaults={"role": role}
    )[0]


def officer(**kw):
    u = user(role=Role.OFFICER, **kw)
    person(user=u, name=u.username)
    return u


def admin_user():
    return user(
        username=f"admin{next(_n)}", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )


def period(plan_obj, start=date(2023, 5, 1), end=date(2023, 5, 31), **kw) -> ReportingPeriod:
    kw.setdefault("label", f"{start:%B %Y}")
    kw.setdefault("closes_on", end)
    return ReportingPeriod.objects.create(plan=plan_obj, start=start, end=end, **kw)


def measure(**kw) -> Measure:
    n = next(_n)
    kw.setdefault("code", f"M-{n}")
    kw.setdefault("title", f"Measure {n}")
    kw.setdefault("organisation", default_organisation())
    return Measure.objects.create(**kw)


def board(**kw) -> Board:
    kw.setdefault("name", f"Board {next(_n)}")
    if "organisation" not in kw:
        kw["organisation"] = default_organisation()
    return Board.objects.create(**kw)

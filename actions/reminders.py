"""Update reminders: one digest per officer of what still needs an update this period and what
is overdue, and after the deadline a note to each plan's owner of who is outstanding.

Re-runnable: a ``ReminderSent`` row per recipient, kind and period means running it twice in a
period sends nothing more (and a run racing another fails on the rows' unique constraint, and
its retry finds them sent; runs take turns on a lock held across servers, core.locks, so
that race does not arise). Each e-mail is queued (core.tasks.send_email) only after the
transaction that records it commits. Run as a job through the task queue by
``actions.tasks`` and the ``send_update_reminders`` command."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from actions.models import Action, ReminderSent, ReportingPeriod, StatusUpdate
from actions.periods import period_for_update
from actions.querysets import overdue_q
from core.locks import exclusive
from core.models import AuditEvent, Person
from core.rag import Rating
from core.tasks import queue_email
from plans.models import Plan
from plans.permissions import people_who_may_read

ACTIVE_STATUSES = [Plan.Status.ACTIVE, Plan.Status.APPROVED, Plan.Status.DRAFT]


def escalate_after_days() -> int:
    return getattr(settings, "REMINDER_ESCALATE_AFTER_DAYS", 3)


@dataclass
class Message:
    kind: str
    person: Person
    periods: list[ReportingPeriod]
    subject: str
    body: str
    actions: list[Action] = field(default_factory=list)


def _outstanding(periods: dict[int, ReportingPeriod], today: date):
    """Actions (not complete) of the plans with no update in their plan's period, and overdue
    actions, with their lead and delegates."""
    actions = list(
        Action.objects.filter(plan__in=list(periods))
        .exclude(rating=Rating.COMPLETE)
        .select_related("plan", "lead")
        .prefetch_related("delegates")
        .order_by("plan__title", "sequence", "pk")
    )
    updated = set(
        StatusUpdate.objects.filter(period__in=list(periods.values())).values_list(
            "action_id", flat=True
        )
    )
    overdue = set(
        Action.objects.filter(plan__in=list(periods))
        .filter(overdue_q(today))
        .values_list("pk", flat=True)
    )
    for action in actions:
        action.needs_update = action.pk not in updated
        action.overdue_now = action.pk in overdue
    return [a for a in actions if a.needs_update or a.overdue_now]


def _recipients(action: Action) -> list[Person]:
    return ([action.lead] if action.lead else []) + list(action.delegates.all())


def digests(today: date) -> list[Message]:
    plans = list(
        Plan.objects.filter(status__in=ACTIVE_STATUSES).exclude(
            end__lt=today - timedelta(days=365 * 5)
        )
    )
    periods = {plan.pk: period_for_update(plan, today) for plan in plans}
    already = set(
        ReminderSent.objects.filter(
            kind=ReminderSent.Kind.DIGEST, period__in=list(periods.values())
        ).values_list("person_id", "period_id")
    )
    per_person: dict[int, list[Action]] = defaultdict(list)
    people: dict[int, Person] = {}
    outstanding = _outstanding(periods, today)
    # Never another organisation's actions in a person's digest: only the plans they may read.
    readable = people_who_may_read(
        {(person.pk, action.plan_id) for action in outstanding for person in _recipients(action)}
    )
    for action in outstanding:
        for person in _recipients(action):
            if not person.email or (person.pk, periods[action.plan_id].pk) in already:
                continue
            if (person.pk, action.plan_id) not in readable:
                continue
            people[person.pk] = person
            per_person[person.pk].append(action)
    messages = []
    for person_id, actions in per_person.items():
        person = people[person_id]
        plan_periods = {a.plan_id: periods[a.plan_id] for a in actions}
        context = {
            "person": person,
            "actions": actions,
            "periods": plan_periods,
            "site_url": getattr(settings, "SITE_URL", "http://127.0.0.1:8000"),
            "due": min(p.closes_on for p in plan_periods.values()),
        }
        messages.append(
            Message(
                kind=ReminderSent.Kind.DIGEST,
                person=person,
                periods=list(plan_periods.values()),
                subject=f"{len(actions)} action{'s' if len(actions) != 1 else ''} need your update",
                body=render_to_string("actions/email/digest.txt", context),
                actions=actions,
            )
        )
    return messages


def escalations(today: date) -> list[Message]:
    """Periods whose deadline passed at least N days ago (and not more than 60), for plans with an
    owner, with actions still lacking an update."""
    cutoff = today - timedelta(days=escalate_after_days())
    periods = list(
        ReportingPeriod.objects.filter(
            closes_on__lte=cutoff,
            closes_on__gte=today - timedelta(days=60),
            plan__owner__isnull=False,
            plan__status__in=ACTIVE_STATUSES,
        ).select_related("plan", "plan__owner")
    )
    done = set(
        ReminderSent.objects.filter(
            kind=ReminderSent.Kind.ESCALATION, period__in=periods
        ).values_list("period_id", flat=True)
    )
    readable = people_who_may_read({(p.plan.owner_id, p.plan_id) for p in periods})
    messages = []
    for period in periods:
        owner = period.plan.owner
        if period.pk in done or not owner.email or (owner.pk, period.plan_id) not in readable:
            continue
        updated = StatusUpdate.objects.filter(period=period).values_list("action_id", flat=True)
        outstanding = list(
            Action.objects.filter(plan=period.plan)
            .exclude(rating=Rating.COMPLETE)
            .exclude(pk__in=updated)
            .filter(Q(created_at__date__lte=period.closes_on))
            .select_related("lead")
            .order_by("sequence", "pk")
        )
        if not outstanding:
            continue
        context = {"owner": owner, "period": period, "actions": outstanding}
        messages.append(
            Message(
                kind=ReminderSent.Kind.ESCALATION,
                person=owner,
                periods=[period],
                subject=f"{period.plan.title}: {len(outstanding)} updates outstanding for "
                f"{period.label}",
                body=render_to_string("actions/email/escalation.txt", context),
                actions=outstanding,
            )
        )
    return messages


def send_reminders(*, today: date | None = None, dry_run: bool = False, out=None) -> list[Message]:
    today = today or timezone.localdate()
    with transaction.atomic():
        # Runs started at the same moment (cron on two machines, two workers) take turns: the
        # second sees what the first recorded and sends nothing more, instead of failing on the
        # one-reminder-per-period constraint and waiting for a retry.
        exclusive("update-reminders")
        messages = digests(today) + escalations(today)
        if dry_run:
            transaction.set_rollback(True)  # periods created while looking are not kept
        else:
            for message in messages:
                for period in message.periods:
                    ReminderSent.objects.create(
                        kind=message.kind,
                        person=message.person,
                        period=period,
                        action_count=len(message.actions),
                    )
                queue_email(message.subject, message.body, [message.person.email])
            if messages:
                AuditEvent.objects.create(
                    kind=AuditEvent.Kind.REMINDERS_SENT,
                    summary=f"{len(messages)} reminder e-mails",
                    detail={"recipients": [m.person.email for m in messages]},
                )
    if out is not None:
        for message in messages:
            verb = "Would send" if dry_run else "Sent"
            out.write(
                f"{verb} {message.kind} to {message.person.name} <{message.person.email}>: "
                f"{message.subject}\n"
            )
            if dry_run:
                out.write(message.body + "\n")
    return messages

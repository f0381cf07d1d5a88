"""Deadline reminders: the owners of the plans responding to an inspection are told when a
statutory deadline is 10, 5 and 1 working days away, and once when it has passed without being
marked done.

Re-runnable like the update reminders: a ``DeadlineReminder`` row per deadline, recipient,
stage and due date means running it again sends nothing more (a changed due date starts the
stages again). E-mail goes through the queue (``core.tasks.queue_email``) only after the
transaction that records it commits; ``dry_run``
prints what would be sent and keeps nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core.formatting import day_text
from core.models import AuditEvent, Person
from core.tasks import queue_email
from inspections.models import Deadline, DeadlineReminder
from inspections.presentation import days_left_text
from plans.permissions import people_who_may_read

STAGES = (10, 5, 1)  # working days left
OVERDUE = "overdue"
LOOK_BACK_DAYS = 60  # overdue deadlines older than this are not chased by e-mail


def stage_for(working_days_left: int) -> str | None:
    """The reminder stage for a number of working days left: "10", "5", "1", "overdue", or
    None when it is not yet time."""
    if working_days_left < 0:
        return OVERDUE
    reached = [s for s in STAGES if working_days_left <= s]
    return str(min(reached)) if reached else None


@dataclass
class Item:
    deadline: Deadline
    due: date
    stage: str
    left_text: str


@dataclass
class Message:
    person: Person
    subject: str
    body: str
    items: list[Item] = field(default_factory=list)


def messages_for(today: date) -> list[Message]:
    deadlines = (
        Deadline.objects.filter(met_on__isnull=True)
        .select_related("inspection", "inspection__organisation")
        .prefetch_related("inspection__plans__owner")
        .order_by("inspection_id", "pk")
    )
    sent = set(
        DeadlineReminder.objects.filter(deadline__met_on__isnull=True).values_list(
            "deadline_id", "person_id", "stage", "due"
        )
    )
    deadlines = list(deadlines)
    may_read = people_who_may_read(
        {
            (plan.owner_id, plan.pk)
            for deadline in deadlines
            for plan in deadline.inspection.plans.all()
            if plan.owner_id is not None
        }
    )
    by_person: dict[int, list[Item]] = defaultdict(list)
    people: dict[int, Person] = {}
    for deadline in deadlines:
        due = deadline.due
        if due is None or due < today - timedelta(days=LOOK_BACK_DAYS):
            continue
        left = deadline.working_days_left(today)
        stage = stage_for(left)
        if stage is None:
            continue
        # Only owners who may read their plan (ADR 0012): a reminder tells nobody of another
        # organisation's inspection.
        owners = {
            p.owner
            for p in deadline.inspection.plans.all()
            if p.owner and p.owner.email and (p.owner_id, p.pk) in may_read
        }
        for owner in sorted(owners, key=lambda o: o.pk):
            if (deadline.pk, owner.pk, stage, due) in sent:
                continue
            people[owner.pk] = owner
            by_person[owner.pk].append(
                Item(deadline, due, stage, days_left_text(left, deadline.calendar_days_left(today)))
            )
    site_url = getattr(settings, "SITE_URL", "http://127.0.0.1:8000")
    messages = []
    for person_id, items in by_person.items():
        person = people[person_id]
        overdue = sum(1 for i in items if i.stage == OVERDUE)
        subject = (
            f"{overdue} inspection deadline{'s' if overdue != 1 else ''} passed"
            if overdue
            else f"Inspection deadline{'s' if len(items) != 1 else ''} coming up"
        )
        body = render_to_string(
            "inspections/email/deadlines.txt",
            {
                "person": person,
                "items": [
                    {
                        "name": i.deadline.name,
                        "inspection": i.deadline.inspection,
                        "due": day_text(i.due),
                        "left": i.left_text,
                        "url": site_url + i.deadline.inspection.get_absolute_url(),
                    }
                    for i in items
                ],
            },
        )
        messages.append(Message(person=person, subject=subject, body=body, items=items))
    return messages


def send_inspection_reminders(*, today: date | None = None, dry_run: bool = False, out=None):
    today = today or timezone.localdate()
    with transaction.atomic():
        messages = messages_for(today)
        if dry_run:
            transaction.set_rollback(True)
        else:
            for message in messages:
                for item in message.items:
                    DeadlineReminder.objects.create(
                        deadline=item.deadline,
                        person=message.person,
                        stage=item.stage,
                        due=item.due,
                    )
                # Through the queue once this commits: retried with back-off.
                queue_email(message.subject, message.body, [message.person.email])
            if messages:
                AuditEvent.objects.create(
                    kind=AuditEvent.Kind.REMINDERS_SENT,
                    summary=f"{len(messages)} inspection deadline reminder e-mails",
                    detail={"recipients": [m.person.email for m in messages]},
                )
    if out is not None:
        for message in messages:
            verb = "Would send" if dry_run else "Sent"
            out.write(
                f"{verb} to {message.person.name} <{message.person.email}>: {message.subject}\n"
            )
            if dry_run:
                out.write(message.body + "\n")
    return messages

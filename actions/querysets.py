"""Querysets that speak the domain. Overdue and its opposite share one definition."""

from datetime import date, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from actions.overdue import OVERDUE
from core.rag import Rating


def overdue_q(today: date | None = None) -> Q:
    """Past its due date and not complete (``actions.overdue.OVERDUE``, the one rule), as a
    query; today in the current time zone unless a day is given."""
    return OVERDUE.q(today or timezone.localdate())


def led_by_q(person) -> Q:
    return Q(lead=person) | Q(delegates=person)


class ActionQuerySet(models.QuerySet):
    def overdue(self, today: date | None = None):
        return self.filter(overdue_q(today))

    def not_overdue(self, today: date | None = None):
        return self.exclude(overdue_q(today))

    def due_within(self, days: int, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(
            timescale_due__gte=today, timescale_due__lte=today + timedelta(days=days)
        ).exclude(rating=Rating.COMPLETE)

    def led_by(self, person):
        """Actions a person leads or has been delegated; distinct because of the delegates join."""
        return self.filter(led_by_q(person)).distinct()

    def with_rating(self, *ratings):
        return self.filter(rating__in=ratings)

    def for_listing(self):
        """The one query shape every list of actions uses."""
        return self.select_related(
            "plan", "plan__organisation", "priority", "outcome", "objective", "lead"
        ).prefetch_related("tags")

    def in_plan_order(self):
        return self.order_by(
            "plan__title", "priority__order", "priority__pk", "outcome__order", "sequence", "pk"
        )


class Approval(models.TextChoices):
    """Where an update stands on a plan whose updates need approval (every other update is
    approved when given)."""

    APPROVED = "approved", "Approved"
    SUBMITTED = "submitted", "Submitted for approval"
    RETURNED = "returned", "Returned"


def approved_by_q(moment=None) -> Q:
    """Updates boards may see (approved), and as at a moment: approved by then."""
    q = Q(approval=Approval.APPROVED)
    if moment is not None:
        q &= Q(approved_at__isnull=True) | Q(approved_at__lte=moment)
    return q


class StatusUpdateQuerySet(models.QuerySet):
    def approved(self, moment=None):
        """What boards see: approved updates (by ``moment`` when given)."""
        return self.filter(approved_by_q(moment))

    def as_at(self, moment):
        """Updates recorded up to and including a moment (for "as at" board packs)."""
        return self.filter(created_at__lte=moment)

    def newest_first(self):
        return self.order_by("-created_at", "-pk")

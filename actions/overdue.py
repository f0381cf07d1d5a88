"""When an action is overdue, written once.

**Overdue** = it has a due date, the due date is before today, and its rating is not complete
(Blue). Ongoing, recurring, blank and unread timescales have no due date
(``TimescaleFields.timescale_due`` is empty for them), so they are never overdue.

The rule is declared once (``OVERDUE``) as a list of conditions on named fields; the database
query (``OVERDUE.q(today)``, a ``Q`` for ``filter``, ``exclude`` and ``Count(filter=...)``) and
the in-memory check (``OVERDUE.holds(thing, today)``, for an ``Action``, an as-at ``Position``
or a mapping of the fields) are both built from it, so they cannot disagree: a property-based
test (``tests/actions/test_overdue.py``) compares them on the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.db.models import Q

from core.rag import Rating


class Condition(Protocol):
    @property
    def field(self) -> str: ...

    def q(self, today: date) -> Q: ...

    def holds(self, value: object, today: date) -> bool: ...


@dataclass(frozen=True)
class Before:
    """The field holds a day before today (an empty field is not before anything)."""

    field: str

    def q(self, today: date) -> Q:
        return Q(**{f"{self.field}__lt": today})

    def holds(self, value: object, today: date) -> bool:
        return isinstance(value, date) and value < today


@dataclass(frozen=True)
class NoneOf:
    """The field holds none of ``values`` (an empty field holds none of them)."""

    field: str
    values: frozenset[str]

    def q(self, today: date) -> Q:
        return ~Q(**{f"{self.field}__in": sorted(self.values)})

    def holds(self, value: object, today: date) -> bool:
        return value not in self.values


@dataclass(frozen=True)
class Rule:
    """All of ``conditions``, as a query and as a check of one thing in memory."""

    conditions: tuple[Condition, ...]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.conditions)

    def q(self, today: date) -> Q:
        query = Q()
        for condition in self.conditions:
            query &= condition.q(today)
        return query

    def holds(self, thing: object, today: date) -> bool:
        """Whether the rule holds for ``thing``: an object with the fields as attributes, or a
        mapping of them."""
        if isinstance(thing, Mapping):
            return all(c.holds(thing.get(c.field), today) for c in self.conditions)
        return all(c.holds(getattr(thing, c.field), today) for c in self.conditions)


#: Past its due date and not complete.
OVERDUE = Rule(
    (
        Before("timescale_due"),
        NoneOf("rating", frozenset({Rating.COMPLETE.value})),
    )
)


def overdue_q(today: date) -> Q:
    return OVERDUE.q(today)


def is_overdue(thing: object, today: date) -> bool:
    return OVERDUE.holds(thing, today)


__all__ = ["OVERDUE", "Rule", "Before", "NoneOf", "overdue_q", "is_overdue"]

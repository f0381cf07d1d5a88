"""Small-number suppression for published counts of children (ADR 0010).

1. A count of 1 to 5 is shown as "c" (primary suppression). Zero is shown.
2. A rate or percentage computed from a suppressed count is suppressed as well.
3. Where published figures add up (a total and its parts), no suppressed or small figure may be
   worked out from the others (secondary suppression): the engine derives every figure it can,
   group by group, as a reader with the published table could, and suppresses one more published
   figure in a group that would give a small count away, until none can be worked out.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

MARK = "c"
MEANING = (
    '"c" means a figure of 1 to 5 children, or a figure from which such a number could be '
    "worked out, that is not shown so that no child can be identified."
)
SMALL_MIN, SMALL_MAX = 1, 5


def is_small(count) -> bool:
    if count is None:
        return False
    value = Decimal(count)
    return value == value.to_integral_value() and SMALL_MIN <= value <= SMALL_MAX


@dataclass(frozen=True)
class Group:
    """A published equation: ``total`` is the sum of ``parts``."""

    total: Hashable
    parts: tuple[Hashable, ...]

    @property
    def members(self) -> tuple[Hashable, ...]:
        return (self.total, *self.parts)


def derivable(
    cells: Mapping[Hashable, object], groups: Iterable[Group], known: set
) -> set[Hashable]:
    """Every cell a reader can work out from the ``known`` ones: in any group with exactly one
    unknown member, that member follows from the others; repeated until nothing more follows."""
    known = set(known)
    groups = list(groups)
    changed = True
    while changed:
        changed = False
        for group in groups:
            unknown = [m for m in group.members if m not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                changed = True
    return known


def suppress(
    cells: Mapping[Hashable, int | None],
    groups: Iterable[Group] = (),
    shown: Iterable[Hashable] | None = None,
) -> set[Hashable]:
    """The cells to show as "c". ``cells`` maps each figure to its count; ``shown`` are those
    the page would publish (default: all), the others being figures a reader could still work
    out (a denominator minus its count, say)."""
    groups = [g for g in groups if all(m in cells for m in g.members)]
    shown = set(cells if shown is None else shown)
    sensitive = {k for k, v in cells.items() if is_small(v)}
    suppressed = sensitive & shown
    while True:
        known = derivable(cells, groups, shown - suppressed)
        leaks = sensitive & known
        if not leaks:
            return suppressed
        extra = _next_to_suppress(cells, groups, shown - suppressed, leaks)
        if extra is None:  # nothing left to hide in the leaking groups: hide every shown cell
            return suppressed | shown
        suppressed.add(extra)


def _next_to_suppress(cells, groups, published, leaks):
    """A published cell of a group through which a small count can be worked out: the smallest
    non-zero part, else any part, else the total."""
    for group in groups:
        if not any(m in leaks for m in group.members):
            continue
        parts = [p for p in group.parts if p in published]
        nonzero = [p for p in parts if cells[p]]
        for pool in (nonzero, parts):
            if pool:
                return min(pool, key=lambda p: (cells[p] or 0, str(p)))
        if group.total in published:
            return group.total
    return None


@dataclass(frozen=True)
class Figures:
    """One published measure value: each figure as text, "c" when suppressed."""

    value: str
    count: str
    denominator: str
    suppressed: bool


def measure_figures(
    *, unit: str, value, count, denominator, value_text: str, show_count: bool = True
) -> Figures:
    """The figures of one measure value as published. ``unit`` is the measure's unit code
    ("count", "percentage", "rate_per_10000", ...); ``count`` and ``denominator`` are the
    numerator and denominator the value was computed from (None when not recorded).
    ``show_count=False`` uses a count worked out from the value (a rate and its population) to
    decide suppression without publishing it."""
    cells: dict[str, int | None] = {}
    groups: list[Group] = []
    shown = set()
    if unit == "count":
        cells["count"] = value
        shown.add("count")
    elif count is not None:
        cells["count"] = count
        shown.add("count")
        if unit == "percentage" and denominator is not None:
            cells["denominator"] = denominator
            cells["rest"] = Decimal(denominator) - Decimal(count)
            shown.add("denominator")
            groups.append(Group("denominator", ("count", "rest")))
    hidden = suppress(cells, groups, shown)
    count_hidden = "count" in hidden
    derived_hidden = unit != "count" and count_hidden
    value_out = MARK if (count_hidden if unit == "count" else derived_hidden) else value_text
    return Figures(
        value=value_out,
        count=""
        if unit == "count" or count is None or not show_count
        else (MARK if count_hidden else _int(count)),
        denominator=""
        if "denominator" not in cells or unit != "percentage"
        else (MARK if "denominator" in hidden else _int(denominator)),
        suppressed=value_out == MARK or count_hidden or "denominator" in hidden,
    )


def _int(value) -> str:
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"

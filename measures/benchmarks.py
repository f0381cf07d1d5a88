"""Comparators computed from published figures for every council: the statistical neighbours'
average, the best neighbour and the top-quartile threshold, each with the method in words (kept
on the comparator and shown on the measure page).

Figures not published (a symbol such as "c") are left out, and the method says how many.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from measures.models import Comparator, Measure

PLACES = Decimal("0.1")  # published rates and percentages have one decimal place


@dataclass(frozen=True)
class Benchmark:
    kind: str
    value: Decimal
    method: str


def _better_first(figures: dict[str, Decimal], polarity: str) -> list[tuple[str, Decimal]]:
    lower_is_better = polarity == Measure.Polarity.LOWER
    return sorted(figures.items(), key=lambda item: item[1] if lower_is_better else -item[1])


def _left_out(names: list[str]) -> str:
    if not names:
        return ""
    return f"; left out as not published: {', '.join(names)}"


def neighbour_benchmarks(
    *,
    neighbours: list[str],
    figures: dict[str, Decimal],
    unpublished: dict[str, str],
    polarity: str,
    period: str,
) -> list[Benchmark]:
    """The average and the best of the neighbours' published figures for one period."""
    published = {name: figures[name] for name in neighbours if name in figures}
    missing = [f"{n} ({unpublished[n]})" for n in neighbours if n in unpublished]
    absent = [n for n in neighbours if n not in figures and n not in unpublished]
    if not published:
        return []
    total = sum(published.values(), Decimal(0))
    mean = (total / len(published)).quantize(PLACES, rounding=ROUND_HALF_UP)
    also = _left_out(missing) + (f"; not in the file: {', '.join(absent)}" if absent else "")
    result = [
        Benchmark(
            Comparator.Kind.STATISTICAL_NEIGHBOURS,
            mean,
            f"Mean of the published {period} figures of {len(published)} of the council's "
            f"{len(neighbours)} statistical neighbours ({', '.join(published)}), to one decimal "
            f"place{also}.",
        )
    ]
    if polarity != Measure.Polarity.MONITOR:
        name, best = _better_first(published, polarity)[0]
        word = "lowest" if polarity == Measure.Polarity.LOWER else "highest"
        result.append(
            Benchmark(
                Comparator.Kind.BEST_NEIGHBOUR,
                best,
                f"The {word} {period} figure among the council's statistical neighbours: "
                f"{name} ({word} is better for this measure){also}.",
            )
        )
    return result


def top_quartile(
    *, figures: dict[str, Decimal], unpublished: dict[str, str], polarity: str, period: str
) -> Benchmark | None:
    """The figure a council must reach to be in the best quarter of councils: councils are
    ranked best first by polarity, and the threshold is the figure of the council ranked
    ceil(n / 4). Needs at least 8 published figures, and a polarity."""
    if polarity == Measure.Polarity.MONITOR or len(figures) < 8:
        return None
    ranked = _better_first(figures, polarity)
    place = math.ceil(len(ranked) / 4)
    name, value = ranked[place - 1]
    word = "lower" if polarity == Measure.Polarity.LOWER else "higher"
    skipped = f"; {len(unpublished)} not published left out" if unpublished else ""
    return Benchmark(
        Comparator.Kind.TOP_QUARTILE,
        value,
        f"{period}: the {len(ranked)} councils with a published figure ranked best first "
        f"({word} is better); the threshold is the figure of the council ranked {place} "
        f"({name}), the last of the best quarter{skipped}.",
    )

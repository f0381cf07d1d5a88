"""Small pieces of wording for the board pages."""

from django import template

register = template.Library()


@register.filter
def counts_text(rollup) -> str:
    """(rating, count) pairs as "Red 1, Blue 5": only the ratings with a count, separated by
    commas (never one left trailing after the last)."""
    return ", ".join(f"{rating.label} {count}" for rating, count in rollup if count)

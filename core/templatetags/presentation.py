"""Template tags for ratings, measure states and directions of travel: thin wrappers of
``core.presentation`` (the one place that decides the words, the colours and the markup)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils.safestring import SafeString, mark_safe

from core import presentation

register = template.Library()

#: The stylesheet holding every colour of a rating badge and a direction of travel.
RAG_STYLESHEET = "css/rag.css"


@register.simple_tag
def rag_badge(rating: str | None, legend: presentation.Legend | None = None) -> SafeString:
    """A coloured badge with the rating's word (the organisation's word when a legend is given)."""
    return presentation.rating_badge(rating, legend)


@register.inclusion_tag("includes/rag_legend.html")
def rag_legend(legend: presentation.Legend | None = None, heading_level: int = 2) -> dict[str, Any]:
    """What each rating means to the organisation, each rating's word on its colour."""
    return {"legend": legend or presentation.legend_for(None), "heading_level": heading_level}


@register.simple_tag
def measure_badge(rag: str | None, has_value: bool = True, monitored: bool = False) -> SafeString:
    """A measure's state against its target: the state's word on its colour (or plain)."""
    return presentation.measure_badge(rag, has_value=bool(has_value), monitored=bool(monitored))


@register.inclusion_tag("includes/measure_legend.html")
def measure_legend(heading_level: int = 2) -> dict[str, Any]:
    """What the states of a measure against its target mean, and how travel is shown."""
    return {
        "states": [presentation.MEASURE_STATES[key] for key in presentation.MEASURE_LEGEND],
        "travel_note": presentation.MEASURE_TRAVEL_NOTE,
        "heading_level": heading_level,
    }


@register.simple_tag
def rating_travel(direction: str | None, count: int | None = None) -> SafeString:
    """An action's direction of travel ("improved", "worsened", "unchanged"): arrow and word;
    with ``count``, how many actions went that way ("↑ 3 improved")."""
    shown = presentation.rating_travel(direction)
    return (shown if count is None else shown.counted(count)).html()


@register.simple_tag
def travel(value: presentation.Travel | str | None, arrow: str = "", word: str = "") -> SafeString:
    """A direction of travel: a ``Travel``, or its key, arrow and word as stored in a row."""
    if isinstance(value, presentation.Travel):
        return value.html()
    return presentation.travel_html(value or "", arrow, word)


@lru_cache(maxsize=4)
def _static_text(path: str) -> str:
    found = finders.find(path)
    if found:
        with open(found, encoding="utf-8") as handle:
            return handle.read()
    with staticfiles_storage.open(path) as handle:  # collected, without the source tree
        return handle.read().decode("utf-8")


@register.simple_tag
def rag_stylesheet() -> SafeString:
    """The colours of badges and directions of travel, for a stylesheet rendered as a template
    (the PDF's): the same rules the web pages link to, never a copy of them."""
    return mark_safe(_static_text(RAG_STYLESHEET))  # noqa: S308 - our own static file  # nosec B703 B308

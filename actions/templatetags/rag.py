"""The ``rag`` template library: the tags of ``core.templatetags.presentation`` under the name
the templates load (``{% load rag %}``). Words, colours and markup come from
``core.presentation``; ``rag_badge`` is importable from here for Python that builds HTML."""

from django import template

from core.templatetags.presentation import (
    measure_badge,
    measure_legend,
    rag_badge,
    rag_legend,
    rating_travel,
    travel,
)

register = template.Library()
register.simple_tag(rag_badge)
register.simple_tag(measure_badge)
register.simple_tag(rating_travel)
register.simple_tag(travel)
register.inclusion_tag("includes/rag_legend.html")(rag_legend)
register.inclusion_tag("includes/measure_legend.html")(measure_legend)

__all__ = ["rag_badge", "rag_legend", "register"]

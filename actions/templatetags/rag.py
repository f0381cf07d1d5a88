"""Template helpers for RAG ratings: always the word as well as the colour."""

from django import template
from django.utils.html import format_html

from actions.legend import legend_for
from core.rag import Rating

register = template.Library()


@register.simple_tag
def rag_badge(rating, legend=None):
    """A coloured badge with the rating's word (the organisation's word when a legend is given)."""
    if not rating:
        return format_html('<span class="app-rag app-rag--not_started">{}</span>', "No rating")
    try:
        value = Rating(rating)
    except ValueError:
        return format_html("<span>{}</span>", rating)
    label = value.label
    if legend:
        label = legend.label(value)
    return format_html('<span class="app-rag app-rag--{}">{}</span>', value.value, label)


@register.inclusion_tag("includes/rag_legend.html")
def rag_legend(legend=None, heading_level=2):
    return {"legend": legend or legend_for(None), "heading_level": heading_level}

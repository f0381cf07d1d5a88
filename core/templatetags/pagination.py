"""``{% govuk_pagination page %}``: the pages of any list in the GOV.UK pagination component."""

from typing import Any

from django import template
from django.template import Context

from core.links import page_links

register = template.Library()


@register.inclusion_tag("includes/pagination.html", takes_context=True)
def govuk_pagination(context: Context, page: Any, noun: str, param: str = "page") -> dict[str, Any]:
    """Nothing for a list on one page; otherwise "Showing 21 to 40 of 300 <noun>", then
    previous, next and the page numbers around the current one, each link keeping the rest of
    the query string (filters, sorting). ``param`` names the page parameter (django-tables2
    tables may prefix it)."""
    if not hasattr(page, "has_other_pages") or not page.has_other_pages():  # unpaginated tables
        return {"pagination": None}
    return {
        "page": page,
        "noun": noun,
        "pagination": page_links(context["request"], page, param),
    }

"""Links to outside documents only when they are web addresses (a stored ``javascript:`` URL,
from a row written without validation, never becomes a link)."""

from django import template

register = template.Library()


@register.filter
def web_url(value) -> str:
    text = str(value or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""

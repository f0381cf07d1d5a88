"""Links for long lists: built without a ``reverse()`` per row, and to the pages of a list."""

from collections.abc import Callable
from typing import Any

from django.core.paginator import EmptyPage, Page
from django.http import HttpRequest
from django.urls import reverse


def url_for_each(url_name: str, kwarg: str = "pk") -> Callable[[Any], str]:
    """A function giving ``reverse(url_name, kwargs={kwarg: value})`` for primary keys and slugs
    (values that go into a path as they are), reversing only once: reversing per row is a
    measurable part of rendering a long list."""
    marker = "2147483647"  # matches both the int and the slug converters
    sample = reverse(url_name, kwargs={kwarg: marker})
    if sample.count(marker) != 1:
        return lambda value: reverse(url_name, kwargs={kwarg: value})
    head, tail = sample.split(marker)
    return lambda value: f"{head}{value}{tail}"


def page_links(request: HttpRequest, page: Page, param: str = "page") -> dict[str, Any]:
    """Links to the other pages of a list, keeping the filters of the query string: previous,
    next, and the page numbers around the current one with the first and last (gaps as
    ellipses)."""
    params = request.GET.copy()

    def href(number: int | str) -> str:
        params[param] = str(number)
        return "?" + params.urlencode()

    paginator = page.paginator
    return {
        "previous_href": href(page.previous_page_number()) if page.has_previous() else "",
        "next_href": href(page.next_page_number()) if page.has_next() else "",
        "items": [
            {"ellipsis": True}
            if number == paginator.ELLIPSIS
            else {"number": number, "href": href(number), "current": number == page.number}
            for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        ],
    }


MAX_PER_PAGE = 100  # the most rows any list shows at once, whatever ?per_page= asks for


def page_size(value: object, default: int, maximum: int = MAX_PER_PAGE) -> int:
    """A page size from a query parameter, bounded: a number above ``maximum`` gives
    ``maximum``; zero, a negative number or anything that is not a whole number gives
    ``default``. Never an error, never an unbounded page."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    if number < 1:
        return default
    return min(number, maximum)


def paginate_table(table: Any, request: HttpRequest, *, per_page: int, param: str = "page") -> None:
    """Page a django-tables2 table from the request, as ``RequestConfig(paginate=...)`` does but
    with the page size bounded by ``page_size`` (``?per_page=``, clamped to ``MAX_PER_PAGE``) and
    any page number answered: not a number gives the first page, out of range the last."""
    size = page_size(request.GET.get("per_page"), per_page)
    try:
        number = int(str(request.GET.get(param, "1")).strip())
    except ValueError:
        number = 1
    try:
        table.paginate(per_page=size, page=number)
    except EmptyPage:
        table.paginate(per_page=size, page=table.paginator.num_pages if number > 1 else 1)

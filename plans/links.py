"""Links for long lists, built without a ``reverse()`` per row."""

from django.urls import reverse


def url_for_each(url_name: str, kwarg: str = "pk"):
    """A function giving ``reverse(url_name, kwargs={kwarg: value})`` for primary keys and slugs
    (values that go into a path as they are), reversing only once: reversing per row is a
    measurable part of rendering a long list."""
    marker = "2147483647"  # matches both the int and the slug converters
    sample = reverse(url_name, kwargs={kwarg: marker})
    if sample.count(marker) != 1:
        return lambda value: reverse(url_name, kwargs={kwarg: value})
    head, tail = sample.split(marker)
    return lambda value: f"{head}{value}{tail}"

"""The service opens sockets only to its database (bounded by core/database.py) and its mail
server (``EMAIL_TIMEOUT``). Nothing rendered may make it fetch anything else: WeasyPrint gets
``offline_url_fetcher()``, which serves ``data:`` URLs only, with a short timeout even so, so a
link or image address in a plan can neither make a PDF wait on another server nor reach it."""

from typing import Any


def offline_url_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    return URLFetcher(timeout=5, allowed_protocols={"data"}, allow_redirects=False)

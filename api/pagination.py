"""Cursor pagination by id: stable while rows are added (a refresh never sees a row twice or
skips one), one query per page whatever its size."""

from rest_framework.pagination import CursorPagination

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class TablePagination(CursorPagination):
    ordering = "id"
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    cursor_query_description = "The page to fetch: copy it from the previous page's `next` link."
    page_size_query_description = (
        f"Rows per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE})."
    )

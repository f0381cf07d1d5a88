"""CSV for every list: the columns of the table in order, a header row, UTF-8 with a byte order
mark (so that Excel reads accents), dates and moments in ISO 8601 (moments in UTC, ending in Z),
decimals without trailing zeros, booleans as true/false and blanks for nulls. Text a spreadsheet
would run as a formula is neutralised as in every other export (``core.spreadsheets``)."""

import csv
import datetime as dt
import io
from decimal import Decimal

from rest_framework.renderers import BaseRenderer

from core.spreadsheets import safe_text

BOM = "\ufeff"


def cell(value, is_text: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if is_text:
        return safe_text(str(value))
    return str(value)


class Echo:
    """A file-like object whose write returns what was written (for streaming with csv)."""

    def write(self, value):
        return value


def csv_lines(columns, rows, *, bom: bool = True):
    """The CSV text of rows (dicts keyed by column name), line by line."""
    writer = csv.writer(Echo(), lineterminator="\r\n")
    header = writer.writerow([c.name for c in columns])
    yield (BOM + header) if bom else header
    flags = [(c.name, c.is_text) for c in columns]
    for row in rows:
        yield writer.writerow([cell(row.get(name), is_text) for name, is_text in flags])


class CSVRenderer(BaseRenderer):
    """Renders the raw rows of a list (the view passes rows, not serialized data, for CSV) and
    any error as a one-column table."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        table = getattr(view, "table", None)
        if table is not None and isinstance(data, list):
            return "".join(csv_lines(table.columns, data)).encode("utf-8")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["detail"])
        if isinstance(data, dict):
            for key, value in data.items():
                messages = value if isinstance(value, list) else [value]
                for message in messages:
                    writer.writerow([safe_text(f"{key}: {message}")])
        elif data is not None:
            writer.writerow([safe_text(str(data))])
        return (BOM + out.getvalue()).encode("utf-8")

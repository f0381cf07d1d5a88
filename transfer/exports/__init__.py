"""Plans and measures out as .xlsx and .csv, in the layouts the importers read back.

Reusable pieces for other outputs (the board pack builds its workbook from these):

- ``write_plan_sheet(ws, plan, *, document=None, as_at=None, exported_by="", title_rows=True)``:
  one plan on a worksheet, with its current (or as-at) RAG per action, coloured and worded;
- ``write_legend_sheet(ws, organisation)``: what each RAG colour means to the organisation;
- ``write_measures_sheet(ws, measures=None)``: measure values with their comparators;
- ``log_export(user=..., summary=..., detail=..., request=None)``: the audit record every
  download must leave.

Every cell and CSV field is written with ``core.spreadsheets`` (the one spreadsheet writer), so
nothing a user typed can run as a formula.
"""

from transfer.exports.common import log_export
from transfer.exports.measures import (
    measures_csv_bytes,
    measures_workbook,
    measures_xlsx_bytes,
    write_measures_sheet,
)
from transfer.exports.plans import (
    COLUMNS,
    plan_csv_bytes,
    plan_rows,
    plan_workbook,
    plan_xlsx_bytes,
    write_legend_sheet,
    write_plan_sheet,
)

__all__ = [
    "COLUMNS",
    "log_export",
    "measures_csv_bytes",
    "measures_workbook",
    "measures_xlsx_bytes",
    "plan_csv_bytes",
    "plan_rows",
    "plan_workbook",
    "plan_xlsx_bytes",
    "write_legend_sheet",
    "write_measures_sheet",
    "write_plan_sheet",
]

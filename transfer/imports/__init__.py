"""Import of plans and measure values from the spreadsheets councils already keep.

The flow is the same in the browser and on the command line:

1. ``reading.read_table`` turns an uploaded .xlsx or .csv into rows of cells, refusing bad files
   with a clear message (``ImportFileError``) *before* any parser sees them: size, zip member
   count and uncompressed size, password-protected/OLE files, XML entity declarations, encodings,
   and the row count (counted here, never trusted from the file).
2. ``headers`` finds the header row and matches column names (case, spacing and synonyms
   tolerated); columns it does not recognise wait for the administrator's mapping.
3. ``plan_rows.PlanImporter`` / ``measure_rows.MeasureValuesImporter`` read the rows into a
   preview: what will be created or changed, with errors and warnings by row number. Nothing is
   written.
4. ``commit`` (the same importer, in one ``transaction.atomic()``) writes it all or nothing, and
   only saves objects whose fields actually change, so importing the same file twice changes
   nothing.

``services`` wraps this around the ``PlanImport`` record kept between preview and commit.
"""

from transfer.imports.reading import ImportFileError, read_table

__all__ = ["ImportFileError", "read_table"]

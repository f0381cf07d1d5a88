"""Board packs: the position of every plan a board oversees as at a meeting, as a page, a PDF
and a spreadsheet; issuing freezes it.

A pack is plain data (the snapshot): the same dict is rendered as the meeting page, the PDF and
the .xlsx, and is what an issued pack stores with its rendered HTML. An issued pack is never
rebuilt: its page and PDF come from the stored HTML and its spreadsheet from the stored
snapshot, so later corrections never change what the board was shown. Instead, the next pack
lists them under "Revised since the last meeting".

Modules, by concern (import each name from the module that owns it):

- ``context``: what a pack knows of the board's earlier meetings (``meetings_for``,
  ``with_pack_context``, ``earlier_of``);
- ``snapshot``: the pack's data as at a moment (``build_pack``, ``pack_moment``);
- ``revisions``: what was revised since the last issued pack (``revisions_since``);
- ``html``: the snapshot made ready for templates and rendered (``for_display``,
  ``render_pack_html``, ``action_rows_html``);
- ``pdf``: the pack as a tagged PDF (``pack_pdf``);
- ``xlsx``: the pack as a workbook (``pack_xlsx``);
- ``issuing``: freezing a pack, once per meeting (``pack_issue``, ``issued_pack_for``,
  ``PackAlreadyIssued``).
"""

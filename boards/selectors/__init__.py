"""Reads for the board pages: each returns everything a page shows in a fixed number of queries,
as data (``boards.presenters`` words it for the dashboards).

- ``plans``: the plan list, the plan document and a plan's page (its structure read with
  ``priorities.selectors``);
- ``boards``: the list of boards and a board's page;
- ``dashboards``: the portfolio, a plan's dashboard and its exception report, and the measures
  linked to plans.
"""

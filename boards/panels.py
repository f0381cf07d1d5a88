"""Parts that apps above boards add to a plan's dashboard and to the meeting pack.

Boards sits below the apps that know about inspections (and anything else a council adds), so
it cannot import them. Instead such an app registers a ``PlanPanel`` when it is ready
(``AppConfig.ready``): the dashboard and the pack call every registered panel with what they
have already read (positions, measure statuses), and include its template. A panel's rows are
plain, JSON-safe data, so the pack's snapshot stores them and an issued pack keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class PlanPanel:
    key: str  # where the rows go in the dashboard's context and each plan of the pack
    template: str  # included with ``rows`` (the panel's rows) and ``legend``
    # rows for each plan id, as now (``as_at`` None, ``today`` given) or as at a moment
    rows_by_plan: Callable[..., dict[int, Rows]]


_PANELS: dict[str, PlanPanel] = {}


def register(panel: PlanPanel) -> None:
    """Add a panel (idempotent: registering a key again replaces it)."""
    _PANELS[panel.key] = panel


def registered() -> Sequence[PlanPanel]:
    return tuple(_PANELS.values())


def rows_for(
    plan_ids: list[int],
    *,
    as_at: datetime | None = None,
    today: date | None = None,
    positions: list | None = None,
    statuses: dict | None = None,
) -> dict[str, dict[int, Rows]]:
    """Every panel's rows for the plans: {panel key: {plan id: rows}}."""
    return {
        panel.key: panel.rows_by_plan(
            plan_ids, as_at, today=today, positions=positions, statuses=statuses
        )
        for panel in registered()
    }

"""A board pack as HTML: the snapshot made ready for the templates (legends, SVG charts) and the
rows of its "Every action" tables, and the pack's body rendered (the part of the meeting page
that an issued pack freezes)."""

from __future__ import annotations

from html import escape  # Django's escape is this plus a lazy-string check on every call

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from boards.packs.snapshot import draft_key, draft_pack
from boards.presenters import measure_sparkline, panel_views, rag_bar_svg
from core.formatting import moment_text
from core.freshness import cached
from core.presentation import Legend, rating_badge, rating_travel

#: A row of the pack's "Every action" tables (in ``plans/_pack.html``). A board's pack has
#: thousands of them: formatted here, they take a third of the time of a template loop. The
#: cells carry no classes and no indentation: ``.app-pack__actions`` styles them as GOV.UK table
#: cells (static/css/dashboards.css, print.css and the PDF's stylesheet), which keeps the meeting
#: page's HTML small (issue 16: under 400 KB for 250 actions).
_ACTION_ROW = (
    '<tr><th scope="row">{number}</th><td>{description}</td><td>{lead}</td><td>{timescale}</td>'
    '<td>{rating}</td><td class="app-prewrap">{update}</td></tr>\n'
)
_NOT_UNDERSTOOD = '<br><span class="app-muted">(not understood)</span>'
_OVERDUE = '<br><strong class="app-flag">Overdue</strong>'
_ILLUSTRATIVE = ' <span class="app-illustrative">Illustrative</span>'
_NO_UPDATE = '<span class="app-muted">No update given yet</span>'


def action_rows_html(actions: list[dict], legend: Legend) -> SafeString:
    """The rows of an "Every action" table: each action's number, description, lead, timescale
    (flagged when not understood or overdue), RAG rating as a worded badge with its direction of
    travel, and latest update. Every value from the snapshot goes through ``escape``."""
    badges: dict[str, str] = {}  # one badge per rating: the same markup for every action so rated
    rows = []
    for a in actions:
        rating = a["rating"]
        if rating not in badges:
            badges[rating] = rating_badge(rating, legend)
        rows.append(
            _ACTION_ROW.format(
                number=escape(str(a["number"])),
                description=escape(a["description"]),
                lead=escape(a["lead"] or "–"),
                timescale=escape(a["timescale"] or "–")
                + (_NOT_UNDERSTOOD if a["timescale_unparsed"] else "")
                + (_OVERDUE if a["overdue"] else ""),
                rating=badges[rating] + _direction_html(a),
                update=_update_html(a),
            )
        )
    # Every value above went through escape(); the rest is our own markup. tests/
    # test_security_xss.py puts script payloads in every text field and reads the pack.
    return SafeString("".join(rows))  # nosec B703


def _direction_html(a: dict) -> str:
    """The direction of travel under the badge, when the rating moved."""
    if a["direction_word"] and a["direction"] != "unchanged":
        return "<br>" + rating_travel(a["direction"]).html()
    return ""


def _update_html(a: dict) -> str:
    """The latest update: when, by whom and what it said."""
    if not a["has_update"]:
        return _NO_UPDATE
    author = f", {escape(a['author'])}" if a["author"] else ""
    return (
        f'<span class="app-muted">{escape(a["updated_text"])}{author}:</span> '
        f"{escape(a['commentary'])}{_ILLUSTRATIVE if a.get('illustrative') else ''}"
    )


def for_display(snapshot: dict) -> dict:
    """The snapshot with what templates need besides data: legends, SVG charts and the rows of
    the "Every action" tables."""
    meeting_id = snapshot["meeting"]["id"]
    return {
        **snapshot,
        "plans": [
            _plan_for_display(plan, f"pack-{meeting_id}-{plan['id']}", snapshot["as_at_text"])
            for plan in snapshot["plans"]
        ],
    }


def _plan_for_display(plan: dict, pid: str, as_at_text: str) -> dict:
    legend = Legend.from_entries(plan["legend"])
    return {
        **plan,
        "legend_obj": legend,
        "panel_views": panel_views(plan.get("panels", {})),
        "bar": rag_bar_svg(
            plan["overall"]["counts"],
            title=f"{plan['title']}: actions by RAG rating as at {as_at_text}",
            id_prefix=f"{pid}-overall",
        ),
        "priorities": [
            {
                **p,
                "bar": rag_bar_svg(
                    p["counts"],
                    title=f"{plan['priority_label']} {p['number']}: actions by RAG rating",
                    id_prefix=f"{pid}-priority-{p['id']}",
                ),
                "rows_html": action_rows_html(p["actions"], legend),
            }
            for p in plan["priorities"]
        ],
        "measures": [
            {
                **m,
                "sparkline": measure_sparkline(m, id_prefix=f"{pid}-spark-{m['id']}"),
            }
            for m in plan["measures"]
        ],
    }


def render_pack_html(snapshot: dict) -> str:
    """The pack's body as HTML (the part of the meeting page that an issued pack freezes)."""
    return render_to_string("plans/_pack.html", {"pack": for_display(snapshot)})


#: Stands for the moment a "now" pack is read, in its cached body (two private-use characters
#: round a word: never in the data, and left as they are by escaping).
_NOW_MARK = "\ue000as-at\ue000"


def draft_pack_body(meeting, *, version: int | None) -> tuple[SafeString, str]:
    """A draft pack's body as the meeting page shows it, and the moment it shows in words.
    Rendered once for each version of the data (``core.freshness``), like its snapshot; a pack
    before the end of its meeting day shows "now", so its body is kept with a mark where the
    moment goes and the moment of this view is put in."""
    where = draft_key(meeting)

    def render() -> str:
        pack = draft_pack(meeting, version=version)
        return render_pack_html({**pack, "as_at_text": _NOW_MARK} if where.live else pack)

    body = cached(f"{where.key}:body", render, version=version, timeout=where.timeout)
    as_at_text = moment_text(where.as_at)
    if where.live:
        body = body.replace(_NOW_MARK, escape(as_at_text))
    # Rendered by our autoescaped template; the moment put in is escaped above.
    return SafeString(body), as_at_text  # nosec B703

"""Dependency-free inline SVG charts for server-rendered pages and PDFs.

Every chart is returned as a ``SafeString`` holding a single ``<svg>`` element
that is safe under a strict Content-Security-Policy: no ``<style>`` elements,
no ``style`` attributes and no script - only SVG presentation attributes.
Each chart has ``role="img"`` and a ``<title>`` referenced by
``aria-labelledby``; ids are derived from the caller's ``id_prefix`` so that
several charts can share a page. All user-supplied text is escaped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any, NotRequired, TypedDict

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from core.formatting import number_text
from core.presentation import (
    BLACK,
    MID_GREY,
    PALETTE,
    WHITE,
    contrast_ratio,  # noqa: F401 - re-exported for the chart tests
    text_colour_for,
)
from core.rag import Rating

# The ratings' colours and the text colours are core.presentation's (the one palette).
RED, AMBER, GREEN, BLUE, GREY = (
    PALETTE[r].fill
    for r in (Rating.RED, Rating.AMBER, Rating.GREEN, Rating.COMPLETE, Rating.NOT_STARTED)
)
LIGHT_GREY, GRID_COLOUR = "#f3f2f1", "#dddddd"  # chart furniture (no rating)
TARGET_COLOUR, TARGET_DASH = BLACK, "8 4"
#: (colour, dash pattern) pairs for the comparator series (England, region, statistical
#: neighbours, in that order): each differs from the others and from the target (black, dashed)
#: in both colour and pattern (dotted, dash-dot, long dashes), so they are told apart without
#: colour; every colour has at least 3:1 contrast with white (WCAG 1.4.11).
COMPARATOR_STYLES = (("#912b88", "1 5"), ("#8f5a00", "12 4 3 4"), ("#00726b", "16 6"))
FONT = "Arial, sans-serif"
#: The two sizes of a line chart. Both are drawn at a font size that renders at 12 px or more:
#: the wide one (shown from 641 px, where its container is at least 581 px wide) at
#: 14 / 640 x 581 = 12.7 px; the narrow one (below 641 px; at 320 px its container is 290 px)
#: at 13 / 300 x 290 = 12.6 px. static/css/responsive.css shows one or the other.
WIDE = {"width": 640.0, "height": 300.0, "font_size": 14.0}
NARROW = {"width": 300.0, "height": 300.0, "font_size": 13.0}
SVG_NS = "http://www.w3.org/2000/svg"

Number = int | float | Decimal


class Series(TypedDict):
    """One line of a :func:`line_chart`; ``values`` are aligned with ``x_labels``."""

    name: str
    values: Sequence[Number | None]
    colour: NotRequired[str]
    dash: NotRequired[str]  # "" (solid), "6 4" (dashed), "2 3" (dotted)...
    markers: NotRequired[bool]


# --- formatting and markup helpers -------------------------------------------


def _n(value: float) -> str:
    """Format an SVG coordinate to at most two decimal places."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _num(value: Any) -> float | None:
    """Convert a data value to a finite float, or ``None`` for a gap."""
    try:
        result = float(value)
    except (TypeError, ValueError, InvalidOperation):  # includes None
        return None
    return result if math.isfinite(result) else None


def _tag(name: str, attrs: dict[str, Any], *children: str) -> str:
    """Build an element; attribute values are escaped, children are markup."""
    parts = [name] + [
        f'{key}="{escape(_n(val) if isinstance(val, (int, float)) else val)}"'
        for key, val in attrs.items()
        if val is not None
    ]
    if not children:
        return f"<{' '.join(parts)}/>"
    return f"<{' '.join(parts)}>{''.join(children)}</{name}>"


def _title(text: str, id_: str | None = None) -> str:
    return _tag("title", {"id": id_}, escape(text))


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 12,
    anchor: str = "start",
    fill: str = BLACK,
    extra: dict[str, Any] | None = None,
) -> str:
    attrs = {
        "x": x,
        "y": y,
        "font-family": FONT,
        "font-size": size,
        "text-anchor": anchor,
        "fill": fill,
        **(extra or {}),
    }
    return _tag("text", attrs, escape(text))


def _text_width(text: str, size: float) -> float:
    """Conservative width estimate for Arial text."""
    return len(text) * size * 0.6


def _safe_id(prefix: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", str(prefix)) or "chart"


def _svg(
    body: list[str],
    *,
    title: str,
    id_prefix: str,
    width: float,
    height: float,
    desc: str | None = None,
    css_class: str | None = None,
) -> SafeString:
    pid = _safe_id(id_prefix)
    attrs: dict[str, Any] = {
        "xmlns": SVG_NS,
        "class": css_class,
        "viewBox": f"0 0 {_n(width)} {_n(height)}",
        "width": "100%",
        "height": height,
        "role": "img",
        "aria-labelledby": f"{pid}-title",
        "font-family": FONT,
    }
    head = [_title(title, f"{pid}-title")]
    if desc:
        attrs["aria-describedby"] = f"{pid}-desc"
        head.append(_tag("desc", {"id": f"{pid}-desc"}, escape(desc)))
    # Safe: every attribute value and text node was escaped by _tag()/escape().
    return mark_safe(_tag("svg", attrs, *head, *body))  # noqa: S308 # nosec B308 B703 - every text and attribute is escaped by _tag


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Split points into unbroken runs; ``None`` marks a gap."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _path_d(runs: list[list[tuple[float, float]]]) -> str:
    return " ".join(
        " ".join(f"{'M' if i == 0 else 'L'}{_n(x)} {_n(y)}" for i, (x, y) in enumerate(run))
        for run in runs
    )


# --- RAG bar -----------------------------------------------------------------


def rag_bar_summary(segments: Sequence[tuple[str, int, str]]) -> str:
    """Accessible text: "Red 2, Amber 5, Green 10, Blue 3, Not started 1 (21 actions)".

    Every segment is listed, including zero counts; "No actions" if all are zero.
    """
    total = sum(max(int(count), 0) for _, count, _ in segments)
    if not total:
        return "No actions"
    parts = ", ".join(f"{label} {max(int(count), 0)}" for label, count, _ in segments)
    return f"{parts} ({total} action{'' if total == 1 else 's'})"


def _empty_bar(width: float, height: float, baseline: float, size: float) -> list[str]:
    frame = {"x": 0.5, "y": 0.5, "width": width - 1, "height": height - 1}
    return [
        _tag("rect", {**frame, "fill": LIGHT_GREY, "stroke": GREY}),
        _text(width / 2, baseline, "No actions", size=size, anchor="middle"),
    ]


def _bar_segment(
    label: str, count: int, total: int, colour: str, x: float, seg_width: float, height: float
) -> list[str]:
    shape = {"x": x, "y": 0, "width": seg_width, "height": height}
    return [
        _title(f"{label}: {count} of {total}"),
        _tag("rect", {**shape, "fill": colour, "stroke": WHITE, "stroke-width": 1}),
    ]


def _segment_label(
    label: str, count: int, colour: str, x: float, seg_width: float, baseline: float, size: float
) -> list[str]:
    """ "Red 2" when it fits in the segment, else "2", else nothing."""
    for text in (f"{label} {count}", str(count)):
        if _text_width(text, size) <= seg_width - 8:
            fill = text_colour_for(colour)
            return [_text(x + seg_width / 2, baseline, text, size=size, anchor="middle", fill=fill)]
    return []


def rag_bar(
    segments: Sequence[tuple[str, int, str]],
    *,
    title: str,
    id_prefix: str,
    width: float = 600,
    height: float = 48,
    show_labels: bool = True,
) -> SafeString:
    """A single horizontal bar stacked from ``(label, count, colour)`` segments.

    Widths are proportional to counts and zero segments are omitted. Each
    segment carries a ``<title>`` ("Red: 2 of 21") and, when it fits, a
    "Red 2" label (or just "2") in a colour contrasting with its fill.
    """
    items = [
        (str(label), int(count), colour) for label, count, colour in segments if int(count) > 0
    ]
    total = sum(count for _, count, _ in items)
    size = 14 if height >= 30 else max(9.0, height * 0.5)
    baseline = height / 2 + size * 0.35
    body: list[str] = []
    if not total:
        body += _empty_bar(width, height, baseline, size)
    x = 0.0
    for label, count, colour in items:
        seg_width = width * count / total
        segment = _bar_segment(label, count, total, colour, x, seg_width, height)
        if show_labels:
            segment += _segment_label(label, count, colour, x, seg_width, baseline, size)
        body.append(_tag("g", {"class": "segment"}, *segment))
        x += seg_width
    return _svg(
        body,
        title=title,
        id_prefix=id_prefix,
        width=width,
        height=height,
        desc=rag_bar_summary(segments),
        css_class="app-rag-bar",
    )


# --- line chart --------------------------------------------------------------


def nice_ticks(lo: Number, hi: Number, n: int = 5) -> list[float]:
    """Round tick values covering ``[lo, hi]``, aiming for about ``n`` ticks.

    Steps are 1, 2, 2.5 or 5 times a power of ten, e.g. ``nice_ticks(0, 141.1)``
    gives ``[0, 50, 100, 150]``. Equal bounds are padded so the range is never empty.
    """
    lo, hi = sorted((Decimal(str(float(lo))), Decimal(str(float(hi)))))
    if lo == hi:
        pad = abs(lo) / 10 or Decimal(1)
        lo, hi = lo - pad, hi + pad
    n = max(n, 2)
    exponent = math.floor(math.log10(float(hi - lo) / (n - 1)))
    best: tuple[Any, ...] | None = None
    for exp in (exponent - 1, exponent, exponent + 1):
        for mult in ("1", "2", "2.5", "5"):
            step = Decimal(mult).scaleb(exp)
            first = (lo / step).to_integral_value(ROUND_FLOOR)
            last = (hi / step).to_integral_value(ROUND_CEILING)
            count = int(last - first) + 1
            score = (abs(count - n), count > n, -step)
            if best is None or score < best[0]:
                best = (score, step, first, last)
    _, step, first, last = best  # type: ignore[misc]
    return [float(k * step) for k in range(int(first), int(last) + 1)]


def _chart_lines(series: Sequence[Series], target: Series | None) -> list[dict]:
    """The series and the target as lines with their drawing settings filled in."""
    lines = [
        dict(
            s,
            colour=s.get("colour", BLUE),
            dash=s.get("dash", ""),
            markers=s.get("markers", True),
            kind="series",
        )
        for s in series
    ]
    if target:
        lines.append(
            dict(
                target,
                name=target.get("name", "Target"),
                colour=target.get("colour", TARGET_COLOUR),
                dash=target.get("dash", TARGET_DASH),
                markers=target.get("markers", False),
                kind="target",
            )
        )
    return lines


def _padded(lines: list[dict], x_labels: Sequence[str]) -> tuple[int, list[str]]:
    """Pad every line's values and the labels to one length; read the values as numbers."""
    count = max([len(x_labels)] + [len(line.get("values") or []) for line in lines])
    labels = [str(label) for label in x_labels] + [""] * (count - len(x_labels))
    for line in lines:
        raw = list(line.get("values") or [])
        line["raw"] = raw + [None] * (count - len(raw))
        line["nums"] = [_num(v) for v in line["raw"]]
        if not re.fullmatch(r"[\d.\s,]*", str(line["dash"] or "")):
            line["dash"] = ""
    return count, labels


@dataclass
class _Frame:
    """Where the plot sits: y-axis label | tick labels | plot, with x labels and legend below.
    Every text is drawn at ``size`` (viewBox units)."""

    width: float
    left: float
    top: float
    plot_w: float
    plot_h: float
    total_h: float
    count: int
    ticks: list[float]
    size: float = 12
    inset: float = 12

    @property
    def bottom(self) -> float:
        return self.top + self.plot_h

    @property
    def x_axis_h(self) -> float:
        return self.size + 18

    @property
    def row_h(self) -> float:
        return self.size + 9

    def x_of(self, i: int) -> float:
        if self.count <= 1:
            return self.left + self.plot_w / 2
        return self.left + self.inset + (self.plot_w - 2 * self.inset) * i / (self.count - 1)

    def y_of(self, v: float) -> float:
        return self.bottom - (v - self.ticks[0]) / (self.ticks[-1] - self.ticks[0]) * self.plot_h


def _legend_places(
    lines: list[dict], left: float, width: float, size: float
) -> list[tuple[float, int, dict]]:
    """Each legend item's x and row: items flow left to right and wrap (on a narrow chart,
    one to a row)."""
    legend: list[tuple[float, int, dict]] = []
    lx, row = left, 0
    for line in lines:
        item_w = 40 + _text_width(str(line["name"]), size) + 18
        if lx + item_w > width and lx > left:
            lx, row = left, row + 1
        legend.append((lx, row, line))
        lx += item_w
    return legend


def _y_axis(frame: _Frame, tick_texts: list[str], y_label: str) -> list[str]:
    """Gridlines with their values (the x axis and the zero line stronger), and the y label."""
    body: list[str] = []
    ticks, size = frame.ticks, frame.size
    for tick, text in zip(ticks, tick_texts, strict=True):
        ty = frame.y_of(tick)
        strong = tick == ticks[0] or (tick == 0 and ticks[0] < 0)  # x axis and zero line
        line = {"x1": frame.left, "y1": ty, "x2": frame.left + frame.plot_w, "y2": ty}
        stroke = MID_GREY if strong else GRID_COLOUR
        body.append(_tag("line", {**line, "stroke": stroke, "stroke-width": 1}))
        body.append(_text(frame.left - 6, ty + size / 3, text, size=size, anchor="end"))
    if y_label:
        cy, cx = frame.top + frame.plot_h / 2, size + 2
        rotate = {"transform": f"rotate(-90 {_n(cx)} {_n(cy)})"}
        body.append(_text(cx, cy, y_label, size=size, anchor="middle", extra=rotate))
    return body


def _x_axis(frame: _Frame, labels: list[str]) -> list[str]:
    """Ticks and labels along the x axis: as many as fit side by side (at most eight),
    always including the last."""
    body: list[str] = []
    count, bottom, size = frame.count, frame.bottom, frame.size
    widest = max((_text_width(label, size) for label in labels), default=0) + size
    room = max(2, min(8, int(frame.plot_w // widest) if widest else 8))
    step = math.ceil(count / room) if count else 1
    for i, label in enumerate(labels):
        if (count - 1 - i) % step:
            continue
        x = frame.x_of(i)
        tick = {"x1": x, "y1": bottom, "x2": x, "y2": bottom + 5}
        body.append(_tag("line", {**tick, "stroke": MID_GREY, "stroke-width": 1}))
        half = _text_width(label, size) / 2  # keep long end labels inside the viewBox
        lx = min(max(x, half + 2), frame.width - half - 2)
        body.append(_text(lx, bottom + size + 6, label, size=size, anchor="middle"))
    return body


def _marker(x: float, y: float, colour: str, *children: str) -> str:
    attrs = {"cx": x, "cy": y, "r": 4, "fill": colour, "stroke": WHITE, "stroke-width": 1}
    return _tag("circle", attrs, *children)


def _steps(frame: _Frame, nums: list[float | None]) -> list[tuple[float, float] | None]:
    """A target as steps: each period's value drawn level across that period's slot (half
    way to its neighbours, to the plot's edges at the ends), so a target is a line across the
    periods it applies to, even a single one."""
    half = (frame.plot_w - 2 * frame.inset) / max(frame.count - 1, 1) / 2
    lo, hi = frame.left, frame.left + frame.plot_w
    points: list[tuple[float, float] | None] = []
    for i, v in enumerate(nums):
        if v is None:
            points.append(None)
            continue
        x, y = frame.x_of(i), frame.y_of(v)
        points += [(max(lo, x - half), y), (min(hi, x + half), y)]
    return points


def _line_style(line: dict) -> dict[str, Any]:
    dotted = bool(line["dash"]) and line["dash"].split()[0] in {"1", "2"}
    return {
        "stroke": line["colour"],
        "stroke-width": 2 if line["kind"] == "target" else (3.5 if dotted else 2.5),
        "stroke-dasharray": line["dash"] or None,
        "stroke-linecap": "round" if dotted else None,
    }


def _line_group(frame: _Frame, line: dict, labels: list[str]) -> str | None:
    """One line as a path (broken where values are missing) with its titled markers; the
    target as steps across its periods."""
    points = [
        None if v is None else (frame.x_of(i), frame.y_of(v)) for i, v in enumerate(line["nums"])
    ]
    target = line["kind"] == "target"
    runs = _runs(_steps(frame, line["nums"]) if target else points)
    if not runs:
        return None
    path = {"d": _path_d(runs), "fill": "none", **_line_style(line), "stroke-linejoin": "round"}
    parts = [_title(str(line["name"])), _tag("path", path)]
    lone = set() if target else {run[0] for run in runs if len(run) == 1}
    for i, point in enumerate(points):
        if point is not None and (line["markers"] or point in lone):
            value = f"{labels[i]}: {number_text(line['raw'][i])}"
            parts.append(_marker(point[0], point[1], line["colour"], _title(value)))
    return _tag("g", {"class": line["kind"]}, *parts)


def _legend(frame: _Frame, legend: list[tuple[float, int, dict]]) -> list[str]:
    body: list[str] = []
    for lx, row, line in legend:
        ly = frame.bottom + frame.x_axis_h + row * frame.row_h + frame.size / 2 + 4
        sample = {"x1": lx, "y1": ly, "x2": lx + 30, "y2": ly, **_line_style(line)}
        parts = [_tag("line", sample)]
        if line["markers"]:
            parts.append(_marker(lx + 15, ly, line["colour"]))
        parts.append(_text(lx + 38, ly + frame.size / 3, str(line["name"]), size=frame.size))
        body.append(_tag("g", {"class": "legend-item"}, *parts))
    return body


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    id_prefix: str,
    x_labels: Sequence[str],
    y_label: str = "",
    target: Series | None = None,
    width: float = WIDE["width"],
    height: float = WIDE["height"],
    font_size: float = WIDE["font_size"],
    y_min: Number | None = None,
    y_max: Number | None = None,
) -> SafeString:
    """A multi-series line chart with nice y ticks, gridlines and a legend below.

    ``None`` values leave gaps (the line breaks). Points are marked with circles
    titled "2023/24: 141.1" unless a series sets ``markers=False`` (isolated
    points are always marked). ``target`` is drawn dashed, without markers, as steps across
    the periods it applies to. ``y_min``/``y_max`` are values the y axis must include
    (e.g. 0). ``height`` is the overall height; it grows only if the legend needs room.
    Every text is ``font_size`` viewBox units (see WIDE and NARROW for sizes that stay legible).
    """
    lines = _chart_lines(series, target)
    count, labels = _padded(lines, x_labels)
    data = [v for line in lines for v in line["nums"] if v is not None]
    bounds = data + [float(v) for v in (y_min, y_max) if v is not None]
    ticks = nice_ticks(min(bounds, default=0), max(bounds, default=1), 5)
    tick_texts = [number_text(t) for t in ticks]

    size = font_size
    left = 10 + (size + 8 if y_label else 0) + max(_text_width(t, size) for t in tick_texts)
    frame = _Frame(
        width=width,
        left=left,
        top=size,
        plot_w=width - left - 16,
        plot_h=0,
        total_h=0,
        count=count,
        ticks=ticks,
        size=size,
    )
    legend = _legend_places(lines, 4, width - 4, size)
    legend_h = (max(row for _, row, _ in legend) + 1) * frame.row_h + 6 if legend else 0
    frame.plot_h = max(60.0, height - frame.top - frame.x_axis_h - legend_h)
    frame.total_h = max(height, frame.top + frame.plot_h + frame.x_axis_h + legend_h)
    body = _y_axis(frame, tick_texts, y_label) + _x_axis(frame, labels)
    if not data:
        middle = (left + frame.plot_w / 2, frame.top + frame.plot_h / 2)
        body.append(_text(*middle, "No data", size=size, anchor="middle"))
    for line in lines:
        group = _line_group(frame, line, labels)
        if group is not None:
            body.append(group)
    body += _legend(frame, legend)
    return _svg(body, title=title, id_prefix=id_prefix, width=width, height=frame.total_h)


def line_charts(series: Sequence[Series], *, id_prefix: str, **options: Any) -> dict:
    """The same line chart at both sizes: ``{"wide": ..., "narrow": ...}`` (pages show the one
    that fits the screen; a PDF uses the wide one)."""
    return {
        "wide": line_chart(series, id_prefix=id_prefix, **WIDE, **options),
        "narrow": line_chart(series, id_prefix=f"{id_prefix}-narrow", **NARROW, **options),
    }


# --- sparkline ---------------------------------------------------------------


def sparkline(
    values: Sequence[Number | None],
    *,
    title: str,
    id_prefix: str,
    width: float = 120,
    height: float = 28,
    colour: str = BLACK,
) -> SafeString:
    """A tiny trend line with the last point marked; gaps break the line.

    Empty or all-``None`` input gives an SVG containing only the title.
    """
    nums = [_num(v) for v in values]
    present = [v for v in nums if v is not None]
    body: list[str] = []
    if present:
        lo, hi = min(present), max(present)
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        pad, span = 3.5, max(len(nums) - 1, 1)
        points = [
            None
            if v is None
            else (
                width / 2 if len(nums) == 1 else pad + (width - 2 * pad) * i / span,
                height - pad - (v - lo) / (hi - lo) * (height - 2 * pad),
            )
            for i, v in enumerate(nums)
        ]
        runs = _runs(points)
        if any(len(run) > 1 for run in runs):
            body.append(
                _tag(
                    "path",
                    {
                        "d": _path_d(runs),
                        "fill": "none",
                        "stroke": colour,
                        "stroke-width": 1.5,
                        "stroke-linejoin": "round",
                    },
                )
            )
        last_x, last_y = runs[-1][-1]
        body.append(_tag("circle", {"cx": last_x, "cy": last_y, "r": 2.5, "fill": colour}))
    return _svg(body, title=title, id_prefix=id_prefix, width=width, height=height)

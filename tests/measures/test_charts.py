"""Tests for measures.charts (pure functions; no database or settings needed)."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils.safestring import SafeString

from core.formatting import number_text
from measures import charts
from measures.charts import (
    AMBER,
    BLACK,
    BLUE,
    GREEN,
    GREY,
    RED,
    WHITE,
    contrast_ratio,
    line_chart,
    nice_ticks,
    rag_bar,
    rag_bar_summary,
    sparkline,
)

NS = "{http://www.w3.org/2000/svg}"
SEGMENTS = [
    ("Red", 2, RED),
    ("Amber", 5, AMBER),
    ("Green", 10, GREEN),
    ("Blue", 3, BLUE),
    ("Not started", 1, GREY),
]
YEARS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]


def parse(svg):
    """Parse chart output and check the invariants every chart must satisfy."""
    assert isinstance(svg, SafeString)
    root = ET.fromstring(str(svg))  # noqa: S314 - our own output, not untrusted input
    assert root.tag == NS + "svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("height")
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
    title = root.find(NS + "title")
    assert title is not None and title.get("id")
    assert root.get("aria-labelledby") == title.get("id")
    for el in root.iter():
        assert el.tag not in (NS + "style", NS + "script", "style", "script")
        assert "style" not in el.attrib
        assert not any(name.startswith("on") for name in el.attrib)
    return root


def children(el, tag):
    return el.findall(NS + tag)


def segment_groups(root):
    return [g for g in children(root, "g") if g.get("class") == "segment"]


def markers(root):
    """Point markers inside the plotted series (legend swatches excluded)."""
    return [
        c
        for g in children(root, "g")
        if g.get("class") in ("series", "target")
        for c in children(g, "circle")
    ]


def circle_titles(root):
    return [c.find(NS + "title").text for c in markers(root)]


def y_tick_labels(root):
    return [t.text for t in children(root, "text") if t.get("text-anchor") == "end"]


# --- helpers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (141.10000000001, "141.1"),
        (Decimal("141.1"), "141.1"),
        (Decimal("141.10"), "141.1"),
        (0.1 + 0.2, "0.3"),
        (12500, "12,500"),
        (-0.0, "0"),
        (Decimal("-2.50"), "-2.5"),
        (7.0, "7"),
    ],
)
def test_chart_numbers_are_written_as_everywhere_else(value, expected):
    """The charts use core.formatting's number_text (no copy of their own)."""
    assert number_text(value) == expected
    assert not hasattr(charts, "format_number")


def test_nice_ticks_example():
    assert nice_ticks(0, 141.1, 5) in ([0, 50, 100, 150], [0, 40, 80, 120, 160])


@pytest.mark.parametrize(
    "lo, hi",
    [
        (0, 141.1),
        (0, 1),
        (0.1, 0.3),
        (-3, 7),
        (-50, -2),
        (1e6, 2.3e6),
        (0.001, 0.0042),
        (Decimal("12.5"), Decimal("99.9")),
        (5, 5),
        (0, 0),
        (97, 103),
    ],
)
def test_nice_ticks_are_nice(lo, hi):
    ticks = nice_ticks(lo, hi, 5)
    assert 4 <= len(ticks) <= 6
    assert ticks[0] <= float(lo) and ticks[-1] >= float(hi) and ticks[0] < ticks[-1]
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1
    mantissa = Decimal(repr(steps.pop())).normalize().as_tuple().digits
    assert mantissa in {(1,), (2,), (2, 5), (5,)}
    for tick in ticks:  # no float noise in the tick labels
        assert len(number_text(tick)) <= 9


def test_text_colours_meet_contrast():
    root = parse(rag_bar(SEGMENTS, title="t", id_prefix="c"))
    for g in segment_groups(root):
        fill = g.find(NS + "rect").get("fill")
        text = g.find(NS + "text")
        assert contrast_ratio(fill, text.get("fill")) >= 4.5, fill
    fills = {
        g.find(NS + "rect").get("fill"): g.find(NS + "text").get("fill")
        for g in segment_groups(root)
    }
    assert fills[AMBER] == BLACK and fills[GREY] == BLACK
    assert fills[RED] == fills[GREEN] == fills[BLUE] == WHITE


# --- rag_bar -----------------------------------------------------------------


def test_rag_bar_summary():
    expected = "Red 2, Amber 5, Green 10, Blue 3, Not started 1 (21 actions)"
    assert rag_bar_summary(SEGMENTS) == expected
    assert rag_bar_summary([("Green", 1, GREEN)]) == "Green 1 (1 action)"
    assert rag_bar_summary([("Red", 0, RED)]) == "No actions"
    assert rag_bar_summary([]) == "No actions"


def test_rag_bar_structure_labels_and_titles():
    root = parse(rag_bar(SEGMENTS, title="Action status", id_prefix="plan-7-rag"))
    assert root.find(NS + "title").text == "Action status"
    assert root.get("aria-labelledby") == "plan-7-rag-title"
    assert root.find(NS + "desc").text == rag_bar_summary(SEGMENTS)
    groups = segment_groups(root)
    assert [g.find(NS + "title").text for g in groups] == [
        "Red: 2 of 21",
        "Amber: 5 of 21",
        "Green: 10 of 21",
        "Blue: 3 of 21",
        "Not started: 1 of 21",
    ]
    texts = [g.find(NS + "text").text for g in groups if g.find(NS + "text") is not None]
    assert "Green 10" in texts and "Amber 5" in texts
    total_width = sum(float(g.find(NS + "rect").get("width")) for g in groups)
    assert total_width == pytest.approx(600, abs=0.05)


def test_rag_bar_widths_proportional_and_zero_omitted():
    root = parse(
        rag_bar(
            [("Red", 1, RED), ("Amber", 0, AMBER), ("Green", 3, GREEN)],
            title="t",
            id_prefix="p",
            width=400,
        )
    )
    rects = [g.find(NS + "rect") for g in segment_groups(root)]
    assert [r.get("fill") for r in rects] == [RED, GREEN]
    red, green = (float(r.get("width")) for r in rects)
    assert abs(red * 3 - green) < 0.5
    assert red == pytest.approx(100, abs=0.01)
    assert float(rects[1].get("x")) == pytest.approx(red, abs=0.01)
    assert "Amber" not in "".join(t.text or "" for t in root.iter(NS + "text"))


def test_rag_bar_narrow_segment_drops_or_shortens_label():
    root = parse(
        rag_bar([("Not started", 1, GREY), ("Green", 99, GREEN)], title="t", id_prefix="n")
    )
    narrow = segment_groups(root)[0]
    assert narrow.find(NS + "title").text == "Not started: 1 of 100"
    text = narrow.find(NS + "text")
    assert text is None or text.text == "1"
    root = parse(rag_bar(SEGMENTS, title="t", id_prefix="n", show_labels=False))
    assert not list(root.iter(NS + "text"))


def test_rag_bar_all_zero():
    for segments in ([("Red", 0, RED), ("Green", 0, GREEN)], []):
        root = parse(rag_bar(segments, title="t", id_prefix="z"))
        assert segment_groups(root) == []
        assert [t.text for t in root.iter(NS + "text")] == ["No actions"]


def test_user_text_is_escaped():
    evil = '<script>alert("x")</script>'
    for svg in (
        rag_bar([(evil, 2, RED)], title=evil, id_prefix='x" onload="y'),
        line_chart(
            [{"name": evil, "values": [1, 2]}],
            title=evil,
            id_prefix="x",
            x_labels=[evil, "b"],
            y_label=evil,
        ),
        sparkline([1, 2], title=evil, id_prefix="x"),
    ):
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
        root = parse(svg)
        assert root.find(NS + "title").text == evil  # round-trips as text, not markup


# --- line_chart --------------------------------------------------------------


def series(values, name="Our council", **extra):
    return {"name": name, "values": values, "colour": BLUE, "dash": "", "markers": True, **extra}


def test_line_chart_markers_legend_and_decimal_titles():
    values = [Decimal("120.5"), Decimal("141.1"), None, Decimal("130"), Decimal("128.25")]
    comparator = {
        "name": "England average",
        "values": [100, 110, None, 115, 118],
        "colour": "#505a5f",
        "dash": "6 4",
        "markers": False,
    }
    target = {"name": "Target", "values": [150, 150, 140, 140, 140]}
    svg = line_chart(
        [series(values), comparator],
        title="Days to process",
        id_prefix="m1",
        x_labels=YEARS,
        y_label="Days",
        target=target,
    )
    root = parse(svg)
    assert root.get("aria-labelledby") == "m1-title"
    titles = circle_titles(root)
    assert len(titles) == 4  # one per non-None point of the marked series
    assert "2020/21: 141.1" in titles and "2023/24: 128.25" in titles
    assert "141.10" not in svg
    legend = [g for g in children(root, "g") if g.get("class") == "legend-item"]
    names = [g.find(NS + "text").text for g in legend]
    assert names == ["Our council", "England average", "Target"]
    dashes = [g.find(NS + "line").get("stroke-dasharray") for g in legend]
    assert dashes[0] is None and dashes[1] == "6 4" and dashes[2]
    target = next(g for g in children(root, "g") if g.get("class") == "target")
    assert target.find(NS + "path").get("stroke-dasharray")
    assert target.find(NS + "circle") is None
    assert [t.text for t in children(root, "text") if t.get("transform")] == ["Days"]
    assert [t.text for t in children(root, "text") if t.get("y") and t.text in YEARS] == YEARS


def test_line_chart_gaps_split_path():
    root = parse(
        line_chart(
            [series([1, 2, None, 4, 5, None, None, 8, 9])],
            title="t",
            id_prefix="g",
            x_labels=[str(i) for i in range(9)],
        )
    )
    path = root.find(f"{NS}g/{NS}path")
    assert path.get("d").count("M") == 3
    assert path.get("d").count("L") == 3
    assert len(markers(root)) == 6


def test_line_chart_y_axis_includes_target():
    root = parse(
        line_chart(
            [series([10, 12, 14])],
            title="t",
            id_prefix="y",
            x_labels=YEARS[:3],
            target={"name": "Target", "values": [50, 60, 75]},
        )
    )
    ticks = [float(t.replace(",", "")) for t in y_tick_labels(root)]
    assert ticks[0] <= 10 and ticks[-1] >= 75
    assert 4 <= len(ticks) <= 6


def test_line_chart_y_min_forces_zero():
    root = parse(
        line_chart([series([90, 95, 99])], title="t", id_prefix="z", x_labels=YEARS[:3], y_min=0)
    )
    assert y_tick_labels(root)[0] == "0"


@pytest.mark.parametrize(
    "values, points",
    [
        ([], 0),
        ([None, None, None], 0),
        ([42], 1),
        ([7, 7, 7], 3),
        ([-5, -2.5, 3], 3),
        ([Decimal("1.1"), Decimal("1.1")], 2),
    ],
)
def test_line_chart_edge_cases(values, points):
    labels = YEARS[: len(values)]
    root = parse(line_chart([series(values)], title="t", id_prefix="e", x_labels=labels))
    assert len(markers(root)) == points
    texts = [t.text for t in root.iter(NS + "text")]
    assert ("No data" in texts) == (points == 0)
    ticks = [float(t.replace(",", "")) for t in y_tick_labels(root)]
    assert ticks == sorted(ticks) and len(set(ticks)) == len(ticks) >= 2
    for point in values:
        if point is not None:
            assert ticks[0] <= point <= ticks[-1]
    for el in root.iter():  # coordinates are finite numbers
        for attr in ("cx", "cy", "x", "y", "x1", "y1"):
            if attr in el.attrib:
                assert re.fullmatch(r"-?\d+(\.\d+)?", el.get(attr))


def test_line_chart_no_series_at_all():
    root = parse(line_chart([], title="Empty", id_prefix="empty", x_labels=[]))
    assert "No data" in [t.text for t in root.iter(NS + "text")]


def test_line_chart_thins_x_labels():
    labels = [f"Q{i % 4 + 1} {2015 + i // 4}" for i in range(30)]
    root = parse(line_chart([series(list(range(30)))], title="t", id_prefix="q", x_labels=labels))
    shown = [t.text for t in children(root, "text") if t.text in labels]
    assert 2 <= len(shown) <= 8
    assert shown[-1] == labels[-1]  # the latest period is always labelled


def test_isolated_point_marked_even_without_markers():
    root = parse(
        line_chart(
            [series([1, None, 3, 4], markers=False)], title="t", id_prefix="i", x_labels=YEARS[:4]
        )
    )
    assert circle_titles(root) == ["2019/20: 1"]


def test_unique_ids_per_prefix():
    a, b = (parse(sparkline([1, 2], title="t", id_prefix=p)) for p in ("one", "two"))
    assert a.find(NS + "title").get("id") != b.find(NS + "title").get("id")


# --- sparkline ---------------------------------------------------------------


def test_sparkline_marks_last_point():
    root = parse(sparkline([3, 1, 4, 1, 5], title="Trend", id_prefix="s", colour=RED))
    assert root.find(NS + "title").text == "Trend"
    circles = list(root.iter(NS + "circle"))
    assert len(circles) == 1 and circles[0].get("fill") == RED
    assert float(circles[0].get("cx")) == max(
        float(n) for n in re.findall(r"[ML]([\d.]+) ", root.find(NS + "path").get("d"))
    )
    assert float(circles[0].get("cy")) < 28 / 2  # highest value plots near the top


@pytest.mark.parametrize("values", [[], [None, None], [None]])
def test_sparkline_without_data(values):
    root = parse(sparkline(values, title="No data yet", id_prefix="s"))
    assert root.find(NS + "path") is None and root.find(NS + "circle") is None
    assert root.find(NS + "title").text == "No data yet"


@pytest.mark.parametrize("values", [[5], [2, 2, 2], [Decimal("1.5"), None, Decimal("2")]])
def test_sparkline_edge_cases(values):
    root = parse(sparkline(values, title="t", id_prefix="s"))
    assert len(list(root.iter(NS + "circle"))) == 1


# --- legibility and line styles (issue 14) --------------------------------------------------

CONTAINER_AT_320 = 290  # 320 px less the GOV.UK page margins (15 px each side)
CONTAINER_AT_641 = 581  # the narrowest screen the wide chart is shown on, less 30 px margins


@pytest.mark.parametrize(
    "size, container",
    [(charts.WIDE, CONTAINER_AT_641), (charts.NARROW, CONTAINER_AT_320)],
    ids=["wide", "narrow"],
)
def test_every_text_of_a_chart_renders_at_12px_or_more(size, container):
    """The chart is scaled to its container: a text's rendered size is its font size times
    container / viewBox width."""
    labels = [f"Q{i % 4 + 1} {2015 + i // 4}" for i in range(12)]
    svg = line_chart(
        [series(list(range(12))), {"name": "England average", "values": list(range(12))}],
        title="t",
        id_prefix="legible",
        x_labels=labels,
        y_label="Rate per 10,000 children",
        target={"name": "Target", "values": [5] * 12},
        **size,
    )
    root = parse(svg)
    view_width = float(root.get("viewBox").split()[2])
    assert view_width == size["width"]
    sizes = {float(t.get("font-size")) for t in root.iter(NS + "text")}
    assert min(sizes) * min(container, 640) / view_width >= 12
    # Nothing is drawn outside the viewBox, and the x labels do not overlap.
    xs = sorted(float(t.get("x")) for t in children(root, "text") if t.text in labels)
    widest = max(len(label) for label in labels) * size["font_size"] * 0.6
    assert all(b - a >= widest for a, b in zip(xs, xs[1:], strict=False))
    assert all(0 <= x <= view_width for x in xs)


def test_line_charts_gives_both_sizes_with_their_own_ids():
    pair = charts.line_charts([series([1, 2, 3])], title="t", id_prefix="both", x_labels=YEARS[:3])
    wide, narrow = parse(pair["wide"]), parse(pair["narrow"])
    assert wide.get("viewBox").split()[2] == "640"
    assert narrow.get("viewBox").split()[2] == "300"
    assert wide.get("aria-labelledby") != narrow.get("aria-labelledby")


def test_target_and_comparators_are_told_apart_by_pattern_and_colour():
    """Target, England, region and statistical neighbours each have their own colour and
    their own dash pattern (the complaint: England and the target were both dark dashes), and
    every colour stands out from white by 3:1 or more."""
    styles = [(charts.TARGET_COLOUR, charts.TARGET_DASH), *charts.COMPARATOR_STYLES]
    styles.append((BLUE, ""))  # the measure itself: solid
    assert len({colour for colour, _ in styles}) == len(styles)
    assert len({dash for _, dash in styles}) == len(styles)
    for colour, _ in styles:
        assert contrast_ratio(colour, WHITE) >= 3, colour


def test_the_legend_names_every_line_with_its_own_sample():
    comparators = [
        {"name": name, "values": [1, 2, 3], "colour": colour, "dash": dash, "markers": False}
        for name, (colour, dash) in zip(
            ["England average", "Regional average", "Statistical neighbours average"],
            charts.COMPARATOR_STYLES,
            strict=True,
        )
    ]
    root = parse(
        line_chart(
            [series([1, 2, 3]), *comparators],
            title="t",
            id_prefix="legend",
            x_labels=YEARS[:3],
            target={"name": "Target", "values": [2, 2, 2]},
            **charts.NARROW,
        )
    )
    legend = [g for g in children(root, "g") if g.get("class") == "legend-item"]
    names = [g.find(NS + "text").text for g in legend]
    assert names == [
        "Our council",
        "England average",
        "Regional average",
        "Statistical neighbours average",
        "Target",
    ]
    samples = {
        (g.find(NS + "line").get("stroke"), g.find(NS + "line").get("stroke-dasharray"))
        for g in legend
    }
    assert len(samples) == 5
    # On the narrow chart the legend wraps and stays inside the viewBox.
    for g in legend:
        text = g.find(NS + "text")
        right = float(text.get("x")) + len(text.text) * float(text.get("font-size")) * 0.6
        assert right <= 300


def test_the_target_is_drawn_across_the_periods_it_applies_to():
    """Steps: level across each period's slot, even when only one period has a target."""
    root = parse(
        line_chart(
            [series([10, 12, 14, 15])],
            title="t",
            id_prefix="steps",
            x_labels=YEARS[:4],
            target={"name": "Target", "values": [None, None, None, 20]},
        )
    )
    target = next(g for g in children(root, "g") if g.get("class") == "target")
    d = target.find(NS + "path").get("d")
    points = [tuple(map(float, p.split())) for p in re.findall(r"[ML]([\d.]+ [\d.]+)", d)]
    assert len(points) == 2 and points[0][1] == points[1][1]  # a level line, not a dot
    assert points[1][0] - points[0][0] > 20
    root = parse(
        line_chart(
            [series([10, 12, 14])],
            title="t",
            id_prefix="steps2",
            x_labels=YEARS[:3],
            target={"name": "Target", "values": [20, 20, 25]},
        )
    )
    target = next(g for g in children(root, "g") if g.get("class") == "target")
    d = target.find(NS + "path").get("d")
    assert d.count("M") == 1 and d.count("L") == 5  # one unbroken stepped line

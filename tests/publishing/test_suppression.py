"""Small-number suppression, property-based: over random tables with totals and random measure
values, no count of 1 to 5 is published or can be worked out from what is published, and rates
and percentages from suppressed counts are suppressed too."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from publishing.suppression import MARK, Group, derivable, is_small, measure_figures, suppress


def test_the_rules_on_examples():
    assert suppress({"a": 3}) == {"a"}
    assert suppress({"a": 0}) == set()
    assert suppress({"a": 6}) == set()
    # One small part of a published total: another part must go too.
    hidden = suppress({"a": 3, "b": 10, "t": 13}, [Group("t", ("a", "b"))])
    assert hidden == {"a", "b"}
    # Two small parts already hide each other.
    assert suppress({"a": 3, "b": 2, "c": 9, "t": 14}, [Group("t", ("a", "b", "c"))]) == {"a", "b"}


@st.composite
def tables(draw):
    """A table of counts with row totals, column totals and a grand total, all published."""
    rows = draw(st.integers(1, 4))
    cols = draw(st.integers(1, 4))
    small_heavy = st.one_of(st.integers(0, 8), st.integers(0, 200))
    grid = [[draw(small_heavy) for _ in range(cols)] for _ in range(rows)]
    cells, groups = {}, []
    for r in range(rows):
        for c in range(cols):
            cells[(r, c)] = grid[r][c]
        cells[(r, "total")] = sum(grid[r])
        groups.append(Group((r, "total"), tuple((r, c) for c in range(cols))))
    for c in range(cols):
        cells[("total", c)] = sum(grid[r][c] for r in range(rows))
        groups.append(Group(("total", c), tuple((r, c) for r in range(rows))))
    cells[("total", "total")] = sum(sum(row) for row in grid)
    groups.append(Group(("total", "total"), tuple(("total", c) for c in range(cols))))
    groups.append(Group(("total", "total"), tuple((r, "total") for r in range(rows))))
    return cells, groups


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_small_count_is_published_or_can_be_worked_out(table):
    cells, groups = table
    hidden = suppress(cells, groups)
    published = set(cells) - hidden
    for key in published:
        assert not is_small(cells[key]), f"{key}={cells[key]} published"
    known = derivable(cells, groups, published)
    for key, value in cells.items():
        if is_small(value):
            assert key not in known, f"{key}={value} can be worked out"


@settings(max_examples=300, deadline=None)
@given(tables())
def test_tables_without_small_counts_are_published_whole(table):
    cells, groups = table
    if not any(is_small(v) for v in cells.values()):
        assert suppress(cells, groups) == set()


counts = st.integers(0, 60)


@settings(max_examples=400, deadline=None)
@given(count=counts, extra=counts)
def test_a_percentage_never_gives_a_small_number_away(count, extra):
    denominator = count + extra
    if denominator == 0:
        return
    value = (Decimal(count) / Decimal(denominator) * 100).quantize(Decimal("0.1"))
    shown = measure_figures(
        unit="percentage",
        value=value,
        count=count,
        denominator=denominator,
        value_text=f"{value}%",
    )
    count_known = shown.count != MARK or (shown.value != MARK and shown.denominator != MARK)
    rest_known = count_known and shown.denominator != MARK
    if is_small(count):
        assert shown.count == MARK and shown.value == MARK
        assert not count_known
    if is_small(extra):  # the children not counted
        assert not rest_known
    if not is_small(count) and not is_small(extra):
        assert shown.value == f"{value}%" and not shown.suppressed


@settings(max_examples=200, deadline=None)
@given(count=counts, population=st.integers(1000, 50000))
def test_a_rate_from_a_suppressed_count_is_suppressed(count, population):
    rate = (Decimal(count) / Decimal(population) * 10000).quantize(Decimal("0.1"))
    shown = measure_figures(
        unit="rate_per_10000", value=rate, count=count, denominator=population, value_text=str(rate)
    )
    if is_small(count):
        assert shown.value == MARK and shown.count == MARK
    else:
        assert shown.value == str(rate) and shown.count == f"{count:,}"


@settings(max_examples=100, deadline=None)
@given(value=counts)
def test_a_count_of_children(value):
    shown = measure_figures(
        unit="count", value=value, count=None, denominator=None, value_text=str(value)
    )
    assert (shown.value == MARK) == is_small(value)


def test_figures_without_counts_are_published():
    shown = measure_figures(
        unit="percentage", value=Decimal("87.5"), count=None, denominator=None, value_text="87.5%"
    )
    assert shown.value == "87.5%" and not shown.suppressed


def test_a_count_worked_out_from_a_rate_decides_but_is_not_published():
    shown = measure_figures(
        unit="rate_per_10000",
        value=Decimal("0.9"),
        count=3,
        denominator=None,
        value_text="0.9",
        show_count=False,
    )
    assert shown.value == MARK and shown.count == ""

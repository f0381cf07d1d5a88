"""How ratings, measure states and directions of travel are shown: the one home of the palette,
the words, the badge markup and the arrows, used by every output (HTML, PDF, xlsx, csv, SVG).

Rules
-----
- **A colour never stands alone.** Every rating is shown as its word on its colour (a badge, a
  filled cell, a labelled bar segment); the word carries the meaning, the colour repeats it.
- **One colour per rating** (``PALETTE``), from the GOV.UK palette, with one grey for "Not
  started". The text on a fill is whichever of white or near-black contrasts more with it (at
  least 4.5:1 for every fill here; ``tests/core/test_presentation.py`` checks it).
- **CSS cannot import Python**: the colours of the HTML badges and of the direction of travel
  are written once, in ``static/css/rag.css`` (linked from ``base.html`` and inlined into the
  PDF stylesheet). A test parses that file and compares it with ``PALETTE`` and
  ``DIRECTION_COLOURS``, so the two cannot drift.
- **Words**: a rating's word is the organisation's label from its legend (``legend_for``, read
  from ``Organisation.rag_legend``, no query), or the rating's own label without one.
- **Direction of travel** has one vocabulary of arrows (``ARROW_UP``, ``ARROW_DOWN``,
  ``ARROW_LEVEL``), always followed by a word; the arrow is decoration (hidden from screen
  readers). For an action's rating the arrow says better or worse: "↑ Improved", "↓ Worsened",
  "→ No change". For a measure the arrow says which way the value moved and the word, which
  follows the measure's polarity, says whether that is better: "↓ Improving" for a fall where
  lower is better; "↑ Up" for a measure that is only monitored.
- **Measure states** (against target) have one wording (``MEASURE_STATES``): "On target",
  "Near target", "Off target" on the colour of green, amber and red; "No target", "No value"
  and "Monitored" have no colour and are shown as plain words.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.rag import DEFAULT_MEANINGS, SEVERITY, Rating

if TYPE_CHECKING:
    from core.models import Organisation

# --- colours --------------------------------------------------------------------------------

WHITE = "#ffffff"
BLACK = "#0b0c0c"  # GOV.UK text colour
MID_GREY = "#505a5f"  # GOV.UK secondary text


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG 2) of a hex colour such as "#d4351c" or "#fff"."""
    hexa = colour.lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    if len(hexa) != 6:
        raise ValueError(f"Not a hex colour: {colour!r}")
    channels = [int(hexa[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two hex colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_for(fill: str) -> str:
    """White or near-black text, whichever contrasts more with ``fill`` (black if unreadable)."""
    try:
        return WHITE if contrast_ratio(fill, WHITE) >= contrast_ratio(fill, BLACK) else BLACK
    except ValueError:
        return BLACK


@dataclass(frozen=True)
class Swatch:
    """A rating's colour and the text colour that reads on it."""

    fill: str
    text: str

    @classmethod
    def of(cls, fill: str) -> Swatch:
        return cls(fill, text_colour_for(fill))


#: One colour per rating (GOV.UK palette); one grey for "Not started" (and for no rating).
PALETTE: Mapping[Rating, Swatch] = {
    Rating.RED: Swatch.of("#d4351c"),
    Rating.AMBER: Swatch.of("#f47738"),
    Rating.GREEN: Swatch.of("#00703c"),
    Rating.COMPLETE: Swatch.of("#1d70b8"),
    Rating.NOT_STARTED: Swatch.of("#b1b4b6"),
}


def swatch(rating: str) -> Swatch:
    """The swatch of a rating ("red", Rating.RED...); ValueError for anything else."""
    return PALETTE[Rating(rating)]


def fill_colour(rating: str) -> str:
    return swatch(rating).fill


def xlsx_colours(rating: str) -> tuple[str, str]:
    """(fill, text) as spreadsheets want them: "D4351C", "FFFFFF"."""
    s = swatch(rating)
    return s.fill.lstrip("#").upper(), s.text.lstrip("#").upper()


# --- words: labels and the organisation's legend --------------------------------------------

NO_RATING = "No rating"


@dataclass(frozen=True)
class LegendEntry:
    rating: str
    label: str
    meaning: str
    colour: str


class Legend:
    """What each rating is called and means to an organisation, in legend order."""

    def __init__(self, entries: Mapping[str, LegendEntry]):
        self._entries = dict(entries)

    def __iter__(self) -> Iterator[LegendEntry]:
        return iter(self._entries[r.value] for r in Rating)

    def entry(self, rating: str) -> LegendEntry:
        return self._entries[Rating(rating).value]

    def label(self, rating: str) -> str:
        return self.entry(rating).label

    def meaning(self, rating: str) -> str:
        return self.entry(rating).meaning

    def to_entries(self) -> list[dict[str, str]]:
        """The legend as plain data (for a board pack's snapshot)."""
        return [{"rating": e.rating, "label": e.label, "meaning": e.meaning} for e in self]

    @classmethod
    def from_entries(cls, entries: Iterable[Mapping[str, str]]) -> Legend:
        """A legend rebuilt from ``to_entries`` (a frozen pack keeps the words it was issued
        with); ratings missing from ``entries`` keep their own label and no meaning."""
        words = [(e["rating"], e["label"], e["meaning"]) for e in entries]
        return _legend(words, defaults={r: "" for r in Rating})


class Definition(Protocol):
    """A RAG definition as ``actions.models.RagDefinition`` has it."""

    rating: str
    label: str
    meaning: str


def _entry(rating: str, label: str, meaning: str) -> LegendEntry:
    return LegendEntry(rating, label, meaning, fill_colour(rating))


def _legend(
    words: Iterable[tuple[str, str, str]], defaults: Mapping[Rating, str] = DEFAULT_MEANINGS
) -> Legend:
    entries = {r.value: _entry(r.value, str(r.label), defaults[r]) for r in Rating}
    for rating, label, meaning in words:
        if rating in entries:
            entries[rating] = _entry(rating, label, meaning)
    return Legend(entries)


def words_from_copy(copy: object) -> list[tuple[str, str, str]]:
    """(rating, label, meaning) from an organisation's copy of its definitions
    (``Organisation.rag_legend``); anything malformed (written by hand or SQL) is skipped."""
    if not isinstance(copy, dict):
        return []
    return [
        (rating, w["label"], w["meaning"])
        for rating, w in copy.items()
        if isinstance(w, dict)
        and isinstance(w.get("label"), str)
        and isinstance(w.get("meaning"), str)
        and w["label"]
        and w["meaning"]
    ]


def legend_for(
    organisation: Organisation | None, definitions: Iterable[Definition] | None = None
) -> Legend:
    """The legend of an organisation: its own words where it has defined them, the defaults
    otherwise. Without ``definitions`` (RagDefinitions already fetched), the organisation's copy
    of its definitions (``Organisation.rag_legend``) is used: no query."""
    if organisation is None:
        return _legend([])
    if definitions is None:
        return _legend(words_from_copy(organisation.rag_legend))
    return _legend((d.rating, d.label, d.meaning) for d in definitions)


def rating_label(rating: str, legend: Legend | None = None) -> str:
    """The word for a rating: the organisation's label, or the rating's own; "No rating" when
    there is none."""
    if not rating:
        return NO_RATING
    return legend.label(rating) if legend is not None else str(Rating(rating).label)


# --- badges ---------------------------------------------------------------------------------

BADGE_CLASS = "app-rag"


def _badge(modifier: str, label: str) -> SafeString:
    """The one badge markup: the word on the colour of ``app-rag--<modifier>``."""
    return format_html('<span class="{0} {0}--{1}">{2}</span>', BADGE_CLASS, modifier, label)


def rating_badge(rating: str | None, legend: Legend | None = None) -> SafeString:
    """A rating as a coloured badge with its word (the organisation's word when a legend is
    given). No rating is a grey "No rating"; a value that is not a rating is shown as written,
    without a colour."""
    if not rating:
        return _badge(Rating.NOT_STARTED.value, NO_RATING)
    try:
        value = Rating(rating)
    except ValueError:
        return format_html("<span>{}</span>", rating)
    return _badge(value.value, rating_label(value, legend))


def muted(text: str) -> SafeString:
    return format_html('<span class="app-muted">{}</span>', text)


# --- direction of travel --------------------------------------------------------------------

ARROW_UP, ARROW_DOWN, ARROW_LEVEL = "↑", "↓", "→"

# An action's rating against its previous one.
IMPROVED, WORSENED, UNCHANGED = "improved", "worsened", "unchanged"
# A measure's value against a reference value: which way it moved, and (by polarity) whether
# that is better.
UP, DOWN, SAME = "up", "down", "same"
IMPROVING, WORSENING, NO_CHANGE = "improving", "worsening", "no_change"
MONITOR = "monitor"  # the key of a movement of a measure that is only monitored


@dataclass(frozen=True)
class Travel:
    """A direction of travel as shown: ``key`` (also the CSS modifier), arrow and word. Empty
    (falsy) when there is nothing to compare with."""

    key: str
    arrow: str
    word: str

    def __bool__(self) -> bool:
        return bool(self.word)

    def html(self) -> SafeString:
        """The arrow (hidden from screen readers) and the word; "" when empty."""
        return travel_html(self.key, self.arrow, self.word)

    def counted(self, count: int) -> Travel:
        """The same direction for a number of things: "↑ 3 improved"."""
        return Travel(self.key, self.arrow, f"{count} {self.word.lower()}") if self else self


NO_TRAVEL = Travel("", "", "")

RATING_TRAVEL: Mapping[str, Travel] = {
    IMPROVED: Travel(IMPROVED, ARROW_UP, "Improved"),
    WORSENED: Travel(WORSENED, ARROW_DOWN, "Worsened"),
    UNCHANGED: Travel(UNCHANGED, ARROW_LEVEL, "No change"),
}
MOVEMENT_ARROWS: Mapping[str, str] = {UP: ARROW_UP, DOWN: ARROW_DOWN, SAME: ARROW_LEVEL}
MOVEMENT_WORDS: Mapping[str, str] = {UP: "Up", DOWN: "Down", SAME: "No change"}
MEASURE_DIRECTION_WORDS: Mapping[str, str] = {
    IMPROVING: "Improving",
    WORSENING: "Worsening",
    NO_CHANGE: "No change",
}
#: The colour of each direction's word (the arrow and word are text on the page background).
DIRECTION_COLOURS: Mapping[str, str] = {
    IMPROVED: PALETTE[Rating.GREEN].fill,
    IMPROVING: PALETTE[Rating.GREEN].fill,
    WORSENED: PALETTE[Rating.RED].fill,
    WORSENING: PALETTE[Rating.RED].fill,
    UNCHANGED: MID_GREY,
    NO_CHANGE: MID_GREY,
}


def travel_html(key: str, arrow: str, word: str) -> SafeString:
    """The one direction-of-travel markup; "" without a word."""
    if not word:
        return SafeString("")
    return format_html(
        '<span class="app-direction app-direction--{}"><span aria-hidden="true">{}</span> {}'
        "</span>",
        key,
        arrow,
        word,
    )


def rating_direction(before: str | None, after: str | None) -> str:
    """IMPROVED, WORSENED or UNCHANGED from one rating to another (worse means more severe:
    red, amber, not started, green, blue); "" when either is missing."""
    if not before or not after:
        return ""
    b, a = SEVERITY[Rating(before)], SEVERITY[Rating(after)]
    if a > b:
        return IMPROVED
    if a < b:
        return WORSENED
    return UNCHANGED


def rating_travel(direction: str | None) -> Travel:
    """How a rating's direction (``rating_direction``) is shown; empty for ""."""
    return RATING_TRAVEL.get(direction or "", NO_TRAVEL)


def measure_direction(moved: str, higher_is_better: bool | None) -> str:
    """IMPROVING, WORSENING or NO_CHANGE for a value that moved UP, DOWN or stayed the SAME,
    by polarity: a fall is an improvement when lower is better. "" when it did not move
    anywhere (nothing to compare with) or the measure is only monitored (``None``)."""
    if not moved or higher_is_better is None:
        return ""
    if moved == SAME:
        return NO_CHANGE
    better = UP if higher_is_better else DOWN
    return IMPROVING if moved == better else WORSENING


def measure_travel(direction: str, moved: str) -> Travel:
    """How a measure's direction of travel is shown: the arrow of the movement and the word of
    the direction (improving, worsening, no change), or of the movement (up, down) for a
    measure that is only monitored."""
    arrow = MOVEMENT_ARROWS.get(moved, "")
    if direction in MEASURE_DIRECTION_WORDS:
        return Travel(direction, arrow, MEASURE_DIRECTION_WORDS[direction])
    if moved in MOVEMENT_WORDS:
        return Travel(MONITOR, arrow, MOVEMENT_WORDS[moved])
    return NO_TRAVEL


MEASURE_TRAVEL_NOTE = (
    f"{ARROW_UP} the value rose, {ARROW_DOWN} it fell, {ARROW_LEVEL} it did not change; "
    "the word says whether that is an improvement."
)

# --- measure states -------------------------------------------------------------------------

GREEN, AMBER, RED = "green", "amber", "red"  # a measure's RAG against its target
NO_TARGET, NO_VALUE, MONITORED = "no_target", "no_value", "monitored"


@dataclass(frozen=True)
class MeasureState:
    """Where a measure's latest value stands against its target, in words. ``rating`` is the
    colour it is shown on (None: shown as plain words)."""

    key: str
    label: str
    meaning: str
    rating: Rating | None

    def badge(self) -> SafeString:
        if self.rating is None:
            return muted(self.label)
        return _badge(self.rating.value, self.label)


MEASURE_STATES: Mapping[str, MeasureState] = {
    GREEN: MeasureState(GREEN, "On target", "On target or better.", Rating.GREEN),
    AMBER: MeasureState(
        AMBER, "Near target", "Worse than target, but within its tolerance.", Rating.AMBER
    ),
    RED: MeasureState(
        RED, "Off target", "Worse than target by more than its tolerance.", Rating.RED
    ),
    NO_TARGET: MeasureState(NO_TARGET, "No target", "No target to compare with.", None),
    NO_VALUE: MeasureState(NO_VALUE, "No value", "No value recorded yet.", None),
    MONITORED: MeasureState(
        MONITORED, "Monitored", "Monitored only: neither higher nor lower is better.", None
    ),
}
#: The states a legend of measures explains, in order.
MEASURE_LEGEND = (GREEN, AMBER, RED, NO_TARGET, MONITORED)


def measure_state(
    rag: str | None, *, has_value: bool = True, monitored: bool = False
) -> MeasureState:
    """The state of a measure from its RAG against target ("green", "amber", "red" or
    None/""): monitored, no value and no target when it has no RAG."""
    if monitored:
        return MEASURE_STATES[MONITORED]
    if rag:
        return MEASURE_STATES[rag]
    return MEASURE_STATES[NO_TARGET if has_value else NO_VALUE]


def measure_badge(
    rag: str | None, *, has_value: bool = True, monitored: bool = False
) -> SafeString:
    """A measure's state against target: its word on its colour, or plain words without one."""
    return measure_state(rag, has_value=has_value, monitored=monitored).badge()


__all__ = [
    "PALETTE",
    "Swatch",
    "swatch",
    "fill_colour",
    "xlsx_colours",
    "contrast_ratio",
    "text_colour_for",
    "Legend",
    "LegendEntry",
    "legend_for",
    "rating_label",
    "rating_badge",
    "Travel",
    "travel_html",
    "rating_direction",
    "rating_travel",
    "measure_direction",
    "measure_travel",
    "MeasureState",
    "MEASURE_STATES",
    "measure_state",
    "measure_badge",
]

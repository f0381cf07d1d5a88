"""core.presentation: one palette, one set of words, one badge, one vocabulary of travel, and a
CSS file that cannot drift from the Python palette."""

from pathlib import Path

import pytest
import tinycss2
from django.conf import settings
from django.template.loader import render_to_string

from core import presentation as p
from core.models import Organisation
from core.rag import Rating

CSS_DIR = Path(settings.BASE_DIR) / "static" / "css"
RAG_CSS = CSS_DIR / "rag.css"


def css_rules(text: str) -> dict[str, dict[str, str]]:
    """{selector: {property: value}} for the plain rules of a stylesheet (lower-cased values)."""
    rules: dict[str, dict[str, str]] = {}
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        declarations = {
            d.lower_name: tinycss2.serialize(d.value).strip().lower()
            for d in tinycss2.parse_declaration_list(
                rule.content, skip_comments=True, skip_whitespace=True
            )
            if d.type == "declaration"
        }
        for selector in tinycss2.serialize(rule.prelude).split(","):
            rules.setdefault(selector.strip(), {}).update(declarations)
    return rules


# --- the palette and its one CSS copy -------------------------------------------------------


def test_one_colour_per_rating_and_one_grey_for_not_started():
    assert set(p.PALETTE) == set(Rating)
    fills = [s.fill for s in p.PALETTE.values()]
    assert len(set(fills)) == len(fills)
    assert p.swatch("not_started").fill == "#b1b4b6"


@pytest.mark.parametrize("rating", list(Rating))
def test_text_on_every_fill_meets_wcag_aa(rating):
    s = p.PALETTE[rating]
    assert p.contrast_ratio(s.fill, s.text) >= 4.5


def test_the_css_colours_are_the_python_palette():
    rules = css_rules(RAG_CSS.read_text(encoding="utf-8"))
    for rating, s in p.PALETTE.items():
        rule = rules[f".app-rag--{rating.value}"]
        assert rule["background"] == s.fill, rating
        assert rule["color"] == s.text, rating
    for key, colour in p.DIRECTION_COLOURS.items():
        assert rules[f".app-direction--{key}"]["color"] == colour, key
    expected = {f".app-rag--{r.value}" for r in Rating} | {
        f".app-direction--{k}" for k in p.DIRECTION_COLOURS
    }
    assert set(rules) == expected  # nothing else in the file, nothing missing


def test_no_other_stylesheet_colours_a_rating_or_a_direction():
    templates = Path(settings.BASE_DIR) / "templates"
    sheets = [f for f in CSS_DIR.glob("*.css") if f != RAG_CSS] + list(templates.rglob("*.css"))
    assert sheets
    for sheet in sheets:
        for selector in css_rules(sheet.read_text(encoding="utf-8")):
            assert "app-rag--" not in selector, (sheet.name, selector)
            assert "app-direction--" not in selector, (sheet.name, selector)


def test_the_pdf_stylesheet_inlines_the_one_css_file():
    css = render_to_string("plans/pack_pdf.css", {"meeting": None})
    assert RAG_CSS.read_text(encoding="utf-8") in css
    assert css_rules(css)[".app-rag--red"]["background"] == p.PALETTE[Rating.RED].fill


def test_web_pages_link_the_one_css_file(client):
    html = client.get("/accessibility/").content.decode()
    assert "css/rag.css" in html


def test_xlsx_colours_come_from_the_palette():
    assert p.xlsx_colours("amber") == ("F47738", "0B0C0C")
    for rating, s in p.PALETTE.items():
        assert p.xlsx_colours(rating) == (s.fill[1:].upper(), s.text[1:].upper())


def test_the_rating_vocabulary_keeps_no_palette_of_its_own():
    import core.rag

    assert not hasattr(core.rag, "COLOURS")


def test_chart_palette_is_the_presentation_palette():
    from measures import charts

    assert p.PALETTE[Rating.RED].fill == charts.RED
    assert p.PALETTE[Rating.NOT_STARTED].fill == charts.GREY
    assert p.PALETTE[Rating.COMPLETE].fill == charts.BLUE


# --- words and badges -----------------------------------------------------------------------


def test_a_badge_is_always_the_word_on_the_colour():
    assert p.rating_badge("red") == '<span class="app-rag app-rag--red">Red</span>'
    assert p.rating_badge("complete") == '<span class="app-rag app-rag--complete">Blue</span>'
    assert p.rating_badge("") == '<span class="app-rag app-rag--not_started">No rating</span>'
    assert p.rating_badge("purple") == "<span>purple</span>"  # never a colour without a word


def test_a_badge_uses_the_organisations_word_and_escapes_it():
    org = Organisation(
        name="x", rag_legend={"red": {"label": "<b>Rouge</b>", "meaning": "Off track"}}
    )
    legend = p.legend_for(org)
    assert p.rating_badge("red", legend) == (
        '<span class="app-rag app-rag--red">&lt;b&gt;Rouge&lt;/b&gt;</span>'
    )
    assert legend.meaning("red") == "Off track"
    assert legend.label("amber") == "Amber" and legend.meaning("green")  # defaults


def test_a_malformed_legend_copy_falls_back_to_the_defaults():
    for copy in (
        None,
        [],
        {"red": "x"},
        {"red": {"label": "", "meaning": "m"}},
        {"red": {"label": 3, "meaning": "m"}},
    ):
        org = Organisation(name="x", rag_legend=copy)
        assert p.legend_for(org).label("red") == "Red"


def test_a_legend_survives_a_snapshot():
    org = Organisation(name="x", rag_legend={"amber": {"label": "At risk", "meaning": "Slipping"}})
    legend = p.legend_for(org)
    again = p.Legend.from_entries(legend.to_entries())
    assert [(e.rating, e.label, e.meaning, e.colour) for e in again] == [
        (e.rating, e.label, e.meaning, e.colour) for e in legend
    ]
    partial = p.Legend.from_entries([{"rating": "red", "label": "R", "meaning": "M"}])
    assert partial.label("red") == "R" and partial.label("green") == "Green"


def test_the_rag_template_tag_is_the_presentation_badge():
    from actions.templatetags.rag import rag_badge

    assert rag_badge("amber") == p.rating_badge("amber")


# --- direction of travel --------------------------------------------------------------------


def test_rating_travel_has_one_vocabulary():
    assert p.rating_direction("red", "amber") == p.IMPROVED
    assert p.rating_direction("green", "not_started") == p.WORSENED
    assert p.rating_direction("green", "green") == p.UNCHANGED
    assert p.rating_direction(None, "green") == ""
    assert p.rating_travel(p.IMPROVED).html() == (
        '<span class="app-direction app-direction--improved"><span aria-hidden="true">↑</span> '
        "Improved</span>"
    )
    assert [(t.arrow, t.word) for t in p.RATING_TRAVEL.values()] == [
        ("↑", "Improved"),
        ("↓", "Worsened"),
        ("→", "No change"),
    ]
    assert p.rating_travel("").html() == "" and not p.rating_travel("")
    assert p.rating_travel(p.WORSENED).counted(3).word == "3 worsened"


@pytest.mark.parametrize(
    "moved, higher_is_better, direction, arrow, word",
    [
        (p.UP, True, p.IMPROVING, "↑", "Improving"),
        (p.DOWN, True, p.WORSENING, "↓", "Worsening"),
        (p.DOWN, False, p.IMPROVING, "↓", "Improving"),  # fewer children looked after
        (p.UP, False, p.WORSENING, "↑", "Worsening"),
        (p.SAME, False, p.NO_CHANGE, "→", "No change"),
        (p.UP, None, "", "↑", "Up"),  # monitored: which way, not whether better
        (p.DOWN, None, "", "↓", "Down"),
        ("", True, "", "", ""),
    ],
)
def test_measure_travel_is_polarity_aware(moved, higher_is_better, direction, arrow, word):
    assert p.measure_direction(moved, higher_is_better) == direction
    shown = p.measure_travel(direction, moved)
    assert (shown.arrow, shown.word) == (arrow, word)


# --- measure states -------------------------------------------------------------------------


def test_measure_states_have_one_wording():
    assert p.measure_state("green").label == "On target"
    assert p.measure_state("amber").label == "Near target"
    assert p.measure_state("red").label == "Off target"
    assert p.measure_state(None).label == "No target"
    assert p.measure_state("", has_value=False).label == "No value"
    assert p.measure_state("red", monitored=True).label == "Monitored"
    assert p.measure_badge("amber") == ('<span class="app-rag app-rag--amber">Near target</span>')
    assert p.measure_badge(None) == '<span class="app-muted">No target</span>'
    for key in p.MEASURE_LEGEND:
        assert p.MEASURE_STATES[key].meaning

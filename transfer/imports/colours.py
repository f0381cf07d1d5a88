"""Cell fill colours as "RRGGBB", and the RAG rating nearest a colour.

Excel stores a fill as an RGB value, an index into a fixed palette, or a *theme* colour with a
*tint* (lighter or darker). The theme colours are read from the workbook's theme part, and a tint
is applied to the colour's lightness the way Excel does (a negative tint darkens, a positive one
lightens towards white).
"""

from __future__ import annotations

import colorsys
import re

from core.rag import Rating

# The theme's colour scheme, in the order Excel's theme indexes use (0 is lt1, 1 is dk1...).
_SCHEME_ORDER = [
    "lt1",
    "dk1",
    "lt2",
    "dk2",
    "accent1",
    "accent2",
    "accent3",
    "accent4",
    "accent5",
    "accent6",
    "hlink",
    "folHlink",
]
# Office's default theme, for workbooks without one.
DEFAULT_THEME = [
    "FFFFFF",
    "000000",
    "E7E6E6",
    "44546A",
    "4472C4",
    "ED7D31",
    "A5A5A5",
    "FFC000",
    "5B9BD5",
    "70AD47",
    "0563C1",
    "954F72",
]


def theme_colours(theme_xml: bytes | None) -> list[str]:
    """The twelve theme colours of a workbook's theme part (already checked for entities)."""
    if not theme_xml:
        return list(DEFAULT_THEME)
    text = theme_xml.decode("utf-8", "replace")
    found = {}
    for name in _SCHEME_ORDER:
        m = re.search(
            rf"<a:{name}>\s*<a:(?:srgbClr val|sysClr [^>]*?lastClr)=\"([0-9A-Fa-f]{{6}})\"", text
        )
        if m:
            found[name] = m.group(1).upper()
    # found by name, so the scheme's own order in the file (dk1, lt1, dk2, lt2...) does not matter
    return [found.get(name, DEFAULT_THEME[i]) for i, name in enumerate(_SCHEME_ORDER)]


def apply_tint(rgb: str, tint: float) -> str:
    if not tint:
        return rgb
    r, g, b = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    h, light, s = colorsys.rgb_to_hls(r, g, b)
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint
    r, g, b = colorsys.hls_to_rgb(h, max(0.0, min(1.0, light)), s)
    return "".join(f"{round(v * 255):02X}" for v in (r, g, b))


def fill_rgb(fill, theme: list[str]) -> str:
    """The solid fill of an openpyxl ``PatternFill`` as "RRGGBB", or "" when there is none."""
    if fill is None or getattr(fill, "fill_type", None) in (None, "none"):
        return ""
    colour = fill.fgColor if fill.fill_type == "solid" else (fill.fgColor or fill.bgColor)
    if colour is None:
        return ""
    tint = float(getattr(colour, "tint", 0) or 0)
    kind = getattr(colour, "type", "")
    rgb = ""
    if kind == "rgb" and isinstance(colour.rgb, str):
        rgb = colour.rgb[-6:].upper()
    elif kind == "theme" and colour.theme is not None and 0 <= colour.theme < len(theme):
        rgb = theme[colour.theme]
    elif kind == "indexed" and colour.indexed is not None:
        from openpyxl.styles.colors import COLOR_INDEX

        if 0 <= colour.indexed < len(COLOR_INDEX) and colour.indexed not in (64, 65):
            rgb = COLOR_INDEX[colour.indexed][-6:].upper()
    if not re.fullmatch(r"[0-9A-F]{6}", rgb):
        return ""
    return apply_tint(rgb, tint)


# Colours councils use for each rating: the app's own, Excel's standard colours and the usual
# lighter shades. The nearest wins, if it is near enough; greys and white mean "no rating".
RAG_COLOURS: list[tuple[str, str]] = [
    ("FF0000", Rating.RED),
    ("C00000", Rating.RED),
    ("D4351C", Rating.RED),
    ("FF7C80", Rating.RED),
    ("F4B084", Rating.AMBER),
    ("FFC000", Rating.AMBER),
    ("FFBF00", Rating.AMBER),
    ("F47738", Rating.AMBER),
    ("FFD966", Rating.AMBER),
    ("FFFF00", Rating.AMBER),
    ("FFEB9C", Rating.AMBER),
    ("00B050", Rating.GREEN),
    ("92D050", Rating.GREEN),
    ("00703C", Rating.GREEN),
    ("A9D08E", Rating.GREEN),
    ("C6EFCE", Rating.GREEN),
    ("70AD47", Rating.GREEN),
    ("0070C0", Rating.COMPLETE),
    ("00B0F0", Rating.COMPLETE),
    ("1D70B8", Rating.COMPLETE),
    ("5B9BD5", Rating.COMPLETE),
    ("9BC2E6", Rating.COMPLETE),
    ("4472C4", Rating.COMPLETE),
]
NEUTRAL_LIMIT = 24  # a colour whose channels differ by less than this is a grey
NEAR_ENOUGH = 120  # Euclidean distance in RGB


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16)


def rating_from_colour(hex_colour: str) -> str | None:
    """The rating whose colour is nearest, or None for white, greys and far-off colours."""
    if not hex_colour:
        return None
    r, g, b = _rgb(hex_colour)
    if max(r, g, b) - min(r, g, b) < NEUTRAL_LIMIT:
        return None
    best, best_distance = None, NEAR_ENOUGH**2
    for known, rating in RAG_COLOURS:
        kr, kg, kb = _rgb(known)
        distance = (r - kr) ** 2 + (g - kg) ** 2 + (b - kb) ** 2
        if distance < best_distance:
            best, best_distance = rating, distance
    return best

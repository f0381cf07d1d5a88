"""Text people type into the service: one policy for invisible characters.

Policy: **refuse, and say which character**. Text typed into a form that holds an invisible
control or formatting character is not saved; the form says which characters to remove (by
code point and name). Nothing anyone typed is silently changed: a character that was there on
purpose (pasted with the words it belongs to) would otherwise vanish without a trace, and one
that was not (a right-to-left override, U+202E, that makes "fdp.exe" read "exe.pdf") is brought
to the person's attention rather than quietly fixed for them.

What counts as hidden (``is_hidden``): the Unicode categories Cc (control characters), Cf
(formatting characters: bidirectional overrides and isolates, zero-width space, soft hyphen,
byte order mark...), Zl and Zp (line and paragraph separators, shown as a break by some programs
and not at all by others), except the characters real text needs (``ALLOWED``): tab, line feed
and carriage return (what a text area sends), and the zero-width joiner and non-joiner (emoji
sequences, and the spelling of words in scripts such as Persian and the Indic scripts).

Leading and trailing whitespace is trimmed, as Django's text fields do: that changes no word.

One exception, by necessity: a spreadsheet brought in by the importer was not typed here and
cannot be corrected cell by cell, so ``without_hidden_characters`` drops the same characters
when the file is read (``transfer.imports.reading``).
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
ZERO_WIDTH_NON_JOINER, ZERO_WIDTH_JOINER = "\u200c", "\u200d"
ALLOWED = frozenset({"\t", "\n", "\r", ZERO_WIDTH_NON_JOINER, ZERO_WIDTH_JOINER})
NAMES_SHOWN = 3  # characters named in the message; the rest are counted


def is_hidden(ch: str) -> bool:
    """Whether a character is invisible control or formatting that text may not hold."""
    return ch not in ALLOWED and unicodedata.category(ch) in HIDDEN_CATEGORIES


def hidden_characters(text: str) -> list[str]:
    """The hidden characters of ``text``, each once, in the order they first appear."""
    if text.isprintable():  # fast path: no control, formatting or separator character at all
        return []
    return list(dict.fromkeys(ch for ch in text if is_hidden(ch)))


def describe(ch: str) -> str:
    """ "U+202E (right-to-left override)"; "U+0007 (a control character)" when it has no name."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X} ({name.lower() if name else 'a control character'})"


def hidden_characters_message(found: list[str]) -> str:
    named = ", ".join(describe(ch) for ch in found[:NAMES_SHOWN])
    more = len(found) - NAMES_SHOWN
    if more > 0:
        named += f" and {more} more"
    return (
        f"Remove the invisible formatting characters from this text: {named}. They can change "
        "how the text reads without being seen."
    )


def check_text(value: str) -> None:
    """A validator: ValidationError (code "hidden_characters") naming the hidden characters."""
    found = hidden_characters(value)
    if found:
        raise ValidationError(hidden_characters_message(found), code="hidden_characters")


def clean_text(value: str) -> str:
    """Typed text as it is kept: refused (ValidationError) if it holds hidden characters,
    otherwise trimmed and otherwise unchanged."""
    check_text(value)
    return value.strip()


def without_hidden_characters(text: str) -> str:
    """``text`` without its hidden characters: for files brought in by the importer only (see
    the module's docstring); typed text goes through ``clean_text``."""
    if text.isprintable():
        return text
    return "".join(ch for ch in text if not is_hidden(ch))


__all__ = [
    "ALLOWED",
    "is_hidden",
    "hidden_characters",
    "describe",
    "check_text",
    "clean_text",
    "without_hidden_characters",
]

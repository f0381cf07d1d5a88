"""core.text: one policy for invisible characters in typed text: refuse them and name them."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from core.text import (
    ALLOWED,
    check_text,
    clean_text,
    describe,
    hidden_characters,
    is_hidden,
    without_hidden_characters,
)

RLO = "\u202e"  # right-to-left override: "fdp.exe" shows as "exe.pdf"


@pytest.mark.parametrize(
    "ch",
    [
        RLO,
        "\u202a",  # left-to-right embedding
        "\u2066",  # left-to-right isolate
        "\u200e",  # left-to-right mark
        "\u200b",  # zero-width space
        "\ufeff",  # byte order mark / zero-width no-break space
        "\u00ad",  # soft hyphen
        "\u2028",  # line separator
        "\u2029",  # paragraph separator
        "\x00",
        "\x07",  # bell
        "\x1b",  # escape
        "\x7f",  # delete
        "\x85",  # next line (C1 control)
    ],
)
def test_invisible_controls_and_formatting_are_refused_and_named(ch):
    assert is_hidden(ch)
    with pytest.raises(ValidationError) as caught:
        clean_text(f"Recruit{ch} more social workers")
    assert caught.value.code == "hidden_characters"
    message = caught.value.messages[0]
    assert "invisible formatting characters" in message
    assert f"U+{ord(ch):04X}" in message


def test_the_message_names_the_character_in_words():
    with pytest.raises(ValidationError) as caught:
        check_text(f"abc{RLO}def")
    assert "U+202E (right-to-left override)" in caught.value.messages[0]
    assert describe("\x07") == "U+0007 (a control character)"


def test_many_characters_are_named_then_counted():
    text = "a\u200b b\u200e c\u202e d\u2066 e\x07"
    assert hidden_characters(text) == ["\u200b", "\u200e", "\u202e", "\u2066", "\x07"]
    with pytest.raises(ValidationError) as caught:
        clean_text(text)
    assert "and 2 more" in caught.value.messages[0]


@pytest.mark.parametrize(
    "text",
    [
        "Line one\r\nLine two\n\tindented",  # what a text area sends
        "👩\u200d👧 family group conferencing",  # zero-width joiner in an emoji sequence
        "می\u200cخواهم",  # zero-width non-joiner in Persian
        "Café, naïve, Ōtautahi, Cymraeg: ŵ ŷ",
        "Children looked after: 141.1 per 10,000 (↓ improving)",
        "non\u00a0breaking and thin\u2009spaces",  # spaces are not hidden
    ],
)
def test_real_text_passes_unchanged_but_for_the_ends(text):
    assert not hidden_characters(text)
    assert clean_text(f"  {text}  ") == text


def test_allowed_characters_are_exactly_those_real_text_needs():
    assert {"\t", "\n", "\r", "\u200c", "\u200d"} == ALLOWED


@given(st.text())
def test_refusing_and_dropping_agree(text):
    """Text is refused exactly when dropping the hidden characters would change it; what is
    left after dropping is never refused."""
    dropped = without_hidden_characters(text)
    assert (dropped != text) == bool(hidden_characters(text))
    assert not hidden_characters(dropped)
    if dropped == text:
        assert clean_text(text) == text.strip()
    else:
        with pytest.raises(ValidationError):
            clean_text(text)

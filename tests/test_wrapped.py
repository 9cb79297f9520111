"""Hard-wrapped text (PDF/OCR/plain-text exports): paragraphs rejoined, offsets exact.

The texts are real speeches of corpus/ re-wrapped here at a fixed width, the way an
export breaks its lines: the wrapped speech must give the requirements of the speech
as typed, with `text == decoded[char_start:char_end]`.
"""

from __future__ import annotations

import unicodedata

from extractors.text import display_width


def test_display_width_counts_wide_and_ambiguous_characters_twice():
    assert display_width("") == 0
    assert display_width("GDP 5%") == 6
    assert display_width("一、总体要求") == 12
    assert display_width("“稳”的态势巩固延续…") == 22  # quotes and ellipsis are set full width
    assert display_width("增长5.2%，") == 2 * 2 + 4 + 2
    assert display_width("　　各位代表") == 12  # full-width indentation
    assert display_width("𠀀😀𐌀") == 2 + 2 + 1  # past the BMP: wide, wide, narrow


def test_display_width_agrees_with_unicodedata_on_a_real_speech(seed_path):
    for line in seed_path.read_text("utf-8").split("\n"):
        expected = sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in line)
        assert display_width(line) == expected

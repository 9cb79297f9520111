"""Markers split by a hard wrap (`一⏎是`): the line breaks a marker view leaves out."""

from __future__ import annotations

import random

from extractors.markers import _outside_breaks, line_marker
from extractors.text import Span


def _in_break(text: str, i: int) -> bool:
    """The definition, character by character: white space whose run (to either side, over
    white space other than newlines) reaches a newline, and the newline itself."""
    if not text[i].isspace():
        return False
    j = i
    while j < len(text) and text[j].isspace() and text[j] != "\n":
        j += 1
    k = i
    while k >= 0 and text[k].isspace() and text[k] != "\n":
        k -= 1
    return text[i] == "\n" or (j < len(text) and text[j] == "\n") or (k >= 0 and text[k] == "\n")


def test_breaks_found_by_runs_are_the_breaks_of_the_definition():
    rng = random.Random(1)
    alphabet = ["一", "是", " ", "\n", "　", "\t", "\r", "要"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        want = [i for i in range(start, end) if not _in_break(text, i)]
        kept = [i for a, b in _outside_breaks(text, start, end) for i in range(a, b)]
        assert kept == want, (text, start, end)


def test_a_marker_split_by_a_wrap_and_an_indent_is_read_whole():
    text = "一  \n　　是加强组织领导。各乡镇要…"  # wrapped, the next line indented
    m = line_marker(text, Span(0, len(text)))
    assert m is not None and text[m.start] == "一" and text[m.end - 1] == "是"
    # spaces inside a line are no break: `一 是` is not the marker 一是
    assert _outside_breaks("一 是", 0, 3) == [(0, 3)]

"""Actors and deadlines of hard-wrapped text (PDF/OCR exports) are those of the typed text.

A wrap inside a paragraph ends no sentence or clause, and a mention or a time phrase
broken by it (`各级⏎党委`, `年底⏎前`) is still found; an actor's `char_start` indexes
the speech as written. The texts are real speeches of corpus/ re-wrapped the way a
fixed-width export lays them out (tests/test_wrapped.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_wrapped import rewrap

from extractors.decode import read_speech
from extractors.pipeline import extract_text
from schemas import Extraction

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
INDENT = "\u3000\u3000"


def _extract(name: str, width: int | None) -> tuple[str, Extraction]:
    path = CORPUS / name
    speech, text = read_speech(path, str(path))
    if width is not None:
        text = rewrap(text, width, INDENT)
    return text, extract_text(text, speech)


def _labels(result: Extraction) -> list[tuple]:
    return [
        (
            r.path,
            [(a.category.value, a.basis.value, a.mention) for a in r.actors],
            r.deadline,
            r.deadline_date,
        )
        for r in result.requirements
    ]


def _split_mentions(text: str, result: Extraction) -> int:
    """Actor mentions that a wrap breaks in `text`; each must stand at its char_start."""
    split = 0
    for r in result.requirements:
        for a in r.actors:
            if a.char_start is None or a.mention is None:
                continue
            assert not text[a.char_start].isspace()
            written = text[a.char_start : a.char_start + len(a.mention) + 8]
            assert re.sub(r"\s", "", written).startswith(a.mention)
            split += not written.startswith(a.mention)
    return split


@pytest.mark.parametrize("width", [30, 36, 40])
def test_wrapped_party_building_speech_gives_the_typed_actors(width):
    """The seed speech names 各级党委（党组）, 一把手, 班子成员 …: several of these
    mentions fall across a wrap at every width."""
    _, typed = _extract("000_party_building_city_gov.txt", None)
    text, wrapped = _extract("000_party_building_city_gov.txt", width)
    assert _labels(wrapped) == _labels(typed)
    assert {a.category.value for r in typed.requirements for a in r.actors} > {"party_committee", "principal"}
    assert _split_mentions(text, wrapped) >= 1


@pytest.mark.parametrize("width", [30, 36])
def test_wrapped_1979_report_gives_the_typed_actors_and_deadlines(width):
    """The 1979 report bounds its work with 今年, 明年 and years; wrapped, each stays found
    (a wrap before a phrase used to end its sentence and lose its frame)."""
    _, typed = _extract("007_gwr_national_1979.txt", None)
    text, wrapped = _extract("007_gwr_national_1979.txt", width)
    assert _labels(wrapped) == _labels(typed)
    assert sum(r.deadline is not None for r in typed.requirements) >= 5
    assert all(text[r.char_start : r.char_end] == r.text for r in wrapped.requirements)
    assert sum("\n" in r.text for r in wrapped.requirements) > 20  # the wraps stay in the text


def test_typed_text_keeps_its_actor_offsets():
    """No wraps: offsets index the text as before (the mention stands at char_start)."""
    text, typed = _extract("000_party_building_city_gov.txt", None)
    starts = [
        (a.char_start, a.mention) for r in typed.requirements for a in r.actors if a.char_start is not None
    ]
    assert starts
    assert all(text.startswith(m, s) for s, m in starts)

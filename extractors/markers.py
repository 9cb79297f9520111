"""Enumerators: which marker opens a paragraph, and which lists stand inside one.

The families and their patterns are data (data/outline.toml); this module only reads
ordinals and checks that an inline list really counts 1, 2, 3 … (ANNOTATION.md §1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.cuedata import Family, outline_cues
from extractors.text import Span

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_WORDS = {"首先": 1, "其次": 2, "再次": 3, "最后": 0}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_FULL = str.maketrans("０１２３４５６７８９", "0123456789")
# An inline enumerator follows a clause break: `重点抓好：一是…；二是…`.
_INLINE_BEFORE = "：:，,。；;！!？?"


def cn_to_int(s: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23."""
    if "十" not in s:
        return _CN_DIGITS.get(s, 0) if len(s) == 1 else 0
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def ordinal(s: str | None) -> int:
    """The number a marker carries; 0 for markers that only say "next" (`——`, `最后`)."""
    if not s:
        return 0
    if s in _WORDS:
        return _WORDS[s]
    if s in _CIRCLED:
        return _CIRCLED.index(s) + 1
    digits = s.translate(_FULL)
    return int(digits) if digits.isdigit() else cn_to_int(s)


@dataclass(frozen=True)
class Marker:
    family: Family
    ordinal: int
    start: int  # offset of the marker
    end: int  # offset just past it: where the item's own words begin
    inline: bool = False

    @property
    def name(self) -> str:
        return self.family.name


# Markdown that may stand before a paragraph's marker in a .md file: `## 一、`, `**一是…**`,
# `> （一）`. The marker (and so the requirement's span) starts after it.
_MARKUP_LEAD = re.compile(r"(?:#{1,6}[ \t]+|[*_]{1,3}|>[ \t]*)*")


def opens_paragraph(text: str, para: Span, offset: int) -> bool:
    """Does a marker at `offset` open `para` (only markup before it)?"""
    return para.start <= offset and _MARKUP_LEAD.fullmatch(text, para.start, offset) is not None


def families() -> list[Family]:
    return outline_cues()["families"]


class _View:
    """text[start:end] with its line breaks (and their indentation) taken out, so that a
    marker a hard wrap split (`一⏎是`) still matches; offsets map back to the text."""

    def __init__(self, text: str, start: int, end: int) -> None:
        if "\n" not in text[start:end]:
            self.text, self.offsets = text[start:end], None
            self.start = start
            return
        kept = _outside_breaks(text, start, end)
        self.text = "".join(text[a:b] for a, b in kept)
        self.offsets = [i for a, b in kept for i in range(a, b)] + [end]
        self.start = start

    def at(self, i: int) -> int:
        """The text offset of view position i."""
        return self.start + i if self.offsets is None else self.offsets[i]

    def after(self, i: int) -> int:
        """The text offset just past view position i - 1 (a match's end)."""
        return self.start + i if self.offsets is None else self.offsets[i - 1] + 1


_BREAK = re.compile(r"\s*\n\s*")  # a run of white space with a newline in it


def _outside_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The stretches of text[start:end] that are no part of a line break: a newline and the
    white space around it (the whole run of white space it stands in, which may begin before
    `start` or end after `end`)."""
    lo, hi = start, end
    while lo > 0 and text[lo - 1].isspace():
        lo -= 1
    while hi < len(text) and text[hi].isspace():
        hi += 1
    kept: list[tuple[int, int]] = []
    at = start
    for m in _BREAK.finditer(text, lo, hi):
        if m.end() <= start:
            continue
        if m.start() >= end:
            break
        if m.start() > at:
            kept.append((at, m.start()))
        at = max(at, m.end())
    if end > at:
        kept.append((at, end))
    return kept


def line_marker(text: str, para: Span) -> Marker | None:
    """The enumerator that opens a paragraph, if any."""
    view = _View(text, para.start, para.end)
    lead = _MARKUP_LEAD.match(view.text).end()
    for fam in families():
        m = fam.pattern.match(view.text, lead)
        if m and m.end() < len(view.text):
            return Marker(fam, ordinal(m.groupdict().get("n")), view.at(m.start()), view.after(m.end()))
    return None


def _inline_hits(text: str, fam: Family, start: int, end: int) -> list[Marker]:
    view = _View(text, start, end)
    hits: list[Marker] = []
    for m in fam.pattern.finditer(view.text):
        j = m.start() - 1
        while j >= 0 and view.text[j].isspace():
            j -= 1
        if j >= 0 and view.text[j] in _INLINE_BEFORE and m.end() < len(view.text):
            n = ordinal(m.groupdict().get("n"))
            hits.append(Marker(fam, n, view.at(m.start()), view.after(m.end()), inline=True))
    return hits


def continuations(text: str, first: Marker, para: Span) -> list[Marker]:
    """Later members of a line marker's own list inside its paragraph (`一是…。二是…`)."""
    if not first.family.inline or first.ordinal < 1:
        return []
    out: list[Marker] = []
    want = first.ordinal + 1
    for hit in _inline_hits(text, first.family, first.end, para.end):
        if hit.ordinal == want or _closes([first, *out], hit):
            out.append(hit)
            want += 1
    return out


def _closes(run: list[Marker], hit: Marker) -> bool:
    """`最后，` (ordinal 0: "next") ends a numbered word sequence (`首先，…其次，…最后，…`)."""
    return hit.ordinal == 0 and run[-1].ordinal > 0


def inline_list(text: str, start: int, end: int) -> list[Marker]:
    """The first enumerated list standing inside text[start:end]: markers numbered 1, 2, …

    A list needs at least two members; a lone `一是` is ordinary prose.
    """
    best: list[Marker] = []
    for fam in families():
        if not fam.inline:
            continue
        run: list[Marker] = []
        for hit in _inline_hits(text, fam, start, end):
            if hit.ordinal == 1 and (not run or len(run) < 2):
                run = [hit]
            elif run and (hit.ordinal == run[-1].ordinal + 1 or _closes(run, hit)):
                run.append(hit)
        if len(run) >= 2 and (not best or run[0].start < best[0].start):
            best = run
    return best

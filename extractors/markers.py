"""Enumerators: which marker opens a paragraph, and which lists stand inside one.

The families and their patterns are data (data/outline.toml); this module only reads
ordinals and checks that an inline list really counts 1, 2, 3 … (ANNOTATION.md §1).
"""

from __future__ import annotations

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


def families() -> list[Family]:
    return outline_cues()["families"]


def line_marker(text: str, para: Span) -> Marker | None:
    """The enumerator that opens a paragraph, if any."""
    for fam in families():
        m = fam.pattern.match(text, para.start, para.end)
        if m and m.end() < para.end:
            return Marker(fam, ordinal(m.groupdict().get("n")), m.start(), m.end())
    return None


def _inline_hits(text: str, fam: Family, start: int, end: int) -> list[Marker]:
    hits: list[Marker] = []
    for m in fam.pattern.finditer(text, start, end):
        j = m.start() - 1
        while j >= start and text[j].isspace():
            j -= 1
        if j >= start and text[j] in _INLINE_BEFORE and m.end() < end:
            hits.append(Marker(fam, ordinal(m.groupdict().get("n")), m.start(), m.end(), inline=True))
    return hits


def continuations(text: str, first: Marker, para: Span) -> list[Marker]:
    """Later members of a line marker's own list inside its paragraph (`一是…。二是…`)."""
    if not first.family.inline or first.ordinal < 1:
        return []
    out: list[Marker] = []
    want = first.ordinal + 1
    for hit in _inline_hits(text, first.family, first.end, para.end):
        if hit.ordinal == want:
            out.append(hit)
            want += 1
    return out


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
            elif run and hit.ordinal == run[-1].ordinal + 1:
                run.append(hit)
        if len(run) >= 2 and (not best or run[0].start < best[0].start):
            best = run
    return best

"""Paragraphs and sentences of a decoded speech, as exact character spans.

Every span indexes the decoded text itself: hard-wrapped lines (PDF/OCR exports) are
joined into one paragraph by widening its span over the line break, never by editing
the text, so `text[start:end]` stays the speech as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from extractors.cuedata import outline_cues

SENTENCE_END = "。！？!?；;"
# A line that ends so has ended its sentence (quotes may close after the stop).
_LINE_DONE = "。！？!?；;：:…"
_CLOSERS = "”’」』）)"


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@lru_cache(maxsize=1)
def _address_re() -> re.Pattern[str]:
    words = sorted(outline_cues()["words"]["addresses"], key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?:{alt})(?:[、，,和及]\s*(?:{alt}))*\s*[！!：:，,]")


def is_address_only(line: str) -> bool:
    """`各位代表！`, `同志们：` on a line of their own."""
    s = line.strip()
    m = _address_re().match(s)
    return bool(m and m.end() == len(s)) or s in outline_cues()["words"]["addresses"]


def address_prefix(text: str, start: int, end: int) -> int:
    """Offset past an address that opens a paragraph (`各位代表！我们要…` → at `我们`)."""
    m = _address_re().match(text, start, end)
    if not m:
        return start
    j = m.end()
    while j < end and text[j].isspace():
        j += 1
    return j


def ends_sentence(line: str) -> bool:
    s = line.rstrip().rstrip(_CLOSERS)
    return bool(s) and s[-1] in _LINE_DONE


def _is_wide(c: str) -> bool:
    # Ambiguous-width characters (“”、…) are set full width in Chinese type.
    return unicodedata.east_asian_width(c) in "WFA"


@lru_cache(maxsize=1)
def _narrow_runs() -> re.Pattern[str]:
    """Runs of narrow characters of the Basic Multilingual Plane (built once, ≈ 10 ms)."""
    ranges: list[str] = []
    start = None
    for i in range(0x10001):
        narrow = i < 0x10000 and not _is_wide(chr(i))
        if narrow and start is None:
            start = i
        elif not narrow and start is not None:
            a, b = re.escape(chr(start)), re.escape(chr(i - 1))
            ranges.append(a if start == i - 1 else f"{a}-{b}")
            start = None
    return re.compile(f"[{''.join(ranges)}]+")


def display_width(s: str) -> int:
    """Columns a line takes: 2 for a wide or ambiguous character, 1 for any other.

    Speeches are mostly wide characters, so the narrow runs are counted (one regex
    scan) and subtracted; characters past the BMP are rare and checked one by one.
    """
    if s.isascii():
        return len(s)
    width = 2 * len(s) - sum(map(len, _narrow_runs().findall(s)))
    if max(s) > "\uffff":
        width -= sum(1 for c in s if c > "\uffff" and not _is_wide(c))
    return width


def _lines(text: str) -> list[Span]:
    """Non-empty lines without their indentation and trailing white space."""
    out: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            out.append(Span(start, start + len(stripped)))
        pos += len(line) + 1
    return out


def wrap_width(widths: list[int], done: list[bool]) -> int | None:
    """The width a hard-wrapped export breaks its lines at, or None when it does not.

    Wrapped text has many lines of one width that stop mid-sentence; typed text has
    paragraphs of every length, each ending its sentence.
    """
    open_widths = Counter(w for w, d in zip(widths, done, strict=True) if not d and w >= 30)
    if not open_widths:
        return None
    best = max(open_widths, key=lambda w: sum(open_widths[w - k] for k in range(4)))
    near = sum(open_widths[best - k] for k in range(5))
    if near >= max(5, len(widths) // 5):
        return best
    return None


def paragraphs(text: str) -> list[Span]:
    """The paragraphs of a speech, in order.

    A paragraph is a line, or several lines when the text is hard-wrapped: a line as
    wide as the wrap width that does not end its sentence continues on the next line.
    Address-only lines (`各位代表！`) are not paragraphs (ANNOTATION.md §2).
    """
    lines = _lines(text)
    bodies = [text[s.start : s.end] for s in lines]
    widths = [display_width(b) for b in bodies]
    done = [ends_sentence(b) for b in bodies]
    width = wrap_width(widths, done)
    out: list[Span] = []
    full = False  # the previous line ran to the wrap width
    prev_done = True
    for span, body, w, d in zip(lines, bodies, widths, done, strict=True):
        if is_address_only(body):
            full = False
            continue
        # A full line runs on; one that also ended its sentence runs on unless the
        # next line opens with an enumerator (a paragraph may end at the margin).
        joins = full and out and not (prev_done and _opens_with_marker(body))
        if joins:
            out[-1] = Span(out[-1].start, span.end)
        else:
            out.append(span)
        full = width is not None and w >= width - 3
        prev_done = d
    return out


def _opens_with_marker(line: str) -> bool:
    return any(f.pattern.match(line) for f in outline_cues()["families"])


def first_sentence_end(text: str, start: int, end: int) -> int:
    """Offset just past the first sentence in text[start:end] (its 。/；/！/？, or `end`)."""
    for i in range(start, end):
        if text[i] in SENTENCE_END:
            j = i + 1
            while j < end and text[j] in _CLOSERS:
                j += 1
            return j
    return end


def sentences(text: str, start: int, end: int) -> list[Span]:
    out: list[Span] = []
    i = start
    while i < end:
        while i < end and text[i].isspace():
            i += 1
        if i >= end:
            break
        j = first_sentence_end(text, i, end)
        out.append(Span(i, j))
        i = j
    return out


_BREAK = re.compile(r"\s*\n\s*")


def flat(s: str) -> str:
    """A piece of text on one line: hard wraps and their indentation removed."""
    return _BREAK.sub("", s).strip()

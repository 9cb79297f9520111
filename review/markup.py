"""Overlapping spans → a well-formed stream of open/text/close events (an interval sweep).

Spans can nest or overlap: a mention inside a requirement, a deadline across a
mention, a section heading line. The text is cut at every span boundary into
segments; each segment knows which spans cover it. Walking the segments with a
stack of open spans (outer spans first, by `rank`) gives properly nested tags:
a span that crosses the end of an outer one is closed and reopened as a
continuation piece, never left dangling. The template turns the events into HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal


@dataclass(frozen=True)
class Span:
    """A stretch [start, end) of the text to wrap in one element of kind `kind`."""

    start: int
    end: int
    kind: str
    rank: int  # nesting order: a lower rank is opened outside a higher one
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Event:
    op: Literal["open", "text", "close"]
    span: Span | None = None
    text: str = ""
    first: bool = False  # open: this is the span's first piece (it carries the id and label)


def _order(span: Span, index: int) -> tuple[int, int, int, int]:
    return (span.rank, span.start, -span.end, index)


def events(text: str, start: int, end: int, spans: Iterable[Span]) -> Iterator[Event]:
    """Events for text[start:end], with every span clipped to that window."""
    indexed = [
        (i, Span(max(s.start, start), min(s.end, end), s.kind, s.rank, s.data), s)
        for i, s in enumerate(spans)
        if s.start < end and s.end > start and s.end > s.start
    ]
    cuts = sorted({start, end} | {c.start for _, c, _ in indexed} | {c.end for _, c, _ in indexed})
    stack: list[tuple[int, Span]] = []  # (index, original span)
    opened: set[int] = set()
    for a, b in pairwise(cuts):
        active = sorted(
            ((i, orig) for i, clip, orig in indexed if clip.start <= a and clip.end >= b),
            key=lambda item: _order(item[1], item[0]),
        )
        keep = 0
        while keep < min(len(stack), len(active)) and stack[keep][0] == active[keep][0]:
            keep += 1
        while len(stack) > keep:
            yield Event("close", stack.pop()[1])
        for i, orig in active[keep:]:
            yield Event("open", orig, first=i not in opened)
            opened.add(i)
            stack.append((i, orig))
        yield Event("text", text=text[a:b])
    while stack:
        yield Event("close", stack.pop()[1])

"""Paragraphs and sentences of a decoded speech, as exact character spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_END = "。！？!?；;"
_ADDRESS = re.compile(r"^(各位代表|同志们|各位委员|女士们|先生们|朋友们|同志们、朋友们)[！!：:，,]?\s*$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def paragraphs(text: str) -> list[Span]:
    """Non-empty lines, without their indentation and trailing white space.

    Address-only lines (`各位代表！`, `同志们：`) are not paragraphs (ANNOTATION.md §2).
    """
    out: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not _ADDRESS.match(stripped):
            start = pos + (len(line) - len(line.lstrip()))
            out.append(Span(start, start + len(stripped)))
        pos += len(line) + 1
    return out


def first_sentence_end(text: str, start: int, end: int) -> int:
    """Offset just past the first sentence in text[start:end] (its 。/；/line end)."""
    for i in range(start, end):
        ch = text[i]
        if ch in SENTENCE_END:
            return i + 1
        if ch == "\n":
            return i
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
        if j <= i:
            j = i + 1
        out.append(Span(i, j))
        i = j
    return out

"""Deadlines (ANNOTATION.md §4): the bounding time phrase as written, and its date."""

from __future__ import annotations

import re
from datetime import date

from extractors.text import Span

_PHRASE = re.compile(
    r"(?:到|在|于|从)?((?:19|20)\d\d年(?:底|末)?(?:前)?|今年(?:底|年底)?(?:前)?|年底前|年内|全年|本世纪末"
    r"|[一二三四五六七八九十\d]{1,2}月底前|今后[一二三四五六七八九十]年(?:内)?|[一二三四五六七八九十]年内)"
)


def find_deadline(
    text: str, span: Span, parent_own: Span | None, year: int | None
) -> tuple[str | None, date | None]:
    for area in (span, parent_own):
        if area is None:
            continue
        m = _PHRASE.search(text, area.start, area.end)
        if m:
            phrase = m.group(1)
            return phrase, resolve_deadline(phrase, year)
    return None, None


def resolve_deadline(phrase: str, year: int | None) -> date | None:
    m = re.match(r"((?:19|20)\d\d)年", phrase)
    if m:
        return date(int(m.group(1)), 12, 31)
    if year and phrase.startswith(("今年", "年底", "年内", "全年")):
        return date(year, 12, 31)
    return None

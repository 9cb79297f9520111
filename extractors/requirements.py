"""Requirements (ANNOTATION.md §2): the leaves of tasks sections, with their spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.outline import Node, heading_of
from extractors.text import Span, first_sentence_end, sentences

_CLOSING = re.compile(r"^(同志们|让我们|各位代表|代表们)")
_DIRECTIVE = re.compile(
    r"(要|必须|务必|应当|须|负责|牵头|加强|推进|加快|推动|完善|健全|落实|坚持|确保|实施|深化)"
)


@dataclass(frozen=True)
class RequirementDraft:
    """A requirement before actors and deadlines: where it is and what it is called."""

    path: str
    label: str
    heading: str
    span: Span
    parent_own: Span | None  # the parent's own text, for inheritance (§3, §4)
    measures: tuple[str, ...]


def _trim(text: str, start: int, end: int) -> Span:
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _measures(text: str, span: Span) -> tuple[str, ...]:
    return tuple(
        text[s.start : s.end]
        for s in sentences(text, span.start, span.end)
        if _DIRECTIVE.search(text[s.start : s.end])
    )


def _own_span(text: str, node: Node) -> Span:
    own = node.own_span()
    return _trim(text, own.start, own.end)


def _paragraphs_in(paras: list[Span], start: int, end: int) -> list[Span]:
    return [p for p in paras if start <= p.start < end]


def is_closing(text: str, para: Span) -> bool:
    return bool(_CLOSING.match(text[para.start : para.end]))


def drafts_for(text: str, node: Node, paras: list[Span]) -> list[RequirementDraft]:
    """Requirement drafts under a tasks node (a section, usually)."""
    out: list[RequirementDraft] = []
    if node.children:
        for child in node.children:
            out.extend(drafts_for(text, child, paras))
        return out
    parent_own = _own_span(text, node.parent) if node.parent and node.parent.family != "root" else None
    span = _trim(text, node.start, node.end)
    own_paras = [p for p in _paragraphs_in(paras, node.start, node.end) if not is_closing(text, p)]
    if node.inline or len(own_paras) <= 1:
        if node.family == "root" or not own_paras:
            return out
        if node.parent is not None and node.parent.family == "root" and len(own_paras) <= 1:
            # a section that is one heading line and nothing else asks for nothing
            if first_sentence_end(text, node.body_start, span.end) >= span.end:
                return out
        span = _trim(text, node.start, own_paras[-1].end) if own_paras else span
        out.append(
            RequirementDraft(
                node.path, node.label, heading_of(text, node), span, parent_own, _measures(text, span)
            )
        )
        return out
    # Paragraphs as items: every paragraph is an item; a heading alone is not.
    own = Span(node.start, first_sentence_end(text, node.body_start, node.end))
    for i, para in enumerate(own_paras, start=1):
        start = node.body_start if para.start == node.start else para.start
        if para.start == node.start:
            head_end = first_sentence_end(text, node.body_start, para.end)
            if head_end >= para.end:
                continue  # a heading standing alone on its line
            start = node.start
        pspan = Span(start, para.end)
        body_start = node.body_start if para.start == node.start else para.start
        heading = text[body_start : first_sentence_end(text, body_start, para.end)].strip()
        if not _DIRECTIVE.search(text[pspan.start : pspan.end]):
            continue  # asks for nothing
        out.append(
            RequirementDraft(
                f"{node.path}.{i}",
                node.label,
                heading,
                pspan,
                own,
                _measures(text, pspan),
            )
        )
    return out

"""One speech, end to end: bytes → Extraction. Pure: no Prefect, no SQLite."""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePath

from extractors.actors import assign_actors
from extractors.deadlines import find_deadline
from extractors.decode import read_speech
from extractors.directives import one_speech
from extractors.outline import HEADING, Outline, heading_of, parse_outline
from extractors.requirements import drafts_for
from extractors.sections import classify_section
from extractors.text import Span
from schemas import Extraction, Requirement, Section, SectionKind, Speech


def requirement_id(source: str, path: str, text: str) -> str:
    """Stable: the same requirement text at the same path of the same speech file → the same id.

    Keyed on the file's name, not its hash, so an edited file keeps the ids of the
    requirements it did not change; the name keeps two speeches' ids apart.
    """
    digest = hashlib.sha256(f"{PurePath(source).name}\x1f{path}\x1f{text}".encode()).hexdigest()
    return digest[:16]


def _sections(outline: Outline) -> list[tuple[Section, object]]:
    text = outline.text
    out = []
    for node in outline.root.children:
        para = outline.para_at(node.start)
        heading = heading_of(text, node, para.end if para else None)
        end = node.end
        while end > node.start and text[end - 1].isspace():
            end -= 1
        if outline.closing_heading and node is outline.root.children[-1]:
            kind = SectionKind.closing
        else:
            kind = classify_section(outline, node, heading)
        section = Section(
            path=str(node.index),
            marker=node.marker,
            heading=heading,
            kind=kind,
            char_start=node.start,
            char_end=end,
        )
        out.append((section, node))
    return out


def extract_text(text: str, speech: Speech) -> Extraction:
    with one_speech():
        return _extract(text, speech)


def _extract(text: str, speech: Speech) -> Extraction:
    outline = parse_outline(text)
    sections: list[Section] = []
    requirements: list[Requirement] = []
    for section, node in _sections(outline):
        sections.append(section)
        if section.kind is not SectionKind.tasks:
            continue
        for d in drafts_for(outline, node):
            body = text[d.span.start : d.span.end]
            deadline, deadline_date = find_deadline(text, d.span, d.parent_own, speech.year)
            requirements.append(
                Requirement(
                    id=requirement_id(speech.source, d.path, body),
                    path=d.path,
                    label=d.label,
                    heading=d.heading,
                    text=body,
                    char_start=d.span.start,
                    char_end=d.span.end,
                    actors=assign_actors(text, Span(d.span.start, d.span.end), d.parent_own),
                    deadline=deadline,
                    deadline_date=deadline_date,
                    measures=list(d.measures),
                )
            )
    return Extraction(speech=speech, sections=sections, requirements=requirements)


def extract_file(path: Path, source: str | None = None) -> Extraction:
    speech, text = read_speech(path, source)
    return extract_text(text, speech)


__all__ = ["HEADING", "extract_file", "extract_text", "requirement_id"]

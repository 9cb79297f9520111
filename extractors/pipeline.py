"""One speech, end to end: bytes → Extraction. Pure: no Prefect, no SQLite."""

from __future__ import annotations

import hashlib
from pathlib import Path

from extractors.actors import assign_actors
from extractors.deadlines import find_deadline
from extractors.decode import read_speech
from extractors.outline import heading_of, parse_outline
from extractors.requirements import drafts_for, is_closing
from extractors.sections import classify_section
from extractors.text import Span
from schemas import Extraction, Requirement, Section, SectionKind, Speech


def requirement_id(speech_sha: str, path: str, text: str) -> str:
    """Stable: the same requirement text at the same path of the same speech → the same id."""
    digest = hashlib.sha256(f"{path}\x1f{text}".encode()).hexdigest()
    return digest[:16]


def extract_text(text: str, speech: Speech) -> Extraction:
    root, paras = parse_outline(text)
    # Closing paragraphs after the last section are not part of it.
    if root.children:
        last = root.children[-1]
        tail = [p for p in paras if p.start > last.start]
        for p in tail:
            if is_closing(text, p):
                last.end = p.start
                for node in last.walk():
                    node.end = min(node.end, p.start)
                break
    sections: list[Section] = []
    requirements: list[Requirement] = []
    for node in root.children:
        heading = heading_of(text, node)
        kind = classify_section(heading, text[node.body_start : node.end])
        end = node.end
        while end > node.start and text[end - 1].isspace():
            end -= 1
        sections.append(
            Section(
                path=node.path,
                marker=node.marker,
                heading=heading,
                kind=kind,
                char_start=node.start,
                char_end=end,
            )
        )
        if kind is not SectionKind.tasks:
            continue
        for d in drafts_for(text, node, paras):
            body = text[d.span.start : d.span.end]
            deadline, deadline_date = find_deadline(text, d.span, d.parent_own, speech.year)
            requirements.append(
                Requirement(
                    id=requirement_id(speech.sha256, d.path, body),
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

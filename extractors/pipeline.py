"""One speech, end to end: bytes → Extraction. Pure: no Prefect, no SQLite."""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path, PurePath

from extractors.actors import assign_actors
from extractors.deadlines import find_deadline
from extractors.decode import read_speech
from extractors.directives import one_speech
from extractors.outline import HEADING, Outline, heading_of, parse_outline
from extractors.requirements import drafts_for
from extractors.sections import classify_section
from extractors.text import BREAK, Span, Visible
from schemas import ActorAssignment, Extraction, Requirement, Section, SectionKind, Speech


def requirement_id(source: str, path: str, text: str) -> str:
    """Stable: the same requirement text at the same path of the same speech file → the same id.

    Keyed on the file's name, not its hash, so an edited file keeps the ids of the
    requirements it did not change. The name alone does not keep two sources apart
    (`a/讲话.txt`, `b/讲话.txt`): the store gives a requirement whose id another source
    already holds an id of its own corpus and path (store/write.py), so stored ids never collide.
    """
    digest = hashlib.sha256(f"{PurePath(source).name}\x1f{path}\x1f{text}".encode()).hexdigest()
    return digest[:16]


def _sections(outline: Outline) -> list[tuple[Section, object]]:
    text = outline.text
    out = []
    speech = [n for n in outline.root.children if n is not outline.end_matter]
    for node in outline.root.children:
        para = outline.para_at(node.start)
        if node is outline.end_matter:
            line_end = text.find("\n", node.start)
            para = Span(node.start, node.end if line_end < 0 else min(line_end, node.end))
        heading = heading_of(text, node, para.end if para else None)
        end = node.end
        while end > node.start and text[end - 1].isspace():
            end -= 1
        if node is outline.end_matter:
            kind = SectionKind.other
        elif outline.closing_heading and node is speech[-1]:
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


@dataclass(frozen=True)
class _Unwrapped:
    """The speech with the hard wraps inside its paragraphs taken out, and the way back.

    Actors and deadlines are read sentence by sentence and mention by mention; a wrap
    (a line break plus the next line's indentation, inside one paragraph: the outline
    tells it from a paragraph break) ends no sentence, and `各级⏎党委` is one mention.
    Both are read on this copy; an actor's `char_start` is mapped back to the speech
    as written (its `mention` is the name as read, without the wrap). Typed text has
    no wraps: the copy is the text itself.
    """

    text: str
    wraps: tuple[tuple[int, int], ...]  # (source start, length) of each wrap taken out
    cuts: tuple[int, ...]  # where each wrap was, in the copy
    removed: tuple[int, ...]  # characters taken out up to and including each wrap

    @classmethod
    def of(cls, outline: Outline) -> _Unwrapped:
        text = outline.text
        wraps = [
            (m.start(), m.end() - m.start())
            for m in BREAK.finditer(text)
            if outline.is_wrap(m.start())  # a paragraph break stays
        ]
        if not wraps:
            return cls(text, (), (), ())
        pieces, cuts, removed = [], [], []
        pos = gone = 0
        for start, length in wraps:
            pieces.append(text[pos:start])
            cuts.append(start - gone)
            gone += length
            removed.append(gone)
            pos = start + length
        pieces.append(text[pos:])
        return cls("".join(pieces), tuple(wraps), tuple(cuts), tuple(removed))

    def to_flat(self, offset: int) -> int:
        """Where a source offset lands in the copy (inside a wrap: where it was cut)."""
        i = bisect_right(self.wraps, offset, key=lambda w: w[0]) - 1
        if i < 0:
            return offset
        start, length = self.wraps[i]
        if offset < start + length:
            return self.cuts[i]
        return offset - self.removed[i]

    def to_source(self, offset: int) -> int:
        """The source offset of the copy's character at `offset`."""
        i = bisect_right(self.cuts, offset) - 1
        return offset + (self.removed[i] if i >= 0 else 0)

    def span(self, span: Span) -> Span:
        return Span(self.to_flat(span.start), self.to_flat(span.end)) if self.cuts else span

    def own(self, span: Span | None) -> Span | None:
        return None if span is None else self.span(span)

    def actors(self, span: Span, parent_own: Span | None) -> list[ActorAssignment]:
        found = assign_actors(self.text, self.span(Span(span.start, span.end)), self.own(parent_own))
        if not self.cuts:
            return found
        return [
            a if a.char_start is None else a.model_copy(update={"char_start": self.to_source(a.char_start)})
            for a in found
        ]


def extract_text(text: str, speech: Speech) -> Extraction:
    with one_speech():
        return _extract(text, speech)


def _extract(source: str, speech: Speech) -> Extraction:
    """Every stage reads the speech with its invisible characters taken out (`Visible`);
    offsets go back to the text as written, so `text == source[char_start:char_end]`."""
    seen = Visible.of(source)
    text = seen.text
    outline = parse_outline(text)
    flat = _Unwrapped.of(outline)
    sections: list[Section] = []
    requirements: list[Requirement] = []
    for section, node in _sections(outline):
        sections.append(
            section.model_copy(
                update={
                    "char_start": seen.source(section.char_start),
                    "char_end": seen.source_end(section.char_end),
                }
            )
        )
        if section.kind is not SectionKind.tasks:
            continue
        for d in drafts_for(outline, node):
            start, end = seen.source(d.span.start), seen.source_end(d.span.end)
            body = source[start:end]
            deadline, deadline_date, deadline_basis = find_deadline(
                flat.text, flat.span(d.span), flat.own(d.parent_own), speech.year
            )
            actors = [
                a if a.char_start is None else a.model_copy(update={"char_start": seen.source(a.char_start)})
                for a in flat.actors(d.span, d.parent_own)
            ]
            requirements.append(
                Requirement(
                    id=requirement_id(speech.source, d.path, body),
                    path=d.path,
                    label=d.label,
                    heading=d.heading,
                    text=body,
                    char_start=start,
                    char_end=end,
                    actors=actors,
                    deadline=deadline,
                    deadline_date=deadline_date,
                    deadline_basis=deadline_basis,
                    measures=list(d.measures),
                )
            )
    return Extraction(speech=speech, sections=sections, requirements=requirements)


def extract_file(path: Path, source: str | None = None) -> Extraction:
    speech, text = read_speech(path, source)
    return extract_text(text, speech)


__all__ = ["HEADING", "extract_file", "extract_text", "requirement_id"]

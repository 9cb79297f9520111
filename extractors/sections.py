"""Section kinds (ANNOTATION.md §1) from cue words kept in data/sections.toml."""

from __future__ import annotations

from extractors.cuedata import section_cues
from extractors.outline import Node, Outline
from schemas import SectionKind


def classify_section(outline: Outline, node: Node, heading: str) -> SectionKind:
    """The kind of a section: heading cues first, then what most of its body does."""
    cues = section_cues()
    for kind in cues["order"]:
        if any(word in heading for word in cues["kinds"][kind]["heading"]):
            return SectionKind(kind)
    body = outline.text[node.body_start : node.end]
    scores = {kind: sum(body.count(w) for w in spec.get("body", [])) for kind, spec in cues["kinds"].items()}
    best = max(scores, key=lambda k: scores[k])
    return SectionKind(best) if scores[best] else SectionKind.other

"""Section kinds (ANNOTATION.md §1) from cue words kept in data/sections.toml."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from schemas import SectionKind


@lru_cache(maxsize=1)
def load_section_cues() -> dict:
    return tomllib.loads(resources.files("extractors.data").joinpath("sections.toml").read_text("utf-8"))


def classify_section(heading: str, body: str) -> SectionKind:
    """The kind of a section: heading cues first, then what most of its body does."""
    cues = load_section_cues()
    for kind in cues["order"]:
        if any(word in heading for word in cues["kinds"][kind]["heading"]):
            return SectionKind(kind)
    scores = {kind: sum(body.count(w) for w in spec.get("body", [])) for kind, spec in cues["kinds"].items()}
    best = max(scores, key=lambda k: scores[k])
    return SectionKind(best) if scores[best] else SectionKind.other

"""Section kinds (ANNOTATION.md §1): heading cue words first, then the body's own signals.

Cue words and thresholds are data (data/sections.toml). The body signals are cue-word
densities (looking back, problems, world situation, principles) and the share of
sentences that ask for something (extractors.directives), measured per paragraph so
the segmentation is shared with the requirement stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractors.cuedata import section_cues
from extractors.directives import sentence_flags
from extractors.outline import Node, Outline, heading_of
from schemas import SectionKind

_TARGETS_TASKS = {SectionKind.targets, SectionKind.tasks}


@dataclass(frozen=True)
class Signals:
    """What a section's body does, measured."""

    density: dict[str, float]  # cue words per 1000 characters, by kind
    directive: float  # share of sentences that ask for something
    coverage: float  # share of the section's text inside enumerated parts


def heading_kinds(heading: str) -> set[SectionKind]:
    kinds = section_cues()["kinds"]
    return {SectionKind(k) for k, spec in kinds.items() if any(w in heading for w in spec.get("heading", []))}


def signals(outline: Outline, node: Node) -> Signals:
    body = outline.unwrapped(node.body_start, node.end)
    size = max(len(body), 1)
    density = {
        kind: sum(body.count(w) for w in spec.get("body", [])) * 1000 / size
        for kind, spec in section_cues()["kinds"].items()
    }
    asked = total = 0
    for p in outline.paras_in(node.start, node.end):
        flags = sentence_flags(outline.unwrapped(p.start, p.end))
        total += len(flags)
        asked += sum(flags)
    coverage = (node.end - node.children[0].start) / size if node.children else 0.0
    return Signals(density, asked / max(total, 1), coverage)


def lists_principles(outline: Outline, node: Node) -> bool:
    """Most enumerated parts right under the section state principles (`必须坚持…`)."""
    spec = section_cues()["kinds"]["targets"]
    words, nots = tuple(spec.get("principles", [])), tuple(spec.get("not_principles", []))
    parts = [heading_of(outline.text, c) for c in node.children]
    if len(parts) < 3 or not words:
        return False
    hits = sum(1 for h in parts if h.startswith(words) and not h.startswith(nots))
    return hits >= section_cues()["thresholds"]["principles_share"] * len(parts)


def _only_weak_tasks_words(heading: str) -> bool:
    spec = section_cues()["kinds"]["tasks"]
    weak = spec.get("weak_heading", [])
    strong = [w for w in spec.get("heading", []) if w not in weak]
    return not any(w in heading for w in strong)


def classify_section(outline: Outline, node: Node, heading: str) -> SectionKind:
    """The kind of a section: heading cues first, then what most of its body does.

    A list of principles is `targets` unless the heading names another kind, or tasks
    by a word stronger than a work verb (`主要任务`, `重点工作`).
    """
    th = section_cues()["thresholds"]
    named = heading_kinds(heading)
    if SectionKind.closing in named:
        return SectionKind.closing
    weak = not named or (named == {SectionKind.tasks} and _only_weak_tasks_words(heading))
    if weak and lists_principles(outline, node):
        return SectionKind.targets
    if len(named) == 1:
        return next(iter(named))
    sig = signals(outline, node)
    if named == _TARGETS_TASKS:
        return SectionKind.tasks if sig.coverage >= th["plan_tasks_coverage"] else SectionKind.targets
    return body_kind(sig)


def body_kind(sig: Signals) -> SectionKind:
    th = section_cues()["thresholds"]
    d = sig.density
    if d["situation"] >= th["situation_density"]:
        return SectionKind.situation
    if sig.directive < th["review_max_directive"]:
        if d["review"] >= th["review_density"] and d["review"] >= d["problems"]:
            return SectionKind.review
        if d["problems"] >= th["problems_density"]:
            return SectionKind.problems
    if sig.directive >= th["tasks_min_directive"]:
        return SectionKind.tasks
    if d["targets"] >= th["targets_density"]:
        return SectionKind.targets
    return SectionKind.other

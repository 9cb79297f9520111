"""Section kinds (ANNOTATION.md §1): heading cue words first, then the body's own signals.

Cue words and thresholds are data (data/sections.toml). The body signals are cue-word
densities (looking back, problems, world situation, principles) and the share of
sentences that ask for something (extractors.directives), measured per paragraph so
the segmentation is shared with the requirement stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.cuedata import section_cues
from extractors.directives import sentence_flags
from extractors.markers import line_marker
from extractors.outline import Node, Outline, heading_of
from extractors.text import first_sentence_end, sentences
from extractors.tokens import tagged_tokens
from schemas import SectionKind

_TARGETS_TASKS = {SectionKind.targets, SectionKind.tasks}


@dataclass(frozen=True)
class Signals:
    """What a section's body does, measured."""

    density: dict[str, float]  # cue words per 1000 characters, by kind
    directive: float  # share of sentences that ask for something
    coverage: float  # share of the section's text inside enumerated parts
    work: float = 0.0  # share of characters in sentences that ask for something
    goals: float = 0.0  # share of characters in clauses that state goals, indicators, outcomes
    demands: float = 0.0  # share of sentences that demand with a modal (`要`, `必须`), not `将`
    results: float = 0.0  # looking-back words but `了`, per 1000 characters
    why: float = 0.0  # words of why the work matters at home (risks, stakes), per 1000 characters


@lru_cache(maxsize=1)
def _goal_clause() -> re.Pattern[str]:
    return re.compile("|".join(section_cues()["kinds"]["targets"].get("goal_patterns", [])) or "(?!)")


_CLAUSE = re.compile(r"[^，；,;]+")


def heading_kinds(heading: str) -> set[SectionKind]:
    """The kinds whose heading words the heading holds; a kind's `not_heading` phrases are taken
    out first (`形势任务`: 任务 there names the situation's demands, no tasks part)."""
    kinds = section_cues()["kinds"]
    named = set()
    for k, spec in kinds.items():
        h = heading
        for phrase in spec.get("not_heading", []):
            h = h.replace(phrase, "")
        if any(w in h for w in spec.get("heading", [])):
            named.add(SectionKind(k))
    return named


def signals(outline: Outline, node: Node, with_modal: bool = False) -> Signals:
    body = outline.unwrapped(node.body_start, node.end)
    size = max(len(body), 1)
    density = {
        kind: sum(body.count(w) for w in spec.get("body", [])) * 1000 / size
        for kind, spec in section_cues()["kinds"].items()
    }
    kinds = section_cues()["kinds"]
    review = kinds["review"]
    results = sum(body.count(w) for w in review.get("body", []) if w != "了") * 1000 / size
    why = sum(body.count(w) for w in kinds["situation"].get("why_body", [])) * 1000 / size
    asked = total = chars = work = goals = demands = 0
    goal = _goal_clause()
    modals = set(section_cues()["kinds"]["tasks"].get("heading_modals", []))
    for p in outline.paras_in(node.start, node.end):
        m = line_marker(outline.text, p)  # `第一，抓好…`: the marker is no part of the sentence
        start = m.end if m else p.start
        if p.start <= node.start < p.end and first_sentence_end(outline.text, start, p.end) >= p.end:
            continue  # the section's heading standing alone: its words are read as cues
        chunk = outline.unwrapped(start, p.end)
        flags = sentence_flags(chunk)
        total += len(flags)
        asked += sum(flags)
        for span, asks in zip(sentences(chunk, 0, len(chunk)), flags, strict=True):
            sentence = chunk[span.start : span.end]
            chars += len(sentence)
            work += len(sentence) if asks else 0
            goals += sum(len(c) for c in _CLAUSE.findall(sentence) if goal.search(c))
            if asks and with_modal and any(w in modals for w, _tag in tagged_tokens(sentence)):
                demands += 1
    coverage = (node.end - node.children[0].start) / size if node.children else 0.0
    chars = max(chars, 1)
    return Signals(
        density,
        asked / max(total, 1),
        coverage,
        work / chars,
        goals / chars,
        demands / max(total, 1),
        results,
        why,
    )


def lists_principles(outline: Outline, node: Node) -> bool:
    """Most enumerated parts right under the section state principles (`必须坚持…`)."""
    spec = section_cues()["kinds"]["targets"]
    words, nots = tuple(spec.get("principles", [])), tuple(spec.get("not_principles", []))
    parts = [heading_of(outline.text, c) for c in node.children]
    if len(parts) < 3 or not words:
        return False
    hits = sum(1 for h in parts if h.startswith(words) and not h.startswith(nots))
    return hits >= section_cues()["thresholds"]["principles_share"] * len(parts)


def lists_goals(outline: Outline, node: Node) -> bool:
    """Do most enumerated parts under the section name goals or outcomes in their headings?"""
    parts = [heading_of(outline.text, c) for c in node.walk() if c is not node]
    goal = _goal_clause()
    hits = sum(1 for h in parts if goal.search(h))
    return bool(parts) and hits >= section_cues()["thresholds"]["goals_share"] * len(parts)


def heading_demands(heading: str) -> bool:
    """Does the heading's own sentence demand something with a modal (`…，必须坚持…`)?"""
    modals = set(section_cues()["kinds"]["tasks"].get("heading_modals", []))
    return any(word in modals for word, _tag in tagged_tokens(heading))


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
    if heading_demands(heading):
        if SectionKind.situation in named and not node.children:
            # `形势逼人，必须增强抓发展的紧迫感`: the demand is an awareness of the situation;
            # a body of statements explains it (§1: what most of the text does).
            sig = signals(outline, node)
            if sig.directive < th["tasks_min_directive"]:
                return SectionKind.situation
        # `第三，…必须以正视问题的勇气…推进自我革命`: the heading is itself a demand, and
        # its cue words (`问题`) name what the demand is about, not the section's kind.
        return SectionKind.targets if lists_principles(outline, node) else SectionKind.tasks
    weak = not named or (named == {SectionKind.tasks} and _only_weak_tasks_words(heading))
    if weak and lists_principles(outline, node):
        return SectionKind.targets
    if _stance(heading):
        # Foreign policy, Hong Kong/Macao/Taiwan: mostly stance (`我们将…`, `坚持一个中国
        # 原则，是…基础`) is `situation`; demands to our own side make it `tasks`.
        sig = signals(outline, node, with_modal=True)
        return SectionKind.tasks if sig.demands >= th["stance_min_demands"] else SectionKind.situation
    if named == {SectionKind.targets}:
        # `目标要求` over a part that is mostly enumerated demands lays out work.
        sig = signals(outline, node)
        mostly_work = sig.work >= th["targets_work_share"] and sig.goals < th["plan_goal_share"]
        enumerated = sig.coverage >= th["plan_tasks_coverage"]
        return SectionKind.tasks if mostly_work and enumerated else SectionKind.targets
    if named == {SectionKind.situation, SectionKind.tasks} and _only_weak_tasks_words(heading):
        # `提高政治站位，充分认识抓好基层党建的重要性`: 抓好 names what the stance is about;
        # the section explains why it matters unless most of its sentences ask (§1).
        sig = signals(outline, node)
        return SectionKind.tasks if sig.directive >= th["tasks_min_directive"] else SectionKind.situation
    if named == {SectionKind.problems}:
        # `聚焦短板，全力打造…`: a problems word as the object of work. What most of the
        # text does decides (§1): a body mostly of demands, few problem words, is tasks.
        sig = signals(outline, node)
        if sig.work >= th["problems_work_share"] and sig.density["problems"] < th["problems_density"]:
            return SectionKind.tasks
        return SectionKind.problems
    if len(named) == 1:
        return next(iter(named))
    sig = signals(outline, node)
    if named == _TARGETS_TASKS:
        # A plan (`主要目标任务`) whose lists name goals (`…实现新突破`, `…取得决定性进展`)
        # sets targets; one whose lists name work is tasks when they carry its text.
        if lists_goals(outline, node):
            return SectionKind.targets
        return SectionKind.tasks if sig.coverage >= th["plan_tasks_coverage"] else SectionKind.targets
    return body_kind(sig)


def _stance(heading: str) -> bool:
    return any(w in heading for w in section_cues()["kinds"]["situation"].get("stance_heading", []))


def body_kind(sig: Signals) -> SectionKind:
    th = section_cues()["thresholds"]
    d = sig.density
    if d["situation"] >= th["situation_density"]:
        return SectionKind.situation
    statements = sig.directive < th["review_max_directive"]
    if statements:
        why = sig.why >= th["why_density"] and sig.why > sig.results
        if why and d["problems"] < th["problems_density"]:
            # `森林防火这根弦，任何时候都不能松`: risks, stakes and lessons, not results nor
            # shortcomings (§1)
            return SectionKind.situation
        if d["review"] >= th["review_density"] and d["review"] >= d["problems"]:
            return SectionKind.review
        if d["problems"] >= th["problems_density"]:
            return SectionKind.problems
    if sig.directive >= th["tasks_min_directive"]:
        return SectionKind.tasks
    if d["targets"] >= th["targets_density"]:
        return SectionKind.targets
    return SectionKind.other

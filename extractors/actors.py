"""Responsible actors of a requirement (ANNOTATION.md §3): explicit, inherited, default.

First version: character-level longest match of the lexicon, and a mention counts
when a directive word follows it in the same clause.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from extractors.text import Span
from schemas import ActorAssignment, ActorCategory, Basis

TRIGGERS = ("一定要", "必须", "务必", "应当", "负责", "牵头", "当好", "带头", "要", "须")
_STEER = re.compile(r"(支持|鼓励|引导|推动|督促|帮助|责成|对|加强|发挥)$")
_CLAUSE_END = "。；！？\n"


@dataclass(frozen=True)
class Mention:
    category: ActorCategory
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def load_lexicon() -> dict[str, ActorCategory]:
    data = tomllib.loads(resources.files("extractors.data").joinpath("actors.toml").read_text("utf-8"))
    return {
        alias: ActorCategory(code) for code, spec in data["categories"].items() for alias in spec["aliases"]
    }


def find_mentions(text: str, span: Span) -> list[Mention]:
    lexicon = load_lexicon()
    by_len = sorted(lexicon, key=len, reverse=True)
    out: list[Mention] = []
    i = span.start
    while i < span.end:
        hit = next((a for a in by_len if text.startswith(a, i) and i + len(a) <= span.end), None)
        if hit:
            out.append(Mention(lexicon[hit], hit, i, i + len(hit)))
            i += len(hit)
        else:
            i += 1
    return out


def _is_subject(text: str, m: Mention, span: Span) -> bool:
    before = text[max(span.start, m.start - 4) : m.start]
    if _STEER.search(before):
        return False
    j = m.end
    while j < span.end and text[j] not in _CLAUSE_END and j - m.end <= 12:
        if text.startswith(TRIGGERS, j):
            return not text.startswith("将", m.end)
        if text[j] in "，," and j > m.end:
            break
        j += 1
    return False


def explicit_subjects(text: str, span: Span) -> list[ActorAssignment]:
    seen: dict[ActorCategory, ActorAssignment] = {}
    for m in find_mentions(text, span):
        if m.category not in seen and _is_subject(text, m, span):
            seen[m.category] = ActorAssignment(
                category=m.category, mention=m.text, basis=Basis.explicit, char_start=m.start
            )
    return list(seen.values())


def assign_actors(text: str, span: Span, parent_own: Span | None) -> list[ActorAssignment]:
    """Explicit subjects of the span; else the parent's own text's (one level); else all_units."""
    found = explicit_subjects(text, span)
    if found:
        return found
    if parent_own is not None:
        inherited = [
            a.model_copy(update={"basis": Basis.inherited}) for a in explicit_subjects(text, parent_own)
        ]
        if inherited:
            return inherited
    return [ActorAssignment(category=ActorCategory.all_units, mention=None, basis=Basis.default)]

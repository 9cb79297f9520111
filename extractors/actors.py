"""Responsible actors of a requirement (ANNOTATION.md §3): explicit, inherited, default.

A mention (extractors/nlp.py) is an explicit subject when it stands before a directive
word (要, 必须, 负责 …) in its clause, alone or coordinated, or when a comma-joined
earlier clause of the same sentence made it the topic (`我们党是…，必须…`). Which
mentions of a clause can be subjects at all is decided clause by clause
(extractors/clauses.py); this module walks the sentences of a span and carries
subjects across their clauses.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from extractors.clauses import CLAUSE_END, SENTENCE_END, Clause, coordinated, cues
from extractors.lexicon import Lexicon, load_lexicon
from extractors.nlp import Mention, get_nlp
from extractors.text import Span
from schemas import ActorAssignment, ActorCategory, Basis

_SPEAKERS_OWN = {"政府", "人民政府"}  # all_units, unless 各级 distributes over them
_DISTRIBUTIVE = ("各级", "地方各级")


def _local(m: Mention, lexicon: Lexicon) -> bool:
    """Does the mention name a local unit's body (乡镇党委, 各镇党委: a lower-government prefix)?"""
    return any(
        lexicon.aliases.get(m.text[:k]) is ActorCategory.lower_government for k in range(2, len(m.text))
    )


def _relabel(
    text: str, group: list[Mention], qualifiers: list[Mention], lexicon: Lexicon
) -> list[tuple[Mention, ActorCategory]]:
    """各级党委和政府, 乡镇党委和政府, 各镇党委政府: 各级 (or a local unit naming or
    qualifying the group) distributes over a bare 政府, which is then lower government."""
    out: list[tuple[Mention, ActorCategory]] = []
    distributive = False
    prev: Mention | None = None
    for m in group:
        joined = prev is not None and coordinated(text, prev, m)
        if not joined:
            distributive = any(
                q.end == m.start and q.category is ActorCategory.lower_government for q in qualifiers
            )
        if m.text.startswith(_DISTRIBUTIVE) or _local(m, lexicon):
            distributive = True
        category = m.category
        if distributive and m.text in _SPEAKERS_OWN:
            category = ActorCategory.lower_government
        out.append((m, category))
        prev = m
    return out


_BREAK = re.compile("[" + re.escape(CLAUSE_END + SENTENCE_END) + "]")


def _clauses(text: str, start: int, end: int) -> list[list[tuple[int, int]]]:
    """Sentences of text[start:end], each a list of clause spans."""
    sentences: list[list[tuple[int, int]]] = []
    clauses: list[tuple[int, int]] = []
    cs = start
    for brk in _BREAK.finditer(text, start, end):
        if brk.start() > cs:
            clauses.append((cs, brk.start()))
        cs = brk.end()
        if brk.group() in SENTENCE_END and clauses:
            sentences.append(clauses)
            clauses = []
    if end > cs:
        clauses.append((cs, end))
    if clauses:
        sentences.append(clauses)
    return sentences


def _whole_sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole sentence around text[start:end], its end mark included (a span may
    start or end inside a sentence)."""
    while start > 0 and text[start - 1] not in SENTENCE_END:
        start -= 1
    while end < len(text) and text[end] not in SENTENCE_END:
        end += 1
    return start, min(end + 1, len(text))


@lru_cache(maxsize=1024)
def _subjects(text: str, start: int, end: int, lexicon: Lexicon) -> tuple[tuple[Mention, ActorCategory], ...]:
    """Explicit subjects in text[start:end], in order of their mentions."""
    nlp = get_nlp(lexicon)
    cue = cues(lexicon)
    found: list[tuple[Mention, ActorCategory]] = []
    for sentence in _clauses(text, start, end):
        labelled = _labelled(text, sentence, lexicon)
        if labelled is not None:
            found.extend(labelled)
            continue
        # Only clauses up to the last one with a directive cue can give a subject.
        cued = [
            i
            for i, (cs, ce) in enumerate(sentence)
            if cue.triggers.search(text, cs, ce) or cue.duty.search(text, cs, ce)
        ]
        if not cued:
            continue
        last = cued[-1]
        all_mentions = nlp.find_mentions(text, *_whole_sentence(text, sentence[0][0], sentence[-1][1]))
        starts = [m.start for m in all_mentions]
        carry: list[tuple[Mention, ActorCategory]] = []
        for cs, ce in sentence[: last + 1]:
            i = bisect_left(starts, cs)
            inside = []
            while i < len(all_mentions) and all_mentions[i].start < ce:
                if all_mentions[i].end <= ce:
                    inside.append(all_mentions[i])
                i += 1
            clause = Clause(text, cs, ce, inside, lexicon)
            blocked = [m for m in clause.mentions if clause.blocked(m, clause.mentions)]
            free = _relabel(text, [m for m in clause.mentions if m not in blocked], blocked, lexicon)
            if clause.resets_carry:
                carry = []
            own = [(m, c) for m, c in free if clause.is_duty(m) or any(t >= m.end for t in clause.triggers)]
            if own:
                found.extend(own)
                carry = own
            elif clause.triggers and not clause.own_predicate():
                found.extend(carry)
            elif free:
                carry = free
    return tuple(found)


def _labelled(
    text: str, sentence: list[tuple[int, int]], lexicon: Lexicon
) -> list[tuple[Mention, ActorCategory]] | None:
    """`牵头单位：县发改委；责任单位：县住建局，各乡镇（街道）`: a sentence that opens with an
    assignment label and a colon (in brackets after an item's text too: `（牵头单位：…）`)
    assigns every unit it names after the label (None when the sentence is not such a line)."""
    cs, ce = sentence[0]
    label = text[cs:ce].strip().lstrip("（(【[")  # `（牵头单位：…）` after the item's text
    if len(sentence) < 2 or label not in lexicon.subject.assignment_labels:
        return None
    if text[ce : ce + 1] not in ("：", ":"):
        return None
    nlp = get_nlp(lexicon)
    out: list[tuple[Mention, ActorCategory]] = []
    for s, e in sentence[1:]:
        inside = [m for m in nlp.find_mentions(text, s, e) if m.end <= e]
        if not inside:
            continue
        clause = Clause(text, s, e, inside, lexicon)
        out.extend((m, m.category) for m in clause.mentions if not text.startswith("的", m.end))
    return out


def explicit_subjects(text: str, span: Span, lexicon: Lexicon | None = None) -> list[ActorAssignment]:
    """One assignment per category whose mention is a subject of a directive in the span."""
    lexicon = lexicon or load_lexicon()
    seen: dict[ActorCategory, ActorAssignment] = {}
    for m, category in _subjects(text, span.start, span.end, lexicon):
        if category not in seen:
            seen[category] = ActorAssignment(
                category=category, mention=m.text, basis=Basis.explicit, char_start=m.start
            )
    return list(seen.values())


def assign_actors(
    text: str, span: Span, parent_own: Span | None, *, lexicon: Lexicon | None = None
) -> list[ActorAssignment]:
    """Explicit subjects of the span; else the parent's own text's (one level); else all_units."""
    found = explicit_subjects(text, span, lexicon)
    if found:
        return found
    if parent_own is not None:
        inherited = [
            a.model_copy(update={"basis": Basis.inherited})
            for a in explicit_subjects(text, parent_own, lexicon)
        ]
        if inherited:
            return inherited
    return [ActorAssignment(category=ActorCategory.all_units, mention=None, basis=Basis.default)]

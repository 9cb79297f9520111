"""Does a sentence ask for something? Modal + verb, or a clause opened by a work verb.

Used to drop paragraph items that ask for nothing (ANNOTATION.md §2) and to list a
requirement's measures. Words are data (data/directives.toml); jieba gives the tokens
and their part of speech. Each distinct piece of text is segmented once (cached).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

from extractors.text import SENTENCE_END, Span, sentences

_CLAUSE = "，,：:、"


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    data = tomllib.loads(resources.files("extractors.data").joinpath("directives.toml").read_text("utf-8"))
    return {k: frozenset(v) for k, v in data.items() if isinstance(v, list)}


@lru_cache(maxsize=1)
def _jieba():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return jieba, jieba.posseg.dt.word_tag_tab


def _tokens(chunk: str) -> list[tuple[str, str]]:
    jieba, tags = _jieba()
    return [(w, tags.get(w, "x")) for w in jieba.cut(chunk) if not w.isspace()]


def _is_verb(word: str, tag: str) -> bool:
    return tag.startswith("v") and word not in _words()["not_work"]


def _skip_adverbs(toks: list[tuple[str, str]], i: int) -> int:
    adverbs = _words()["adverbs"]
    n = 0
    while i < len(toks) and n < 3 and (toks[i][0] in adverbs or toks[i][1] in ("d", "ad")):
        i, n = i + 1, n + 1
    return i


def sentence_asks(sentence: str) -> bool:
    """True when the sentence is a directive, an appeal, a commitment to work or names work."""
    w = _words()
    toks = _tokens(sentence)
    words = [t[0] for t in toks]
    for i, (word, _tag) in enumerate(toks):
        if word in w["appeals"] and i + 1 < len(toks):
            return True
        if (word in w["modals"] or _commitment(words, i)) and _verb_follows(toks, i + 1):
            return True
        if word in w["agenda"]:
            j = i + 1 + (i + 1 < len(words) and words[i + 1] in _CLAUSE)
            if j + 1 < len(toks) and words[j] == "是" and _verbish(*toks[_skip_adverbs(toks, j + 1)]):
                return True
    if any(t in w["past"] or t in w["outcome"] for t in words):
        return False
    clauses = _clauses(toks)
    for k, clause in enumerate(clauses[:2]):
        j = _skip_adverbs(clause, 0)
        if j >= len(clause):
            continue
        word, tag = clause[j]
        if any(c[0][0] in w["topic_predicates"] for c in clauses[k + 1 :]):
            break  # the clause is the subject of `…，是/符合…`: a statement
        if _verbish(word, tag):
            return True
        if tag == "p" and any(_verbish(*t) for t in clause[j + 2 :]):
            return True
        if tag not in ("p", "t") and word not in w["adverbs"]:
            break  # a subject opens the sentence: only modals make it a directive
    return False


def _verb_follows(toks: list[tuple[str, str]], i: int) -> bool:
    """A verb (or a preposition opening its object) within a few words after a modal."""
    for word, tag in toks[i : i + 4]:
        if word in _CLAUSE or word in SENTENCE_END:
            return False
        if _verbish(word, tag) or tag == "p":
            return True
        if word not in _words()["adverbs"] and tag.startswith(("n", "r", "m")):
            return False
    return False


def _commitment(words: list[str], i: int) -> bool:
    w = _words()
    return (
        words[i] in w["commitment_words"]
        and i > 0
        and (
            words[i - 1] in w["commitment_subjects"]
            or (i > 1 and words[i - 2] in w["commitment_subjects"] and words[i - 1] in w["adverbs"])
        )
    )


def _verbish(word: str, tag: str) -> bool:
    w = _words()
    if word in w["not_work"]:
        return False
    if tag.startswith("v") or word in w["verbs"]:
        return True
    # Idioms and unknown words that end in a verb (`大力发展`, `更新改造`).
    return (
        len(word) >= 4
        and _tag(word[-2:]).startswith("v")
        and (word[:2] in w["adverbs"] or _tag(word[:2]).startswith(("v", "d", "a")))
    )


def _tag(word: str) -> str:
    return _jieba()[1].get(word, "x")


def _clauses(toks: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    out: list[list[tuple[str, str]]] = [[]]
    for t in toks:
        if t[0] in _CLAUSE or t[0] in SENTENCE_END:
            if out[-1]:
                out.append([])
        else:
            out[-1].append(t)
    return [c for c in out if c]


@lru_cache(maxsize=8192)
def _flags(chunk: str) -> tuple[tuple[int, int, bool], ...]:
    out = []
    for s in sentences(chunk, 0, len(chunk)):
        out.append((s.start, s.end, sentence_asks(chunk[s.start : s.end])))
    return tuple(out)


def directive_sentences(text: str, span: Span) -> list[Span]:
    """The sentences of text[span] that ask for something, as spans of `text`."""
    chunk = text[span.start : span.end]
    return [Span(span.start + s, span.start + e) for s, e, asks in _flags(chunk) if asks]


def asks_for_something(text: str, span: Span) -> bool:
    return any(asks for _, _, asks in _flags(text[span.start : span.end]))


def sentence_flags(chunk: str) -> tuple[bool, ...]:
    """For each sentence of `chunk`: does it ask for something? (cached per chunk)"""
    return tuple(asks for _, _, asks in _flags(chunk))


def names_work(text: str, span: Span) -> bool:
    """Does text[span] contain a verb at all? An enumerated item that only names
    things (`做到“三个区分开来”：一是…`) does not (ANNOTATION.md §2)."""
    return any(_verbish(w, t) for w, t in _tokens(text[span.start : span.end]))

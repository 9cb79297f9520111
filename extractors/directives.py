"""Does a sentence ask for something? Modal + verb, or a clause opened by a work verb.

Used to drop paragraph items that ask for nothing (ANNOTATION.md §2) and to list a
requirement's measures. Words are data (data/directives.toml); jieba gives the tokens
and their part of speech. Each distinct piece of text is segmented once (cached), and a
sentence only as far as the decision needs (`_Lazy`).
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


def _stream(chunk: str) -> Iterator[tuple[str, str]]:
    """jieba's (word, tag) pairs of the chunk, spaces left out, as jieba produces them:
    a stretch between two punctuation marks is segmented only when it is reached."""
    jieba, tags = _jieba()
    return ((w, tags.get(w, "x")) for w in jieba.cut(chunk) if not w.isspace())


class _Lazy:
    """The tokens of a sentence, segmented only as far as they are read.

    Most directives show themselves in their first clause (`要加强…，…`); the clauses
    after the decision are never segmented. Reading past the end raises IndexError,
    as a list would.
    """

    def __init__(self, tokens: Iterable[tuple[str, str]]) -> None:
        self._more: Iterator[tuple[str, str]] | None = iter(tokens)
        self.toks: list[tuple[str, str]] = []

    def has(self, i: int) -> bool:
        while i >= len(self.toks) and self._more is not None:
            t = next(self._more, None)
            if t is None:
                self._more = None
            else:
                self.toks.append(t)
        return i < len(self.toks)

    def __getitem__(self, i: int) -> tuple[str, str]:
        if not self.has(i):
            raise IndexError(i)
        return self.toks[i]

    def all(self) -> list[tuple[str, str]]:
        self.has(sys.maxsize)
        return self.toks


def _is_verb(word: str, tag: str) -> bool:
    return tag.startswith("v") and word not in _words()["not_work"]


def _skip_adverbs(toks: _Lazy, i: int) -> int:
    adverbs = _words()["adverbs"]
    n = 0
    while toks.has(i) and n < 3 and (toks[i][0] in adverbs or toks[i][1] in ("d", "ad")):
        i, n = i + 1, n + 1
    return i


def sentence_asks(sentence: str) -> bool:
    """True when the sentence is a directive, an appeal, a commitment to work or names work."""
    w = _words()
    lazy = _Lazy(_stream(sentence))
    i = 0
    while lazy.has(i):
        word = lazy[i][0]
        if word in w["appeals"] and lazy.has(i + 1):
            return True
        if (word in w["modals"] or _commitment(lazy.toks, i)) and _verb_follows(lazy, i + 1):
            return True
        if word in w["agenda"]:
            j = i + 1 + (lazy.has(i + 1) and lazy[i + 1][0] in _CLAUSE)
            if lazy.has(j + 1) and lazy[j][0] == "是" and _verbish(*lazy[_skip_adverbs(lazy, j + 1)]):
                return True
        i += 1
    toks = lazy.all()
    if any(t[0] in w["past"] or t[0] in w["outcome"] for t in toks):
        return False
    clauses = _clauses(toks)
    for k, clause in enumerate(clauses[:2]):
        j = _skip_adverbs(_Lazy(clause), 0)
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


def _verb_follows(toks: _Lazy, i: int) -> bool:
    """A verb (or a preposition opening its object) within a few words after a modal."""
    toks.has(i + 3)
    for word, tag in toks.toks[i : i + 4]:
        if word in _CLAUSE or word in SENTENCE_END:
            return False
        if _verbish(word, tag) or tag == "p":
            return True
        if word not in _words()["adverbs"] and tag.startswith(("n", "r", "m")):
            return False
    return False


def _commitment(toks: list[tuple[str, str]], i: int) -> bool:
    """`我们将…`, `政府还将…`: toks[i] and the words before it (already read)."""
    w = _words()
    return (
        toks[i][0] in w["commitment_words"]
        and i > 0
        and (
            toks[i - 1][0] in w["commitment_subjects"]
            or (i > 1 and toks[i - 2][0] in w["commitment_subjects"] and toks[i - 1][0] in w["adverbs"])
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


# Sentences judged in the speech at hand (`one_speech`): sections and requirements ask
# about the same sentences in chunks cut differently (a paragraph, an item inside it).
_JUDGED: ContextVar[dict[str, bool] | None] = ContextVar("judged_sentences", default=None)


@contextmanager
def one_speech() -> Iterator[None]:
    """Within the block, each distinct sentence is judged once. Scoped to one speech, so
    a long run keeps no texts and each speech costs its own work."""
    token = _JUDGED.set({})
    try:
        yield
    finally:
        _JUDGED.reset(token)


def _asks(sentence: str) -> bool:
    judged = _JUDGED.get()
    if judged is None:
        return sentence_asks(sentence)
    asks = judged.get(sentence)
    if asks is None:
        asks = judged[sentence] = sentence_asks(sentence)
    return asks


@lru_cache(maxsize=8192)
def _flags(chunk: str) -> tuple[tuple[int, int, bool], ...]:
    return tuple((s.start, s.end, _asks(chunk[s.start : s.end])) for s in sentences(chunk, 0, len(chunk)))


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
    return any(_verbish(w, t) for w, t in _stream(text[span.start : span.end]))

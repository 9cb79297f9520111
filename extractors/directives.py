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

_CLAUSE = "，,：:"


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
    """True when the sentence is a directive, an appeal or names work to do."""
    w = _words()
    toks = _tokens(sentence)
    past = any(t[0] in w["past"] for t in toks)
    for i, (word, _tag) in enumerate(toks):
        if word in w["appeals"]:
            return True
        if word in w["modals"]:
            j = _skip_adverbs(toks, i + 1)
            if j < len(toks) and (
                _is_verb(*toks[j]) or toks[j][0] in ("把", "以", "从", "在", "对", "向", "同")
            ):
                return True
    if past:
        return False
    # An imperative clause: it opens with a work verb (`加强…`, `积极稳妥推进…`).
    clause_start = True
    for i, (word, _tag) in enumerate(toks):
        if clause_start:
            j = _skip_adverbs(toks, i)
            clause = _clause(toks, j)
            if j < len(toks) and _is_verb(*toks[j]) and "是" not in clause:
                return True
            clause_start = False
        if word in SENTENCE_END:
            clause_start = True
    return False


def _clause(toks: list[tuple[str, str]], i: int) -> list[str]:
    out = []
    for word, _ in toks[i:]:
        if word in _CLAUSE or word in SENTENCE_END:
            break
        out.append(word)
    return out


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

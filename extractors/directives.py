"""Does a sentence ask for something? Modal + verb, or a clause opened by a work verb.

Used to drop paragraph items that ask for nothing (ANNOTATION.md §2) and to list a
requirement's measures. Words are data (data/directives.toml); jieba gives the tokens
and their part of speech. jieba segments a sentence block by block (a run of Han
characters between punctuation), so a sentence's tokens are its blocks' tokens: only
the blocks the rules look into are segmented (`SentenceTokens`): those that can hold a
deciding word (要, 将, 了 …), their neighbours and the first clauses. The answers are
those of segmenting the whole sentence. Within one speech (`one_speech`) each distinct
sentence is judged once.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources

from extractors.text import SENTENCE_END, Span, sentences
from extractors.tokens import (
    CLAUSE_MARKS,
    Block,
    LazyTokens,
    Pos,
    SentenceTokens,
    clause_tokens,
    tag_of,
    tagged_tokens,
)


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    data = tomllib.loads(resources.files("extractors.data").joinpath("directives.toml").read_text("utf-8"))
    return {k: frozenset(v) for k, v in data.items() if isinstance(v, list)}


def _opens_with(
    items: list[Block | tuple[str, str]], words: frozenset[str], prefixes: re.Pattern[str]
) -> bool:
    """Is the first token of a clause one of `words`? (A run's first token starts its text.)"""
    first = items[0]
    if isinstance(first, Block):
        return prefixes.match(first.text) is not None and first.toks[0][0] in words
    return first[0] in words


def _adverbish(tok: tuple[str, str]) -> bool:
    return tok[0] in _words()["adverbs"] or tok[1] in ("d", "ad")


def _skip_adverbs(toks: LazyTokens, i: int) -> int:
    n = 0
    while toks.has(i) and n < 3 and _adverbish(toks[i]):
        i, n = i + 1, n + 1
    return i


_NUMBER = re.compile(r"[\d０-９]+")


def _skip_time(toks: LazyTokens, i: int) -> int:
    """Past a time phrase opening a clause (`3月底前`, `上半年`, `年内`), and the adverbs
    after it: the work it dates comes next (`上半年实现…`, `6月底前全面完成…`)."""
    start = i
    while toks.has(i):
        word, tag = toks[i]
        if tag == "t" or (i > start and word in ("前", "以前", "内", "底", "末")):
            i += 1
        elif _NUMBER.fullmatch(word) and toks.has(i + 1) and toks[i + 1][0][:1] in ("月", "日"):
            i += 1  # `3月底前`; not a bare year (`2025年实现…` sets a goal more often than work)
        else:
            break
    if i > start and toks.has(i) and toks[i][0] in ("来", "以来"):
        return start  # `五年来，…`: a look back, no date of work
    return _skip_adverbs(toks, i) if i > start else i


def _skip_adverbs_at(toks: SentenceTokens, pos: Pos | None) -> Pos | None:
    n = 0
    while pos is not None and n < 3 and _adverbish(toks.at(pos)):
        pos, n = toks.next(pos), n + 1
    return pos


@lru_cache(maxsize=1)
def _finders() -> dict[str, re.Pattern[str]]:
    """Regexes of the word lists whose tokens the rules look for, to find the blocks to segment."""
    w = _words()

    def rx(*names: str, prefix: bool = False) -> re.Pattern[str]:
        words = sorted({x for n in names for x in w[n]}, key=len, reverse=True)
        return re.compile(("^" if prefix else "") + "(?:" + "|".join(map(re.escape, words)) + ")")

    return {
        "opening": rx("appeals", "modals", "commitment_words", "agenda"),
        "closing": rx("past", "outcome"),
        "topic": rx("topic_predicates", prefix=True),
        "statement": rx("copulas", "result_verbs"),
    }


def sentence_asks(sentence: str) -> bool:
    """True when the sentence is a directive, an appeal, a commitment to work or names work."""
    w, find = _words(), _finders()
    toks = SentenceTokens(sentence)
    for pos, (word, tag) in toks.holding(find["opening"]):
        after = toks.next(pos)
        if word in w["appeals"] and after is not None and not _noun_use(toks, pos):
            return True
        modal = word in w["modals"] or _commitment(toks, pos)
        if modal and _verb_follows(toks, after) and not _attributive(toks, pos):
            return True
        if _fused_modal(toks, pos, word, tag):
            return True
        if word in w["agenda"] and after is not None:
            # `重点是`, `重点，是`, `更重要的是`
            j = toks.next(after) if toks.at(after)[0] in CLAUSE_MARKS or toks.at(after)[0] == "的" else after
            if j is not None and toks.next(j) is not None and toks.at(j)[0] == "是":
                verb = _skip_adverbs_at(toks, toks.next(j))  # None: only adverbs follow
                if verb is not None and _verbish(*toks.at(verb)):
                    return True
    for _pos, (word, _tag) in toks.holding(find["closing"]):
        if word in w["past"] or word in w["outcome"]:
            return False
    if _states(toks):
        return False
    clauses = toks.clauses()
    for k, items in enumerate(clauses[:2]):
        clause = LazyTokens(clause_tokens(items))
        after_date = _skip_time(clause, 0)
        dated = after_date > 0
        j = _skip_adverbs(clause, after_date)
        if not clause.has(j):
            continue
        if clause[0][0] in w["negations"]:
            break  # `不担当不作为，…`: a failing named, no work asked
        word, tag = clause[j]
        if word in w["forecasts"]:
            break  # `五年内预计农民新建住宅…，在农村新建…`: a forecast, dated or not, asks nothing
        if any(_opens_with(c, w["topic_predicates"], find["topic"]) for c in clauses[k + 1 :]):
            break  # the clause is the subject of `…，是/符合…`: a statement
        if _verbish(word, tag) and _predicated(list(clause.after(j + 1))):
            break  # `改善民生是经济发展的根本目的`: the verb's phrase is the subject of 是
        if _verbish(word, tag) and not (clause.has(j + 1) and clause[j + 1][0] == "的"):
            return True  # (a verb before 的 names a thing: `今年工作的重点是…`)
        if tag == "p":
            rest = list(clause.after(j + 1))
            if rest and rest[-1][0] in w["viewpoint_ends"]:
                continue  # `从近期发生的几起事故看，…`: a point of view, the next clause says
            if any(_verbish(*t) for t in rest[1:]):
                return True
        if tag not in ("p", "t") and word not in w["adverbs"] and not dated:
            break  # a subject opens the sentence: only modals make it a directive
    return False


def _predicated(rest: list[tuple[str, str]]) -> bool:
    """Does a topic predicate (是, 在于 …) follow in the clause, as its predicate?"""
    w = _words()
    return any(
        word in w["topic_predicates"] and (k == 0 or rest[k - 1][0] not in w["not_predicating"])
        for k, (word, _t) in enumerate(rest)
    )


def _verb_follows(toks: SentenceTokens, pos: Pos | None) -> bool:
    """A verb (or a preposition opening its object) within a few words after a modal."""
    for _ in range(4):
        if pos is None:
            return False
        word, tag = toks.at(pos)
        if word in CLAUSE_MARKS or word in SENTENCE_END:
            return False
        if _verbish(word, tag) or tag == "p" or _verb_glued_to_a_level(word):
            return True
        nxt = toks.next(pos)
        if tag.startswith("m") and nxt is not None and toks.at(nxt)[0] == word:
            pos = toks.next(nxt)  # `必须一件一件抓落实`: a repeated measure says how, a verb follows
            continue
        if word not in _words()["adverbs"] and tag.startswith(("n", "r", "m")):
            return False
        pos = nxt
    return False


def _verb_glued_to_a_level(word: str) -> bool:
    """`要会同县城管局`: jieba reads 会同县 (a county's name), a verb glued to the level
    that opens the next unit's name (县, 市 …)."""
    w = _words()
    return len(word) == 3 and word[:2] in w["verbs"] and word[2] in w["unit_levels"]


def _clause_bound(word: str) -> bool:
    return word in CLAUSE_MARKS or word in SENTENCE_END


def _noun_use(toks: SentenceTokens, pos: Pos) -> bool:
    """An appeal word used as a noun: after `的` (`人民的希望`), or the object of a `把`
    earlier in its clause (`把最大希望，寄托在…`)."""
    before = toks.prev(pos)
    if before is not None and toks.at(before)[0] == "的":
        return True
    while before is not None and not _clause_bound(toks.at(before)[0]):
        if toks.at(before)[0] == "把":
            return True
        before = toks.prev(before)
    return False


def _attributive(toks: SentenceTokens, pos: Pos) -> bool:
    """A modal inside a `…的` attributive of a copula statement: `这是…必须解决的课题`
    names a thing; `是` stands before the modal in its clause and its verbs end in `的`."""
    before, copula = toks.prev(pos), False
    while before is not None and not _clause_bound(toks.at(before)[0]):
        if toks.at(before)[0] in _words()["copulas"]:
            copula = True
            break
        before = toks.prev(before)
    if not copula:
        return False
    # Only adverbs, verbs and `和` between the modal and `的`: `必须坚持和贯彻的方针`. An
    # object or a preposition (`就是要把…的企业整顿好`) makes the modal the predicate.
    after = toks.next(pos)
    while after is not None:
        word, tag = toks.at(after)
        if word == "的":
            return True
        if not (_adverbish((word, tag)) or _verbish(word, tag) or tag == "c"):
            return False
        after = toks.next(after)
    return False


def _fused_modal(toks: SentenceTokens, pos: Pos, word: str, tag: str) -> bool:
    """jieba joins a one-character modal to the verb after it and reads a noun
    (`我们 要念之再三`): after a pronoun subject, a non-verb token that opens with such a
    modal and ends in a verb is a modal and a verb."""
    if len(word) != 2 or tag.startswith(("v", "c")) or word[0] not in _words()["modals"]:
        return False
    if not tag_of(word[1:]).startswith("v"):
        return False
    before = toks.prev(pos)
    return before is not None and toks.at(before)[1] == "r"


def _states(toks: SentenceTokens) -> bool:
    """A statement or a reported result rather than a demand:
    - `X 是 … 的` closing a clause (`四方面的任务是互相联系、互相促进的`);
    - a clause with a subject of its own before `取得` + a result (`新型城镇化取得新成效`)."""
    w = _words()
    for pos, (word, _tag) in toks.holding(_finders()["statement"]):
        if word in w["copulas"]:
            if _conditional(toks, pos):
                continue  # `只要出发点是好的，就要…`: a condition, not the statement
            nxt = toks.next(pos)
            # up to the clause's end, through `、` (`是互相联系、互相促进的`)
            while nxt is not None and (toks.at(nxt)[0] == "、" or not _clause_bound(toks.at(nxt)[0])):
                if toks.at(nxt)[0] == "的":
                    end = toks.next(nxt)
                    if end is None or _clause_bound(toks.at(end)[0]):
                        return True
                nxt = toks.next(nxt)
        elif word in w["result_verbs"]:
            if not _result_follows(toks, toks.next(pos)):
                continue
            before = toks.prev(pos)
            if before is None or _clause_bound(toks.at(before)[0]):
                continue  # no subject: `取得…` is work to do
            start = before
            while toks.prev(start) is not None and not _clause_bound(toks.at(toks.prev(start))[0]):
                start = toks.prev(start)
            first = toks.at(_skip_adverbs_at(toks, start) or start)
            # A clause opened by a verb, a modal or a preposition (`在…取得进展`) has no
            # subject of its own: work to do.
            if not _verbish(*first) and first[1] != "p" and first[0] not in w["modals"]:
                return True
    return False


def _conditional(toks: SentenceTokens, pos: Pos) -> bool:
    """Does a condition word (`只要`, `如果`) open the clause of the token at pos?"""
    before = toks.prev(pos)
    while before is not None and not _clause_bound(toks.at(before)[0]):
        if toks.at(before)[0] in _words()["conditions"]:
            return True
        before = toks.prev(before)
    return False


def _result_follows(toks: SentenceTokens, pos: Pos | None) -> bool:
    """`新成效`, `明显成绩`: a result noun within a few words, closing the clause."""
    for _ in range(3):
        if pos is None or _clause_bound(toks.at(pos)[0]):
            return False
        if toks.at(pos)[0] in _words()["results"]:
            nxt = toks.next(pos)
            return nxt is None or _clause_bound(toks.at(nxt)[0])
        pos = toks.next(pos)
    return False


def _commitment(toks: SentenceTokens, pos: Pos) -> bool:
    """`我们将…`, `政府还将…`: the token at pos and the words before it."""
    w = _words()
    if toks.at(pos)[0] not in w["commitment_words"]:
        return False
    before = toks.prev(pos)
    if before is None:
        return False
    if toks.at(before)[0] in w["commitment_subjects"]:
        return True
    two_before = toks.prev(before)
    return (
        two_before is not None
        and toks.at(two_before)[0] in w["commitment_subjects"]
        and toks.at(before)[0] in w["adverbs"]
    )


def is_work_verb(word: str, tag: str) -> bool:
    """Is the token (a word and its jieba tag) a verb of work, idioms and mis-tagged verbs included?"""
    return _verbish(word, tag)


def _verbish(word: str, tag: str) -> bool:
    w = _words()
    if word in w["not_work"]:
        return False
    if tag.startswith("v") or word in w["verbs"] or word in w["misread_verbs"]:
        return True
    if len(word) < 4:
        return False
    # Idioms and unknown words that end in a verb (`大力发展`, `更新改造`, `深刻领会`,
    # `贯彻落实`: jieba tags 落实 as an adjective).
    if (tag_of(word[-2:]).startswith("v") or word[-2:] in w["misread_verbs"] or word[-2:] in w["verbs"]) and (
        word[:2] in w["adverbs"] or word[:2] in w["verbs"] or tag_of(word[:2]).startswith(("v", "d", "a"))
    ):
        return True
    # A four-character idiom that opens with a verb and its object (`解放思想`, `开拓市场`).
    return len(word) == 4 and tag in ("i", "l") and tag_of(word[:2]).startswith("v")


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
    return any(_verbish(w, t) for w, t in tagged_tokens(text[span.start : span.end]))

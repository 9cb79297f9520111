"""Shared spaCy + jieba setup, built once per lexicon: mention finding and word lookups.

Mentions are found by a spaCy `PhraseMatcher` over a character-level `Doc` (one token
per character, so token i is character i of the text). Matching on jieba words loses
mentions the segmenter cuts differently in context (由市发改委 → 由市/发改委; 党委（党组）
书记 is never one word), while characters never break; over-matching (全市政府系统 ⊃
市政府) is resolved by keeping the longest span (the rule of `spacy.util.filter_spans`).

jieba, with the lexicon's aliases as its user dictionary, then answers the word-level
questions the subject rule asks near a mention: is it part of a longer word (企业家),
what word follows it (a noun: 政府工作; a verb: 政府要), what words precede it. Only
the few clauses with a mention are segmented, and only the sentences with a directive
cue are matched, never the whole speech, because a bare `jieba.lcut` of the whole text
is the performance yardstick (≤ 1.5× for everything).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

import jieba
import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from extractors.cache import load_jieba
from extractors.lexicon import Lexicon
from schemas import ActorCategory

# jieba announces "Building prefix dict…" through its logger; stdout of
# `extract --format json` must stay pure JSON, and stderr quiet.
jieba.setLogLevel(logging.WARNING)

MENTION_TAG = "nt"  # jieba's tag for organisation names: what an alias is


@dataclass(frozen=True)
class Mention:
    category: ActorCategory
    text: str
    start: int
    end: int


class ActorNLP:
    """The matcher and segmenter for one lexicon. Build through `get_nlp`."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        # The user dictionary goes in before anything is matched or segmented.
        self.tokenizer = _private_tokenizer()
        for alias in lexicon.aliases:
            if re.fullmatch(r"[\u4e00-\u9fa5]+", alias):
                self.tokenizer.add_word(alias, freq=max(self.tokenizer.suggest_freq(alias), 1000), tag=None)
        self.tags = _jieba_tags()
        self.nlp = spacy.blank("zh")  # no model: a blank pipeline, nothing downloaded
        self.matcher = PhraseMatcher(self.nlp.vocab)
        for alias, category in lexicon.aliases.items():
            self.matcher.add(category.value, [self.char_doc(alias)])
        # Longer words that contain an alias but name no actor (总书记 ⊃ 书记) win the
        # longest match and are then dropped.
        self.matcher.add("NOT_ACTOR", [self.char_doc(w) for w in lexicon.subject.not_actors])
        self.categories: dict[int, ActorCategory | None] = {
            self.nlp.vocab.strings[c.value]: c for c in ActorCategory
        }
        self.categories[self.nlp.vocab.strings["NOT_ACTOR"]] = None
        self.rules = [(re.compile(r.pattern), r.category, r.by_head) for r in lexicon.rules]

    def char_doc(self, text: str) -> Doc:
        return Doc(self.nlp.vocab, words=list(text), spaces=[False] * len(text))

    def find_mentions(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Every actor mention of text[start:end] (offsets into `text`), longest first
        where they overlap, in order.

        No mention spans a sentence end, so the mentions of a whole sentence (with its
        end mark) are the ones the whole text gives it: a caller matches only the
        sentences it reads (a character `Doc` costs a vocabulary lookup per character).
        """
        end = len(text) if end is None else end
        doc = self.char_doc(text[start:end])
        # (start, end, category); aliases first so that they win ties with rules.
        found = [(start + s, start + e, self.categories[m]) for m, s, e in self.matcher(doc)]
        for rx, category, by_head in self.rules:
            for m in rx.finditer(text, start, end):
                c = self.head_category(m.group(), category) if by_head else category
                found.append((m.start(), m.end(), c))
        return [Mention(c, text[s:e], s, e) for s, e, c in longest_first(found) if c is not None]

    def head_category(self, name: str, category: ActorCategory) -> ActorCategory:
        """A unit a rule found takes the category of the longest alias it ends in, its head
        (县委巡察办 is a 巡察办, 县纪委监委 a 纪委监委); else the rule's."""
        for k in range(1, len(name) - 1):
            head = self.lexicon.aliases.get(name[k:])
            if head is not None:
                return head
        return category

    def words(self, text: str) -> list[str]:
        """jieba words of a short piece (a clause), with the lexicon as user dictionary."""
        return self.tokenizer.lcut(text, HMM=False)

    def tag(self, word: str) -> str:
        if word in self.lexicon.aliases:
            return MENTION_TAG
        return self.tags.get(word, "x")


def longest_first(
    found: list[tuple[int, int, ActorCategory | None]],
) -> list[tuple[int, int, ActorCategory | None]]:
    """Non-overlapping matches, longest first, then leftmost: `spacy.util.filter_spans`
    on plain tuples (making a `Span` per candidate cost more than the matching)."""
    taken: set[int] = set()
    out = []
    for s, e, c in sorted(found, key=lambda t: (t[0] - t[1], t[0])):
        if s not in taken and e - 1 not in taken and not taken.intersection(range(s, e)):
            out.append((s, e, c))
            taken.update(range(s, e))
    return sorted(out)


def _private_tokenizer() -> jieba.Tokenizer:
    """A jieba tokenizer of our own, so the lexicon's user words leave the global one as is.

    It starts from a copy of the global dictionary, which the tag table below loads
    anyway: reading jieba's cache a second time costs a second or more per process.
    """
    load_jieba()
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total, tok.initialized = dict(jieba.dt.FREQ), jieba.dt.total, True
    return tok


@lru_cache(maxsize=1)
def _jieba_tags() -> dict[str, str]:
    """Part-of-speech tags of jieba's dictionary words (n, v, vn, d, p …)."""
    return load_jieba()


@lru_cache(maxsize=4)
def get_nlp(lexicon: Lexicon) -> ActorNLP:
    """Built once per lexicon (the default, or the default merged with an office's)."""
    return ActorNLP(lexicon)

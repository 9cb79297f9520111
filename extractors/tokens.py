"""A sentence's jieba tokens, segmented only where a rule looks (used by directives.py).

jieba cuts a sentence into blocks (runs of Han characters between punctuation) and
segments each block on its own, so a sentence's tokens are its blocks' tokens: a block
is segmented when it is first read (`SentenceTokens`), and the answers are those of
`jieba.cut` over the whole sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from extractors.text import SENTENCE_END

CLAUSE_MARKS = "，,：:、"


@lru_cache(maxsize=1)
def jieba_tables():
    import jieba

    from extractors.cache import load_jieba

    jieba.setLogLevel(60)
    return jieba, load_jieba()


def tagged_tokens(chunk: str) -> Iterator[tuple[str, str]]:
    """jieba's (word, tag) pairs of the chunk, spaces left out, as jieba produces them
    (but for a modal glued to its neighbour, see `_unglued`): a stretch between two
    punctuation marks is segmented only when it is reached."""
    jieba, tags = jieba_tables()
    freq = jieba.dt.FREQ
    for w in jieba.cut(chunk):
        if w.isspace():
            continue
        for part in _unglued(w, freq):
            yield part, tags.get(part, "x")


# The one-character modals jieba glues to a neighbour (`各级领导干部要带头…`, `督查室要…`).
_GLUED_MODALS = "要须"
_RARE = 3  # jieba's dictionary holds junk phrases at its floor count (要带头 3, 要从严 3)


def _unglued(word: str, freq: dict[str, int]) -> tuple[str, ...]:
    """`word`, or its pieces with a modal cut off: jieba's HMM makes words up of unknown
    characters (室要, 要树牢, 党要, 更要) and its dictionary holds rare phrases that open
    with 要 (要带头); either hides the modal from the rules. A real word (要求, 主要,
    需要, 要素) is kept, and so is a noun in `之要` (治国之要)."""
    if len(word) < 2 or (word[0] not in _GLUED_MODALS and word[-1] not in _GLUED_MODALS):
        return (word,)
    count = freq.get(word, 0)
    if word[0] in _GLUED_MODALS and (count == 0 or (count <= _RARE and freq.get(word[1:], 0) > 0)):
        return (word[0], *_unglued(word[1:], freq)) if count == 0 else (word[0], word[1:])
    if count == 0 and word[-1] in _GLUED_MODALS and not word.endswith("之" + word[-1]):
        return (word[:-1], word[-1])
    return (word,)


class LazyTokens:
    """A token stream, read into a list only as far as it is indexed. Reading past the
    end raises IndexError, as a list would."""

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

    def after(self, i: int) -> Iterator[tuple[str, str]]:
        while self.has(i):
            yield self.toks[i]
            i += 1


class Block:
    """One of the pieces jieba cuts a sentence into before it segments: a run of Han
    characters (and Latin letters, digits), segmented on its own, or the other
    characters between two runs (one token each). A run is segmented when read."""

    __slots__ = ("_toks", "han", "text")

    def __init__(self, text: str, han: bool) -> None:
        self.text, self.han = text, han
        # What jieba.cut gives for the characters between runs: each one a token.
        self._toks = None if han else [(ch, tag_of(ch)) for ch in text if not ch.isspace()]

    @property
    def toks(self) -> list[tuple[str, str]]:
        if self._toks is None:
            self._toks = list(tagged_tokens(self.text))
        return self._toks

    def may_hold(self, words: re.Pattern[str]) -> bool:
        """Can one of its tokens be one of `words`? Not unless the text contains it."""
        return self._toks is not None or words.search(self.text) is not None


Pos = tuple[int, int]  # (block, token in the block)


class SentenceTokens:
    """A sentence's tokens, the same as `jieba.cut` of the whole sentence (which cuts
    block by block), segmented only where the rules look: most blocks hold none of the
    words that decide (要, 将, 了 …) and are never segmented."""

    def __init__(self, sentence: str) -> None:
        han = jieba_tables()[0].re_han_default
        self.blocks = [Block(b, bool(han.match(b))) for b in han.split(sentence) if b]

    def at(self, pos: Pos) -> tuple[str, str]:
        return self.blocks[pos[0]].toks[pos[1]]

    def next(self, pos: Pos) -> Pos | None:
        bi, k = pos
        if k + 1 < len(self.blocks[bi].toks):
            return bi, k + 1
        # A Han run always has a token: it need not be segmented to be stepped into.
        return next(((j, 0) for j in range(bi + 1, len(self.blocks)) if self._nonempty(j)), None)

    def prev(self, pos: Pos) -> Pos | None:
        bi, k = pos
        if k > 0:
            return bi, k - 1
        return next(
            ((j, len(self.blocks[j].toks) - 1) for j in range(bi - 1, -1, -1) if self._nonempty(j)), None
        )

    def _nonempty(self, j: int) -> bool:
        return self.blocks[j].han or bool(self.blocks[j].toks)

    def holding(self, words: re.Pattern[str]) -> Iterator[tuple[Pos, tuple[str, str]]]:
        """Every token, in order, of the blocks that may hold one of `words`."""
        for bi, b in enumerate(self.blocks):
            if b.may_hold(words):
                for k, t in enumerate(b.toks):
                    yield (bi, k), t

    def clauses(self) -> list[list[Block | tuple[str, str]]]:
        """The runs between clause and sentence marks (which are never in a Han run)."""
        out: list[list[Block | tuple[str, str]]] = [[]]
        for b in self.blocks:
            if b.han:
                out[-1].append(b)
                continue
            for t in b.toks:
                if t[0] in CLAUSE_MARKS or t[0] in SENTENCE_END:
                    if out[-1]:
                        out.append([])
                else:
                    out[-1].append(t)
        return [c for c in out if c]


def clause_tokens(items: list[Block | tuple[str, str]]) -> Iterator[tuple[str, str]]:
    for item in items:
        if isinstance(item, Block):
            yield from item.toks
        else:
            yield item


def tag_of(word: str) -> str:
    return jieba_tables()[1].get(word, "x")

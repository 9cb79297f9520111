"""The same demand asked again: a requirement's demand key, its MinHash band keys, the score.

Pure: no SQLite. Two requirements ask for the same work when their headings (and, for a
short heading, the first sentence after it) share most of their content: the shingles of
`demand_shingles` (content words and the two-character pieces of each run of content words;
the stop words of data/repeats.toml left out) have a Jaccard similarity of at least
`THRESHOLD`. Candidates are found by MinHash LSH (`BANDS` bands of `ROWS` rows): two keys
that share a band key are compared exactly (store/repeats.py). The MinHash is datasketch 2.0's
"affine32" scheme computed with numpy here, bit for bit (importing datasketch imports scipy:
≈ 1 s a process), so band keys stored by earlier versions stay valid.
How the method and its numbers were chosen: docs/repeats.md.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from schemas import DemandKey, Demands, Extraction

METHOD = "lsh1"  # MinHash LSH over the content shingles of heading (+ first sentence), v1
ROWS = 3  # MinHash values per band
BANDS = 32  # bands: 96 permutations
SEED = 1
SCHEME = "affine32"  # datasketch 2.0's permutation scheme, named so stored band keys stay valid
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)  # MurmurHash3's 32-bit finalizer (the scheme's pre-mix)

_NOT_TEXT = re.compile(r"[\s\W\d０-９_a-zA-Zａ-ｚＡ-Ｚ]+")
_LEADING_MARKER = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十]{1,3}[）)]|第[一二三四五六七八九十]{1,3}[，,、]?"
    r"|[一二三四五六七八九十]{1,3}(?:是|要|、)|[0-9０-９]{1,2}[.、．])"
)
_SENTENCE = re.compile(r"\s*([^。；！？]*[。；！？]?)")


@dataclass(frozen=True)
class Settings:
    threshold: float
    min_shared: int
    sure_score: float
    short_heading: int
    max_key_chars: int
    max_links: int
    stop_words: frozenset[str]


@lru_cache(maxsize=1)
def settings() -> Settings:
    data = tomllib.loads(resources.files("extractors.data").joinpath("repeats.toml").read_text("utf-8"))
    return Settings(
        float(data["threshold"]),
        int(data["min_shared"]),
        float(data["sure_score"]),
        int(data["short_heading"]),
        int(data["max_key_chars"]),
        int(data["max_links"]),
        frozenset(data["stop_words"]),
    )


THRESHOLD = settings().threshold


def demand_text(heading: str, text: str) -> str:
    """The heading, punctuation and its outline marker left out; a short heading is followed
    by the first sentence after it in `text`."""
    conf = settings()
    key = _NOT_TEXT.sub("", _LEADING_MARKER.sub("", heading))
    if len(key) < conf.short_heading:
        at = text.find(heading)
        rest = text[at + len(heading) :] if at >= 0 and heading else text
        m = _SENTENCE.match(rest)
        key += _NOT_TEXT.sub("", m.group(1) if m else "")
    return key[: conf.max_key_chars]


def _words(text: str) -> list[str]:
    from extractors.tokens import jieba_tables

    jieba, _ = jieba_tables()
    return jieba.lcut(text)


def demand_shingles(heading: str, text: str = "") -> frozenset[str]:
    """Content words (`#` in front) and the two-character pieces of each run of content words."""
    return _text_shingles(demand_text(heading, text))


def _text_shingles(key_text: str) -> frozenset[str]:
    stop = settings().stop_words
    out: set[str] = set()
    run = ""
    for word in [*_words(key_text), ""]:
        if word and word not in stop:
            out.add("#" + word)
            run += word
            continue
        if len(run) == 1:
            out.add(run)
        out.update(run[i : i + 2] for i in range(len(run) - 1))
        run = ""
    return frozenset(out)


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def same_demand(a: Iterable[str], b: Iterable[str]) -> bool:
    """The linking rule (the store applies the same one): Jaccard at least the threshold, and at
    least `min_shared` shingles in common unless the score reaches `sure_score`."""
    conf = settings()
    sa, sb = set(a), set(b)
    score = jaccard(sa, sb)
    return score >= conf.threshold and (len(sa & sb) >= conf.min_shared or score >= conf.sure_score)


@lru_cache(maxsize=1)
def _permutations() -> tuple[Any, Any]:
    """The `ROWS * BANDS` affine permutations h -> a*h + b (mod 2^32, `a` odd) of seed `SEED`,
    drawn as datasketch 2.0's `MinHash(scheme="affine32")` draws them."""
    import numpy as np

    gen = np.random.RandomState(SEED)
    n = ROWS * BANDS
    a = gen.randint(0, 1 << 31, n, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, n, dtype=np.uint32)
    return a, b


def _signature(grams: list[str]) -> bytes:
    """The MinHash signature of the shingles: each one's sha1 (first 4 bytes, little-endian),
    pre-mixed by the finalizer, through every permutation, the minimum kept; as 8-byte values."""
    import numpy as np

    s1, m1, s2, m2, s3 = (np.uint32(c) for c in _FMIX32)
    h = np.array([int.from_bytes(hashlib.sha1(g.encode()).digest()[:4], "little") for g in grams], np.uint32)
    h = h ^ (h >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    h = (h ^ (h >> s3)).reshape(-1, 1)
    a, b = _permutations()
    return (h * a + b).min(axis=0).astype("<u8").tobytes()


def band_keys(shingles: Iterable[str]) -> tuple[int, ...]:
    """One signed 32-bit key per band of the MinHash signature (the band's number mixed in): 4 bytes
    a row in SQLite; a chance collision only adds a candidate, which is then scored exactly."""
    grams = sorted(shingles)
    if not grams:
        return ()
    raw = _signature(grams)
    width = 8 * ROWS
    return tuple(
        int.from_bytes(
            hashlib.blake2b(bytes([b]) + raw[b * width : (b + 1) * width], digest_size=4).digest(),
            "little",
            signed=True,
        )
        for b in range(BANDS)
    )


@lru_cache(maxsize=8192)
def _key(key_text: str) -> tuple[str, tuple[int, ...]]:
    """The shingles (joined) and band keys of a key text: computed once a process for a heading
    asked again (jieba and 32 MinHash bands, ≈ 0.25 ms)."""
    grams = _text_shingles(key_text)
    return " ".join(sorted(grams)), band_keys(grams)


def demand_key(requirement_id: str, heading: str, text: str) -> DemandKey:
    grams, bands = _key(demand_text(heading, text))
    return DemandKey(requirement_id=requirement_id, grams=grams, bands=bands)


def demands(extraction: Extraction) -> Demands:
    """Every requirement's demand key, with the linking settings (what `store.save_extraction` takes)."""
    conf = settings()
    keys = tuple(demand_key(r.id, r.heading or "", r.text) for r in extraction.requirements)
    return Demands(
        method=METHOD,
        threshold=conf.threshold,
        min_shared=conf.min_shared,
        sure_score=conf.sure_score,
        max_links=conf.max_links,
        keys=keys,
    )

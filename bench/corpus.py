"""A synthetic corpus for the benchmarks: the real speeches' paragraphs, recombined.

Each real speech is cut into its preamble (the paragraphs before its first `一、`) and
its top-level sections (a `一、` paragraph and everything up to the next top-level
marker). A synthetic speech is one preamble followed by randomly drawn sections (each
cut to a random prefix of its paragraphs), renumbered `一、二、三、…`, until it reaches a size drawn around `mean_bytes`. Every
paragraph is a real one (only the top-level ordinal is rewritten), so the
extractors see real structure and real text. A paragraph that ends a sentence also
gets one real sentence (from anywhere in the corpus, one without list markers)
appended: the recombined speeches would otherwise repeat the same requirement texts
thousands of times, and the extractors' per-text caches would time cache hits
instead of work a new speech costs. The same seed gives the same files,
and the first `n` files of a larger corpus are the files of the smaller one.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from pathlib import Path

CN_NUMERALS = "一二三四五六七八九"
_TOP = re.compile(r"^([一二三四五六七八九十]{1,3})、")
_SENTENCE = re.compile(r"[^。！？；]+[。！？；]")
_ANY_MARKER = re.compile(
    r"[一二三四五六七八九十]{1,3}[是要、]|[（(][一二三四五六七八九十0-9]|第[一二三四五六七八九十]|[0-9０-９][.．、]"
)
_ENDS = ("。", "！", "？", "；")
SUFFIXES = (".txt", ".md")


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (1..99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_NUMERALS[tens - 1] + "十")
    return head + (CN_NUMERALS[ones - 1] if ones else "")


@dataclass(frozen=True)
class Section:
    """A top-level section: its heading paragraph without the marker, then its other paragraphs."""

    heading: str
    body: tuple[str, ...]


@dataclass(frozen=True)
class Pool:
    preambles: tuple[tuple[str, ...], ...]
    sections: tuple[Section, ...]
    fillers: tuple[str, ...] = ()  # marker-free sentences, appended to make paragraphs distinct

    def paragraphs(self) -> set[str]:
        out = {p for pre in self.preambles for p in pre}
        for s in self.sections:
            out.add(s.heading)
            out.update(s.body)
        return out


def split_speech(text: str) -> tuple[tuple[str, ...], list[Section]]:
    """Preamble paragraphs and top-level sections (`一、` `二、` … in sequence)."""
    paras = [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    preamble: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    expected = 1
    for p in paras:
        m = _TOP.match(p)
        if m and m.group(1) == cn_numeral(expected):
            sections.append((p[m.end() :], []))
            expected += 1
        elif sections:
            sections[-1][1].append(p)
        else:
            preamble.append(p)
    return tuple(preamble), [Section(h, tuple(body)) for h, body in sections]


def load_pool(source: Path) -> Pool:
    preambles: list[tuple[str, ...]] = []
    sections: list[Section] = []
    for path in sorted(source.iterdir()):
        if path.suffix not in SUFFIXES or path.name.startswith("."):
            continue
        pre, secs = split_speech(path.read_text("utf-8"))
        if pre:
            preambles.append(pre[:4])
        sections.extend(secs)
    if not preambles or not sections:
        raise ValueError(f"no speeches with numbered sections in {source}")
    paras = {p for s in sections for p in s.body}
    fillers = sorted(
        {s for p in paras for s in _SENTENCE.findall(p) if 12 <= len(s) <= 80 and not _ANY_MARKER.search(s)}
    )
    return Pool(tuple(preambles), tuple(sections), tuple(fillers))


def _distinct(rng: random.Random, pool: Pool, paragraph: str) -> str:
    if not pool.fillers or not paragraph.endswith(_ENDS):
        return paragraph
    return paragraph + rng.choice(pool.fillers)


def synth_speech(rng: random.Random, pool: Pool, target_bytes: int) -> str:
    lines = list(rng.choice(pool.preambles))
    size = sum(len(p.encode()) + 1 for p in lines)
    n = 0
    while n < 1 or size < target_bytes:
        n += 1
        section = rng.choice(pool.sections)
        # A prefix of the section's paragraphs: finer sizes, nested numbering intact.
        keep = rng.randint((len(section.body) + 1) // 2, len(section.body))
        block = [
            _distinct(rng, pool, f"{cn_numeral(n)}、{section.heading}"),
            *(_distinct(rng, pool, p) for p in section.body[:keep]),
        ]
        lines += block
        size += sum(len(p.encode()) + 1 for p in block)
        if n >= 99:
            break
    return "\n".join(lines) + "\n"


def synth_texts(pool: Pool, files: int, seed: int = 7, mean_bytes: int = 20_000) -> list[str]:
    """`files` distinct synthetic speeches; a prefix of a longer list for the same seed."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < files:
        text = synth_speech(rng, pool, int(rng.uniform(0.2, 1.0) * mean_bytes))
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        out.append(text)
    return out


def build_corpus(
    out: Path, files: int, *, source: Path, seed: int = 7, mean_bytes: int = 20_000
) -> list[Path]:
    """Write `files` synthetic speeches to `out` (emptied of old .txt files first)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    paths = []
    for i, text in enumerate(synth_texts(load_pool(source), files, seed, mean_bytes)):
        path = out / f"synth_{i:05d}.txt"
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths

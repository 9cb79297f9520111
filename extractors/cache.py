"""jieba's dictionary tables, kept in a file that is fast to read.

A cold process used to spend about a second on jieba before its first word: jieba's
own cache (`jieba.cache`, a marshal of 500k words whose strings are interned one by
one on reading) and the part-of-speech table that `import jieba.posseg` parses from
`dict.txt` line by line. Both tables are the same on every run, so the first process
that needs them stores them in one file, which later processes read in about a third
of the time: the words as one UTF-8 text (split once), their counts as one array, their
tags as one byte each. `import jieba.posseg` is then never needed.

The file lives in the user's cache folder (`platformdirs.user_cache_dir`, e.g.
`~/.cache/speechtasks`; `SPEECHTASKS_CACHE_DIR` overrides), else in a private folder
under the temporary directory. Its name carries a hash of jieba's dictionary file and
of the jieba and speechtasks versions, so a new dictionary or release writes a new
file. A file is written to a temporary name and renamed into place, so processes
starting together never read a half-written one; a damaged or foreign file is
rebuilt. Nothing in it is executable (marshal of bytes, ints, str), and the result is
exactly jieba's own tables: the extraction does not change.

The actor lexicon's user words are not in it: they go into a private tokenizer, on
top of these tables, in milliseconds (extractors/nlp.py).
"""

from __future__ import annotations

import array
import contextlib
import hashlib
import logging
import marshal
import os
import stat
import tempfile
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

ENV_VAR = "SPEECHTASKS_CACHE_DIR"
FORMAT = "speechtasks-jieba-1"  # a change of the file's layout gets a new name


def cache_dir() -> Path | None:
    """Where the cache goes: a folder this user owns and only this user can write."""
    chosen = os.environ.get(ENV_VAR)
    if chosen:
        candidates = [Path(chosen).expanduser()]
    else:
        import platformdirs

        candidates = [
            Path(platformdirs.user_cache_dir("speechtasks")),
            Path(tempfile.gettempdir()) / f"speechtasks-cache-{getattr(os, 'getuid', lambda: 0)()}",
        ]
    for folder in candidates:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            continue
        if _private(folder):
            return folder
    return None


def _private(folder: Path) -> bool:
    """Ours and not writable by others: a shared temporary folder could be planted."""
    try:
        st = folder.stat()
    except OSError:
        return False
    if not hasattr(os, "getuid"):
        return os.access(folder, os.W_OK)
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def cache_key() -> str:
    """jieba's dictionary (its bytes), jieba's and our versions, the file layout."""
    import importlib.metadata

    import jieba

    digest = hashlib.sha256()
    for part in (FORMAT, jieba.__version__, importlib.metadata.version("speechtasks")):
        digest.update(part.encode() + b"\0")
    with jieba.dt.get_dict_file() as f:
        digest.update(f.read())
    return digest.hexdigest()[:20]


class TagTable:
    """jieba's word → part-of-speech table, read from the sorted word list when a word is
    first asked for: building a dict of all 350k tagged words would cost more than every
    lookup of a speech together."""

    __slots__ = ("_codes", "_names", "_seen", "_words")

    def __init__(self, words: list[str], codes: bytes, names: list[str]) -> None:
        self._words, self._codes, self._names = words, codes, [None, *names]
        self._seen: dict[str, str] = {}

    def get(self, word: str, default: str | None = None) -> str | None:
        try:
            return self._seen[word]
        except KeyError:
            pass
        i = bisect_left(self._words, word)
        if i < len(self._words) and self._words[i] == word and self._codes[i]:
            tag = self._seen[word] = self._names[self._codes[i]]  # dictionary words only: bounded
            return tag
        return default

    def __getitem__(self, word: str) -> str:
        tag = self.get(word)
        if tag is None:
            raise KeyError(word)
        return tag

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def items(self) -> Iterator[tuple[str, str]]:
        return (
            (w, self._names[c])  # type: ignore[misc]
            for w, c in zip(self._words, self._codes, strict=True)
            if c
        )


Tables = tuple[dict[str, int], int, "dict[str, str] | TagTable"]  # FREQ, total, word → tag


def dump(tables: Tables) -> bytes:
    freq, total, tags = tables
    words = sorted(freq)  # TagTable looks words up by bisection
    names = sorted({t for _, t in tags.items()})
    if len(names) > 255 or any("\n" in w for w in words):
        raise ValueError("jieba's tables do not fit the cache layout")
    code = {t: i + 1 for i, t in enumerate(names)}
    return marshal.dumps(
        (
            FORMAT,
            total,
            names,
            "\n".join(words).encode("utf-8"),
            array.array("q", [freq[w] for w in words]).tobytes(),
            bytes(code.get(tags.get(w), 0) for w in words),  # type: ignore[arg-type]
        )
    )


def load(data: bytes) -> Tables:
    """The tables back; ValueError if `data` is not a whole cache of this layout."""
    try:
        fmt, total, names, words_b, freqs_b, tags_b = marshal.loads(data)
    except (EOFError, TypeError, ValueError) as exc:
        raise ValueError(f"not a jieba cache: {exc}") from exc
    if fmt != FORMAT or not isinstance(total, int) or not isinstance(names, list):
        raise ValueError("not a jieba cache of this layout")
    if not all(isinstance(b, bytes) for b in (words_b, freqs_b, tags_b)):
        raise ValueError("jieba cache is damaged")
    words = words_b.decode("utf-8").split("\n")
    counts = array.array("q")
    counts.frombytes(freqs_b)
    if not (len(words) == len(counts) == len(tags_b)) or max(tags_b, default=0) > len(names):
        raise ValueError("jieba cache is damaged")
    return dict(zip(words, counts.tolist(), strict=True)), total, TagTable(words, tags_b, names)


def build() -> Tables:
    """jieba's own tables, read the slow way (its cache or dict.txt, and jieba.posseg)."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)  # not "Building prefix dict…" on stderr
    jieba.dt.check_initialized()
    return jieba.dt.FREQ, jieba.dt.total, jieba.posseg.dt.word_tag_tab


def write_atomically(path: Path, data: bytes) -> None:
    """A temporary file in the same folder, renamed over `path`: readers see all or nothing."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached_tables(folder: Path | None) -> Tables:
    """The tables from `folder`'s cache file, written there first when missing or damaged."""
    path = folder / f"jieba-{cache_key()}.bin" if folder is not None else None
    if path is not None:
        try:
            return load(path.read_bytes())
        except (OSError, ValueError):
            pass  # missing, or damaged: rebuilt below
    tables = build()
    try:
        data = dump(tables)
    except ValueError:
        return tables
    if path is not None:
        with contextlib.suppress(OSError):  # a read-only or full disk costs only the speed-up
            write_atomically(path, data)
    return load(data)  # the same tables, of the same types, whether read or built


@lru_cache(maxsize=1)
def load_jieba() -> TagTable:
    """Initialise jieba's global tokenizer from the cache; return its word → tag table."""
    import jieba

    freq, total, tags = cached_tables(cache_dir())
    if not jieba.dt.initialized:
        with jieba.dt.lock:
            jieba.dt.FREQ, jieba.dt.total, jieba.dt.initialized = freq, total, True
    return tags

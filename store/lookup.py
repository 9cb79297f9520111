"""Which stored speech a person means: a source, a speech id, or a path to the file."""

from __future__ import annotations

import posixpath
from pathlib import Path

from sqlite_utils import Database


class UnknownSpeech(ValueError):
    """No stored speech (or more than one) answers to what was given; the message says which exist."""


def resolve_speech(db: Database, given: str, corpus: Path | None = None, cwd: Path | None = None) -> str:
    """The `source` (or speech version id) that `given` names, for the `speech=` filter.

    `given` is a stored source (the path relative to the corpus, `2024/讲话.txt`), a
    speech version's id, or a path to the file as typed where one stands: relative to
    `cwd` (`corpus/000_….txt` from the folder above the corpus) or absolute, read
    against `corpus`; else the one stored source that it ends with, or that ends with
    it (`report.txt` for `1979/report.txt`), at a folder boundary.
    """
    text = given.strip()
    if not text:
        raise UnknownSpeech("no speech given")
    sources = {r[0] for r in db.execute("select distinct source from speeches")}
    if text in sources or db.execute("select 1 from speeches where id = ?", [text]).fetchone():
        return text
    if corpus is not None:
        path = Path(text).expanduser()
        path = path if path.is_absolute() else (cwd or Path.cwd()) / path
        try:
            inside = path.resolve().relative_to(corpus.expanduser().resolve()).as_posix()
        except (OSError, ValueError):
            inside = None
        if inside in sources:
            return inside  # type: ignore[return-value]
    typed = posixpath.normpath(text.replace("\\", "/"))
    ends = sorted(s for s in sources if typed.endswith("/" + s) or s.endswith("/" + typed))
    if len(ends) == 1:
        return ends[0]
    if ends:
        raise UnknownSpeech(f"{given!r} could be any of {', '.join(ends)}: give one of them")
    shown = sorted(sources)[:5]
    known = (
        f"stored speeches: {', '.join(shown)}{' …' if len(sources) > len(shown) else ''}"
        if sources
        else "no speech is stored yet; run `speechtasks run` first"
    )
    raise UnknownSpeech(
        f"no stored speech {given!r} (give its source as stored, a path to the file, or its id); {known}"
    )

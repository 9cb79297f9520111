"""Finding work in the corpus folder: which files are new or changed (plain functions)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = {".txt", ".md", ".docx", ".pdf"}


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    source: str  # relative to the corpus folder, with forward slashes
    sha256: str


def is_ignored(path: Path) -> bool:
    """Hidden, temporary and lock files (`.DS_Store`, `~$x.docx`, `x.txt~`) are not speeches."""
    name = path.name
    return name.startswith((".", "~$", "~")) or name.endswith(("~", ".tmp", ".swp"))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def scan_corpus(corpus: Path) -> list[CorpusFile]:
    """Every speech file below `corpus`, in a stable order, with its content hash."""
    files = []
    for path in sorted(corpus.rglob("*")):
        rel = path.relative_to(corpus)
        if not path.is_file() or path.suffix.lower() not in SUFFIXES:
            continue
        if any(is_ignored(Path(part)) for part in rel.parts):
            continue
        files.append(CorpusFile(path, rel.as_posix(), file_sha256(path)))
    return files


def new_files(files: list[CorpusFile], known: set[str]) -> list[CorpusFile]:
    """Files whose content is not stored yet: new files and changed ones."""
    return [f for f in files if f.sha256 not in known]

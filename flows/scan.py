"""Finding work in the corpus folder: which files are new or changed (plain functions)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from store import corpus_id, known_versions, move_source
from store import failed_versions as store_failed_versions

# Speech files (extractors.decode.SUFFIXES; the office formats and OFD among them, reported
# as `unsupported` when their converter or extra is missing, never skipped). Spelled out here, not
# imported: importing extractors loads spaCy (≈ 3 s), and `run` with nothing new
# must stay fast. tests/test_inputs.py checks the two agree.
SCANNED = {".txt", ".md", ".docx", ".pdf", ".doc", ".wps", ".rtf", ".odt", ".ofd"}
# The reason kind of an error that may go away by itself (file locked, vanished, NFS hiccup).
TRANSIENT = "read-failed"


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    source: str  # relative to the corpus folder, with forward slashes
    sha256: str | None  # None when the file could not be read during the scan
    size: int = 0
    # Why the file is refused without reading it (`bad-name: …`, `outside-corpus: …`);
    # its sha256 is then a hash of the name, so the refusal is recorded once, and the
    # renamed file (or a real copy in place of the link) is a new version.
    problem: str | None = None


def is_ignored(path: Path) -> bool:
    """Hidden, temporary and lock files (`.DS_Store`, `~$x.docx`, `x.txt~`) are not speeches."""
    name = path.name
    return name.startswith((".", "~$", "~")) or name.endswith(("~", ".tmp", ".swp", ".part", ".crdownload"))


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _refused(path: Path, source: str, problem: str) -> CorpusFile:
    key = os.fsencode(path) + b"\0" + problem.encode("utf-8", "backslashreplace")
    return CorpusFile(path, source, hashlib.sha256(key).hexdigest(), 0, problem)


def safe_source(rel: Path) -> tuple[str, str | None]:
    """(source, problem): a name that is not valid UTF-8 (a GBK name from a Windows zip or
    a mis-mounted share) cannot be stored; it is shown escaped (`\\xbd\\xb2.txt`) and refused."""
    source = rel.as_posix()
    try:
        source.encode("utf-8")
        return source, None
    except UnicodeEncodeError:
        raw = os.fsencode(source)
    safe = raw.decode("utf-8", "backslashreplace")
    try:
        hint = f" (read as GBK: {raw.decode('gb18030')})"
    except UnicodeDecodeError:
        hint = ""
    return safe, f"bad-name: the file name is not valid UTF-8{hint}: rename it"


def scan_corpus(corpus: Path) -> list[CorpusFile]:
    """Every speech file below `corpus`, in a stable order, with its content hash.

    A file that cannot be read now (locked, vanished mid-scan) is listed with no hash:
    the run reports it as `read-failed` and the next run tries it again. A name that
    is not valid UTF-8, and a link that leads out of the corpus, are listed with their
    `problem` and never read.
    """
    files = []
    root = corpus.resolve()
    for path in sorted(corpus.rglob("*")):
        rel = path.relative_to(corpus)
        if path.suffix.lower() not in SCANNED or any(is_ignored(Path(part)) for part in rel.parts):
            continue
        source, bad_name = safe_source(rel)
        try:
            if not path.is_file():
                continue
            if bad_name:
                files.append(_refused(path, source, bad_name))
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                files.append(_refused(path, source, "outside-corpus: a link to a file outside the corpus"))
                continue
            files.append(CorpusFile(path, source, file_sha256(path), path.stat().st_size))
        except OSError:
            files.append(CorpusFile(path, source, None))
    return files


def failed_versions(db: Database) -> set[str]:
    """sha256 of file versions that failed for a reason retrying the same bytes cannot fix."""
    return store_failed_versions(db, transient=TRANSIENT)


def new_files(
    files: list[CorpusFile], known: set[tuple[str, str]], failed: set[str] | None = None
) -> list[CorpusFile]:
    """Files to process: new and changed content, less versions that already failed for good.

    `known` holds the (source, sha256) of the current versions: a file is known only
    when its own path holds these bytes, so a copy under another name is new work. A
    file whose exact bytes were recorded as unusable (empty, binary, corrupt …) is
    not tried again, so its error is recorded once, not every run; the office's fixed
    copy has a new hash and is processed. Unreadable files (no hash) are always retried.
    """
    failed = failed or set()
    return [
        f for f in files if f.sha256 is None or ((f.source, f.sha256) not in known and f.sha256 not in failed)
    ]


def find_renames(files: list[CorpusFile], known: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """(old, new) sources of the files renamed since the last run.

    A rename: a stored source is gone from the corpus and a path never stored before
    holds its current bytes. Several such paths: the first (in scan order) is the
    rename, the others are copies.
    """
    present = {f.source for f in files}
    stored = {source for source, _ in known}
    gone: dict[str, list[str]] = {}
    for source, sha in sorted(known):
        if source not in present:
            gone.setdefault(sha, []).append(source)
    moves = []
    for f in files:
        if f.sha256 and f.source not in stored and gone.get(f.sha256):
            moves.append((gone[f.sha256].pop(0), f.source))
    return moves


@dataclass(frozen=True)
class Plan:
    corpus_id: int
    todo: list[CorpusFile]
    renamed: list[tuple[str, str]]  # (old, new) sources moved this run


def plan_run(db: Database, corpus: Path, files: list[CorpusFile], *, retry_failed: bool = False) -> Plan:
    """The corpus's id, its renamed files moved (no extraction needed), and the files to extract."""
    cid = corpus_id(db, corpus)
    known = known_versions(db, cid)
    renamed = find_renames(files, known)
    for old, new in renamed:
        move_source(db, cid, old, new)
    if renamed:
        known = known_versions(db, cid)
    return Plan(cid, new_files(files, known, None if retry_failed else failed_versions(db)), renamed)

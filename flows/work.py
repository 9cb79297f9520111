"""Extracting files, in this process or in a process pool (plain functions, no Prefect).

Extraction is CPU-bound pure Python, so threads cannot overlap it (the GIL); a pool
of processes can, but each worker first pays the extractors' warm-up (importing
spaCy, building the jieba/spaCy pipeline). Measured on the 2-core machines, loaded:
warm-up ≈ 8 s a process (3 s import + 5 s first extraction); after it ≈ 0.1 s a
speech. 42 speeches (2.6 MB): in-process 6.8 s, a pool of 2 11.4 s; 14 speeches:
8 s vs 16-25 s. A pool only pays once in-process work exceeds about twice a
warm-up, so runs stay in-process unless they bring more than POOL_MIN_BYTES (a
backfill of ≈ 130 speeches) or the caller asks for workers explicitly.

Where a file is extracted, its requirements' demand keys (extractors/repeats.py: jieba
and MinHash, ≈ 0.2 ms CPU a requirement) are computed too, so a pool's processes share
that work and the flow's one writer only stores and links. The decoded text travels back
with the outcome when review pages are wanted: the flow renders the page (≈ 2 ms) once the
speech and its links are committed, so the page says which requirements were asked before.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import multiprocessing
import os
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from extractors import extract_text
from extractors.decode import DecodeError, read_file_bytes
from extractors.lexicon import LexiconError
from extractors.office import converted_batch
from extractors.repeats import demands
from flows.sandbox import decode_guarded
from flows.scan import TRANSIENT, CorpusFile
from flows.stopping import Interrupted, stop_requested
from schemas import Demands, Extraction

# Below this much input a pool's warm-up (≈ 8 s a worker) costs more than it saves.
POOL_MIN_BYTES = 8_000_000
BATCH_SIZE = 8


@dataclass(frozen=True)
class Outcome:
    file: CorpusFile
    result: Extraction | None
    error: str | None  # "kind: detail"
    transient: bool = False  # an I/O failure: retrying may help
    text: str | None = None  # the decoded text, for the review page (rendered once the speech is stored)
    pages_dir: str | None = None  # where the review page goes (None: no page)
    demands: Demands | None = None  # the requirements' demand keys, when linking repeats
    skipped: str | None = None  # not read this run, nothing recorded: "not-ready: …", "interrupted: …"

    @property
    def sha256(self) -> str | None:
        return self.result.speech.sha256 if self.result else self.file.sha256


# A file name stays under 255 bytes on every common file system; the page's own
# suffix (".<16 hex>.html") and write_review_page's temporary name need the rest.
MAX_NAME_BYTES = 200


def review_dir(db_path: Path | str) -> Path:
    """Where a database's review pages go: `<db folder>/<db stem>.review/`."""
    db = Path(db_path).resolve()
    return db.parent / f"{db.stem}.review"


def review_page_path(pages_dir: Path, source: str, sid: str) -> Path:
    """`<pages_dir>/<source>.<speech id>.html`: the corpus's subfolders kept, one page a version.

    Distinct (source, version) pairs never share a page: sources are distinct paths
    and never end in `.<16 hex>.html`, and the speech id is the version's content hash.
    """
    parts = [p for p in PurePosixPath(source).parts if p not in ("/", ".", "..")] or ["speech"]
    name = parts[-1]
    while len(name.encode("utf-8")) > MAX_NAME_BYTES:  # very long names: keep their start
        name = name[:-1]
    return Path(pages_dir, *parts[:-1], f"{name}.{sid}.html")


def render_page(
    text: str, result: Extraction, also_asked: dict[str, list[dict[str, Any]]] | None = None
) -> tuple[str | None, str | None]:
    """The review page of one extracted file as HTML; (html, None) or (None, why not).
    `also_asked`: see `review.render_review`."""
    try:
        from review import render_review

        return render_review(text, result, also_asked=also_asked), None
    except Exception as exc:  # a page is a by-product: never lose the speech over it
        return None, f"{type(exc).__name__}: {exc}"


def write_page(pages_dir: Path, source: str, sid: str, html: str) -> tuple[str | None, str | None]:
    """Write a rendered review page (atomically); (its absolute path, None) or (None, why not).

    Called after the speech is committed: a disk filling up costs the page, not the speech.
    """
    try:
        from review.render import write_html

        path = review_page_path(pages_dir, source, sid)
        return str(write_html(path, html).resolve()), None
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"


# A file modified this recently may still be being written (a copy, a sync tool):
# it is read only once it has been left alone this long. SPEECHTASKS_QUIET_SECONDS overrides.
QUIET_SECONDS = 3.0


class NotReady(Exception):
    """The file is being written or replaced: it is left for the next run, nothing recorded."""


def quiet_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("SPEECHTASKS_QUIET_SECONDS", QUIET_SECONDS)))
    except ValueError:
        return QUIET_SECONDS


def read_ready(f: CorpusFile) -> bytes:
    """The bytes of `f`, once they have settled and are the bytes the scan hashed.

    A file modified in the last `quiet_seconds()` is waited for (once); if it changes
    meanwhile, or its bytes differ from the scan's, it raises NotReady: a failure is
    only ever tied to bytes that were actually read, and a half-copied file is not
    stored as a version.
    """
    before = f.path.stat()
    age = time.time() - before.st_mtime
    if 0 <= age < quiet_seconds():
        time.sleep(quiet_seconds() - age)
        after = f.path.stat()
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            raise NotReady("not-ready: still being written (changed during the last seconds)")
    raw = read_file_bytes(f.path)
    if f.sha256 is not None and hashlib.sha256(raw).hexdigest() != f.sha256:
        raise NotReady("not-ready: changed since the scan (being written or replaced)")
    return raw


def extract_one(f: CorpusFile, pages_dir: Path | None = None, link_repeats: bool = True) -> Outcome:
    """One file → its Extraction (with its decoded text when its review page goes to `pages_dir`,
    and its demand keys with `link_repeats`), or the reason it cannot be used.

    Never raises, except for a bad configuration (LexiconError): that is no file's fault.
    """
    if f.problem:
        return Outcome(f, None, f.problem)
    try:
        if stop_requested():
            raise Interrupted(f.source)
        speech, text = decode_guarded(read_ready(f), f.path.name, f.source)
        result = extract_text(text, speech)
        keys = demands(result) if link_repeats else None
    except NotReady as exc:
        return Outcome(f, None, None, skipped=str(exc))
    except Interrupted:
        return Outcome(f, None, None, skipped="interrupted: the run was stopped; read next run")
    except LexiconError:
        raise
    except Exception as exc:
        if stop_requested():  # the stop cut the reading short: not this file's fault
            return Outcome(f, None, None, skipped="interrupted: the run was stopped; read next run")
        if isinstance(exc, DecodeError):
            return Outcome(f, None, str(exc))
        if isinstance(exc, OSError):
            return Outcome(f, None, f"{TRANSIENT}: {exc.strerror or exc}", transient=True)
        return Outcome(
            f, None, f"extract-failed: {type(exc).__name__}: {exc}"
        )  # an extractor bug on odd input
    if pages_dir is None:
        return Outcome(f, result, None, demands=keys)
    return Outcome(f, result, None, text=text, pages_dir=str(pages_dir), demands=keys)


def load_dictionaries() -> None:
    """Import the extractors and build their jieba/spaCy pipeline for the active lexicon now
    (a run can say so, rather than stall on its first file), then give the loader's scratch
    memory back to the system.

    Loading jieba's tables peaks ≈ 70 MB above what stays, and the C heap keeps those
    pages: done first and trimmed, an in-process run of 150 files peaks at ≈ 375 MB, not
    433 MB (bench/, step `inproc`). Cached: a second call costs a trim.
    """
    from extractors.lexicon import load_lexicon
    from extractors.nlp import get_nlp

    get_nlp(load_lexicon())
    release_free_heap()


def release_free_heap() -> None:
    """Return the C heap's free pages to the system (glibc's malloc_trim); elsewhere nothing."""
    with contextlib.suppress(OSError, AttributeError):  # CDLL(None): the libc already loaded
        ctypes.CDLL(None).malloc_trim(0)


def extract_batch(
    batch: list[CorpusFile], pages_dir: Path | None = None, link_repeats: bool = True
) -> list[Outcome]:
    """Extract a batch; its .doc/.wps/.rtf/.odt files go through one LibreOffice run, not one each.

    After a stop request each file is `interrupted` at once.
    """
    with converted_batch(f.path for f in batch):
        return [extract_one(f, pages_dir, link_repeats) for f in batch]


def batches(files: list[CorpusFile], size: int = BATCH_SIZE) -> list[list[CorpusFile]]:
    return [files[i : i + size] for i in range(0, len(files), size)]


def choose_workers(files: list[CorpusFile], max_workers: int | None = None) -> int:
    """Processes to extract with: `max_workers` when given (capped at the cores), else
    1 (in-process) unless the run is a big backfill; see the module docstring."""
    cores = os.cpu_count() or 1
    if max_workers:
        return max(1, min(cores, max_workers))
    if cores <= 1 or sum(f.size for f in files) < POOL_MIN_BYTES:
        return 1
    return cores


@contextlib.contextmanager
def batch_executor(workers: int) -> Iterator[Executor | None]:
    """A process pool of `workers` (spawned: forking a threaded process is unsafe), or None."""
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def run_batch(
    batch: list[CorpusFile], pool: Executor | None, pages_dir: Path | None = None, link_repeats: bool = True
) -> list[Outcome]:
    if pool:
        return pool.submit(extract_batch, batch, pages_dir, link_repeats).result()
    return extract_batch(batch, pages_dir, link_repeats)

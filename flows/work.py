"""Extracting files, in this process or in a process pool (plain functions, no Prefect).

Extraction is CPU-bound pure Python, so threads cannot overlap it (the GIL); a pool
of processes can, but each worker first pays the extractors' warm-up (importing
spaCy, building the jieba/spaCy pipeline). Measured on the 2-core machines, loaded:
warm-up ≈ 8 s a process (3 s import + 5 s first extraction); after it ≈ 0.1 s a
speech. 42 speeches (2.6 MB): in-process 6.8 s, a pool of 2 11.4 s; 14 speeches:
8 s vs 16-25 s. A pool only pays once in-process work exceeds about twice a
warm-up, so runs stay in-process unless they bring more than POOL_MIN_BYTES (a
backfill of ≈ 130 speeches) or the caller asks for workers explicitly.

Where a file is extracted, its review page is written too (review/): the decoded
text is at hand there and never travels back to the flow.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from extractors import extract_text
from extractors.decode import DecodeError, read_speech
from flows.scan import TRANSIENT, CorpusFile
from schemas import Extraction
from store.write import speech_id

# Below this much input a pool's warm-up (≈ 8 s a worker) costs more than it saves.
POOL_MIN_BYTES = 8_000_000
BATCH_SIZE = 8


@dataclass(frozen=True)
class Outcome:
    file: CorpusFile
    result: Extraction | None
    error: str | None  # "kind: detail"
    transient: bool = False  # an I/O failure: retrying may help
    review_path: str | None = None  # the review page written for this version
    review_error: str | None = None  # why no page was written (the speech is stored anyway)

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


def write_page(
    pages_dir: Path, f: CorpusFile, text: str, result: Extraction
) -> tuple[str | None, str | None]:
    """Write the review page of one extracted file; (its absolute path, None) or (None, why not)."""
    try:
        from review import write_review_page

        path = review_page_path(pages_dir, f.source, speech_id(result.speech.sha256))
        return str(write_review_page(path, text, result).resolve()), None
    except Exception as exc:  # a page is a by-product: never lose the speech over it
        return None, f"{type(exc).__name__}: {exc}"


def extract_one(f: CorpusFile, pages_dir: Path | None = None) -> Outcome:
    """One file → its Extraction (and review page in `pages_dir`), or the reason it cannot be used.

    Never raises.
    """
    try:
        speech, text = read_speech(f.path, source=f.source)
        result = extract_text(text, speech)
    except DecodeError as exc:
        return Outcome(f, None, str(exc))
    except OSError as exc:
        return Outcome(f, None, f"{TRANSIENT}: {exc.strerror or exc}", transient=True)
    except Exception as exc:  # an extractor bug on odd input: recorded, never fatal
        return Outcome(f, None, f"extract-failed: {type(exc).__name__}: {exc}")
    if pages_dir is None:
        return Outcome(f, result, None)
    page, why = write_page(Path(pages_dir), f, text, result)
    return Outcome(f, result, None, review_path=page, review_error=why)


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


def extract_batch(batch: list[CorpusFile], pages_dir: Path | None = None) -> list[Outcome]:
    return [extract_one(f, pages_dir) for f in batch]


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


def run_batch(batch: list[CorpusFile], pool: Executor | None, pages_dir: Path | None = None) -> list[Outcome]:
    if pool:
        return pool.submit(extract_batch, batch, pages_dir).result()
    return extract_batch(batch, pages_dir)

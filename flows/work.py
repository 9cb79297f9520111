"""Extracting files, in this process or in a process pool (plain functions, no Prefect).

Extraction is CPU-bound pure Python, so threads cannot overlap it (the GIL); a pool
of processes can. A pool costs a start-up per worker (spawn + importing extractors),
so small runs stay in-process: see `choose_workers`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass

from extractors import extract_file
from extractors.decode import DecodeError
from flows.scan import TRANSIENT, CorpusFile
from schemas import Extraction

# Below this much input a pool's start-up (≈1–2 s a worker) costs more than it saves.
POOL_MIN_BYTES = 1_500_000
BATCH_SIZE = 8


@dataclass(frozen=True)
class Outcome:
    file: CorpusFile
    result: Extraction | None
    error: str | None  # "kind: detail"
    transient: bool = False  # an I/O failure: retrying may help

    @property
    def sha256(self) -> str | None:
        return self.result.speech.sha256 if self.result else self.file.sha256


def extract_one(f: CorpusFile) -> Outcome:
    """One file → its Extraction, or the reason it cannot be used. Never raises."""
    try:
        return Outcome(f, extract_file(f.path, source=f.source), None)
    except DecodeError as exc:
        return Outcome(f, None, str(exc))
    except OSError as exc:
        return Outcome(f, None, f"{TRANSIENT}: {exc.strerror or exc}", transient=True)
    except Exception as exc:  # an extractor bug on odd input: recorded, never fatal
        return Outcome(f, None, f"extract-failed: {type(exc).__name__}: {exc}")


def extract_batch(batch: list[CorpusFile]) -> list[Outcome]:
    return [extract_one(f) for f in batch]


def batches(files: list[CorpusFile], size: int = BATCH_SIZE) -> list[list[CorpusFile]]:
    return [files[i : i + size] for i in range(0, len(files), size)]


def choose_workers(files: list[CorpusFile], max_workers: int | None = None) -> int:
    """1 (in-process) for small runs; else one process per core, at most `max_workers`."""
    cores = os.cpu_count() or 1
    limit = min(cores, max_workers or cores)
    if limit <= 1 or sum(f.size for f in files) < POOL_MIN_BYTES or len(files) < 2 * BATCH_SIZE:
        return 1
    return limit


@contextlib.contextmanager
def batch_executor(workers: int) -> Iterator[Executor | None]:
    """A process pool of `workers` (spawned: forking a threaded process is unsafe), or None."""
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def run_batch(batch: list[CorpusFile], pool: Executor | None) -> list[Outcome]:
    return pool.submit(extract_batch, batch).result() if pool else extract_batch(batch)

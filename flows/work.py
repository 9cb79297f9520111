"""Extracting files, in this process or in a process pool (plain functions, no Prefect).

Extraction is CPU-bound pure Python, so threads cannot overlap it (the GIL); a pool
of processes can, but each worker first pays the extractors' warm-up (importing
spaCy, building the jieba/spaCy pipeline). Measured on the 2-core machines, loaded:
warm-up ≈ 8 s a process (3 s import + 5 s first extraction); after it ≈ 0.1 s a
speech. 42 speeches (2.6 MB): in-process 6.8 s, a pool of 2 11.4 s; 14 speeches:
8 s vs 16-25 s. A pool only pays once in-process work exceeds about twice a
warm-up, so runs stay in-process unless they bring more than POOL_MIN_BYTES (a
backfill of ≈ 130 speeches) or the caller asks for workers explicitly.
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

# Below this much input a pool's warm-up (≈ 8 s a worker) costs more than it saves.
POOL_MIN_BYTES = 8_000_000
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


def run_batch(batch: list[CorpusFile], pool: Executor | None) -> list[Outcome]:
    return pool.submit(extract_batch, batch).result() if pool else extract_batch(batch)

"""The `ingest_corpus` flow: scan, extract new files in coarse batches, persist, report.

Business logic lives in flows/scan.py, flows/work.py, flows/report.py, extractors/ and
store/; this module only adds Prefect: retries, logging, the run report artifacts.
Tasks are coarse (a batch of files each): Prefect's server stalls on SQLite locks
under many small task runs. One writer: outcomes are saved here, in the flow's
thread, one transaction per speech, so a killed run leaves no half-written speech.
Each batch task also computes its requirements' demand keys (flows/work.py); the flow
writes each stored speech's review page next to the database once the speech and its
links are committed, and stores the page's path with its speech.

The task runner is the caller's choice (flows/runners.py): Prefect's default thread
runner, or a DaskTaskRunner whose worker processes run the batches. The task takes
no process pool: the flow's own pool (thread runner only) is looked up by a key, so
the task's arguments stay plain data that can travel to a Dask worker.
"""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import sys
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.runtime import flow_run, task_run

from extractors.lexicon import LexiconError, check_lexicon
from flows.report import RunSummary, persist, report_markdown, report_table
from flows.report import run_line as report_run_line
from flows.scan import plan_run, scan_corpus
from flows.stopping import received, request_stop, stop_on_signals, stop_requested
from flows.work import (
    BATCH_SIZE,
    Outcome,
    batch_executor,
    batches,
    choose_workers,
    load_dictionaries,
    review_dir,
    run_batch,
)
from store import (
    counts,
    finish_run,
    open_db,
    requirements_by_category,
    start_run,
    sync_actor_labels,
)
from store.safety import is_disk_full, writer_lock

READ_RETRIES = 2

# (done, total, source) after each file; the CLI's progress bar listens here.
# The flow and task functions reach module state (listeners, pools) only through
# module-level functions: a Dask runner pickles them by value, with every global they
# name, and a listener holds the CLI's progress bar (locks: cannot be pickled).
ProgressFn = Callable[[int, int, str], None]
_listeners: list[ProgressFn] = []


def _notify(done: int, total: int, source: str) -> None:
    for fn in list(_listeners):
        fn(done, total, source)


@contextlib.contextmanager
def on_progress(fn: ProgressFn) -> Iterator[None]:
    _listeners.append(fn)
    try:
        yield
    finally:
        _listeners.remove(fn)


class TransientReadError(OSError):
    """Some files of a batch could not be read; the batch is worth another try."""


def _retry_only_reads(_task: Any, _run: Any, state: Any) -> bool:
    try:
        state.result()
    except TransientReadError:
        return True
    except Exception:
        return False
    return False


# The flow's own process pools, by key: a task finds its flow's pool here (same process).
_pools: dict[str, Executor] = {}


@contextlib.contextmanager
def _registered(pool: Executor | None) -> Iterator[str | None]:
    if pool is None:
        yield None
        return
    key = uuid.uuid4().hex
    _pools[key] = pool
    try:
        yield key
    finally:
        del _pools[key]


def _pool(key: str | None) -> Executor | None:
    return _pools.get(key) if key else None


def _dask_slots() -> int | None:
    """Worker threads of the flow's Dask cluster, or None when the runner is not Dask."""
    ctx = FlowRunContext.get()
    runner = getattr(ctx, "task_runner", None)
    if runner is None or type(runner).__name__ != "DaskTaskRunner":
        return None
    try:
        return max(1, sum(runner.client.nthreads().values()))
    except Exception:
        return None


@task(
    retries=READ_RETRIES,
    retry_delay_seconds=2,
    retry_condition_fn=_retry_only_reads,
    cache_policy=NO_CACHE,
    task_run_name="extract-{label}",
)
def extract_batch(
    batch: list[Any],
    label: str,
    pages_dir: str | None = None,
    pool_key: str | None = None,
    link_repeats: bool = True,
) -> list[Outcome]:
    """Extract a batch (with its demand keys when `link_repeats`; its texts when review pages go
    to `pages_dir`, None: no pages).

    Retried (only) when a file could not be read, never on parse errors. `pool_key`
    names the flow's own process pool; on a Dask worker there is none and the batch
    is extracted in the worker's process.
    """
    outcomes = run_batch(batch, _pool(pool_key), Path(pages_dir) if pages_dir else None, link_repeats)
    unread = [o.file.source for o in outcomes if o.transient]
    if unread and task_run.get_run_count() <= READ_RETRIES:
        raise TransientReadError(f"could not read {', '.join(unread)}")
    return outcomes


@flow(name="ingest_corpus", log_prints=True)
def ingest_corpus(
    corpus: Path = Path("corpus"),
    db_path: Path = Path("speechtasks.db"),
    max_workers: int | None = None,
    retry_failed: bool = False,
    review_pages: bool = True,
    link_repeats: bool = True,
    run_line: bool = False,
) -> RunSummary:
    """Process the new and changed files of `corpus` into the task database.

    With `review_pages`, each stored speech's review page is written to
    `<db folder>/<db stem>.review/<source>.<speech id>.html` (`speeches.review_path`).
    With `link_repeats`, each stored requirement is linked to the earlier ones asking the same.
    With `run_line` (served runs), the run ends by printing one line to stdout.
    A bad lexicon, a damaged or newer database, or another run writing it stop the
    run before anything is recorded; SIGTERM/SIGINT stop it at the next file.
    """
    logger = get_run_logger()
    check_lexicon()  # a bad lexicon stops the run before any file is touched or recorded
    with writer_lock(db_path):
        db = open_db(db_path, check=True)
        with stop_on_signals():
            summary = _ingest(
                db, Path(corpus), db_path, max_workers, retry_failed, review_pages, link_repeats, logger
            )
        db.close()
    create_markdown_artifact(key="ingest-report", markdown=report_markdown(summary), description="ingest run")
    create_table_artifact(key="ingest-files", table=report_table(summary), description="files this run")
    logger.info(
        "run %d: %d requirements stored, %d errors",
        summary.run_id,
        summary.requirements_new,
        len(summary.errors),
    )
    if summary.stopped:
        logger.warning("run %d stopped early: %s", summary.run_id, summary.stopped)
    if run_line:  # not print(): log_prints would turn it into a log record
        sys.stdout.write(report_run_line(summary) + "\n")
        sys.stdout.flush()
    return summary


def _ingest(
    db: Any,
    corpus: Path,
    db_path: Path,
    max_workers: int | None,
    retry_failed: bool,
    review_pages: bool,
    link_repeats: bool,
    logger: Any,
) -> RunSummary:
    sync_actor_labels(db)
    run_id = start_run(db)
    files = scan_corpus(corpus)
    plan = plan_run(db, corpus, files, retry_failed=retry_failed)
    todo = plan.todo
    dask_slots = _dask_slots() if todo else None
    # On Dask the cluster's workers are the processes; the flow's own pool stays off.
    workers = 1 if dask_slots else choose_workers(todo, max_workers)
    pages = str(review_dir(db_path)) if review_pages else None
    slots = dask_slots or workers
    how = f"a Dask cluster of {dask_slots} workers" if dask_slots else f"{workers} process(es)"
    logger.info("%d files in %s, %d new or changed; %s", len(files), corpus, len(todo), how)
    summary = RunSummary(
        run_id,
        len(files),
        len(todo),
        workers=workers,
        flow_run_id=flow_run.get_id(),
        runner=f"dask ({dask_slots} workers)" if dask_slots else "thread",
        review_dir=pages,
        renamed=plan.renamed,
    )
    if todo and not dask_slots and workers == 1:
        load_dictionaries()  # extracting in this process: dictionaries in, the loader's scratch freed
    with batch_executor(workers) as pool, _registered(pool) as pool_key:
        # Coarse batches (Prefect stalls under many small task runs), but at least one per
        # process when there are few files, so every worker gets a share.
        chunks = batches(todo, max(1, min(BATCH_SIZE, -(-len(todo) // slots))))
        # A bounded window of batches in flight: each one's extractions are dropped once
        # saved, so memory stays flat however large the corpus (submitting all up front
        # kept every extraction alive until the flow ended: +41 % RSS from 500 to 2,000 files).
        window = max(2, 2 * slots)
        pending: deque[tuple[list[Any], Any]] = deque()
        submitted = 0
        while (submitted < len(chunks) and not stop_requested()) or pending:
            while submitted < len(chunks) and len(pending) < window and not stop_requested():
                label = f"{submitted + 1}of{len(chunks)}"
                future = extract_batch.submit(chunks[submitted], label, pages, pool_key, link_repeats)
                pending.append((chunks[submitted], future))
                submitted += 1
            chunk, future = pending.popleft()
            state = future.wait() or future.state
            outcomes = future.result() if state.is_completed() else _failed_batch(chunk, state)
            for outcome in outcomes:
                if summary.stopped:
                    break
                try:
                    row = persist(db, run_id, outcome, summary, plan.corpus_id, link_repeats)
                except sqlite3.Error as exc:
                    if not is_disk_full(exc):
                        raise
                    summary.stopped = f"the disk holding {db_path} is full: {outcome.file.source} and later files were not stored"
                    request_stop()
                    break
                if row.status == "error":
                    logger.warning("not stored: %s: %s", row.file, row.reason)
                elif row.review_error:
                    logger.warning(
                        "stored, but its review page was not written: %s: %s", row.file, row.review_error
                    )
                _notify(len(summary.files), len(todo), row.file)
    if stop_requested() and not summary.stopped:
        left = len(todo) - sum(1 for r in summary.files if r.status != "skipped")
        name = signal.Signals(received() or signal.SIGTERM).name
        summary.stopped = f"stopped by {name}: {left} file(s) left for the next run"
    try:
        finish_run(db, run_id, files_seen=len(files), files_new=len(todo), errors=len(summary.errors))
        summary.by_category = requirements_by_category(db)
        summary.totals = counts(db)
    except sqlite3.Error as exc:
        if not is_disk_full(exc):
            raise
        summary.stopped = summary.stopped or f"the disk holding {db_path} is full"
    return summary


def _failed_batch(chunk: list[Any], state: Any) -> list[Outcome]:
    """A batch whose task failed (an error outside any one file): each file recorded, none lost."""
    with contextlib.suppress(Exception):
        if isinstance(exc := state.result(raise_on_failure=False), LexiconError):
            raise exc  # the configuration's fault, not these files': nothing is recorded for them
    reason = f"extract-failed: {state.message or state.name}"
    return [Outcome(f, None, reason) for f in chunk]

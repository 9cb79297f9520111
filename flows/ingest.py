"""The `ingest_corpus` flow: scan, extract new files in coarse batches, persist, report.

Business logic lives in flows/scan.py, flows/work.py, flows/report.py, extractors/ and
store/; this module only adds Prefect: retries, logging, the run report artifacts.
Tasks are coarse (a batch of files each): Prefect's server stalls on SQLite locks
under many small task runs. One writer: outcomes are saved here, in the flow's
thread, one transaction per speech, so a killed run leaves no half-written speech.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run, task_run

from flows.report import RunSummary, persist, report_markdown, report_table
from flows.scan import failed_versions, new_files, scan_corpus
from flows.work import Outcome, batch_executor, batches, choose_workers, run_batch
from store import (
    counts,
    finish_run,
    known_versions,
    open_db,
    requirements_by_category,
    start_run,
    sync_actor_labels,
)

READ_RETRIES = 2

# (done, total, source) after each file; the CLI's progress bar listens here.
ProgressFn = Callable[[int, int, str], None]
_listeners: list[ProgressFn] = []


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


@task(
    retries=READ_RETRIES,
    retry_delay_seconds=2,
    retry_condition_fn=_retry_only_reads,
    cache_policy=NO_CACHE,
    task_run_name="extract-{label}",
)
def extract_batch(batch: list[Any], pool: Executor | None, label: str) -> list[Outcome]:
    """Extract a batch; retried (only) when a file could not be read, never on parse errors."""
    outcomes = run_batch(batch, pool)
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
) -> RunSummary:
    """Process the new and changed files of `corpus` into the task database."""
    logger = get_run_logger()
    db = open_db(db_path)
    sync_actor_labels(db)
    run_id = start_run(db)
    files = scan_corpus(Path(corpus))
    todo = new_files(files, known_versions(db), None if retry_failed else failed_versions(db))
    workers = choose_workers(todo, max_workers)
    logger.info("%d files in %s, %d new or changed; %d process(es)", len(files), corpus, len(todo), workers)
    summary = RunSummary(run_id, len(files), len(todo), workers=workers, flow_run_id=flow_run.get_id())
    with batch_executor(workers) as pool:
        chunks = batches(todo)
        # A bounded window of batches in flight: each one's extractions are dropped once
        # saved, so memory stays flat however large the corpus (submitting all up front
        # kept every extraction alive until the flow ended: +41 % RSS from 500 to 2,000 files).
        window = max(2, 2 * workers)
        pending: deque[tuple[list[Any], Any]] = deque()
        submitted = 0
        while submitted < len(chunks) or pending:
            while submitted < len(chunks) and len(pending) < window:
                label = f"{submitted + 1}of{len(chunks)}"
                pending.append((chunks[submitted], extract_batch.submit(chunks[submitted], pool, label)))
                submitted += 1
            chunk, future = pending.popleft()
            state = future.wait() or future.state
            outcomes = future.result() if state.is_completed() else _failed_batch(chunk, state)
            for outcome in outcomes:
                row = persist(db, run_id, outcome, summary)
                if row.status == "error":
                    logger.warning("not stored: %s: %s", row.file, row.reason)
                for fn in list(_listeners):
                    fn(len(summary.files), len(todo), row.file)
    finish_run(db, run_id, files_seen=len(files), files_new=len(todo), errors=len(summary.errors))
    summary.by_category = requirements_by_category(db)
    summary.totals = counts(db)
    db.close()
    create_markdown_artifact(key="ingest-report", markdown=report_markdown(summary), description="ingest run")
    create_table_artifact(key="ingest-files", table=report_table(summary), description="files this run")
    logger.info(
        "run %d: %d requirements stored, %d errors", run_id, summary.requirements_new, len(summary.errors)
    )
    return summary


def _failed_batch(chunk: list[Any], state: Any) -> list[Outcome]:
    """A batch whose task failed (an error outside any one file): each file recorded, none lost."""
    reason = f"extract-failed: {state.message or state.name}"
    return [Outcome(f, None, reason) for f in chunk]

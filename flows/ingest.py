"""The `ingest_corpus` flow: scan, extract new files in coarse batches, persist, report.

Business logic lives in extractors/ and store/; these are thin wrappers that add
retries, logging and the run report. Tasks are coarse (a batch of files each):
Prefect's server stalls on SQLite locks under many small task runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from extractors import extract_file
from flows.scan import CorpusFile, new_files, scan_corpus
from schemas import Extraction
from store import (
    counts,
    finish_run,
    known_versions,
    open_db,
    record_error,
    requirements_by_category,
    save_extraction,
    start_run,
    sync_actor_labels,
)

BATCH_SIZE = 8


@dataclass
class RunSummary:
    run_id: int
    files_seen: int
    files_new: int
    requirements_new: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    by_category: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    file: CorpusFile
    result: Extraction | None
    error: str | None


def extract_one(f: CorpusFile) -> Outcome:
    try:
        return Outcome(f, extract_file(f.path, source=f.source), None)
    except Exception as exc:  # any broken file is recorded and skipped, never fatal
        return Outcome(f, None, f"{type(exc).__name__}: {exc}")


@task(retries=2, retry_delay_seconds=1, task_run_name="extract-batch")
def extract_batch(batch: list[CorpusFile]) -> list[Outcome]:
    return [extract_one(f) for f in batch]


@flow(name="ingest_corpus", log_prints=True)
def ingest_corpus(corpus: Path = Path("corpus"), db_path: Path = Path("speechtasks.db")) -> RunSummary:
    """Process the new and changed files of `corpus` into the task database."""
    logger = get_run_logger()
    db = open_db(db_path)
    sync_actor_labels(db)
    run_id = start_run(db)
    files = scan_corpus(Path(corpus))
    todo = new_files(files, known_versions(db))
    logger.info("%d files in %s, %d new or changed", len(files), corpus, len(todo))
    summary = RunSummary(run_id, len(files), len(todo))
    batches = [todo[i : i + BATCH_SIZE] for i in range(0, len(todo), BATCH_SIZE)]
    for batch in batches:
        for outcome in extract_batch(batch):
            if outcome.error or outcome.result is None:
                record_error(db, run_id, outcome.file.source, outcome.file.sha256, outcome.error or "")
                summary.errors.append((outcome.file.source, outcome.error or ""))
                logger.warning("skipped %s: %s", outcome.file.source, outcome.error)
                continue
            saved = save_extraction(db, outcome.result, outcome.file.source)
            summary.requirements_new += saved.requirements if saved.new else 0
    finish_run(db, run_id, files_seen=len(files), files_new=len(todo), errors=len(summary.errors))
    summary.by_category = requirements_by_category(db)
    summary.totals = counts(db)
    create_markdown_artifact(key="ingest-report", markdown=report_markdown(summary), description="ingest run")
    return summary


def report_markdown(s: RunSummary) -> str:
    lines = [
        f"# speechtasks run {s.run_id}",
        "",
        f"- files seen: {s.files_seen}, new or changed: {s.files_new}",
        f"- requirements stored this run: {s.requirements_new}",
        f"- errors: {len(s.errors)}",
        "",
        "| category | requirements |",
        "|---|---|",
        *(f"| {c} | {n} |" for c, n in s.by_category.items()),
    ]
    if s.errors:
        lines += ["", "| file | reason |", "|---|---|", *(f"| {f} | {r} |" for f, r in s.errors)]
    return "\n".join(lines) + "\n"

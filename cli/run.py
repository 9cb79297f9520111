"""`speechtasks run`: the main job, one flow run over the corpus."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli.options import (
    CorpusOption,
    DbOption,
    LexiconOption,
    PrefectHomeOption,
    ReviewPagesOption,
    use_lexicon,
)

console = Console()


class Runner(StrEnum):
    thread = "thread"
    dask = "dask"


def print_summary(
    files_seen: int,
    files_new: int,
    errors: list[tuple[str, str]],
    db_path: Path,
    review_dir: str | None = None,
    low_ocr: list[tuple[str, str]] | None = None,
    renamed: list[tuple[str, str]] | None = None,
    copies: list[tuple[str, str]] | None = None,
    skipped: list[tuple[str, str]] | None = None,
    requirements_new: int = 0,
    requirements_repeated: int = 0,
) -> None:
    from store import counts, open_db, requirements_by_category

    db = open_db(db_path, read_only=True)
    totals = counts(db)
    table = Table(title=f"speechtasks: {db_path}")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("files in corpus", str(files_seen))
    table.add_row("new or changed this run", str(files_new))
    table.add_row("errors this run", str(len(errors)))
    if files_new:
        table.add_row("requirements stored this run", str(requirements_new))
        table.add_row("  of them asked before (曾部署)", str(requirements_repeated))
    for key, value in totals.items():
        table.add_row(f"stored {key}", str(value))
    for cat, n in requirements_by_category(db).items():
        table.add_row(f"  requirements for {cat}", str(n))
    db.close()
    console.print(table)
    if review_dir and files_new:
        console.print(f"review pages: {review_dir}")
    for old, new in renamed or []:
        console.print(f"renamed: {old} → {new} (its history and task ids moved with it)")
    for copy, original in copies or []:
        console.print(f"copy: {copy} has the same bytes as {original} (stored as its own source)")
    for title, why, rows in (
        ("files not stored (recorded in ingest_errors)", "reason", errors),
        (
            "scanned pages read with low OCR confidence: check them against the scan",
            "pages (confidence)",
            low_ocr,
        ),
        ("files left for the next run (nothing recorded)", "why", skipped),
    ):
        if rows:
            listing = Table(title=title)
            listing.add_column("file")
            listing.add_column(why)
            for source, detail in rows:
                listing.add_row(source, detail)
            console.print(listing)


def run(
    corpus: Path = CorpusOption,
    db: Path = DbOption,
    lexicon: Path | None = LexiconOption,
    workers: int = typer.Option(
        0, "--workers", help="extraction processes (0: in-process, or one per core for a backfill over 8 MB)"
    ),
    retry_failed: bool = typer.Option(
        False,
        "--retry-failed",
        help="try again files whose exact bytes failed before (e.g. after an upgrade)",
    ),
    review_pages: bool = ReviewPagesOption,
    runner: Runner = typer.Option(
        Runner.thread,
        "--runner",
        help="task runner: thread (in this process) or dask (a local Dask cluster; needs the dask extra)",
    ),
    dask_workers: int = typer.Option(
        0, "--dask-workers", min=0, help="worker processes of the local Dask cluster (0: one per core)"
    ),
    dask_address: str | None = typer.Option(
        None, "--dask-address", help="an existing Dask scheduler (tcp://host:8786) instead of a local cluster"
    ),
    prefect_home: Path | None = PrefectHomeOption,
) -> None:
    """Process new and changed files of the corpus into the task database."""
    use_lexicon(lexicon)
    from flows.runners import RunnerUnavailable, require_dask

    if runner != "dask" and (dask_workers or dask_address):
        typer.echo("error: --dask-workers and --dask-address go with --runner dask", err=True)
        raise typer.Exit(2)
    if runner == "dask":
        if workers:
            typer.echo(
                "error: --workers is the thread runner's process pool; with --runner dask use --dask-workers",
                err=True,
            )
            raise typer.Exit(2)
        try:
            require_dask()
        except RunnerUnavailable as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
    if not corpus.is_dir():
        typer.echo(f"error: corpus folder not found: {corpus}", err=True)
        raise typer.Exit(2)
    import sqlite3

    from store.safety import DatabaseProblem, describe, writer_lock

    try:
        with writer_lock(db):  # one run at a time: a second one stops here with one line
            summary = _run_locked(
                corpus,
                db,
                workers,
                retry_failed,
                review_pages,
                runner,
                dask_workers,
                dask_address,
                prefect_home,
            )
    except DatabaseProblem as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except sqlite3.Error as exc:  # e.g. the disk filled up before the flow started
        typer.echo(f"error: {describe(exc, db)}", err=True)
        raise typer.Exit(1) from None
    if summary is not None and summary.stopped:
        typer.echo(f"stopped: {summary.stopped}", err=True)
        from flows.stopping import received

        raise typer.Exit(128 + received() if received() else 1)


def _run_locked(
    corpus: Path,
    db: Path,
    workers: int,
    retry_failed: bool,
    review_pages: bool,
    runner: Runner,
    dask_workers: int,
    dask_address: str | None,
    prefect_home: Any,
) -> Any:
    """The run, under the writer lock: its RunSummary, or None when there was nothing to do."""
    from flows.scan import plan_run, scan_corpus
    from store import finish_run, open_db, start_run

    database = open_db(db, check=True)  # a damaged or newer database: refused before any write
    files = scan_corpus(corpus)
    plan = plan_run(database, corpus, files, retry_failed=retry_failed)
    todo = plan.todo
    if not todo:
        # Nothing to do: record the run without paying Prefect's start-up.
        run_id = start_run(database)
        finish_run(database, run_id, files_seen=len(files), files_new=0, errors=0)
        database.close()
        print_summary(len(files), 0, [], db, renamed=plan.renamed)
        return None
    database.close()
    console.print(f"{len(todo)} new or changed file(s) of {len(files)}")
    from flows.settings import use_prefect_home

    use_prefect_home(prefect_home)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        bar = progress.add_task("starting…", total=len(todo))

        def stage(text: str) -> None:
            progress.update(bar, description=text)
            progress.console.print(text)

        def advance(done: int, total: int, source: str) -> None:
            progress.update(bar, completed=done, total=total, description=source[-40:])

        summary = _run_flow(
            stage,
            advance,
            todo=todo,
            corpus=corpus,
            db_path=db,
            runner=runner.value,
            dask_workers=dask_workers or None,
            dask_address=dask_address,
            max_workers=workers or None,
            retry_failed=retry_failed,
            review_pages=review_pages,
        )
    print_summary(
        summary.files_seen,
        summary.files_new,
        summary.errors,
        db,
        summary.review_dir,
        renamed=plan.renamed + summary.renamed,
        copies=summary.copies,
        low_ocr=[(r.file, r.low_ocr_pages) for r in summary.files if r.low_ocr_pages],
        skipped=summary.skipped,
        requirements_new=summary.requirements_new,
        requirements_repeated=summary.requirements_repeated,
    )
    return summary


def _run_flow(
    stage: Callable[[str], None],
    advance: Callable[[int, int, str], None],
    *,
    todo: list[Any],
    corpus: Path,
    db_path: Path,
    **run_args: Any,
) -> Any:
    """The flow run, its slow starts named as they happen: (when this process extracts) the
    dictionaries, first, while the process is small, then Prefect; then the bar counts files."""
    from flows.settings import prefect_session, start_prefect
    from flows.work import choose_workers, load_dictionaries

    if run_args["runner"] == "thread" and choose_workers(todo, run_args["max_workers"]) == 1:
        stage("loading dictionaries…")
        load_dictionaries()
    with prefect_session():
        stage("starting Prefect…")
        start_prefect()
        from flows.ingest import on_progress
        from flows.runners import run_ingest

        stage("extracting…")
        with on_progress(advance):
            return run_ingest(corpus, db_path, **run_args)

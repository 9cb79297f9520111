"""`speechtasks run`: the main job, one flow run over the corpus."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli.options import CorpusOption, DbOption, LexiconOption, use_lexicon

console = Console()


def print_summary(files_seen: int, files_new: int, errors: list[tuple[str, str]], db_path: Path) -> None:
    from store import counts, open_db, requirements_by_category

    db = open_db(db_path)
    totals = counts(db)
    table = Table(title=f"speechtasks: {db_path}")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("files in corpus", str(files_seen))
    table.add_row("new or changed this run", str(files_new))
    table.add_row("errors this run", str(len(errors)))
    for key, value in totals.items():
        table.add_row(f"stored {key}", str(value))
    for cat, n in requirements_by_category(db).items():
        table.add_row(f"  requirements for {cat}", str(n))
    db.close()
    console.print(table)
    if errors:
        bad = Table(title="files not stored (recorded in ingest_errors)")
        bad.add_column("file")
        bad.add_column("reason")
        for source, reason in errors:
            bad.add_row(source, reason)
        console.print(bad)


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
) -> None:
    """Process new and changed files of the corpus into the task database."""
    use_lexicon(lexicon)
    from flows.scan import failed_versions, new_files, scan_corpus
    from store import finish_run, known_versions, open_db, start_run

    if not corpus.is_dir():
        typer.echo(f"error: corpus folder not found: {corpus}", err=True)
        raise typer.Exit(2)
    database = open_db(db)
    files = scan_corpus(corpus)
    todo = new_files(files, known_versions(database), None if retry_failed else failed_versions(database))
    if not todo:
        # Nothing to do: record the run without paying Prefect's start-up.
        run_id = start_run(database)
        finish_run(database, run_id, files_seen=len(files), files_new=0, errors=0)
        database.close()
        print_summary(len(files), 0, [], db)
        return
    database.close()
    console.print(f"{len(todo)} new or changed file(s) of {len(files)}: starting the flow…")
    from flows.settings import prefect_session

    with prefect_session():
        from flows.ingest import ingest_corpus, on_progress

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            bar = progress.add_task("extracting", total=len(todo))

            def advance(done: int, total: int, source: str) -> None:
                progress.update(bar, completed=done, total=total, description=source[-40:])

            with on_progress(advance):
                summary = ingest_corpus(
                    corpus=corpus, db_path=db, max_workers=workers or None, retry_failed=retry_failed
                )
    print_summary(summary.files_seen, summary.files_new, summary.errors, db)

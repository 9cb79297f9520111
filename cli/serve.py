"""`speechtasks serve`: the ingest flow on a schedule (Prefect `serve`), until stopped."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.options import PREFECT_HOME_HELP, CorpusOption, DbOption, ReviewPagesOption


def serve(
    corpus: Path = CorpusOption,
    db: Path = DbOption,
    cron: str = typer.Option(None, "--cron", help='a cron schedule, e.g. "*/30 8-18 * * 1-5"'),
    interval: float = typer.Option(None, "--interval", min=1, help="run every SECONDS"),
    prefect_home: Path | None = typer.Option(
        None, "--prefect-home", "--server-home", envvar="SPEECHTASKS_PREFECT_HOME", help=PREFECT_HOME_HELP
    ),
    review_pages: bool = ReviewPagesOption,
) -> None:
    """Run the ingest flow on a schedule until stopped (Ctrl-C or SIGTERM).

    The first run starts at once; each run prints one line. Without PREFECT_API_URL
    a local Prefect server is started on 127.0.0.1 and stopped on exit; with it,
    that server schedules the runs.
    """
    from flows.serve import serve_ingest

    if (cron is None) == (interval is None):
        typer.echo("error: give exactly one of --cron EXPR or --interval SECONDS", err=True)
        raise typer.Exit(2)
    if not corpus.is_dir():
        typer.echo(f"error: corpus folder not found: {corpus}", err=True)
        raise typer.Exit(2)
    try:
        serve_ingest(
            corpus, db, cron=cron, interval=interval, server_home=prefect_home, review_pages=review_pages
        )
    except (RuntimeError, TimeoutError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None

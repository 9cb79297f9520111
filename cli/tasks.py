"""`speechtasks tasks`: query the task database."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from cli.options import DbOption
from cli.render import print_rows


class RowFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def tasks(
    db: Path = DbOption,
    actor: str | None = typer.Option(None, "--actor", help="actor category code, e.g. principal"),
    speech: str | None = typer.Option(None, "--speech", help="speech id or source path"),
    fmt: RowFormat = typer.Option(RowFormat.table, "--format", "-f", help="table | json | csv"),
) -> None:
    """List the active tasks (requirements) in the database."""
    from store import open_db, query_tasks

    if not db.exists():
        typer.echo(f"error: no task database at {db}; run `speechtasks run` first", err=True)
        raise typer.Exit(2)
    rows = query_tasks(open_db(db), actor=actor, speech=speech)
    print_rows(rows, fmt.value, title=f"{len(rows)} tasks")

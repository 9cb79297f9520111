"""`speechtasks export`: the 台账 as an Excel workbook, CSV or JSON."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from cli.options import CorpusOption, DbOption
from cli.tasks import (
    ActorFilter,
    DueFilter,
    KindFilter,
    SearchFilter,
    SpeechFilter,
    filters,
    open_for_reading,
)
from schemas import ActorCategory, SectionKind


def export(
    db: Path = DbOption,
    xlsx: Path | None = typer.Option(
        None, "--xlsx", dir_okay=False, help="write the 台账 as an Excel workbook"
    ),
    csv: Path | None = typer.Option(None, "--csv", dir_okay=False, help="write it as CSV (UTF-8 with BOM)"),
    json: Path | None = typer.Option(None, "--json", dir_okay=False, help="write it as JSON"),
    actor: ActorCategory | None = ActorFilter,
    speech: str | None = SpeechFilter,
    search: str | None = SearchFilter,
    kind: SectionKind | None = KindFilter,
    due_before: datetime | None = DueFilter,
    corpus: Path = CorpusOption,
) -> None:
    """Export the task ledger (序号, 任务内容, 责任主体, 完成时限, 来源讲话, 章节, 曾部署), one row a requirement."""
    from store import ledger_rows, write_csv, write_json, write_xlsx

    if not (xlsx or csv or json):
        typer.echo("error: give at least one of --xlsx FILE, --csv FILE, --json FILE", err=True)
        raise typer.Exit(2)
    database = open_for_reading(db)
    rows = ledger_rows(database, **filters(database, corpus, actor, speech, search, kind, due_before))
    for path, write in ((xlsx, write_xlsx), (csv, write_csv), (json, write_json)):
        if path:
            try:
                write(rows, path)
            except OSError as exc:
                typer.echo(f"error: cannot write {path}: {exc.strerror or exc}", err=True)
                raise typer.Exit(1) from exc
            typer.echo(f"{len(rows)} tasks → {path}")

"""`speechtasks tasks`: query the task database. The filter options are shared with `export`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from cli.options import CorpusOption, DbOption
from cli.render import print_rows
from schemas import ActorCategory, SectionKind

if TYPE_CHECKING:
    from sqlite_utils import Database


class RowFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


TABLE_COLUMNS = ("path", "heading", "actor_categories", "deadline", "source")
TABLE_PAGE = 50  # rows a table shows unless --limit or --all says otherwise
ActorFilter = typer.Option(None, "--actor", help="actor category code, e.g. principal, department")
SpeechFilter = typer.Option(
    None, "--speech", help="a speech: its source as stored, a path to the file (corpus/x.txt), or its id"
)
SearchFilter = typer.Option(
    None, "--search", "-s", help="words in the heading or text, any length (书记, 巡察整改)"
)
KindFilter = typer.Option(None, "--kind", help="section kind, e.g. tasks")
DueFilter = typer.Option(
    None, "--due-before", formats=["%Y-%m-%d"], help="deadline on or before DATE (YYYY-MM-DD)"
)


def require_db(db: Path) -> None:
    """Commands that read the database stop with one line when there is none."""
    if not db.exists():
        typer.echo(f"error: no task database at {db}; run `speechtasks run` first", err=True)
        raise typer.Exit(2)


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def open_for_reading(db: Path):  # -> sqlite_utils.Database
    """The database, read-only (never migrated, nothing written); one line and exit 2 if unusable."""
    from store import open_db
    from store.safety import DatabaseProblem

    require_db(db)
    try:
        return open_db(db, read_only=True)
    except DatabaseProblem as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def filters(
    db: Database,
    corpus: Path,
    actor: ActorCategory | None,
    speech: str | None,
    search: str | None,
    kind: SectionKind | None,
    due_before: datetime | None,
) -> dict[str, str | None]:
    """The store's filters from the options: a speech as typed resolved to the stored one,
    an empty search refused (it would silently match every task)."""
    from store import UnknownSpeech, resolve_speech

    if search is not None and not search.strip():
        fail("--search needs a word (书记, 巡察整改); leave it out for every task")
    if speech is not None:
        try:
            speech = resolve_speech(db, speech, corpus=corpus)
        except UnknownSpeech as exc:
            fail(str(exc))
    return {
        "actor": actor.value if actor else None,
        "speech": speech,
        "search": search,
        "kind": kind.value if kind else None,
        "due_before": due_before.date().isoformat() if due_before else None,
    }


def tasks(
    db: Path = DbOption,
    corpus: Path = CorpusOption,
    actor: ActorCategory | None = ActorFilter,
    speech: str | None = SpeechFilter,
    search: str | None = SearchFilter,
    kind: SectionKind | None = KindFilter,
    due_before: datetime | None = DueFilter,
    fmt: RowFormat = typer.Option(RowFormat.table, "--format", "-f", help="table | json | csv"),
    limit: int | None = typer.Option(
        None,
        "--limit",
        "-n",
        min=1,
        help=f"at most N tasks (default: {TABLE_PAGE} in a table, all in json/csv)",
    ),
    every: bool = typer.Option(False, "--all", help="every matching task, however many"),
    after: str | None = typer.Option(
        None, "--after", metavar="CURSOR", help="the page after CURSOR (printed under the previous page)"
    ),
    repeated: bool = typer.Option(
        False,
        "--repeated",
        help="only tasks asked before in earlier speeches: when first, how often, the last one",
    ),
) -> None:
    """List the active tasks (requirements) in the database, filtered, a page at a time."""
    from store import BadCursor, task_page

    if every and limit is not None:
        fail("--all gives every task and --limit N a page of N: give one of them")
    if after is not None and not after.strip():
        fail("--after needs the cursor printed under a page (it is empty)")
    database = open_for_reading(db)
    if repeated:
        where = filters(database, corpus, actor, speech, search, kind, due_before)
        repeated_tasks(database, fmt, None if every else limit, after, where)
        return
    if every:
        limit = None
    elif limit is None and fmt is RowFormat.table:
        limit = TABLE_PAGE
    try:
        page = task_page(
            database,
            limit=limit,
            after=after,
            **filters(database, corpus, actor, speech, search, kind, due_before),
        )
    except BadCursor as exc:
        typer.echo(f"error: {exc}; use the --after value printed under a page", err=True)
        raise typer.Exit(2) from exc
    rows = page.rows
    more = (
        f"more: add --after {page.after} for the next {limit}, or --all for every one" if page.after else None
    )
    if fmt is RowFormat.table:  # a terminal is narrow: the columns a reader scans
        rows = [{k: r[k] for k in TABLE_COLUMNS} for r in rows]
        print_rows(rows, fmt.value, title=f"{len(rows)} tasks", caption=more)
    else:
        print_rows(rows, fmt.value)
        if more:  # stdout stays plain json/csv
            typer.echo(more, err=True)


REPEATED_COLUMNS = ("path", "heading", "source", "times_asked", "first_asked_in", "latest_earlier_in")


def repeated_tasks(
    db: Database, fmt: RowFormat, limit: int | None, after: str | None, where: dict[str, str | None]
) -> None:
    """`tasks --repeated`: the tasks that repeat earlier ones; json/csv also list every earlier one."""
    import json

    from store import repeated_tasks as query

    if after:
        typer.echo("error: --after does not go with --repeated; use --limit", err=True)
        raise typer.Exit(2)
    rows = query(db, limit=limit, **where)
    if fmt is RowFormat.table:
        print_rows(
            [{k: r[k] for k in REPEATED_COLUMNS} for r in rows],
            fmt.value,
            title=f"{len(rows)} repeated tasks",
        )
    elif fmt is RowFormat.csv:
        print_rows([{**r, "earlier": json.dumps(r["earlier"], ensure_ascii=False)} for r in rows], fmt.value)
    else:
        print_rows(rows, fmt.value)

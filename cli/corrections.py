"""`speechtasks corrections`: the clerk's corrections: orphaned ones, gold files, how often."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.options import CorpusOption, DbOption
from cli.render import print_rows
from cli.tasks import require_db

corrections = typer.Typer(
    help="The clerk's corrections: list orphaned ones, export gold files, print how often fields changed.",
    no_args_is_help=False,
)

ORPHAN_COLUMNS = ("id", "requirement_id", "source", "field", "old_value", "new_value", "who", "at")


@corrections.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    db: Path = DbOption,
    corpus: Path = CorpusOption,
    orphaned: bool = typer.Option(
        False, "--orphaned", help="list corrections whose requirement is gone from the current speeches"
    ),
) -> None:
    """The clerk's corrections (made in `speechtasks review`)."""
    if ctx.invoked_subcommand is not None:
        return
    if not orphaned:
        typer.echo(ctx.get_help())
        return
    from store import open_db
    from store.corrections import check_clerk_requirements
    from store.corrections import orphaned as orphans

    require_db(db)
    conn = open_db(db)
    from extractors.decode import corpus_reader

    for problem in check_clerk_requirements(conn, corpus_reader(corpus)):  # added ones: still in the text?
        typer.echo(f"warning: {problem}", err=True)
    rows = [{k: r[k] for k in ORPHAN_COLUMNS} for r in orphans(conn)]
    if rows:
        print_rows(rows, "table", title=f"{len(rows)} orphaned corrections")
    else:
        typer.echo("0 orphaned corrections")


@corrections.command()
def export(
    gold: Path = typer.Option(..., "--gold", file_okay=False, help="folder for NAME.txt + NAME.gold.json"),
    db: Path = DbOption,
    corpus: Path = CorpusOption,
) -> None:
    """Write every reviewed speech as gold files (ANNOTATION.md format), for `speechtasks eval`."""
    from extractors.decode import corpus_reader
    from store import open_db
    from store.corrections import ensure_text, relocate
    from store.gold import export_gold, reviewed_speeches

    require_db(db)
    conn = open_db(db)
    try:
        for s in reviewed_speeches(conn):
            relocate(conn, s["id"], ensure_text(conn, s["id"], corpus_reader(corpus)))
        written = export_gold(conn, gold)
    except LookupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    for path in written:
        typer.echo(str(path))
    typer.echo(f"{len(written)} reviewed speeches → {gold}")


@corrections.command()
def stats(db: Path = DbOption) -> None:
    """Per field, how often the clerk changed the extractor's answer."""
    from store import open_db
    from store.gold import stats as field_stats

    require_db(db)
    print_rows(field_stats(open_db(db)), "table", title="clerk's changes to the extractor's answers")

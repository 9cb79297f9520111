"""`speechtasks browse`: the task database in Datasette, read-only, for people and apps."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.options import DbOption
from cli.tasks import open_for_reading


def browse(
    db: Path = DbOption,
    host: str = typer.Option("127.0.0.1", "--host", help="interface to listen on"),
    port: int = typer.Option(8001, "--port", "-p", help="port to listen on"),
    immutable: bool = typer.Option(
        False, "--immutable", help="serve a snapshot (faster; only if nothing writes)"
    ),
    cors: bool = typer.Option(
        False,
        "--cors",
        help="answer Access-Control-Allow-Origin: * so web apps on other origins can read the JSON API "
        "(any page in this browser could then read the database)",
    ),
) -> None:
    """Serve the task database read-only with Datasette: tables, views, canned queries, JSON API."""
    from store.browse import DatasetteMissing, make_datasette, serve

    open_for_reading(db).close()  # a database this version can read, opened read-only
    try:
        ds = make_datasette(db, immutable=immutable, cors=cors)
    except DatasetteMissing as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(3) from exc
    typer.echo(f"Datasette on http://{host}:{port}/{db.stem} (read-only); Ctrl-C stops it")
    serve(ds, host=host, port=port)

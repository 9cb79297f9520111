"""`speechtasks show SPEECH`: the review page of one speech file. No Prefect; the task database
is only read, for the earlier requirements asking the same (曾部署)."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cli.options import DbOption

if TYPE_CHECKING:
    from schemas import Extraction


def asked_before(db: Path, extraction: Extraction) -> dict[str, list[dict[str, Any]]]:
    """The earlier requirements the database links to this speech's ones, with links to their pages.
    Read-only; a database this command cannot read gives a warning and no links."""
    if not db.exists():
        return {}
    from review import also_asked_links
    from store import open_db, repeats_of
    from store.safety import DatabaseProblem

    try:
        database = open_db(db, read_only=True)
    except DatabaseProblem as exc:
        typer.echo(f"warning: earlier requirements not shown: {exc}", err=True)
        return {}
    found = repeats_of(database, [r.id for r in extraction.requirements])
    database.close()
    return also_asked_links(found)


def show(
    speech: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="a speech file"),
    html: Path | None = typer.Option(
        None, "--html", help="where to write the page (default: ./NAME.review.html)"
    ),
    open_: bool = typer.Option(False, "--open", help="open the page in the web browser"),
    db: Path = DbOption,
) -> None:
    """Write the review page of one speech: its text with requirements, actors and deadlines marked.

    When the task database holds earlier requirements asking the same, their rows say so (曾部署)."""
    from extractors import extract_text  # loads spaCy/jieba: only when needed
    from extractors.decode import DecodeError, read_speech
    from review import write_review_page

    try:
        record, text = read_speech(speech, source=str(speech))
    except DecodeError as exc:
        typer.echo(f"error: {speech}: {exc}", err=True)
        raise typer.Exit(2) from exc
    extraction = extract_text(text, record)
    out = write_review_page(
        html or Path(f"{speech.stem}.review.html"), text, extraction, asked_before(db, extraction)
    )
    typer.echo(str(out))
    if open_ and not _open_in_browser(out.resolve().as_uri()):
        typer.echo(f"warning: no web browser could be started here; open {out.resolve()} yourself", err=True)


def _open_in_browser(uri: str) -> bool:
    try:
        return webbrowser.open(uri)
    except webbrowser.Error:
        return False

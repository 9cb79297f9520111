"""`speechtasks show SPEECH`: the review page of one speech file. No database, no Prefect."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import typer


def show(
    speech: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="a speech file"),
    html: Path | None = typer.Option(
        None, "--html", help="where to write the page (default: ./NAME.review.html)"
    ),
    open_: bool = typer.Option(False, "--open", help="open the page in the web browser"),
) -> None:
    """Write the review page of one speech: its text with requirements, actors and deadlines marked."""
    from extractors import extract_text  # loads spaCy/jieba: only when needed
    from extractors.decode import DecodeError, read_speech
    from review import write_review_page

    try:
        record, text = read_speech(speech, source=str(speech))
    except DecodeError as exc:
        typer.echo(f"error: {speech}: {exc}", err=True)
        raise typer.Exit(2) from exc
    out = write_review_page(html or Path(f"{speech.stem}.review.html"), text, extract_text(text, record))
    typer.echo(str(out))
    if open_ and not _open_in_browser(out.resolve().as_uri()):
        typer.echo(f"warning: no web browser could be started here; open {out.resolve()} yourself", err=True)


def _open_in_browser(uri: str) -> bool:
    try:
        return webbrowser.open(uri)
    except webbrowser.Error:
        return False

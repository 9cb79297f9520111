"""Options shared by commands: where the corpus and the database are."""

from __future__ import annotations

from pathlib import Path

import typer

CorpusOption = typer.Option(
    Path("corpus"), "--corpus", envvar="SPEECHTASKS_CORPUS", help="the drop folder of speech files"
)
DbOption = typer.Option(
    Path("speechtasks.db"), "--db", envvar="SPEECHTASKS_DB", help="the SQLite task database"
)

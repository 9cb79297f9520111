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
LexiconOption = typer.Option(
    None,
    "--lexicon",
    envvar="SPEECHTASKS_LEXICON",
    exists=True,
    dir_okay=False,
    help="an office's actor lexicon (TOML, the shape of extractors/data/actors.toml), merged over the default",
)

PREFECT_HOME_HELP = (
    "Prefect's own home: its record of runs, and the database of the local server `serve` starts "
    "(default: PREFECT_HOME when set, else ~/.speechtasks/prefect-server; never ~/.prefect)"
)
PrefectHomeOption = typer.Option(
    None, "--prefect-home", envvar="SPEECHTASKS_PREFECT_HOME", help=PREFECT_HOME_HELP
)

ReviewPagesOption = typer.Option(
    True,
    "--review-pages/--no-review-pages",
    help="write each stored speech's review page next to the database (<db stem>.review/)",
)


def use_lexicon(path: Path | None) -> None:
    """Hand the office lexicon to the extractors (and to worker processes) through the environment."""
    import os

    if path is not None:
        os.environ["SPEECHTASKS_LEXICON"] = str(path.resolve())

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
    """Check the office lexicon (`--lexicon`, else $SPEECHTASKS_LEXICON), then hand it to the
    extractors (and to worker processes) through the environment. A lexicon that cannot be
    used stops the command with one line, exit 2, before any file is touched."""
    import os

    from extractors.lexicon import LexiconError, check_lexicon

    try:
        check_lexicon(path)
    except LexiconError as exc:
        typer.echo(f"error: bad lexicon: {exc}", err=True)
        raise typer.Exit(2) from None
    if path is not None:
        os.environ["SPEECHTASKS_LEXICON"] = str(path.resolve())

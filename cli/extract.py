"""`speechtasks extract FILE`: one file → requirements. No database, no Prefect."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.options import LexiconOption, use_lexicon
from cli.render import print_rows

if TYPE_CHECKING:
    from schemas import Extraction


class ExtractFormat(StrEnum):
    json = "json"
    table = "table"
    md = "md"


def markdown(result: Extraction) -> str:
    lines = [f"# {result.speech.title}", ""]
    for r in result.requirements:
        actors = "、".join(sorted({a.category.value for a in r.actors}))
        due = f"（时限：{r.deadline}）" if r.deadline else ""
        lines.append(f"- **{r.path}** {r.heading} — {actors}{due}")
    return "\n".join(lines) + "\n"


def extract(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="a speech file"),
    fmt: ExtractFormat = typer.Option(ExtractFormat.table, "--format", "-f", help="json | table | md"),
    lexicon: Path | None = LexiconOption,
) -> None:
    """Extract the requirements of one speech file and print them."""
    use_lexicon(lexicon)
    from extractors import extract_file  # loads spaCy/jieba: only when needed
    from extractors.decode import DecodeError

    try:
        result = extract_file(file, source=str(file))
    except DecodeError as exc:
        typer.echo(f"error: {file}: {exc}", err=True)
        raise typer.Exit(2) from exc
    if fmt is ExtractFormat.json:
        typer.echo(result.to_json())
    elif fmt is ExtractFormat.md:
        typer.echo(markdown(result), nl=False)
    else:
        rows = [
            {
                "path": r.path,
                "heading": r.heading,
                "actors": "、".join(sorted({a.category.value for a in r.actors})),
                "deadline": r.deadline or "",
            }
            for r in result.requirements
        ]
        print_rows(rows, "table", title=f"{result.speech.title} — {len(rows)} requirements")

"""`speechtasks eval GOLD_DIR`: score the extractor on a folder of gold annotations."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cli.render import print_rows


def evaluate(
    gold_dir: Path = typer.Argument(
        ...,
        exists=True,
        file_okay=False,
        help="folder of NAME.txt (or .docx, .doc, .ofd, .pdf …) + NAME.gold.json",
    ),
    only: str | None = typer.Option(None, "--only", help="score only speeches whose name contains this"),
    as_json: bool = typer.Option(False, "--json", help="print only the totals, as one JSON line"),
) -> None:
    """Score extraction against gold files (the same numbers as eval/score.py)."""
    from evaluation import prf, score_folder

    scores = score_folder(gold_dir, only=only)
    if not scores.per_speech:
        typer.echo(f"error: no NAME.gold.json with its speech in {gold_dir}", err=True)
        raise typer.Exit(2)
    if not as_json:
        rows = [
            {"speech": name, "gold": c["gold"], "pred": c["pred"], "tp": c["tp"],
             "req_f1": round(prf(c["tp"], c["fp"], c["fn"])[2], 3),
             "actor_f1": round(prf(c["a_tp"], c["a_fp"], c["a_fn"])[2], 3),
             "path_acc": round(c["path_ok"] / max(c["tp"], 1), 2)}
            for name, c in scores.per_speech.items()
        ]  # fmt: skip
        print_rows(rows, "table", title=str(gold_dir))
        for name, reason in scores.failed.items():
            typer.echo(f"FAILED {name}: {reason}", err=True)
    typer.echo(json.dumps(scores.totals(), ensure_ascii=False))

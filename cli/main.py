"""The `speechtasks` command: a thin skin over extractors/, store/ and flows/."""

from __future__ import annotations

import atexit
import gc

import typer

from cli.browse import browse
from cli.corrections import corrections
from cli.evaluate import evaluate
from cli.export import export
from cli.extract import extract
from cli.reviewapp import review
from cli.run import run
from cli.serve import serve
from cli.show import show
from cli.tasks import tasks

# A command's objects live until the process ends; the collector's last walks over all
# of them (spaCy, jieba's tables) cost ≈0.2 s CPU at exit, for nothing: skip them.
atexit.register(gc.freeze)

app = typer.Typer(
    help="Turn Chinese government speeches into structured task lists (讲话 → 任务台账).",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """speechtasks: 讲话要求 → 任务台账."""


app.command()(extract)
app.command()(run)
app.command()(serve)
app.command()(tasks)
app.command()(export)
app.command()(browse)
app.command(name="eval")(evaluate)
app.command()(show)
app.command()(review)
app.add_typer(corrections, name="corrections")

if __name__ == "__main__":
    app()

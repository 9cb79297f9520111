"""`speechtasks review`: the review app, where clerks check and correct a speech's tasks."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.options import CorpusOption, DbOption
from cli.tasks import require_db


def review(
    db: Path = DbOption,
    corpus: Path = CorpusOption,
    host: str = typer.Option("127.0.0.1", "--host", help="interface to listen on (loopback by default)"),
    port: int = typer.Option(8002, "--port", "-p", help="port to listen on"),
    token: str | None = typer.Option(
        None,
        "--token",
        envvar="SPEECHTASKS_TOKEN",
        help="the token writes need (default: a new one, printed)",
    ),
) -> None:
    """Serve the review app: speeches, each one's review page with the clerk's controls, a JSON API."""
    import uvicorn

    from web import create_app
    from web.auth import new_token

    require_db(db)
    token = token or new_token()
    app = create_app(db, corpus, token)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(
        f"Review app on http://{shown}:{port}/?token={token}  (open this address to log in; Ctrl-C stops it)"
    )
    typer.echo(f"Tools write with the header: Authorization: Bearer {token}")
    uvicorn.run(app, host=host, port=port, log_level="warning")

"""Serving `ingest_corpus` on a schedule until stopped (plain orchestration of Prefect's `serve`)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from types import FrameType

from flows.server import local_server
from flows.settings import apply_env_defaults

DEPLOYMENT = "speechtasks-ingest"


def default_server_home() -> Path:
    return Path.home() / ".speechtasks" / "prefect-server"


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)  # unwinds through `finally`: the local server is stopped


def serve_ingest(
    corpus: Path,
    db_path: Path,
    *,
    cron: str | None = None,
    interval: float | None = None,
    server_home: Path | None = None,
    review_pages: bool = True,
) -> None:
    """Serve the flow on `cron` or every `interval` seconds; blocks until stopped.

    With PREFECT_API_URL set, that server schedules the runs; without it, a local
    server is started (loopback, own PREFECT_HOME) and stopped again on exit.
    """
    if (cron is None) == (interval is None):
        raise ValueError("give exactly one of cron or interval")
    apply_env_defaults()
    # Served runs execute in subprocesses; they must find the same files from any cwd.
    params: dict[str, str | bool] = {
        "corpus": str(Path(corpus).resolve()),
        "db_path": str(Path(db_path).resolve()),
        "review_pages": review_pages,
    }
    if os.environ.get("PREFECT_API_URL"):
        _serve(params, cron, interval)
        return
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        with local_server(server_home or default_server_home()) as api_url:
            os.environ["PREFECT_API_URL"] = api_url  # read when Prefect is imported below
            print(f"local Prefect server at {api_url} (UI: {api_url.removesuffix('/api')})", file=sys.stderr)
            _serve(params, cron, interval)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _serve(params: dict[str, str | bool], cron: str | None, interval: float | None) -> None:
    from prefect.types.entrypoint import EntrypointType

    from flows.ingest import ingest_corpus

    ingest_corpus.serve(
        name=DEPLOYMENT,
        cron=cron,
        interval=interval,
        parameters=params,
        entrypoint_type=EntrypointType.MODULE_PATH,
        limit=1,  # one run at a time: a single writer to the task database
    )

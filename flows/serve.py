"""Serving `ingest_corpus` on a schedule until stopped (plain orchestration of Prefect's runner)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from flows.server import local_server
from flows.settings import apply_env_defaults, use_prefect_home

DEPLOYMENT = "speechtasks-ingest"
FLOW = "ingest_corpus"


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
    """Serve the flow on `cron` or every `interval` seconds, with a first run at once;
    blocks until stopped. Each run prints one line (flows/report.py, `run_line`).

    With PREFECT_API_URL set, that server schedules the runs; without it, a local
    server is started (loopback, own PREFECT_HOME, see flows/settings.py) and stopped
    again on exit.
    """
    if (cron is None) == (interval is None):
        raise ValueError("give exactly one of cron or interval")
    apply_env_defaults()
    home = use_prefect_home(server_home)
    # Served runs execute in subprocesses; they must find the same files from any cwd.
    params: dict[str, str | bool] = {
        "corpus": str(Path(corpus).resolve()),
        "db_path": str(Path(db_path).resolve()),
        "review_pages": review_pages,
        "run_line": True,
    }
    if os.environ.get("PREFECT_API_URL"):
        _serve(params, cron, interval)
        return
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        with local_server(home) as api_url:
            os.environ["PREFECT_API_URL"] = api_url  # read when Prefect is imported below
            print(f"local Prefect server at {api_url} (UI: {api_url.removesuffix('/api')})", file=sys.stderr)
            _serve(params, cron, interval)
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_hint(api_url: str) -> str:
    """How to ask for a run from another shell: the server's address goes with the command."""
    return f"PREFECT_API_URL={api_url} prefect deployment run '{FLOW}/{DEPLOYMENT}'"


def _serve(params: dict[str, str | bool], cron: str | None, interval: float | None) -> None:
    from prefect.deployments import run_deployment
    from prefect.runner import Runner
    from prefect.settings import PREFECT_API_URL
    from prefect.types.entrypoint import EntrypointType

    from flows.ingest import ingest_corpus

    runner = Runner(name=DEPLOYMENT, limit=1)  # one run at a time: a single writer to the task database
    deployment_id = runner.add_flow(
        ingest_corpus,
        name=DEPLOYMENT,
        cron=cron,
        interval=interval,
        parameters=params,
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    # The schedule's first slot is a whole interval away: the first run starts now.
    run_deployment(deployment_id, timeout=0)
    schedule = f"cron {cron!r}" if cron else f"every {interval:g} s"
    print(f"serving {FLOW}/{DEPLOYMENT} ({schedule}); the first run starts now", file=sys.stderr)
    print(f"to run it now from another shell: {run_hint(str(PREFECT_API_URL.value()))}", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(runner.start())

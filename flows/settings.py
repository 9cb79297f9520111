"""Prefect defaults our commands set themselves, so a user needs no environment.

Measured on 2-core machines: the embedded server's first start on a new home
takes 19–24 s (default limit 20 s); sync flows wait ~1 s for a heartbeat thread
unless heartbeats are off. Environment variables a user sets still win.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

ENV_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def apply_env_defaults() -> None:
    """Set our defaults before Prefect reads its settings (i.e. before importing it)."""
    for key, value in ENV_DEFAULTS.items():
        os.environ.setdefault(key, value)


@contextlib.contextmanager
def prefect_session() -> Iterator[None]:
    """Run flows with heartbeats off (only settable through temporary_settings), and an
    embedded Prefect server that dies with this process."""
    apply_env_defaults()
    from prefect.settings import temporary_settings

    from flows.server import tie_embedded_server_to_parent

    tie_embedded_server_to_parent()  # a hard-killed run leaves no server behind
    with temporary_settings(updates={"flows.heartbeat_frequency": None}):
        yield


def default_prefect_home() -> Path:
    return Path.home() / ".speechtasks" / "prefect-server"


def prefect_home(home: Path | None = None) -> Path:
    """Where `run` and `serve` keep Prefect's files (its database of runs, its logs).

    `home` (--prefect-home, SPEECHTASKS_PREFECT_HOME) when given, else a PREFECT_HOME
    the user set, else ~/.speechtasks/prefect-server: never Prefect's global ~/.prefect.
    """
    if home:
        return Path(home).expanduser()
    if os.environ.get("PREFECT_HOME"):
        return Path(os.environ["PREFECT_HOME"]).expanduser()
    return default_prefect_home()


def use_prefect_home(home: Path | None = None) -> Path:
    """Point this process's Prefect, and the processes it starts, at `prefect_home(home)`.

    Call before Prefect is imported: it reads PREFECT_HOME once.
    """
    chosen = prefect_home(home)
    chosen.mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_HOME"] = str(chosen)
    return chosen


def start_prefect() -> None:
    """Import Prefect and start its embedded server now (unless PREFECT_API_URL names one),
    so a run can say so; the flow's client then reuses the running server."""
    from prefect.settings import PREFECT_API_URL

    import flows.ingest  # noqa: F401  (Prefect, the flow and the store)

    if not PREFECT_API_URL.value():
        from prefect.server.api.server import SubprocessASGIServer

        SubprocessASGIServer().start()

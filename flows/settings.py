"""Prefect defaults our commands set themselves, so a user needs no environment.

Measured on 2-core machines: the embedded server's first start on a new home
takes 19–24 s (default limit 20 s); sync flows wait ~1 s for a heartbeat thread
unless heartbeats are off. Environment variables a user sets still win.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

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

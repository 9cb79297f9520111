"""A local Prefect server for `serve`, and servers that die with their parent (plain functions).

`serve()` cannot schedule on the embedded/ephemeral server, so when no
PREFECT_API_URL is set we start `prefect server start` ourselves, on loopback only,
with its own PREFECT_HOME, and stop it when serving stops. The server stays in our
process group, so a Ctrl-C or a signal to the group reaches it too.

A parent killed hard (SIGKILL, the OOM killer) runs no cleanup: its Prefect server
(≈ 230 MB; `run`'s embedded one, or `serve`'s) would live on. So every server we
start runs under `watched_command`: a thread in the server process polls its parent
and, once the parent is gone, stops the server (SIGTERM to itself, a hard exit 10 s
later). `tie_embedded_server_to_parent()` makes Prefect's own embedded server start
that way too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"  # loopback only: the server has no authentication
STARTUP_TIMEOUT_S = 120.0  # first start on a new home: 19-24 s measured on 2 cores, more under load


# Run in the server's own interpreter: `python -c WATCHER <parent pid> <module> <args…>`.
WATCHER = """\
import os, runpy, signal, sys, threading, time
parent = int(sys.argv.pop(1))
module = sys.argv.pop(1)
def watch():
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(10)
    os._exit(1)
threading.Thread(target=watch, daemon=True, name="parent-watch").start()
sys.argv[0] = module
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


def watched_command(module: str, *args: str) -> list[str]:
    """`python -m module args…`, ended when this process (its parent) goes away."""
    return [sys.executable, "-c", WATCHER, str(os.getpid()), module, *args]


def tie_embedded_server_to_parent() -> None:
    """Start Prefect's embedded (ephemeral) API server under `watched_command` from now on.

    Prefect starts it with `subprocess.Popen([python, "-m", "uvicorn", …])` in
    prefect.server.api.server; that module's `subprocess` is given a Popen which
    rewrites exactly that command, and nothing else. Idempotent.
    """
    import types

    from prefect.server.api import server as prefect_server

    if getattr(prefect_server.subprocess, "speechtasks_watched", False):
        return

    def popen(args: Any, *rest: Any, **kwargs: Any) -> subprocess.Popen[Any]:
        if isinstance(args, list) and args[1:3] == ["-m", "uvicorn"]:
            args = watched_command("uvicorn", *args[3:])
        return subprocess.Popen(args, *rest, **kwargs)

    shim = types.ModuleType("subprocess")
    shim.__dict__.update(subprocess.__dict__)
    shim.Popen = popen  # type: ignore[attr-defined]
    shim.speechtasks_watched = True  # type: ignore[attr-defined]
    prefect_server.subprocess = shim  # type: ignore[attr-defined]


def free_port(host: str = HOST) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def is_healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as resp:
            return bool(resp.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_healthy(api_url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with code {proc.returncode} while starting")
        if is_healthy(api_url):
            return
        time.sleep(0.5)
    raise TimeoutError(f"the Prefect server at {api_url} was not healthy within {timeout:.0f} s")


def stop_process(proc: subprocess.Popen[bytes], grace: float = 15.0) -> None:
    """SIGTERM (uvicorn shuts down cleanly), then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def local_server(home: Path, port: int | None = None, timeout: float = STARTUP_TIMEOUT_S) -> Iterator[str]:
    """Start a Prefect server on loopback with PREFECT_HOME=`home`; yield its API URL."""
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    api_url = f"http://{HOST}:{port}/api"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    cmd = watched_command("prefect", "server", "start", "--host", HOST, "--port", str(port))
    with (home / "server.log").open("ab") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_healthy(api_url, proc, timeout)
        yield api_url
    finally:
        stop_process(proc)

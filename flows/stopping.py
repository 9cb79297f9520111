"""Stopping a run on SIGTERM/SIGINT within seconds, leaving whole speeches (plain functions).

Prefect's own SIGTERM bridge raises inside the flow, whose task runner then waits for
the running batch to end however long it takes (a stuck file held `run` for over ten
minutes). While a run is under `stop_on_signals()`, a signal only sets `STOP` and
calls the registered callbacks (the sandboxed reader kills its worker); batches stop
at the next file, the flow saves what was extracted, finishes its `runs` row and
returns. A second signal ends the process the usual way.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

STOP = threading.Event()
_on_stop: list[Callable[[], None]] = []
_received: list[int] = []


class Interrupted(Exception):
    """The run was asked to stop: the file at hand is left for the next run."""


def stop_requested() -> bool:
    return STOP.is_set()


def on_stop(fn: Callable[[], None]) -> None:
    """Call `fn` (from the signal handler) when a stop is requested."""
    if fn not in _on_stop:
        _on_stop.append(fn)


def request_stop(signum: int | None = None) -> None:
    """Stop the run at the next file; `signum` is the signal that asked, if one did."""
    if signum is not None:
        _received.append(signum)
    STOP.set()
    for fn in list(_on_stop):
        with contextlib.suppress(Exception):
            fn()


def received() -> int | None:
    """The signal that stopped the run, if one did."""
    return _received[0] if _received else None


def _handler(signum: int, _frame: FrameType | None) -> None:
    if STOP.is_set():  # the second signal: stop now, the usual way
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)
        return
    request_stop(signum)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGINT request a stop while the block runs (main thread only; elsewhere a no-op)."""
    STOP.clear()
    _received.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)

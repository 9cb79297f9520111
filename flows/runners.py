"""Which Prefect task runner extracts the batches: threads in this process, or a Dask cluster.

`thread` (the default) is Prefect's ThreadPoolTaskRunner: batches run in this process
(or in the flow's own process pool, see flows/work.py). `dask` is prefect-dask's
DaskTaskRunner on a new local cluster of worker processes (`n_workers` one a core,
one thread each) or on an existing cluster (`address`); prefect-dask is an optional
extra, imported only here and only when asked for.

Dask's workers are other processes: they report task runs to the Prefect API named
by PREFECT_API_URL. Without it each worker would start an embedded server of its
own (~25 s each), so `dask_api_url()` starts this process's embedded server first
and hands its URL to the workers. Used by the CLI (`speechtasks run --runner dask`)
and by the bench (bench/flowbench.py), so both measure the same code path.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RUNNERS = ("thread", "dask")
DASK_EXTRA_HINT = "pip install 'speechtasks[dask]' (or: uv sync --extra dask)"


class RunnerUnavailable(RuntimeError):
    """The task runner asked for cannot be used here (its extra is not installed)."""


def require_dask() -> None:
    """Raise RunnerUnavailable, saying how to install it, when prefect-dask is missing."""
    try:
        import prefect_dask  # noqa: F401
    except ImportError as exc:
        raise RunnerUnavailable(f"--runner dask needs the dask extra: {DASK_EXTRA_HINT}") from exc


def default_dask_workers() -> int:
    return os.cpu_count() or 1


def dask_cluster_kwargs(workers: int | None = None) -> dict[str, Any]:
    """A local cluster: one single-threaded worker process per core (extraction holds the GIL)."""
    return {
        "n_workers": workers or default_dask_workers(),
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": None,
    }


def dask_task_runner(workers: int | None = None, address: str | None = None) -> Any:
    """DaskTaskRunner on a new local cluster of `workers`, or on the cluster at `address`."""
    require_dask()
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # workers inherit it
    import logging

    logging.getLogger("distributed").setLevel(logging.WARNING)
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs=dask_cluster_kwargs(workers))


@contextlib.contextmanager
def dask_api_url() -> Iterator[str]:
    """PREFECT_API_URL for Dask's worker processes while the block runs; yields it.

    The configured API when there is one; else this process's embedded server,
    started now (the flow then uses the same server).
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = PREFECT_API_URL.value()
    if not url:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()  # the instance Prefect's own client starts and reuses
        server.start()
        url = server.api_url
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url  # read by each worker process when it starts
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):  # the settings tasks carry
            yield url
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before


def run_ingest(
    corpus: Path,
    db_path: Path,
    *,
    runner: str = "thread",
    dask_workers: int | None = None,
    dask_address: str | None = None,
    task_runner: Any = None,
    **flow_kwargs: Any,
) -> Any:
    """One `ingest_corpus` run on the runner asked for; returns its RunSummary.

    `task_runner` (a DaskTaskRunner built by the caller, e.g. on a warm cluster)
    overrides `runner`/`dask_workers`/`dask_address`.
    """
    from flows.ingest import ingest_corpus

    if runner not in RUNNERS:
        raise ValueError(f"unknown runner {runner!r}: one of {', '.join(RUNNERS)}")
    if task_runner is None and runner == "thread":
        return ingest_corpus(corpus=corpus, db_path=db_path, **flow_kwargs)
    task_runner = task_runner or dask_task_runner(dask_workers, dask_address)
    with dask_api_url():
        return ingest_corpus.with_options(task_runner=task_runner)(
            corpus=corpus, db_path=db_path, **flow_kwargs
        )

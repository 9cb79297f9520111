"""(b) The Prefect flow against a bare loop of the same library calls, and Prefect's start-up;
the DaskTaskRunner scale-out. Everything here runs in the bench process, inside
`flows.settings.prefect_session()`, so the ratios compare runs seconds apart.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.measure import clear_content_caches, log, median, timed


def fresh(db: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


def bare_ingest(corpus: Path, db_path: Path) -> tuple[int, int]:
    """What the flow does, as plain calls: scan, extract each new file, store, count."""
    from extractors import extract_file
    from flows.scan import new_files, scan_corpus
    from store import (
        counts,
        finish_run,
        known_versions,
        open_db,
        record_error,
        requirements_by_category,
        save_extraction,
        start_run,
        sync_actor_labels,
    )

    db = open_db(db_path)
    sync_actor_labels(db)
    run_id = start_run(db)
    files = scan_corpus(corpus)
    todo = new_files(files, known_versions(db))
    errors = 0
    for f in todo:
        try:
            result = extract_file(f.path, source=f.source)
        except Exception as exc:
            record_error(db, run_id, f.source, f.sha256, f"{type(exc).__name__}: {exc}")
            errors += 1
            continue
        save_extraction(db, result, f.source)
    finish_run(db, run_id, files_seen=len(files), files_new=len(todo), errors=errors)
    requirements_by_category(db)
    stored = counts(db)["requirements"]
    db.close()
    return stored, errors


@dataclass(frozen=True)
class StartupResult:
    import_s: float
    first_flow_s: float  # the first (empty) flow run: the embedded server starts here
    next_flow_s: float  # an empty flow run once the server is up
    startup_s: float  # first_flow_s - next_flow_s


def measure_startup(import_s: float) -> StartupResult:
    from prefect import flow

    @flow(name="bench_noop")
    def noop() -> int:
        return 1

    first, _ = timed(noop)
    later = median([timed(noop)[0] for _ in range(3)])
    return StartupResult(import_s, first, later, first - later)


@dataclass(frozen=True)
class FlowResult:
    files: int
    rounds: int
    flow_s: float
    bare_s: float
    ratio: float  # median over rounds of flow / bare
    requirements_flow: int
    requirements_bare: int
    errors: int


def flow_kwargs(flow_fn: Any, workers: int | None) -> dict[str, Any]:
    """`max_workers=` when the flow has that parameter (its own process pool), else nothing."""
    import inspect

    fn = getattr(flow_fn, "fn", flow_fn)
    return {"max_workers": workers} if "max_workers" in inspect.signature(fn).parameters else {}


def run_flow(corpus: Path, db: Path, flow_fn: Any = None, workers: int | None = 1) -> tuple[int, int]:
    """One flow run on a fresh database; `workers=1`: extraction in this process, like the bare loop."""
    from flows.ingest import ingest_corpus

    flow_fn = flow_fn or ingest_corpus
    clear_content_caches()
    summary = flow_fn(corpus=corpus, db_path=fresh(db), **flow_kwargs(flow_fn, workers))
    from store import counts, open_db

    database = open_db(db)
    stored = counts(database)["requirements"]
    database.close()
    return stored, len(summary.errors)


def measure_flow(corpus: Path, files: int, work: Path, rounds: int) -> FlowResult:
    flow_times: list[float] = []
    bare_times: list[float] = []
    ratios: list[float] = []
    req_flow = req_bare = errors = 0
    run_flow(corpus, work / "flow-warm.db")  # warm-up: task registration, imports, caches
    for r in range(rounds):
        steps = [("flow", lambda: run_flow(corpus, work / "flow.db")), ("bare", None)]
        if r % 2:
            steps.reverse()
        got: dict[str, float] = {}
        for name, fn in steps:
            if name == "flow":
                got[name], (req_flow, errors) = timed(fn)  # type: ignore[arg-type]
            else:
                clear_content_caches()
                got[name], (req_bare, _) = timed(lambda: bare_ingest(corpus, fresh(work / "bare.db")))
        flow_times.append(got["flow"])
        bare_times.append(got["bare"])
        ratios.append(got["flow"] / got["bare"])
        log(f"(b) round {r + 1}/{rounds}: flow {got['flow']:.2f}s, bare loop {got['bare']:.2f}s")
    return FlowResult(
        files, rounds, median(flow_times), median(bare_times), median(ratios), req_flow, req_bare, errors
    )


@dataclass(frozen=True)
class DaskResult:
    files: int
    rounds: int
    times: dict[str, float]  # variant -> median wall time
    speedups: dict[str, float]  # variant -> median of (in-process time / variant time)
    requirements: dict[str, int]
    flow_submits: bool
    has_pool: bool


def flow_submits_tasks() -> bool:
    """Does flows/ingest.py hand its tasks to a runner (.submit / .map) at all?"""
    import inspect

    import flows.ingest

    source = inspect.getsource(flows.ingest)
    return ".submit(" in source or ".map(" in source


def dask_runner() -> Any:
    from prefect_dask import DaskTaskRunner

    return DaskTaskRunner(
        cluster_kwargs={"n_workers": 2, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
    )


DASK_VARIANTS = {
    "in_process": "`ingest_corpus(max_workers=1)`, default runner: extraction in the flow's process",
    "own_pool": "`ingest_corpus(max_workers=<cores>)`: the flow's own spawned process pool",
    "dask": "`ingest_corpus.with_options(task_runner=DaskTaskRunner(2 workers))(max_workers=1)`: "
    "a new local cluster per run",
    "dask_warm": "the same on a local cluster (2 workers) started and warmed before the timing "
    "(`DaskTaskRunner(address=…)`)",
}


def embedded_api_url() -> str | None:
    """The URL of the embedded Prefect server this process started (None when there is none)."""
    try:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer._instances.get(None)
        return server.api_url if server is not None and server.running else None
    except Exception:
        return None


def measure_dask(corpus: Path, files: int, work: Path, rounds: int) -> DaskResult:
    import logging
    import os

    from flows.ingest import ingest_corpus

    # Dask's workers are new processes: unless PREFECT_API_URL names the server this
    # process started, each worker starts an embedded server of its own (~25 s each).
    url = embedded_api_url()
    if url and not os.environ.get("PREFECT_API_URL"):
        os.environ["PREFECT_API_URL"] = url
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    logging.getLogger("distributed").setLevel(logging.WARNING)

    from distributed import Client, LocalCluster
    from prefect_dask import DaskTaskRunner

    has_pool = bool(flow_kwargs(ingest_corpus, 1))
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(
        cluster, set_as_default=False
    )  # to empty the workers' per-text caches before each timed run
    warm_runner = DaskTaskRunner(address=cluster.scheduler_address)
    variants: dict[str, tuple[Any, int | None]] = {
        "in_process": (ingest_corpus, 1),
        "own_pool": (ingest_corpus, os.cpu_count() or 1),
        # The flow's own pool stays off on Dask: an executor cannot travel to a worker.
        "dask": (ingest_corpus.with_options(task_runner=dask_runner()), 1),
        "dask_warm": (ingest_corpus.with_options(task_runner=warm_runner), 1),
    }
    if not has_pool:
        del variants["own_pool"]
    try:
        try:
            run_flow(
                corpus, work / "dask-warm-up.db", variants["dask_warm"][0], 1
            )  # workers import everything
        except Exception as exc:
            log(f"(dask) warm-up failed: {type(exc).__name__}: {exc}")
        times: dict[str, list[float]] = {k: [] for k in variants}
        reqs: dict[str, int] = {}
        names = list(variants)
        for r in range(rounds):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                fn, workers = variants[name]
                if name == "dask_warm":
                    cleared = client.run(clear_content_caches)
                    if r == 0:
                        log(f"(dask) emptied per-text caches on the warm workers: {sorted(cleared.values())}")
                try:
                    seconds, (stored, _) = timed(
                        lambda f=fn, w=workers, n=name: run_flow(corpus, work / f"dask-{n}.db", f, w)
                    )
                except Exception as exc:
                    log(f"(dask) {name} failed: {type(exc).__name__}: {exc}")
                    seconds, stored = float("nan"), -1
                times[name].append(seconds)
                reqs[name] = stored
            log(f"(dask) round {r + 1}/{rounds}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()))
            time.sleep(0.5)
    finally:
        client.close()
        cluster.close()
    base = times["in_process"]
    return DaskResult(
        files=files,
        rounds=rounds,
        times={k: median(v) for k, v in times.items()},
        speedups={k: median([b / t for b, t in zip(base, v, strict=True)]) for k, v in times.items()},
        requirements=reqs,
        flow_submits=flow_submits_tasks(),
        has_pool=has_pool,
    )

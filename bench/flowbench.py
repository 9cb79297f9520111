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
    from flows.scan import plan_run, scan_corpus
    from store import (
        counts,
        finish_run,
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
    plan = plan_run(db, corpus, files)
    todo = plan.todo
    errors = 0
    for f in todo:
        try:
            result = extract_file(f.path, source=f.source)
        except Exception as exc:
            record_error(db, run_id, f.source, f.sha256, f"{type(exc).__name__}: {exc}")
            errors += 1
            continue
        save_extraction(db, result, f.source, corpus=plan.corpus_id)
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


def run_flow(
    corpus: Path, db: Path, workers: int | None = 1, review_pages: bool = False, **runner: Any
) -> tuple[int, int]:
    """One flow run on a fresh database, through the CLI's own entry (`flows.runners.run_ingest`).

    `workers=1`: extraction in this process, like the bare loop; `runner`: `runner=`,
    `dask_workers=`, `task_runner=` as `speechtasks run --runner …` passes them. Review
    pages are off unless asked for: the bare loop writes none.
    """
    from flows.runners import run_ingest

    clear_content_caches()
    summary = run_ingest(corpus, fresh(db), max_workers=workers, review_pages=review_pages, **runner)
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


DASK_WORKERS = 2
DASK_VARIANTS = {
    "in_process": "`speechtasks run` (thread runner, `max_workers=1`): extraction in the flow's process",
    "own_pool": "`speechtasks run --workers <cores>`: the flow's own spawned process pool",
    "dask": f"`speechtasks run --runner dask --dask-workers {DASK_WORKERS}`: a new local cluster per run",
    "dask_warm": f"`speechtasks run --runner dask --dask-address …` on a local cluster ({DASK_WORKERS} "
    "workers) started and warmed before the timing",
}


def measure_dask(corpus: Path, files: int, work: Path, rounds: int) -> DaskResult:
    """Each variant through `flows.runners.run_ingest`, the code path of `speechtasks run --runner`.

    Review pages on (the CLI's default): they are written where a batch is extracted.
    """
    import logging
    import os

    from flows.runners import dask_api_url, dask_task_runner

    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    logging.getLogger("distributed").setLevel(logging.WARNING)

    from distributed import Client, LocalCluster

    from flows.runners import dask_cluster_kwargs

    variants: dict[str, dict[str, Any]] = {
        "in_process": {"workers": 1},
        "own_pool": {"workers": os.cpu_count() or 1},
        "dask": {"runner": "dask", "dask_workers": DASK_WORKERS},
        "dask_warm": {},  # the warm cluster's runner, below
    }
    # The warm cluster's workers start here, so they must see the API URL from the start.
    with dask_api_url():
        cluster = LocalCluster(**dask_cluster_kwargs(DASK_WORKERS))
        client = Client(cluster, set_as_default=False)  # to empty the workers' per-text caches
        variants["dask_warm"] = {"task_runner": dask_task_runner(address=cluster.scheduler_address)}
        try:
            try:  # workers import everything
                run_flow(corpus, work / "dask-warm-up.db", review_pages=True, **variants["dask_warm"])
            except Exception as exc:
                log(f"(dask) warm-up failed: {type(exc).__name__}: {exc}")
            times: dict[str, list[float]] = {k: [] for k in variants}
            reqs: dict[str, int] = {}
            names = list(variants)
            for r in range(rounds):
                for name in names[r % len(names) :] + names[: r % len(names)]:
                    kwargs = {"workers": 1, **variants[name]}
                    if name == "dask_warm":
                        cleared = client.run(clear_content_caches)
                        if r == 0:
                            log(
                                f"(dask) emptied per-text caches on the warm workers: {sorted(cleared.values())}"
                            )
                    try:
                        seconds, (stored, _) = timed(
                            lambda n=name, kw=kwargs: run_flow(
                                corpus, work / f"dask-{n}.db", review_pages=True, **kw
                            )
                        )
                    except Exception as exc:
                        log(f"(dask) {name} failed: {type(exc).__name__}: {exc}")
                        seconds, stored = float("nan"), -1
                    times[name].append(seconds)
                    reqs[name] = stored
                log(
                    f"(dask) round {r + 1}/{rounds}: "
                    + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items())
                )
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
        has_pool=True,
    )

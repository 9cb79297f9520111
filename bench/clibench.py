"""(c) `speechtasks run` as a user runs it: a full run, then re-runs with nothing new;
(d) the peak RSS of full runs at two corpus sizes (flat memory: stream, don't accumulate), and of
a run small enough to extract in the `speechtasks run` process itself (no pool).
Each run is a child process of the bench; its wall time and memory are measured from here.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.flowbench import fresh
from bench.measure import ROOT, ChildRun, log, median, run_child


def child_env(prefect_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PREFECT_HOME"] = str(prefect_home)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def speechtasks_run(corpus: Path, db: Path, env: dict[str, str]) -> ChildRun:
    exe = Path(sys.executable).parent / "speechtasks"
    run = run_child([str(exe), "run", "--corpus", str(corpus), "--db", str(db)], env=env)
    if run.returncode != 0:
        raise RuntimeError(f"speechtasks run failed ({run.returncode}):\n{run.stderr[-2000:]}")
    return run


def describe(run: ChildRun) -> str:
    """Peak RSS per process role, e.g. `main 250 MB, worker 318 MB, prefect-server 227 MB`."""
    roles: dict[str, float] = {}
    for p in run.procs:
        roles[p.role] = max(roles.get(p.role, 0.0), p.peak_mb)
    parts = [f"{role} {mb:.0f} MB" for role, mb in sorted(roles.items(), key=lambda kv: -kv[1])]
    return f"peak RSS {', '.join(parts)}; tree total {run.tree_peak_mb:.0f} MB"


def stored_requirements(db: Path) -> tuple[int, int]:
    from store import counts, open_db

    database = open_db(db)
    c = counts(database)
    database.close()
    return c["requirements"], c["ingest_errors"]


@dataclass(frozen=True)
class CliResult:
    small_files: int
    full_files: int
    small: ChildRun
    full: ChildRun
    rerun_s: float  # median wall time of `speechtasks run` with nothing new
    rerun_peak_rss_mb: float
    reruns: int
    rerun_ratio: float  # rerun_s / full run
    rss_growth: float  # peak(full) / peak(small) - 1
    requirements: int
    errors: int


def measure_cli(small: Path, n_small: int, full: Path, n_full: int, work: Path, reruns: int) -> CliResult:
    env = child_env(work / "prefect_home")
    small_run = speechtasks_run(small, fresh(work / "cli-small.db"), env)
    log(f"(d) speechtasks run, {n_small} files: {small_run.wall_s:.1f}s, {describe(small_run)}")
    db = fresh(work / "cli-full.db")
    full_run = speechtasks_run(full, db, env)
    log(f"(c,d) speechtasks run, {n_full} files: {full_run.wall_s:.1f}s, {describe(full_run)}")
    again = [speechtasks_run(full, db, env) for _ in range(reruns)]
    rerun_s = median([r.wall_s for r in again])
    log(f"(c) no-change re-runs: {', '.join(f'{r.wall_s:.2f}s' for r in again)}")
    requirements, errors = stored_requirements(db)
    return CliResult(
        small_files=n_small,
        full_files=n_full,
        small=small_run,
        full=full_run,
        rerun_s=rerun_s,
        rerun_peak_rss_mb=max(r.ingest_peak_mb for r in again),
        reruns=reruns,
        rerun_ratio=rerun_s / full_run.wall_s,
        rss_growth=full_run.ingest_peak_mb / small_run.ingest_peak_mb - 1,
        requirements=requirements,
        errors=errors,
    )


def measure_in_process(corpus: Path, work: Path) -> ChildRun:
    """(d) one `speechtasks run` small enough to extract in its own process (no pool): its peak RSS."""
    env = child_env(work / "prefect_home")
    run = speechtasks_run(corpus, fresh(work / "cli-inproc.db"), env)
    if run.peak("worker"):
        raise RuntimeError("the in-process run started extraction workers: make the corpus smaller")
    log(f"(d) speechtasks run in-process: {run.wall_s:.1f}s, {describe(run)}")
    return run


def profile_rerun(full: Path, db: Path, env: dict[str, str]) -> str:
    """pyinstrument's text report of one no-change re-run (when its target is missed)."""
    code = (
        "import sys; from pyinstrument import Profiler; p = Profiler(interval=0.001); p.start()\n"
        "from cli.main import app\n"
        "try:\n    app(['run', '--corpus', sys.argv[1], '--db', sys.argv[2]])\n"
        "except SystemExit:\n    pass\n"
        "p.stop(); print(p.output_text(unicode=True, color=False, show_all=False), file=sys.stderr)"
    )
    run = run_child([sys.executable, "-c", code, str(full), str(db)], env=env, cwd=ROOT)
    return run.stderr

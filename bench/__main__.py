"""`python -m bench` (`make bench`): speed, scale and memory, as ratios measured in one run.

  a. extraction time per MB against a bare `jieba.lcut` (segmentation floor) and a
     bare read + regex pass (I/O floor) over the same files;
  b. the `ingest_corpus` flow against a bare loop of extraction + store over the same
     files, after Prefect's start-up, and that start-up alone;
  c. `speechtasks run` (a child process) with nothing new against the full run;
  d. peak RSS of full `speechtasks run`s at two corpus sizes, and of an in-process run
     (step `inproc`: 150 files, extracted in the command's own process);
  e. `tasks --actor` and search at a million requirement rows, p50/p95;
  f. cold start: CPU of a new `speechtasks extract` of the seed against the extraction
     itself, and of `speechtasks --help` (bench/coldstart.py; alone: `python -m bench.coldstart`);
  and the DaskTaskRunner scale-out (2 local workers).

The corpus is synthetic: the real speeches' paragraphs recombined (bench/corpus.py),
written under bench/out/ (git-ignored). Results go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.coldstart import TARGETS as COLD_TARGETS
from bench.flowbench import DaskResult
from bench.measure import ROOT, log, run_child
from bench.profile import FunctionTime

OUT = ROOT / "bench" / "out"

TARGETS = {
    "extract_vs_jieba": 1.5,
    "flow_vs_bare": 1.2,
    "rerun_share": 0.02,
    "rerun_s": 5.0,
    "rss_mb": 400.0,
    "rss_growth": 0.10,
    "query_p50_ms": 20.0,
    **COLD_TARGETS,  # cold_extract_cpu_s, help_cpu_s
}

STEPS = ("a", "b", "c", "inproc", "e", "f", "dask")  # c and inproc measure d


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a ~2-3 minute smoke run at small sizes")
    p.add_argument("--files", type=int, help="synthetic corpus size for c/d (default 2000; quick 200)")
    p.add_argument("--small", type=int, help="the smaller corpus for the memory growth (default files/4)")
    p.add_argument(
        "--inproc-files", type=int, default=150, help="files of the in-process run's corpus (default 150)"
    )
    p.add_argument("--sample-mb", type=float, help="MB of the corpus for (a) (default 2; quick 0.5)")
    p.add_argument("--flow-files", type=int, help="files for (b) and the Dask runs (default 100; quick 24)")
    p.add_argument("--rounds", type=int, help="repeats of each in-process measurement (default 5)")
    p.add_argument("--reruns", type=int, help="no-change `speechtasks run` repeats (default 5; quick 3)")
    p.add_argument(
        "--query-rows", type=int, help="requirement rows for (e) (default 1,000,000; quick 50,000)"
    )
    p.add_argument("--query-budget", type=float, help="seconds per query kind (default 20; quick 4)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--skip", default="", help=f"comma-separated steps to leave out: {','.join(STEPS)}")
    p.add_argument("--no-profile", action="store_true", help="do not profile missed targets")
    p.add_argument("--results", type=Path, help="default bench/RESULTS.md; quick: bench/out/RESULTS-quick.md")
    args = p.parse_args(argv)
    q = args.quick
    args.files = args.files or (200 if q else 2000)
    args.small = args.small or max(1, args.files // 4)
    args.sample_mb = args.sample_mb or (0.5 if q else 2.0)
    args.flow_files = args.flow_files or (24 if q else 100)
    args.rounds = args.rounds or 5
    args.reruns = args.reruns or (3 if q else 5)
    args.query_rows = args.query_rows or (50_000 if q else 1_000_000)
    args.query_budget = args.query_budget or (4.0 if q else 20.0)
    args.results = args.results or (OUT / "RESULTS-quick.md" if q else ROOT / "bench" / "RESULTS.md")
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    return args


def prepare_prefect(work: Path) -> float | None:
    """Our own PREFECT_HOME, embedded server; a new home is migrated once, outside the timings."""
    home = work / "prefect_home"
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.pop("PREFECT_API_URL", None)
    from flows.settings import apply_env_defaults

    apply_env_defaults()
    if (home / "prefect.db").exists():
        return None
    log("new PREFECT_HOME: a first flow run migrates Prefect's database (not timed as start-up)")
    code = (
        "from flows.settings import prefect_session\n"
        "with prefect_session():\n"
        "    from prefect import flow\n"
        "    flow(name='bench_warm')(lambda: 1)()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return run_child([sys.executable, "-c", code], env=env).wall_s


def pct(x: float) -> str:
    return f"{x:.1%}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_start = os.getloadavg()
    began = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    work = OUT / "work"
    work.mkdir(exist_ok=True)

    from bench.corpus import build_corpus
    from bench.report import Report, function_table, render

    report = Report("speechtasks benchmarks" + (" (quick smoke run)" if args.quick else ""))
    full = build_corpus(OUT / f"corpus-{args.files}", args.files, source=ROOT / "corpus", seed=args.seed)
    small = build_corpus(OUT / f"corpus-{args.small}", args.small, source=ROOT / "corpus", seed=args.seed)
    flow_dir = OUT / f"corpus-{args.flow_files}"
    flow_files = build_corpus(flow_dir, args.flow_files, source=ROOT / "corpus", seed=args.seed)
    mb = sum(p.stat().st_size for p in full) / 1e6
    log(f"synthetic corpus: {len(full)} files, {mb:.1f} MB (seed {args.seed})")
    report.settings += [
        f"- synthetic corpus: {len(full)} files, {mb:.1f} MB, seed {args.seed}: paragraphs of the "
        f"{len(list((ROOT / 'corpus').glob('*.txt')))} real speeches in corpus/ recombined by section "
        "(bench/corpus.py); smaller corpora are prefixes of it",
        f"- in-process repeats: {args.rounds} rounds; ratios are medians of per-round ratios",
        "- Prefect: embedded server, PREFECT_HOME=bench/out/work/prefect_home, the CLI's env defaults",
    ]
    warm = prepare_prefect(work)
    if warm is not None:
        report.settings.append(f"- a new PREFECT_HOME was migrated first ({warm:.1f} s, not counted below)")

    # (a) extraction against its floors
    if "a" not in args.skip:
        from bench.extraction import measure_extraction, run_extraction, sample

        files = sample(full, args.sample_mb)
        a = measure_extraction(files, args.rounds)
        ok = a.ratio_jieba <= TARGETS["extract_vs_jieba"]
        report.add(
            f"(a) extraction ÷ bare `jieba.lcut`, {a.mb:.1f} MB",
            f"{a.ratio_jieba:.2f}× ({a.extract_s_per_mb:.2f} vs {a.jieba_s_per_mb:.2f} s/MB)",
            f"≤ {TARGETS['extract_vs_jieba']}×",
            ok,
        )
        report.add(
            "(a) extraction ÷ bare read + regex (I/O floor)",
            f"{a.ratio_io:.0f}× ({a.io_s_per_mb * 1000:.1f} ms/MB floor)",
        )
        report.section(
            "(a) extraction",
            [
                f"{a.files} files, {a.mb:.2f} MB, {a.requirements} requirements, {a.errors} files failed. "
                f"Medians of {a.rounds} rounds: extraction {a.extract_s_per_mb:.2f} s/MB, bare "
                f"`jieba.lcut` {a.jieba_s_per_mb:.2f} s/MB, read + decode + marker regex "
                f"{a.io_s_per_mb * 1000:.1f} ms/MB.",
            ],
        )
        if not ok and not args.no_profile:
            sub = sample(files, min(1.0, args.sample_mb))
            own, incl = profile_top_safe(lambda: run_extraction(sub), "extractors/")
            report.section(
                "(a) what bounds extraction (pyinstrument)",
                function_table("Top functions by own time", own)
                + function_table("Top extractors/ functions by inclusive time", incl),
            )

    # (f) cold start of a command, in child processes
    if "f" not in args.skip:
        from bench.coldstart import lines, measure_coldstart

        f = measure_coldstart(max(args.rounds, 5))
        report.add(
            "(f) cold `speechtasks extract` of the seed, CPU",
            f"{f.extract_cpu_s:.2f} s ({f.ratio:.0f}× the extraction itself, {f.extraction_cpu_s * 1000:.0f} ms)",
            f"≤ {TARGETS['cold_extract_cpu_s']} s",
            f.extract_cpu_s <= TARGETS["cold_extract_cpu_s"],
        )
        report.add(
            "(f) `speechtasks --help`, CPU",
            f"{f.help_cpu_s:.2f} s",
            f"≤ {TARGETS['help_cpu_s']} s",
            f.help_cpu_s <= TARGETS["help_cpu_s"],
        )
        report.section("(f) cold start", lines(f))

    # (c) + (d) `speechtasks run` child processes
    if "c" not in args.skip:
        from bench.clibench import child_env, describe, measure_cli, profile_rerun

        c = measure_cli(small[0].parent, len(small), full[0].parent, len(full), work, args.reruns)
        report.add(
            f"(c) no-change `speechtasks run` ÷ full run ({len(full)} files)",
            f"{pct(c.rerun_ratio)} ({c.rerun_s:.2f} s vs {c.full.wall_s:.0f} s)",
            f"≤ {pct(TARGETS['rerun_share'])}",
            c.rerun_ratio <= TARGETS["rerun_share"],
        )
        report.add(
            "(c) no-change `speechtasks run` wall time",
            f"{c.rerun_s:.2f} s (median of {c.reruns})",
            f"< {TARGETS['rerun_s']:.0f} s",
            c.rerun_s < TARGETS["rerun_s"],
        )
        for n, run in ((c.small_files, c.small), (c.full_files, c.full)):
            report.add(
                f"(d) peak RSS, `speechtasks run` over {n} files (largest ingest process)",
                f"{run.ingest_peak_mb:.0f} MB",
                f"< {TARGETS['rss_mb']:.0f} MB",
                run.ingest_peak_mb < TARGETS["rss_mb"],
            )
        report.add(
            f"(d) peak RSS growth {c.small_files} → {c.full_files} files",
            f"{c.rss_growth:+.1%}",
            f"< {pct(TARGETS['rss_growth'])}",
            c.rss_growth < TARGETS["rss_growth"],
        )
        report.section(
            "(c, d) `speechtasks run`",
            [
                f"Child processes of the bench. Full run over {c.full_files} files ({mb:.1f} MB): "
                f"{c.full.wall_s:.1f} s ({mb / c.full.wall_s:.2f} MB/s), {c.requirements} requirements "
                f"stored, {c.errors} ingest errors. Over {c.small_files} files: {c.small.wall_s:.1f} s.",
                "",
                "Memory is sampled from /proc every 50 ms over the command's whole process tree: each "
                "process's VmHWM by role (main: the `speechtasks run` process, where the flow runs; "
                "worker: the flow's extraction processes; prefect-server: the embedded API server), and "
                "the largest sum of VmRSS seen at one sample. The target applies to the largest ingest "
                "process (main or worker).",
                "",
                f"- {c.small_files} files: {describe(c.small)}",
                f"- {c.full_files} files: {describe(c.full)}",
                f"- no-change re-run: peak {c.rerun_peak_rss_mb:.0f} MB",
            ],
        )
        if (
            c.rerun_s >= TARGETS["rerun_s"] or c.rerun_ratio > TARGETS["rerun_share"]
        ) and not args.no_profile:
            text = profile_rerun(full[0].parent, work / "cli-full.db", child_env(work / "prefect_home"))
            report.section(
                "(c) what bounds the no-change re-run (pyinstrument)",
                ["```", *text.strip().splitlines()[:60], "```"],
            )

    # (d) a run small enough to stay in-process (under flows.work.POOL_MIN_BYTES): no pool
    if "inproc" not in args.skip:
        from bench.clibench import describe, measure_in_process

        n = args.inproc_files
        corpus = build_corpus(OUT / f"corpus-{n}", n, source=ROOT / "corpus", seed=args.seed)
        run = measure_in_process(corpus[0].parent, work)
        report.add(
            f"(d) peak RSS, in-process `speechtasks run` over {n} files",
            f"{run.main_peak_mb:.0f} MB",
            f"< {TARGETS['rss_mb']:.0f} MB",
            run.main_peak_mb < TARGETS["rss_mb"],
        )
        report.section(
            "(d) in-process run",
            [
                f"`speechtasks run` over {n} files ({sum(p.stat().st_size for p in corpus) / 1e6:.1f} MB, under "
                "the 8 MB above which a run starts a process pool): extraction, review pages and saving in "
                f"the command's own process. {run.wall_s:.1f} s; {describe(run)}.",
            ],
        )

    # (b) the flow against the bare loop, and the Dask runner, in this process
    if "b" not in args.skip or "dask" not in args.skip:
        import importlib

        from bench.measure import timed

        import_s, _ = timed(lambda: importlib.import_module("prefect"))  # first import, in this process
        from flows.settings import prefect_session

        with prefect_session():
            from bench.flowbench import measure_dask, measure_flow, measure_startup

            s = measure_startup(import_s)
            report.add("(b) Prefect start-up alone (embedded server, first flow run)", f"{s.startup_s:.1f} s")
            if "b" not in args.skip:
                b = measure_flow(flow_dir, len(flow_files), work, args.rounds)
                report.add(
                    f"(b) `ingest_corpus` flow ÷ bare extract + store loop, {b.files} files",
                    f"{b.ratio:.2f}× ({b.flow_s:.1f} s vs {b.bare_s:.1f} s)",
                    f"≤ {TARGETS['flow_vs_bare']}×",
                    b.ratio <= TARGETS["flow_vs_bare"],
                )
                report.section(
                    "(b) Prefect overhead",
                    [
                        f"`import prefect` {s.import_s:.1f} s; the first (empty) flow run {s.first_flow_s:.1f} s "
                        f"(the embedded server starts); an empty flow run after that {s.next_flow_s:.2f} s. "
                        f"Start-up = first − later = {s.startup_s:.1f} s.",
                        "",
                        "Both sides extract in the measuring process (the flow with `max_workers=1`, when it "
                        "has that parameter): the ratio is Prefect's cost, not a process pool's gain; the "
                        "pool is measured under Scale-out. Extractors' per-text caches are emptied before "
                        "each run. "
                        f"After start-up, over {b.files} files (medians of {b.rounds} rounds, fresh databases): "
                        f"flow {b.flow_s:.2f} s, bare loop {b.bare_s:.2f} s; both stored the same "
                        f"requirements: {b.requirements_flow} vs {b.requirements_bare}; flow errors {b.errors}.",
                    ],
                )
                if b.ratio > TARGETS["flow_vs_bare"] and not args.no_profile:
                    from bench.flowbench import run_flow

                    own, incl = profile_top_safe(
                        lambda: run_flow(flow_dir, work / "flow-prof.db"), "prefect/"
                    )
                    report.section(
                        "(b) what bounds the flow (pyinstrument)",
                        function_table("Top functions by own time", own)
                        + function_table("Top prefect/ functions by inclusive time", incl),
                    )
            if "dask" not in args.skip:
                d = measure_dask(flow_dir, len(flow_files), work, max(1, args.rounds - 1))
                for name in ("own_pool", "dask", "dask_warm"):
                    if name in d.speedups:
                        report.add(
                            f"scale-out, {d.files} files: {DASK_LABELS[name]} vs in-process",
                            f"{d.speedups[name]:.2f}× ({d.times[name]:.1f} s vs {d.times['in_process']:.1f} s)",
                        )
                report.section("Scale-out: DaskTaskRunner, 2 local workers", dask_lines(d))

    # (e) queries at a million rows
    if "e" not in args.skip:
        from bench.querybench import build_db, cache_key, measure_queries

        db_path = OUT / f"queries-{args.query_rows}-{cache_key(args.query_rows, args.seed)}.db"
        built = ""
        if not db_path.exists():
            log(f"(e) building {args.query_rows:,} requirement rows (cached as {db_path.name})")
            info = build_db(db_path, args.query_rows, ROOT / "corpus", args.seed)
            built = f"built in {info['build_s']:.0f} s from {info['pool']} extracted requirements"
        else:
            built = "reused from an earlier run (same rows, seed and migrations)"
        timings, qinfo = measure_queries(db_path, args.query_budget)
        for t in timings:
            report.add(
                f"(e) {t.name}, {qinfo['rows']:,} rows",
                f"p50 {t.p50_ms:.1f} ms, p95 {t.p95_ms:.1f} ms (~{t.rows_median:,} rows out)",
                f"p50 < {TARGETS['query_p50_ms']:.0f} ms",
                t.p50_ms < TARGETS["query_p50_ms"],
            )
        size = db_path.stat().st_size / 1e6
        report.section(
            "(e) queries",
            [
                f"Database: {qinfo['rows']:,} requirements through the store's own migrations (FTS5 "
                f"trigram and bigram indexes, `task_order`, views), {size:,.0f} MB, {built}. Runs per query kind: until "
                f"{args.query_budget:.0f} s are spent (at least 5, at most 50).",
                "",
                *(f"- {t.name}: {t.what}; {t.runs} runs" for t in timings),
                "",
                "Query plan of a first page of `task_page(actor=…)` (the keyset read on `task_order`):",
                "",
                "```",
                *qinfo["plan"],
                "```",
            ],
        )

    total = time.perf_counter() - began
    report.settings.append(f"- bench wall time: {total / 60:.1f} min")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(render(report, load_start), "utf-8")
    log(f"wrote {args.results} ({total / 60:.1f} min)")
    for row in report.misses():
        log(f"missed: {row.measurement}: {row.value} (target {row.target})")
    return 0


def profile_top_safe(
    work: Callable[[], object], inclusive_filter: str
) -> tuple[list[FunctionTime], list[FunctionTime]]:
    from bench.profile import profile_top

    try:
        return profile_top(work, inclusive_filter=inclusive_filter)
    except Exception as exc:  # a profiler failure must not lose the measurements
        log(f"profile failed: {exc}")
        return [], []


DASK_LABELS = {
    "own_pool": "flow's own process pool",
    "dask": "DaskTaskRunner (2 workers, new cluster)",
    "dask_warm": "DaskTaskRunner (2 workers, warm cluster)",
}


def dask_lines(d: DaskResult) -> list[str]:
    from bench.flowbench import DASK_VARIANTS

    how = (
        "`flows/ingest.py` submits its batches (`extract_batch.submit`), so a task runner can spread them; "
        "the flow saves each outcome itself (one SQLite writer)."
        if d.flow_submits
        else "`flows/ingest.py` calls its task directly, one batch after another, so a task runner is never "
        "asked to run anything: on Dask the flow still runs sequentially and only adds the cluster's start-up."
    )
    return [
        f"{d.files} files, medians of {d.rounds} round(s), fresh databases; pool and cluster start-up "
        "included except on the warm cluster. Cluster: `n_workers=2, threads_per_worker=1, processes=True`. "
        "The bench sets PREFECT_API_URL to the embedded server it started: without it every Dask worker "
        "starts an embedded server of its own.",
        "",
        "| variant | wall time | speed-up vs in-process |",
        "|---|---:|---:|",
        *(f"| {DASK_VARIANTS[k]} | {d.times[k]:.1f} s | {d.speedups[k]:.2f}× |" for k in d.times),
        "",
        how,
        "Requirements stored per variant: " + ", ".join(f"{k} {v}" for k, v in d.requirements.items()) + ".",
    ]


if __name__ == "__main__":
    raise SystemExit(main())

"""Requirements asked again (issue 16), measured alone: `python -m bench.repeatsbench`.

  link:   linking one new 60-requirement speech (a real report not in corpus/) against the
          task database of part (e), `--rows` requirements (default 1,000,000), its repeat
          index filled: `store.repeats.link_speech` alone, p50 over rounds, each rolled back;
  ingest: the `ingest_corpus` flow over the synthetic corpus (`--files`, default 2,000) with
          linking on and off, alternated: wall time and database size.

Results: bench/out/RESULTS-repeats.md (and printed). Not a test and not part of `make bench`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path
from typing import Any

from bench.measure import ROOT, log, median, percentile, timed

OUT = ROOT / "bench" / "out"
NEW_SPEECH = ROOT.parent / "shared" / "pool" / "gwr_national_2008.txt"
TARGETS = {"link_p50_s": 1.0, "ingest_ratio": 1.3, "db_growth": 0.15}


def fill_repeat_index(db: Any) -> dict[str, float]:
    """The repeat index of every stored requirement, as the flow would have written it: each
    distinct (heading, text) keyed once, each distinct key a `repeat_demands` row with its band
    rows, then every active requirement's `repeat_keys` row in one pass."""
    from extractors.repeats import demand_key
    from store.repeats import gram_hashes, key_digest

    conn = db.conn
    began = time.perf_counter()
    conn.execute("create temp table pool_keys (heading text, text text, kid integer)")
    distinct = conn.execute("select distinct heading, text from requirements").fetchall()
    kids: dict[bytes, int] = {}
    bands: set[tuple[int, int]] = set()
    for heading, text in distinct:
        key = demand_key("", heading or "", text or "")
        if not key.bands:
            continue
        blob = gram_hashes(key.grams)
        if blob not in kids:
            kids[blob] = len(kids) + 1
            bands.update((b, kids[blob]) for b in key.bands)
        conn.execute("insert into temp.pool_keys values (?, ?, ?)", [heading, text, kids[blob]])
    conn.execute("create index temp.pool_keys_ht on pool_keys (heading, text)")
    keyed = time.perf_counter() - began
    with conn:
        conn.executemany(
            "insert into repeat_demands (kid, digest, grams) values (?, ?, ?)",
            [(kid, key_digest(blob), blob) for blob, kid in kids.items()],
        )
        conn.execute(
            """insert or ignore into repeat_keys (rid, kid)
               select r.rowid, p.kid from requirements r
               join temp.pool_keys p on p.heading = r.heading and p.text = r.text
               where r.status = 'active'"""
        )
        conn.executemany("insert or ignore into repeat_bands (band, kid) values (?, ?)", sorted(bands))
    return {
        "distinct": len(distinct),
        "keys": len(kids),
        "keys_s": keyed,
        "fill_s": time.perf_counter() - began - keyed,
    }


def new_speech(n: int = 60) -> Any:
    from extractors import extract_file

    e = extract_file(NEW_SPEECH, source=NEW_SPEECH.name)
    return e.model_copy(update={"requirements": e.requirements[:n]})


def measure_link(db_path: Path, rounds: int) -> dict[str, Any]:
    from extractors.repeats import demands
    from store import open_db, save_extraction
    from store.repeats import link_speech

    db = open_db(db_path)
    speech = new_speech()
    keyed, d = timed(lambda: demands(speech))
    keyed, d = timed(lambda: demands(speech))  # the second call: jieba already loaded
    times: list[float] = []
    linked = 0
    for _ in range(rounds):
        db.conn.execute("begin")
        try:
            save_extraction(db, speech, f"bench/{NEW_SPEECH.name}")
            sid = speech.speech.sha256[:16]
            seconds, linked = timed(lambda sid=sid: link_speech(db, sid, d.keys, **d.settings()))
            times.append(seconds)
        finally:
            db.conn.execute("rollback")
    rows = db["requirements"].count
    indexed = db["repeat_keys"].count
    db.close()
    return {
        "rows": rows,
        "indexed": indexed,
        "requirements": len(speech.requirements),
        "keys_s": keyed,
        "p50_s": median(times),
        "p95_s": percentile(times, 95),
        "rounds": rounds,
        "linked": linked,
    }


def measure_ingest(files: int, rounds: int, workers: int | None = 1) -> dict[str, Any]:
    from bench.__main__ import prepare_prefect
    from bench.corpus import build_corpus
    from bench.flowbench import fresh
    from flows.runners import run_ingest
    from flows.settings import prefect_session

    corpus_dir = OUT / f"corpus-{files}"
    build_corpus(corpus_dir, files, source=ROOT / "corpus", seed=7)
    work = OUT / "work"
    work.mkdir(parents=True, exist_ok=True)
    prepare_prefect(work)
    got: dict[bool, list[float]] = {True: [], False: []}
    size: dict[bool, int] = {}
    repeated = processes = 0
    warm_dir = OUT / "corpus-20"
    build_corpus(warm_dir, 20, source=ROOT / "corpus", seed=7)
    with prefect_session():
        # warm-up, not timed: Prefect's server, task registration, jieba and spaCy loaded
        run_ingest(warm_dir, fresh(work / "repeats-warm.db"), max_workers=1, review_pages=False)
        for r in range(rounds):
            for link in (True, False) if r % 2 == 0 else (False, True):
                db = fresh(work / f"repeats-{'on' if link else 'off'}.db")
                seconds, summary = timed(
                    lambda db=db, link=link: run_ingest(
                        corpus_dir, db, max_workers=workers, review_pages=False, link_repeats=link
                    )
                )
                got[link].append(seconds)
                from store import open_db

                database = open_db(db)
                database.execute("pragma wal_checkpoint(truncate)")
                database.close()
                size[link] = db.stat().st_size
                if link:
                    repeated = summary.requirements_repeated
                processes = summary.workers
                log(f"(ingest) linking {'on' if link else 'off'}: {seconds:.1f} s, {size[link] / 1e6:.0f} MB")
    ratios = [a / b for a, b in zip(got[True], got[False], strict=True)]
    return {
        "files": files,
        "on_s": median(got[True]),
        "off_s": median(got[False]),
        "ratio": statistics.median(ratios),
        "on_mb": size[True] / 1e6,
        "off_mb": size[False] / 1e6,
        "growth": size[True] / size[False] - 1,
        "repeated": repeated,
        "rounds": rounds,
        "processes": processes,
        "on_runs": got[True],
        "off_runs": got[False],
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.repeatsbench", description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000, help="stored requirements for `link`")
    p.add_argument("--files", type=int, default=2000, help="synthetic corpus files for `ingest`")
    p.add_argument("--rounds", type=int, default=20, help="linking rounds (p50 over them)")
    p.add_argument("--ingest-rounds", type=int, default=1, help="flow runs with linking on and off, each")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="extraction processes for `ingest` (default 1, in-process; 0: the flow's own choice)",
    )
    p.add_argument("--skip", default="", help="comma-separated parts to leave out: link,ingest")
    p.add_argument("--results", type=Path, default=OUT / "RESULTS-repeats.md")
    args = p.parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    OUT.mkdir(parents=True, exist_ok=True)
    lines = ["# repeats bench (issue 16)", "", f"- load average at start: {os.getloadavg()}", ""]
    if "link" not in skip:
        import bench.querybench as qb

        db_path = OUT / f"queries-{args.rows}-{qb.cache_key(args.rows, 7)}.db"
        if not db_path.exists():
            # No part-(e) database to reuse: the same rows, without its FTS and task_order fills
            # (linking reads none of them), which take most of its build time.
            db_path = OUT / f"repeats-lean-{args.rows}-{qb.cache_key(args.rows, 7)}.db"
            if not db_path.exists():
                log(f"(link) building {args.rows:,} requirement rows, lean ({db_path.name})")
                fills = qb.derived_fills
                qb.derived_fills = lambda db: {}
                try:
                    qb.build_db(db_path, args.rows, ROOT / "corpus", 7)
                finally:
                    qb.derived_fills = fills
            lines.append(
                f"- database: {db_path.name}: part (e)'s rows, its FTS indexes and task_order left empty"
            )
        from store import open_db

        db = open_db(db_path)
        if db["repeat_keys"].count == 0:
            log("(link) filling the repeat index")
            fill = fill_repeat_index(db)
            lines.append(
                f"- repeat index filled: {fill['distinct']:,} distinct requirement texts ({fill['keys']:,} "
                f"distinct demand keys) keyed in "
                f"{fill['keys_s']:.0f} s, tables filled in {fill['fill_s']:.0f} s"
            )
        db.close()
        m = measure_link(db_path, args.rounds)
        ok = m["p50_s"] < TARGETS["link_p50_s"]
        lines += [
            f"- link one new {m['requirements']}-requirement speech ({NEW_SPEECH.name}) against "
            f"{m['rows']:,} stored requirements ({m['indexed']:,} indexed): p50 {m['p50_s'] * 1000:.0f} ms, "
            f"p95 {m['p95_s'] * 1000:.0f} ms over {m['rounds']} rounds; {m['linked']} of its requirements "
            f"linked; computing its demand keys {m['keys_s'] * 1000:.0f} ms "
            f"(target p50 < {TARGETS['link_p50_s']:.0f} s: {'met' if ok else 'MISSED'})",
            f"- database: {db_path.stat().st_size / 1e6:,.0f} MB",
        ]
        log(lines[-2])
    if "ingest" not in skip:
        m = measure_ingest(args.files, args.ingest_rounds, args.workers or None)
        lines += [
            f"- full ingest of {m['files']} synthetic files, {m['processes']} extraction process(es), "
            f"{m['rounds']} round(s) alternated (on: {', '.join(f'{x:.0f}' for x in m['on_runs'])} s; off: "
            f"{', '.join(f'{x:.0f}' for x in m['off_runs'])} s): linking on {m['on_s']:.0f} s, off "
            f"{m['off_s']:.0f} s (medians): {m['ratio']:.2f}× (median ratio; target ≤ {TARGETS['ingest_ratio']}×: "
            f"{'met' if m['ratio'] <= TARGETS['ingest_ratio'] else 'MISSED'}); {m['repeated']:,} "
            f"requirements linked to earlier ones",
            f"- database: {m['on_mb']:.0f} MB with links against {m['off_mb']:.0f} MB without: "
            f"+{m['growth']:.1%} (target ≤ {TARGETS['db_growth']:.0%}: "
            f"{'met' if m['growth'] <= TARGETS['db_growth'] else 'MISSED'})",
        ]
        log(lines[-2])
        log(lines[-1])
    args.results.write_text("\n".join(lines) + "\n", "utf-8")
    log(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""(e) Queries at a million requirement rows: what `speechtasks tasks` does, p50/p95.

A user asks for a page: `tasks --actor X` and `tasks --search WORD` show the first 50
tasks in speech order, and `--after CURSOR` the next 50. Each is timed through the
store's API (`store.task_page`), for every actor category and for search words of one,
two and four characters (each through its own index).

The database is built through the store's own schema (`store.open_db` applies the
migrations, so the FTS triggers and views are the real ones), then filled with bulk
`executemany` inserts of requirements drawn from the real corpus's extractions; the
triggers are set aside during the load and the derived tables (both FTS indexes,
`task_order`) filled in one pass each at the end, each pass timed. It is cached under
bench/out/, keyed by row count, seed and the migration names.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.corpus import load_pool
from bench.measure import log, median, percentile, timed

REQS_PER_SPEECH = 50
SECTIONS_PER_SPEECH = 4
PAGE = 50  # what `speechtasks tasks` shows
ONE_CHAR_TERMS = ("书", "税", "港", "粮", "艺", "鼓")
TWO_CHAR_TERMS = ("监督", "书记", "扶贫", "就业", "教育")
LONG_TERMS = ("营商环境", "乡村振兴", "生态环境", "体制改革", "党风廉政")


@dataclass(frozen=True)
class PoolItem:
    heading: str
    text: str
    actors: tuple[tuple[str, str, str], ...]  # category, mention, basis
    deadline: str | None


def requirement_pool(source: Path) -> list[PoolItem]:
    """Requirements the extractors find in the real corpus; paragraphs if they find too few."""
    from extractors import extract_file

    items: list[PoolItem] = []
    for path in sorted(source.glob("*.txt")):
        try:
            extraction = extract_file(path, source=path.name)
        except Exception:
            continue
        for r in extraction.requirements:
            actors = tuple((a.category.value, a.mention or "", a.basis.value) for a in r.actors)
            items.append(PoolItem(r.heading or "", r.text, actors, r.deadline))
    if len(items) >= 50:
        return items
    log("(e) the extractors found < 50 requirements in corpus/: using corpus paragraphs")
    pool = load_pool(source)
    return [
        PoolItem(p[:20], p, (("all_units", "", "default"),), None)
        for p in sorted(pool.paragraphs())
        if len(p) >= 40
    ]


def cache_key(rows: int, seed: int) -> str:
    from store.migrations import migrations

    names = ",".join(getattr(m, "name", str(m)) for m in getattr(migrations, "_migrations", []))
    return hashlib.sha256(f"{rows}:{seed}:{names}".encode()).hexdigest()[:10]


def _rows(table_cols: list[str], values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(values.get(c) for c in table_cols)


def build_db(path: Path, rows: int, source: Path, seed: int = 7) -> dict[str, Any]:
    """A task database with `rows` requirements, through the store's schema."""
    from store import open_db

    pool = requirement_pool(source)
    rng = random.Random(seed)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = open_db(path)
    cols = {
        t: [c.name for c in db[t].columns]
        for t in ("speeches", "sections", "requirements", "requirement_actors")
    }
    conn = db.conn
    # Bulk-load settings for this build only; every trigger is set aside and the derived
    # tables (FTS indexes, task_order) filled in one pass each at the end (much faster
    # than a trigger per row), then the triggers are restored from their own stored SQL.
    conn.execute("pragma journal_mode = off")
    conn.execute("pragma synchronous = off")
    conn.execute("pragma cache_size = -400000")
    triggers = conn.execute("select name, sql from sqlite_master where type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"drop trigger [{name}]")

    def insert(table: str, batch: list[tuple[Any, ...]]) -> None:
        marks = ",".join("?" * len(cols[table]))
        conn.executemany(f"insert into [{table}] ({','.join(cols[table])}) values ({marks})", batch)

    speeches = rows // REQS_PER_SPEECH
    start = time.perf_counter()
    done = 0
    with conn:
        for s in range(speeches):
            sha = hashlib.sha256(f"speech {s}".encode()).hexdigest()
            sid = sha[:16]
            insert(
                "speeches",
                [
                    _rows(
                        cols["speeches"],
                        {
                            "id": sid,
                            "source": f"synthetic/{s:06d}.txt",
                            "sha256": sha,
                            "title": f"合成讲话 {s}",
                            "encoding": "utf-8",
                            "chars": 20000,
                            "year": 2000 + s % 26,
                            "ingested_at": "2026-01-01T00:00:00+00:00",
                            "version": 1,
                        },
                    )
                ],
            )
            insert(
                "sections",
                [
                    _rows(
                        cols["sections"],
                        {
                            "id": f"{sid}:{k}",
                            "speech_id": sid,
                            "path": str(k),
                            "marker": f"{k}、",
                            "kind": "tasks" if k > 1 else "review",
                            "heading": f"第{k}部分",
                            "char_start": k * 5000,
                            "char_end": k * 5000 + 4999,
                        },
                    )
                    for k in range(1, SECTIONS_PER_SPEECH + 1)
                ],
            )
            reqs: list[tuple[Any, ...]] = []
            actors: list[tuple[Any, ...]] = []
            for j in range(REQS_PER_SPEECH):
                item = rng.choice(pool)
                rid = hashlib.sha256(f"{sid}:{j}".encode()).hexdigest()[:16]
                k = 2 + j % (SECTIONS_PER_SPEECH - 1)
                reqs.append(
                    _rows(
                        cols["requirements"],
                        {
                            "id": rid,
                            "speech_id": sid,
                            "path": f"{k}.{j + 1}",
                            "label": f"（{j + 1}）",
                            "heading": item.heading,
                            "text": item.text,
                            "char_start": j * 300,
                            "char_end": j * 300 + len(item.text),
                            "deadline": item.deadline,
                            "measures": "[]",
                            "status": "active",
                            "section_id": f"{sid}:{k}",
                        },
                    )
                )
                seen: set[tuple[str, str]] = set()
                for category, mention, basis in item.actors:
                    if (category, mention) in seen:
                        continue
                    seen.add((category, mention))
                    actors.append(
                        _rows(
                            cols["requirement_actors"],
                            {
                                "requirement_id": rid,
                                "category": category,
                                "mention": mention,
                                "basis": basis,
                                "char_start": j * 300,
                            },
                        )
                    )
            insert("requirements", reqs)
            insert("requirement_actors", actors)
            done += REQS_PER_SPEECH
            if done % 200_000 == 0:
                log(f"(e) {done:,} requirement rows ({time.perf_counter() - start:.0f}s)")
    rows_s = time.perf_counter() - start
    parts = {}
    with conn:
        for name, fill in derived_fills(db).items():
            log(f"(e) filling {name}")
            began = time.perf_counter()
            fill()
            parts[name] = round(time.perf_counter() - began, 1)
            log(f"(e) {name}: {parts[name]:.0f}s")
        for _, sql in triggers:
            conn.execute(sql)
    conn.execute("analyze")
    conn.execute("pragma journal_mode = wal")
    db.close()
    build = {"rows_s": round(rows_s, 1), **parts}
    Path(f"{path}.build.json").write_text(json.dumps(build), "utf-8")
    return {"pool": len(pool), "build_s": time.perf_counter() - start, **build}


def derived_fills(db: Any) -> dict[str, Any]:
    """What the triggers would have written, each as one pass over the loaded rows."""
    from store.migrations import fill_bigrams, fill_task_order

    tables = set(db.table_names())
    fills = {}
    if "requirements_fts" in tables:
        fills["requirements_fts (trigram)"] = lambda: db.execute(
            "insert into requirements_fts (requirements_fts) values ('rebuild')"
        )
    if "requirements_bigrams" in tables:
        fills["requirements_bigrams"] = lambda: fill_bigrams(db)
    if "task_order" in tables:
        fills["task_order"] = lambda: fill_task_order(db)
    return fills


@dataclass(frozen=True)
class QueryTiming:
    name: str
    what: str
    p50_ms: float
    p95_ms: float
    runs: int
    rows_median: int


def time_query(name: str, what: str, calls: list[Any], budget_s: float, min_runs: int = 5) -> QueryTiming:
    """Cycle through `calls` (each returning rows) until `budget_s` is spent (at least `min_runs`)."""
    for call in calls:
        call()  # warm-up: page cache, statement cache
    times: list[float] = []
    sizes: list[int] = []
    start = time.perf_counter()
    i = 0
    while i < min_runs or (time.perf_counter() - start < budget_s and i < 50):
        seconds, rows = timed(calls[i % len(calls)])
        times.append(seconds * 1000)
        sizes.append(len(rows))
        i += 1
    result = QueryTiming(name, what, median(times), percentile(times, 95), len(times), int(median(sizes)))
    log(f"(e) {name}: p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, ~{result.rows_median} rows")
    return result


def pick_terms(db: Any, candidates: tuple[str, ...], n: int = 3) -> list[str]:
    """Terms present in the database, in the order given: the ones that match something."""
    found = []
    for term in candidates:
        hit = db.execute("select 1 from requirements where instr(text, ?) > 0 limit 1", [term]).fetchone()
        if hit:
            found.append(term)
    return found[:n] or list(candidates[:1])


def build_note(path: Path) -> str:
    """How long each derived table took to fill when the database was built (if recorded)."""
    sidecar = Path(f"{path}.build.json")
    if not sidecar.exists():
        return ""
    parts = json.loads(sidecar.read_text("utf-8"))
    names = {"rows_s": "inserting the rows"}
    return "; build: " + ", ".join(f"{names.get(k, k)} {v:.0f} s" for k, v in parts.items())


def measure_queries(path: Path, budget_s: float) -> tuple[list[QueryTiming], dict[str, Any]]:
    from store import open_db, task_page
    from store.queries import _keys

    db = open_db(path)
    rows = db["requirements"].count
    categories = [
        r["category"]
        for r in db.query(
            "select category, count(*) n from requirement_actors group by category order by n desc"
        )
    ]
    terms = {n: pick_terms(db, c) for n, c in ((1, ONE_CHAR_TERMS), (2, TWO_CHAR_TERMS), (4, LONG_TERMS))}

    def page(**filters: Any) -> list[dict[str, Any]]:
        return task_page(db, limit=PAGE, **filters).rows

    def second_pages(**filters: Any) -> list[Any]:
        """Calls that each read the page after a first page (its cursor taken outside the timing)."""
        calls = []
        for key, values in filters.items():
            for v in values:
                after = task_page(db, limit=PAGE, **{key: v}).after
                if after:
                    calls.append(
                        lambda a=after, k=key, v=v: task_page(db, limit=PAGE, after=a, **{k: v}).rows
                    )
        return calls or [lambda: []]

    api = f"`store.task_page(limit={PAGE}, …)` (what `speechtasks tasks` shows)"
    out = [
        time_query(
            "tasks --actor, first 50",
            f"{api} with `actor=`, every category in turn ({len(categories)})",
            [lambda c=c: page(actor=c) for c in categories],
            budget_s,
        ),
        time_query(
            "tasks --actor, page 2",
            "the next page, `after=` the first page's keyset cursor, every category in turn",
            second_pages(actor=categories),
            budget_s,
        ),
        time_query(
            "tasks, first 50",
            f"{api}, no filter",
            [lambda: page()],
            budget_s,
        ),
    ]
    for n, index in ((1, "bigram index, prefix"), (2, "bigram index"), (4, "trigram index")):
        out.append(
            time_query(
                f"search, {n}-char term, first 50",
                f"{api} with `search=` {'/'.join(terms[n])} ({index}, checked with instr())"
                + (build_note(path) if n == 4 else ""),
                [lambda t=t: page(search=t) for t in terms[n]],
                budget_s,
            )
        )
    out.append(
        time_query(
            "search, 2-char term, page 2",
            "the next page of the 2-char search, `after=` the first page's cursor",
            second_pages(search=terms[2]),
            budget_s,
        )
    )
    keys = _keys(categories[0] if categories else "all_units", None, [], None, None, None)
    sql, params = keys.ordered(PAGE + 1)
    plan = [r[-1] for r in db.execute(f"explain query plan {sql}", params).fetchall()]
    info = {"rows": rows, "categories": categories, "plan": plan}
    db.close()
    return out, info

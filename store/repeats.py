"""Requirements asked again: the demand-key index, the links, and what reads them.

`link_speech` runs inside `save_extraction`'s transaction: each requirement of the speech
not yet indexed gets its `repeat_keys` row (its shingles) and its `repeat_bands` rows (one
a MinHash band), and is compared with what is stored: only the requirements sharing a band
key with it (at most `BUCKET_LIMIT` a band, the latest), each scored exactly (Jaccard of
the shingles). A match at or above the threshold is a `requirement_links` row from the
later of the two (speech year, else ingestion order) to the earlier. Nothing is ever
recomputed for what is stored. A superseded requirement leaves the index and its links go
with it (`unlink_requirements`).
"""

from __future__ import annotations

import heapq
import struct
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from sqlite_utils import Database

from schemas import DemandKey
from store.review_schema import latest

BUCKET_LIMIT = 50  # stored requirements read per band key: the latest ones
CHUNK = 500  # SQL parameters a statement
SCORE_SCALE = 10_000  # requirement_links.score: the Jaccard similarity in ten-thousandths

# A speech's place in time: its year, else the year it was ingested; then ingestion order.
SPEECH_ORDER = "coalesce({s}.year, cast(substr({s}.ingested_at, 1, 4) as integer)), {s}.rowid"


def _chunks(items: Sequence[Any], n: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def gram_hashes(grams: str) -> bytes:
    """The shingles as sorted 32-bit hashes (crc32 of each): what `repeat_keys.grams` stores."""
    values = sorted({zlib.crc32(g.encode()) for g in grams.split()})
    return struct.pack(f"<{len(values)}I", *values)


def _hashes(blob: bytes) -> set[int]:
    return set(memoryview(blob).cast("I"))


@lru_cache(maxsize=4)
def _probe(bands: int) -> str:
    """The stored keys sharing a band with a new key, in one statement: the latest `BUCKET_LIMIT`
    requirements of each of its `bands` band keys (a band row whose requirement left the index,
    superseded, finds no key)."""
    bucket = (
        f"select * from (select rid from repeat_bands where band = ? order by rid desc limit {BUCKET_LIMIT})"
    )
    return (
        f"select rid, grams from repeat_keys where rid in ({' union '.join([bucket] * bands)}) order by rid"
    )


def link_speech(
    db: Database,
    speech_id: str,
    keys: Sequence[DemandKey],
    *,
    threshold: float,
    min_shared: int,
    sure_score: float,
    max_links: int,
    method: str,
) -> int:
    """Index the speech's requirements not yet indexed and link them; the number linked to an
    earlier requirement. Call inside the speech's transaction. The rule is `extractors.repeats.same_demand`:
    Jaccard at least `threshold`, and `min_shared` shingles in common unless it reaches `sure_score`."""
    conn = db.conn
    rowids: dict[str, int] = {}
    for part in _chunks([k.requirement_id for k in keys]):
        marks = ",".join("?" * len(part))
        # the status tested here, not in SQL: with `status = ?` SQLite reads the status index, every
        # active requirement (30 ms a speech at 31,000 requirements), instead of the ids
        rowids.update(
            (rid, rowid)
            for rid, rowid, status in conn.execute(
                f"select id, rowid, status from requirements where id in ({marks})", part
            )
            if status == "active"
        )
    indexed: set[int] = set()
    for part in _chunks(list(rowids.values())):
        marks = ",".join("?" * len(part))
        indexed.update(
            r for (r,) in conn.execute(f"select rid from repeat_keys where rid in ({marks})", part)
        )
    fresh: dict[int, tuple[DemandKey, bytes]] = {}
    for key in keys:
        rid = rowids.get(key.requirement_id)
        if rid is not None and key.bands and rid not in indexed and rid not in fresh:
            fresh[rid] = (key, gram_hashes(key.grams))
    if not fresh:
        return 0
    conn.executemany(
        "insert into repeat_keys (rid, grams) values (?, ?)", [(r, b) for r, (_, b) in fresh.items()]
    )
    mine = set(rowids.values())
    found: dict[int, list[tuple[int, float]]] = {}
    for rid, (key, blob) in fresh.items():
        grams = _hashes(blob)
        n = len(grams)
        hits = []
        # a key stored many times (the same heading asked again) is scored once: by its bytes
        scored: dict[bytes, int | None] = {}
        for other, other_grams in conn.execute(_probe(len(key.bands)), key.bands):
            if other in mine:
                continue
            if other_grams in scored:
                verdict = scored[other_grams]
            else:
                theirs = _hashes(other_grams)
                shared = len(grams & theirs)
                score = shared / (n + len(theirs) - shared)
                ok = score >= threshold and (shared >= min_shared or score >= sure_score)
                verdict = scored[other_grams] = round(score * SCORE_SCALE) if ok else None
            if verdict is not None:
                hits.append((other, verdict))
        if hits:
            found[rid] = hits
    conn.executemany(
        "insert or ignore into repeat_bands (band, rid) values (?, ?)",
        sorted((band, rid) for rid, (key, _) in fresh.items() for band in key.bands),
    )
    return _write_links(db, speech_id, found, max_links, method)


def method_code(db: Database, method: str) -> int:
    """The `repeat_methods` code of `method` (`requirement_links.method`), added when new."""
    row = db.execute("select code from repeat_methods where method = ?", [method]).fetchone()
    if row:
        return row[0]
    return db.execute("insert into repeat_methods (method) values (?)", [method]).lastrowid


def _write_links(
    db: Database, speech_id: str, found: dict[int, list[tuple[int, int]]], max_links: int, method: str
) -> int:
    if not found:
        return 0
    conn = db.conn
    code = method_code(db, method)
    *here, sha = conn.execute(
        f"select {SPEECH_ORDER.format(s='s')}, s.sha256 from speeches s where s.id = ?", [speech_id]
    ).fetchone()
    others = sorted({o for hits in found.values() for o, _ in hits})
    order: dict[int, tuple[str, tuple[int, int]]] = {}
    speech_of: dict[int, str] = {}
    for part in _chunks(others):
        marks = ",".join("?" * len(part))
        speech_of.update(
            conn.execute(f"select rowid, speech_id from requirements where rowid in ({marks})", part)
        )
    when: dict[str, tuple[str, tuple[int, int]]] = {}
    for part in _chunks(sorted(set(speech_of.values()))):
        marks = ",".join("?" * len(part))
        for sid, their_sha, year, seq in conn.execute(
            f"select s.id, s.sha256, {SPEECH_ORDER.format(s='s')} from speeches s where s.id in ({marks})",
            part,
        ):
            # a copy of this speech (the same bytes under another source) asks nothing again
            when[sid] = (speech_id if their_sha == sha else sid, (year, seq))
    order = {rid: when[sid] for rid, sid in speech_of.items()}
    now = tuple(here)
    rank: dict[int, tuple[int, int]] = {}  # the earlier ones: the latest speech first
    later: set[int] = set()  # in a speech dated after this one: it repeats this one
    for other, (their_speech, (year, seq)) in order.items():
        if their_speech == speech_id:
            continue
        if (year, seq) < now:
            rank[other] = (-year, -seq)
        else:
            later.add(other)
    rows = []
    backfill: dict[int, list[tuple[int, int]]] = {}
    linked = 0
    for rid, hits in found.items():
        # the best score first, then the latest speech, then the lowest rowid
        earlier = heapq.nsmallest(max_links, [(-score, rank[o], o) for o, score in hits if o in rank])
        rows += [(rid, other, -score, code) for score, _, other in earlier]
        linked += bool(earlier)
        if later:
            for other, score in hits:
                if other in later:
                    backfill.setdefault(other, []).append((score, rid))
    rows += _backfill_rows(conn, backfill, max_links, code)
    conn.executemany(
        """insert into requirement_links (rid, earlier_rid, score, method) values (?, ?, ?, ?)
           on conflict (rid, earlier_rid) do update set score = excluded.score, method = excluded.method""",
        rows,
    )
    return linked


def _backfill_rows(
    conn: Any, backfill: dict[int, list[tuple[int, int]]], max_links: int, code: int
) -> list[tuple[int, int, int, int]]:
    """Links from stored requirements to this (earlier-dated) speech's, within each one's
    `max_links` (the best scores first)."""
    if not backfill:
        return []
    have: dict[int, int] = {}
    stored = sorted(backfill)
    for part in _chunks(stored):
        marks = ",".join("?" * len(part))
        have.update(
            conn.execute(
                f"select rid, count(*) from requirement_links where rid in ({marks}) group by rid", part
            ).fetchall()
        )
    rows = []
    for other in stored:
        room = max_links - have.get(other, 0)
        for score, rid in sorted(backfill[other], reverse=True)[: max(0, room)]:
            rows.append((other, rid, score, code))
    return rows


def unlink_requirements(db: Database, requirement_ids: Sequence[str]) -> None:
    """Superseded requirements leave the index, and their links (both ways) go with them. Their
    `repeat_bands` rows stay: with no `repeat_keys` row they match nothing (and a requirement made
    current again by a revert is indexed anew under the same band keys)."""
    conn = db.conn
    for part in _chunks(list(requirement_ids)):
        marks = ",".join("?" * len(part))
        rids = [r for (r,) in conn.execute(f"select rowid from requirements where id in ({marks})", part)]
        if not rids:
            continue
        marks = ",".join("?" * len(rids))
        conn.execute(f"delete from repeat_keys where rid in ({marks})", rids)
        conn.execute(f"delete from requirement_links where rid in ({marks})", rids)
        # no index on earlier_rid (m012): one scan of the links a chunk, only when superseding
        conn.execute(f"delete from requirement_links where earlier_rid in ({marks})", rids)


def repeats_of(db: Database, requirement_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The active earlier requirements each of `requirement_ids` repeats, earliest first (not
    those a clerk rejected as 非任务):
    `id`, `score`, `method`, `source`, `title`, `year`, `path`, `heading`, `tracking_status`,
    `review_path` (the earlier speech's review page, when the flow wrote one)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for part in _chunks(list(requirement_ids)):
        marks = ",".join("?" * len(part))
        for row in db.query(
            f"""select r.id as of, e.id, l.score / {SCORE_SCALE}.0 as score, m.method, s.source, s.title, s.year,
                       e.path, e.heading, coalesce(t.status, 'open') as tracking_status, s.review_path
                from requirements r
                join requirement_links l on l.rid = r.rowid
                join requirements e on e.rowid = l.earlier_rid and e.status = 'active'
                join repeat_methods m on m.code = l.method
                join speeches s on s.id = e.speech_id
                left join task_tracking t on t.requirement_id = e.id
                where r.id in ({marks}) and coalesce({latest("check", "e.id")}, '') != 'rejected'
                order by r.id, {SPEECH_ORDER.format(s="s")}""",
            part,
        ):
            out.setdefault(row.pop("of"), []).append(row)
    return out


def asked_before(earlier: Sequence[dict[str, Any]]) -> str:
    """The 台账's 曾部署 cell: `2016年政府工作报告起第2次；上次：…；上次任务状态：open`; '' when never asked."""
    if not earlier:
        return ""
    first, last = earlier[0], earlier[-1]

    def name(e: dict[str, Any]) -> str:
        title = e["title"] or e["source"]
        # the year once: `2016年政府工作报告`, `在全市…会议上的讲话（2021）`
        return title + (f"（{e['year']}）" if e["year"] and str(e["year"]) not in title else "")

    text = f"{name(first)}起第{len(earlier) + 1}次"
    if len(earlier) > 1:
        text += f"；上次：{name(last)}"
    return f"{text}；上次任务状态：{last['tracking_status']}"


def repeated_tasks(db: Database, *, limit: int | None = None, **filters: Any) -> list[dict[str, Any]]:
    """Active tasks that repeat an earlier requirement (the `tasks` filters apply), in speech
    order: the task, `times_asked`, the first and the latest earlier speech, and `earlier` (every
    earlier requirement linked, earliest first, with its speech's title)."""
    from store.queries import task_filter

    where, params = task_filter(**filters)
    rows = list(
        db.query(
            f"""select k.id, k.source, k.speech_title, k.path, k.heading, k.tracking_status from tasks k
                where k.id in (select r.id from requirement_links l join requirements r on r.rowid = l.rid)
                  and {where}
                order by k.source, k.char_start, k.id{" limit ?" if limit else ""}""",
            [*params, *([limit] if limit else [])],
        )
    )
    earlier = repeats_of(db, [r["id"] for r in rows])
    out = []
    for r in rows:
        before = earlier.get(r["id"])
        if not before:  # linked only to requirements since superseded
            continue
        first, last = before[0], before[-1]
        out.append(
            {
                **r,
                "times_asked": len(before) + 1,
                "first_asked_in": first["title"] or first["source"],
                "first_asked_year": first["year"],
                "latest_earlier_in": last["title"] or last["source"],
                "latest_earlier_path": last["path"],
                "latest_earlier_status": last["tracking_status"],
                "earlier": before,
            }
        )
    return out

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

import struct
from collections.abc import Iterable, Sequence
from typing import Any

from sqlite_utils import Database

from schemas import DemandKey

BUCKET_LIMIT = 50  # stored requirements read per band key: the latest ones
CHUNK = 500  # SQL parameters a statement

# A speech's place in time: its year, else the year it was ingested; then ingestion order.
SPEECH_ORDER = "coalesce({s}.year, cast(substr({s}.ingested_at, 1, 4) as integer)), {s}.rowid"


def _chunks(items: Sequence[Any], n: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _pack(bands: Sequence[int]) -> bytes:
    return struct.pack(f"<{len(bands)}q", *bands)


def _unpack(blob: bytes | None) -> tuple[int, ...]:
    return struct.unpack(f"<{len(blob) // 8}q", blob) if blob else ()


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
    earlier requirement. Call inside the speech's transaction."""
    conn = db.conn
    ids = [k.requirement_id for k in keys]
    rowids: dict[str, int] = {}
    for part in _chunks(ids):
        marks = ",".join("?" * len(part))
        rowids.update(
            conn.execute(
                f"select id, rowid from requirements where status = 'active' and id in ({marks})", part
            ).fetchall()
        )
    fresh: list[tuple[int, DemandKey]] = []
    for key in keys:
        rid = rowids.get(key.requirement_id)
        if rid is None or not key.bands:
            continue
        cur = conn.execute(
            "insert or ignore into repeat_keys (rid, grams, bands) values (?, ?, ?)",
            [rid, key.grams, _pack(key.bands)],
        )
        if cur.rowcount:
            fresh.append((rid, key))
    if not fresh:
        return 0
    mine = {rid for rid, _ in fresh} | set(rowids.values())
    found: dict[int, list[tuple[int, float]]] = {}
    for rid, key in fresh:
        candidates: set[int] = set()
        for band in key.bands:
            candidates.update(
                r
                for (r,) in conn.execute(
                    "select rid from repeat_bands where band = ? order by rid desc limit ?",
                    [band, BUCKET_LIMIT],
                )
            )
        candidates -= mine
        if not candidates:
            continue
        grams = set(key.grams.split())
        hits = []
        for part in _chunks(sorted(candidates)):
            marks = ",".join("?" * len(part))
            for other, other_grams in conn.execute(
                f"select rid, grams from repeat_keys where rid in ({marks})", part
            ):
                theirs = set(other_grams.split())
                shared = len(grams & theirs)
                score = shared / len(grams | theirs)
                if score >= threshold and (shared >= min_shared or score >= sure_score):
                    hits.append((other, round(score, 4)))
        if hits:
            found[rid] = hits
    conn.executemany(
        "insert or ignore into repeat_bands (band, rid) values (?, ?)",
        [(band, rid) for rid, key in fresh for band in key.bands],
    )
    return _write_links(db, speech_id, found, max_links, method)


def _write_links(
    db: Database, speech_id: str, found: dict[int, list[tuple[int, float]]], max_links: int, method: str
) -> int:
    if not found:
        return 0
    conn = db.conn
    here = conn.execute(
        f"select {SPEECH_ORDER.format(s='s')} from speeches s where s.id = ?", [speech_id]
    ).fetchone()
    others = sorted({o for hits in found.values() for o, _ in hits} | set(found))
    info: dict[int, tuple[str, str, tuple[int, int]]] = {}
    for part in _chunks(others):
        marks = ",".join("?" * len(part))
        for rid, req_id, sid, year, seq in conn.execute(
            f"""select r.rowid, r.id, r.speech_id, {SPEECH_ORDER.format(s="s")} from requirements r
                join speeches s on s.id = r.speech_id where r.rowid in ({marks})""",
            part,
        ):
            info[rid] = (req_id, sid, (year, seq))
    rows = []
    linked = 0
    for rid, hits in found.items():
        me = info[rid][0]
        earlier = []
        for other, score in hits:
            their_id, their_speech, their_order = info[other]
            if their_speech == speech_id:
                continue
            if tuple(their_order) < tuple(here):
                earlier.append((score, their_order, their_id))
            else:  # a speech dated before what is stored: the stored one repeats this one
                rows.append((their_id, me, score, method))
        earlier.sort(key=lambda e: (-e[0], tuple(-x for x in e[1])))
        rows += [(me, their_id, score, method) for score, _, their_id in earlier[:max_links]]
        linked += bool(earlier)
    conn.executemany(
        """insert into requirement_links (requirement_id, earlier_id, score, method) values (?, ?, ?, ?)
           on conflict (requirement_id, earlier_id) do update set score = excluded.score,
             method = excluded.method""",
        rows,
    )
    return linked


def unlink_requirements(db: Database, requirement_ids: Sequence[str]) -> None:
    """Superseded requirements leave the index, and their links (both ways) go with them."""
    conn = db.conn
    for part in _chunks(list(requirement_ids)):
        marks = ",".join("?" * len(part))
        for rid, blob in conn.execute(
            f"""select k.rid, k.bands from repeat_keys k join requirements r on r.rowid = k.rid
                where r.id in ({marks})""",
            part,
        ).fetchall():
            conn.executemany(
                "delete from repeat_bands where band = ? and rid = ?", [(b, rid) for b in _unpack(blob)]
            )
            conn.execute("delete from repeat_keys where rid = ?", [rid])
        conn.execute(f"delete from requirement_links where requirement_id in ({marks})", part)
        conn.execute(f"delete from requirement_links where earlier_id in ({marks})", part)


def repeats_of(db: Database, requirement_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The active earlier requirements each of `requirement_ids` repeats, earliest first:
    `id`, `score`, `method`, `source`, `title`, `year`, `path`, `heading`, `tracking_status`."""
    out: dict[str, list[dict[str, Any]]] = {}
    for part in _chunks(list(requirement_ids)):
        marks = ",".join("?" * len(part))
        for row in db.query(
            f"""select l.requirement_id as of, e.id, l.score, l.method, s.source, s.title, s.year,
                       e.path, e.heading, coalesce(t.status, 'open') as tracking_status
                from requirement_links l
                join requirements e on e.id = l.earlier_id and e.status = 'active'
                join speeches s on s.id = e.speech_id
                left join task_tracking t on t.requirement_id = e.id
                where l.requirement_id in ({marks})
                order by l.requirement_id, {SPEECH_ORDER.format(s="s")}""",
            part,
        ):
            out.setdefault(row.pop("of"), []).append(row)
    return out


def repeated_count(db: Database, requirement_ids: Sequence[str]) -> int:
    """How many of `requirement_ids` repeat an earlier requirement."""
    return len(repeats_of(db, requirement_ids))


def asked_before(earlier: Sequence[dict[str, Any]]) -> str:
    """The 台账's 曾部署 cell: `2016年政府工作报告（2016）起第2次；上次：…（open）`; '' when never asked."""
    if not earlier:
        return ""
    first, last = earlier[0], earlier[-1]

    def name(e: dict[str, Any]) -> str:
        return f"{e['title'] or e['source']}" + (f"（{e['year']}）" if e["year"] else "")

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
                where k.id in (select requirement_id from requirement_links) and {where}
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

"""Requirements asked again: the demand-key index, the links, and what reads them.

`link_speech` runs inside `save_extraction`'s transaction: each requirement of the speech
not yet indexed gets its `repeat_keys` row (the id of its demand key), a key not stored yet
its `repeat_demands` row (its shingles, hashed) and its `repeat_bands` rows (one a MinHash
band), and each distinct key is compared with what is stored: only the keys sharing a band
key with it (at most `BUCKET_LIMIT` a band, the latest), each scored exactly (Jaccard of
the shingles); a match brings the requirements holding that key (the latest `BUCKET_LIMIT`).
A heading asked again in many speeches is one key: stored, banded and scored once. A match at or above the threshold is a `requirement_links` row from the
later of the two (speech year, else ingestion order) to the earlier. Nothing is ever
recomputed for what is stored. A superseded requirement leaves the index and its links go
with it (`unlink_requirements`).
"""

from __future__ import annotations

import hashlib
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


def key_digest(blob: bytes) -> int:
    """A stored key's identity (`repeat_demands.digest`): 8 bytes of blake2b of its hashed shingles."""
    return int.from_bytes(hashlib.blake2b(blob, digest_size=8).digest(), "little", signed=True)


@lru_cache(maxsize=4)
def _probe(bands: int) -> str:
    """The stored keys sharing a band with a new key, in one statement: the latest `BUCKET_LIMIT`
    keys of each of its `bands` band keys."""
    bucket = (
        f"select * from (select kid from repeat_bands where band = ? order by kid desc limit {BUCKET_LIMIT})"
    )
    return f"select kid, grams from repeat_demands where kid in ({' union '.join([bucket] * bands)})"


@lru_cache(maxsize=64)
def _holders(kids: int) -> str:
    """The indexed requirements holding each of `kids` keys: the latest `BUCKET_LIMIT` of each."""
    one = f"select * from (select kid, rid from repeat_keys where kid = ? order by rid desc limit {BUCKET_LIMIT})"
    return " union all ".join([one] * kids)


def _key_ids(conn: Any, blobs: Iterable[bytes]) -> tuple[dict[bytes, int], set[int]]:
    """The `repeat_demands` row of each key (the hashed shingles), stored first when new; and
    which of them are new (their band rows still to write)."""
    ids: dict[bytes, int] = {}
    new: set[int] = set()
    for blob in dict.fromkeys(blobs):
        digest = key_digest(blob)
        for kid, grams in conn.execute("select kid, grams from repeat_demands where digest = ?", [digest]):
            if grams == blob:
                ids[blob] = kid
                break
        else:
            kid = conn.execute(
                "insert into repeat_demands (digest, grams) values (?, ?)", [digest, blob]
            ).lastrowid
            ids[blob] = kid
            new.add(kid)
    return ids, new


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
    Jaccard at least `threshold`, and `min_shared` shingles in common unless it reaches `sure_score`.

    The same key (the same heading asked again) is stored, banded and scored once, whatever the
    number of requirements holding it: a candidate key that matches brings the latest
    `BUCKET_LIMIT` requirements holding it."""
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
    kid_of, new_kids = _key_ids(conn, (blob for _, blob in fresh.values()))
    # each distinct key of the speech probed once: its matching stored keys and their scores
    matches: dict[int, list[tuple[int, int]]] = {}
    for key, blob in fresh.values():
        kid = kid_of[blob]
        if kid in matches:
            continue
        grams = _hashes(blob)
        n = len(grams)
        hits: list[tuple[int, int]] = []
        verdicts: dict[int, int | None] = {}
        for other, other_grams in conn.execute(_probe(len(key.bands)), key.bands):
            if other == kid:
                verdict: int | None = SCORE_SCALE
            elif other in verdicts:
                continue
            else:
                theirs = _hashes(other_grams)
                shared = len(grams & theirs)
                score = shared / (n + len(theirs) - shared)
                ok = score >= threshold and (shared >= min_shared or score >= sure_score)
                verdict = round(score * SCORE_SCALE) if ok else None
            verdicts[other] = verdict
            if verdict is not None:
                hits.append((other, verdict))
        matches[kid] = hits
    # the requirements holding the matched keys (this speech's are not indexed yet)
    wanted = sorted({other for hits in matches.values() for other, _ in hits})
    mine = set(rowids.values())  # an unchanged requirement of an earlier version is indexed
    holders: dict[int, list[int]] = {}
    for part in _chunks(wanted, 100):
        for other, rid in conn.execute(_holders(len(part)), part):
            if rid not in mine:
                holders.setdefault(other, []).append(rid)
    found: dict[int, list[tuple[int, int]]] = {}
    for rid, (_, blob) in fresh.items():
        hits = [(r, score) for other, score in matches[kid_of[blob]] for r in holders.get(other, ())]
        if hits:
            found[rid] = hits
    conn.executemany(
        "insert into repeat_keys (rid, kid) values (?, ?)", [(r, kid_of[b]) for r, (_, b) in fresh.items()]
    )
    conn.executemany(
        "insert or ignore into repeat_bands (band, kid) values (?, ?)",
        sorted(
            {(band, kid_of[b]) for key, b in fresh.values() if kid_of[b] in new_kids for band in key.bands}
        ),
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
    """Links from stored requirements to this (earlier-dated) speech's: each stored one keeps
    its `max_links` best scores (a link it has keeps its place on a tie), so a weaker link
    stored first gives way to a better one found later."""
    if not backfill:
        return []
    have: dict[int, list[tuple[int, int]]] = {}
    stored = sorted(backfill)
    for part in _chunks(stored):
        marks = ",".join("?" * len(part))
        for rid, earlier, score in conn.execute(
            f"select rid, earlier_rid, score from requirement_links where rid in ({marks})", part
        ):
            have.setdefault(rid, []).append((score, earlier))
    rows, dropped = [], []
    for other in stored:
        old = have.get(other, [])
        if len(old) + len(backfill[other]) <= max_links:  # room for all: nothing to rank
            rows += [(other, rid, score, code) for score, rid in backfill[other]]
            continue
        ranked = sorted(
            [(-score, 0, earlier) for score, earlier in old]
            + [(-score, 1, rid) for score, rid in backfill[other]]
        )
        kept = ranked[:max_links]
        rows += [(other, rid, -score, code) for score, new, rid in kept if new]
        dropped += [(other, earlier) for _, new, earlier in ranked[max_links:] if not new]
    conn.executemany("delete from requirement_links where rid = ? and earlier_rid = ?", dropped)
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

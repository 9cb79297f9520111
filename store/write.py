"""Writing speeches: one speech = one transaction, upserted by stable ids."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlite_utils import Database

from schemas import CATEGORY_LABELS, Demands, Extraction
from store.corpora import DEFAULT_CORPUS
from store.repeats import link_speech, unlink_requirements


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def speech_id(sha256: str) -> str:
    """A version's content id: the first 16 hex digits of its sha256 (review pages are named by it)."""
    return sha256[:16]


def scoped_id(corpus: int, source: str, key: str) -> str:
    """An id of `key` (a content id or an extractor's requirement id) that only this source has."""
    return hashlib.sha256(f"{corpus}\x1f{source}\x1f{key}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SaveResult:
    speech_id: str
    new: bool  # False when this exact version was already the current one
    requirements: int
    copy_of: str | None = None  # the source holding the same bytes in this corpus, when a copy
    repeats: int = 0  # of them, how many repeat an earlier requirement (when linked)
    ids: dict[str, str] = field(default_factory=dict)  # the extractor's requirement id → the stored one


def save_extraction(
    db: Database,
    result: Extraction,
    source: str,
    review_path: str | None = None,
    corpus: int = DEFAULT_CORPUS,
    demands: Demands | None = None,
) -> SaveResult:
    """Store one speech version and everything extracted from it, all or nothing.

    A version is identified by its corpus, its `source` (the file's path relative to
    the corpus) and its bytes; `review_path`, when given, is the review page written
    for this version (`speeches.review_path`, in the same transaction, so a stored
    speech never points at a page of another run). The source's previous version is
    marked superseded by this one; sources of other corpora are never touched. The
    same bytes under another source are stored as that source's own speech, marked
    `copy_of` the first. Requirement ids: see `requirement_ids`. An unchanged
    requirement keeps its row (and its `task_tracking` row); those the new version no
    longer has are marked `superseded`, never deleted. A file reverted to an earlier
    stored version makes that version current again. With `demands`
    (`extractors.repeats.demands`), the requirements are linked to the earlier ones asking
    the same (store/repeats.py), in the same transaction.
    """
    sha, n = result.speech.sha256, len(result.requirements)
    existing = db.execute(
        "select id, superseded_by, reextract from speeches where corpus_id = ? and source = ? and sha256 = ?",
        [corpus, source, sha],
    ).fetchone()
    if existing and existing[1] is None and not existing[2]:
        return SaveResult(existing[0], False, n)
    with db.atomic():
        older = [
            r[0]
            for r in db.execute(
                """select id from speeches where corpus_id = ? and source = ? and superseded_by is null
                   and id != ?""",
                [corpus, source, existing[0] if existing else ""],
            )
        ]
        copy_of = None
        if existing:
            sid = existing[0]
            update: dict[str, str | int | None] = {"superseded_by": None, "reextract": 0}
            if review_path is not None:
                update["review_path"] = review_path
            db["speeches"].update(sid, update)
        else:
            sid, copy_of = _insert_speech(db, result, source, corpus, review_path)
        ids = requirement_ids(db, result, source, corpus)
        _upsert_requirements(db, result, sid, ids)
        keep = set(ids.values())
        for old in older:
            db["speeches"].update(old, {"superseded_by": sid})
            stale = [
                row["id"]
                for row in db.query("select id from requirements where speech_id = ?", [old])
                if row["id"] not in keep
            ]
            for rid in stale:
                db["requirements"].update(rid, {"status": "superseded"})
            unlink_requirements(db, stale)
        repeats = 0
        if demands:
            keys = [k.model_copy(update={"requirement_id": ids[k.requirement_id]}) for k in demands.keys]
            repeats = link_speech(db, sid, keys, **demands.settings())
    return SaveResult(sid, True, n, copy_of, repeats, ids)


def set_review_path(db: Database, sid: str, review_path: str) -> None:
    """Record the review page written for a stored speech version (after its commit)."""
    with db.atomic():
        db["speeches"].update(sid, {"review_path": review_path})


def requirement_ids(db: Database, result: Extraction, source: str, corpus: int) -> dict[str, str]:
    """The stored id of each requirement of `result` (keyed by the extractor's id).

    A requirement this source already has (same path and text, in any earlier version,
    under its old name too after a rename) keeps that id; a new one takes the
    extractor's id, unless another source holds it (the same file name in another
    folder or corpus): then an id scoped to this corpus and source. So no two sources
    ever share a requirement id.
    """
    own = {
        (path, text): rid
        for rid, path, text in db.execute(
            """select r.id, r.path, r.text from requirements r join speeches s on s.id = r.speech_id
               where s.corpus_id = ? and s.source = ? order by r.rowid""",
            [corpus, source],
        )
    }
    fresh = [r.id for r in result.requirements if (r.path, r.text) not in own]
    taken = set()
    for i in range(0, len(fresh), 500):
        part = fresh[i : i + 500]
        taken |= {
            row[0]
            for row in db.execute(
                f"select id from requirements where id in ({','.join('?' * len(part))})", part
            )
        }
    return {
        r.id: own.get((r.path, r.text)) or (scoped_id(corpus, source, r.id) if r.id in taken else r.id)
        for r in result.requirements
    }


def _new_speech_id(db: Database, sha: str, source: str, corpus: int) -> str:
    """The content id, unless these bytes are stored already (a copy, another corpus): then scoped."""
    sid = speech_id(sha)
    if db.execute("select 1 from speeches where id = ?", [sid]).fetchone():
        return scoped_id(corpus, source, sha)
    return sid


def _insert_speech(
    db: Database, result: Extraction, source: str, corpus: int, review_path: str | None
) -> tuple[str, str | None]:
    """Insert a new version's speech row and sections; (its id, the source it is a copy of)."""
    sha = result.speech.sha256
    sid = _new_speech_id(db, sha, source, corpus)
    original = db.execute(
        """select id, source from speeches where corpus_id = ? and sha256 = ? and source != ?
           and superseded_by is null order by rowid limit 1""",
        [corpus, sha, source],
    ).fetchone()
    version = db.execute(
        "select coalesce(max(version), 0) + 1 from speeches where corpus_id = ? and source = ?",
        [corpus, source],
    )
    db["speeches"].insert(
        {
            "id": sid,
            "source": source,
            "sha256": sha,
            "title": result.speech.title,
            "encoding": result.speech.encoding,
            "chars": result.speech.chars,
            "year": result.speech.year,
            "page_confidence": None
            if result.speech.page_confidence is None
            else json.dumps([None if c is None else round(c, 4) for c in result.speech.page_confidence]),
            "ingested_at": now(),
            "superseded_by": None,
            "version": version.fetchone()[0],
            "review_path": review_path,
            "corpus_id": corpus,
            "copy_of": original[0] if original else None,
        }
    )
    db["sections"].insert_all(
        (
            {
                "id": f"{sid}:{s.path}",
                "speech_id": sid,
                "path": s.path,
                "marker": s.marker,
                "kind": s.kind.value,
                "heading": s.heading,
                "char_start": s.char_start,
                "char_end": s.char_end,
            }
            for s in result.sections
        ),
        replace=True,
    )
    return sid, original[1] if original else None


def _upsert_requirements(db: Database, result: Extraction, sid: str, ids: dict[str, str]) -> None:
    db["requirements"].upsert_all(
        (
            {
                "id": ids[r.id],
                "speech_id": sid,
                "section_id": f"{sid}:{r.path.split('.')[0]}",
                "path": r.path,
                "label": r.label,
                "heading": r.heading,
                "text": r.text,
                "char_start": r.char_start,
                "char_end": r.char_end,
                "deadline": r.deadline,
                "deadline_date": r.deadline_date.isoformat() if r.deadline_date else None,
                "deadline_basis": r.deadline_basis.value if r.deadline_basis else None,
                "measures": json.dumps(r.measures, ensure_ascii=False),
                "status": "active",
            }
            for r in result.requirements
        ),
        pk="id",
    )
    keep = list(ids.values())
    if keep:
        marks = ",".join("?" * len(keep))
        db.execute(f"delete from requirement_actors where requirement_id in ({marks})", keep)
    db["requirement_actors"].insert_all(
        (
            {
                "requirement_id": ids[r.id],
                "category": a.category.value,
                "mention": a.mention or "",
                "basis": a.basis.value,
                "char_start": a.char_start,
            }
            for r in result.requirements
            for a in r.actors
        ),
        replace=True,
    )


def set_tracking(
    db: Database,
    requirement_id: str,
    *,
    status: str | None = None,
    owner: str | None = None,
    notes: str | None = None,
) -> None:
    """What a tracking tool records about a task (status open/in_progress/done/cancelled, owner, notes).

    Only the fields given change; `save_extraction` never touches this table.
    """
    fields = {k: v for k, v in {"status": status, "owner": owner, "notes": notes}.items() if v is not None}
    db["task_tracking"].upsert(
        {"requirement_id": requirement_id, **fields, "updated_at": now()}, pk="requirement_id"
    )


def sync_actor_labels(db: Database, aliases: dict[str, list[str]] | None = None) -> None:
    """Keep the `actors` table (category → Chinese label, aliases) in step with the lexicon."""
    aliases = aliases or {}
    db["actors"].upsert_all(
        (
            {
                "category": c.value,
                "label": label,
                "aliases": json.dumps(aliases.get(c.value, []), ensure_ascii=False),
            }
            for c, label in CATEGORY_LABELS.items()
        ),
        pk="category",
    )


def start_run(db: Database) -> int:
    return db["runs"].insert({"started_at": now(), "files_seen": 0, "files_new": 0, "errors": 0}).last_pk


def finish_run(db: Database, run_id: int, *, files_seen: int, files_new: int, errors: int) -> None:
    db["runs"].update(
        run_id, {"finished_at": now(), "files_seen": files_seen, "files_new": files_new, "errors": errors}
    )


def record_error(db: Database, run_id: int, source: str, sha256: str | None, reason: str) -> None:
    db["ingest_errors"].insert(
        {"run_id": run_id, "source": source, "sha256": sha256, "reason": reason, "at": now()}
    )

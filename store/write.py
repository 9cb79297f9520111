"""Writing speeches: one speech = one transaction, upserted by stable ids."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from schemas import CATEGORY_LABELS, Demands, Extraction
from store.repeats import link_speech, unlink_requirements


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def speech_id(sha256: str) -> str:
    """A speech version is its content: the same bytes are the same speech."""
    return sha256[:16]


@dataclass(frozen=True)
class SaveResult:
    speech_id: str
    new: bool  # False when this exact version was already the current one
    requirements: int
    repeats: int = 0  # of them, how many repeat an earlier requirement (when linked)


def save_extraction(
    db: Database,
    result: Extraction,
    source: str,
    review_path: str | None = None,
    demands: Demands | None = None,
) -> SaveResult:
    """Store one speech version and everything extracted from it, all or nothing.

    `source` is the file's path relative to the corpus; `review_path`, when given, is
    the review page written for this version (`speeches.review_path`, in the same
    transaction, so a stored speech never points at a page of another run). The source's previous
    version is marked superseded by this one. Requirements are upserted by their
    stable id, so an unchanged requirement keeps its row (and its `task_tracking`
    row); those the new version no longer has are marked `superseded`, never
    deleted. A file reverted to an earlier stored version makes that version
    current again. With `demands` (`extractors.repeats.demands`), the requirements are
    linked to the earlier ones asking the same (store/repeats.py), in the same transaction.
    """
    sid = speech_id(result.speech.sha256)
    n = len(result.requirements)
    existing = db["speeches"].get(sid) if db["speeches"].count_where("id = ?", [sid]) else None
    if existing and (existing["superseded_by"] is None or existing["source"] != source):
        return SaveResult(sid, False, n)
    with db.atomic():
        older = [
            r["id"]
            for r in db.query(
                "select id from speeches where source = ? and superseded_by is null and id != ?",
                [source, sid],
            )
        ]
        if existing:
            update: dict[str, str | None] = {"superseded_by": None}
            if review_path is not None:
                update["review_path"] = review_path
            db["speeches"].update(sid, update)
        else:
            _insert_speech(db, result, source, sid, review_path)
        _upsert_requirements(db, result, sid)
        keep = {r.id for r in result.requirements}
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
        repeats = link_speech(db, sid, demands.keys, **demands.settings()) if demands else 0
    return SaveResult(sid, True, n, repeats)


def _insert_speech(db: Database, result: Extraction, source: str, sid: str, review_path: str | None) -> None:
    version = db.execute("select coalesce(max(version), 0) + 1 from speeches where source = ?", [source])
    db["speeches"].insert(
        {
            "id": sid,
            "source": source,
            "sha256": result.speech.sha256,
            "title": result.speech.title,
            "encoding": result.speech.encoding,
            "chars": result.speech.chars,
            "year": result.speech.year,
            "ingested_at": now(),
            "superseded_by": None,
            "version": version.fetchone()[0],
            "review_path": review_path,
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


def _upsert_requirements(db: Database, result: Extraction, sid: str) -> None:
    db["requirements"].upsert_all(
        (
            {
                "id": r.id,
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
                "measures": json.dumps(r.measures, ensure_ascii=False),
                "status": "active",
            }
            for r in result.requirements
        ),
        pk="id",
    )
    keep = [r.id for r in result.requirements]
    if keep:
        marks = ",".join("?" * len(keep))
        db.execute(f"delete from requirement_actors where requirement_id in ({marks})", keep)
    db["requirement_actors"].insert_all(
        (
            {
                "requirement_id": r.id,
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

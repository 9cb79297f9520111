"""Writing speeches: one speech = one transaction, upserted by stable ids."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from schemas import CATEGORY_LABELS, Extraction


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def speech_id(sha256: str) -> str:
    """A speech version is its content: the same bytes are the same speech."""
    return sha256[:16]


@dataclass(frozen=True)
class SaveResult:
    speech_id: str
    new: bool  # False when this exact version was stored before
    requirements: int


def save_extraction(db: Database, result: Extraction, source: str) -> SaveResult:
    """Store one speech and everything extracted from it, all or nothing.

    `source` is the file's path relative to the corpus. An older version of the
    same source is marked superseded by this one; its requirements that this
    version no longer has are marked `superseded`, never deleted.
    """
    sid = speech_id(result.speech.sha256)
    if db["speeches"].count_where("id = ?", [sid]):
        return SaveResult(sid, False, len(result.requirements))
    with db.atomic():
        older = [
            r["id"]
            for r in db.query(
                "select id from speeches where source = ? and superseded_by is null and id != ?",
                [source, sid],
            )
        ]
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
        keep = {r.id for r in result.requirements}
        db["requirements"].upsert_all(
            (
                {
                    "id": r.id,
                    "speech_id": sid,
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
        if keep:
            marks = ",".join("?" * len(keep))
            db.execute(f"delete from requirement_actors where requirement_id in ({marks})", list(keep))
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
        for old in older:
            db["speeches"].update(old, {"superseded_by": sid})
            stale = [
                row["id"]
                for row in db.query("select id from requirements where speech_id = ?", [old])
                if row["id"] not in keep
            ]
            for rid in stale:
                db["requirements"].update(rid, {"status": "superseded"})
    return SaveResult(sid, True, len(result.requirements))


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

"""The task database schema, as named migrations applied in order.

A migration is never edited once it has shipped: a change of schema is a new
function at the end. `open_db` applies what is pending, so an existing
database upgrades in place.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("speechtasks")


@migrations()
def m001_initial(db: Database) -> None:
    db["speeches"].create(
        {
            "id": str,
            "source": str,
            "sha256": str,
            "title": str,
            "encoding": str,
            "chars": int,
            "year": int,
            "ingested_at": str,
            "superseded_by": str,
        },
        pk="id",
    )
    db["speeches"].create_index(["source"])
    db["speeches"].create_index(["sha256"], unique=True)
    db["sections"].create(
        {
            "id": str,
            "speech_id": str,
            "path": str,
            "marker": str,
            "kind": str,
            "heading": str,
            "char_start": int,
            "char_end": int,
        },
        pk="id",
        foreign_keys=[("speech_id", "speeches", "id")],
    )
    db["requirements"].create(
        {
            "id": str,
            "speech_id": str,
            "path": str,
            "label": str,
            "heading": str,
            "text": str,
            "char_start": int,
            "char_end": int,
            "deadline": str,
            "deadline_date": str,
            "measures": str,
            "status": str,
        },
        pk="id",
        foreign_keys=[("speech_id", "speeches", "id")],
    )
    db["requirements"].create_index(["speech_id"])
    db["requirements"].create_index(["deadline_date"])
    db["requirement_actors"].create(
        {"requirement_id": str, "category": str, "mention": str, "basis": str, "char_start": int},
        pk=("requirement_id", "category", "mention"),
        foreign_keys=[("requirement_id", "requirements", "id")],
    )
    db["requirement_actors"].create_index(["category"])
    db["actors"].create({"category": str, "label": str, "aliases": str}, pk="category")
    db["runs"].create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "files_seen": int,
            "files_new": int,
            "errors": int,
        },
        pk="id",
    )
    db["ingest_errors"].create(
        {"id": int, "run_id": int, "source": str, "sha256": str, "reason": str, "at": str},
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )


def migrate(db: Database) -> None:
    migrations.apply(db)

"""Opening the task database: WAL, foreign keys, a busy timeout, migrations applied."""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from store.migrations import migrate

BUSY_TIMEOUT_MS = 10_000


def open_db(path: str | Path, *, migrate_schema: bool = True) -> Database:
    """Open (creating if needed) the task database at `path`, schema up to date."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    if str(path) != ":memory:":
        db.enable_wal()  # readers (Datasette, other apps) never block the flow
    if migrate_schema:
        migrate(db)
    return db

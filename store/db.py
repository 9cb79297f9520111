"""Opening the task database: WAL, foreign keys, a busy timeout, migrations applied.

Writers open with `open_db`; readers with `open_db(path, read_only=True)` (no WAL switch,
no migration: store/safety.py). A database that is not one, or that a newer
speechtasks wrote, raises `DatabaseProblem` with a one-line message.
"""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

from store.migrations import migrate
from store.safety import check_schema, check_writable, closed_on_failure, open_reader

BUSY_TIMEOUT_MS = 10_000
# The writer's page cache (SQLite's default is 2 MB): the repeat index's band rows go to random
# pages, and with 2 MB each speech's band inserts at 2,000 files re-read and spill most of
# them (bench/repeatsbench.py: inserting them took 11.6 s of the run, 4-5 s with 32-64 MB).
WRITER_CACHE_KIB = 32_768


def open_db(
    path: str | Path, *, migrate_schema: bool = True, read_only: bool = False, check: bool = False
) -> Database:
    """Open (creating if needed) the task database at `path`, schema up to date.

    `read_only`: open an existing database for reading only (see store/safety.py).
    `check`: refuse a damaged database (`PRAGMA quick_check`) before writing anything to it.
    """
    if read_only:
        return open_reader(path)
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    with closed_on_failure(db, path):
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        check_schema(db, path)
        if check:
            check_writable(db, path)
        if str(path) != ":memory:":
            db.enable_wal()  # readers (Datasette, other apps) never block the flow
        if migrate_schema:
            migrate(db)
    return db

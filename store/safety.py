"""Opening the task database safely: readers read-only, writers one at a time on a sound file.

- `open_reader`: read-only (`mode=ro`; `immutable=1` when even the WAL index cannot be
  created, e.g. a database in a folder the reader may not write); never migrates.
- `check_writable`: before a run writes, `PRAGMA quick_check` must say ok.
- `check_schema`: a database with a migration this version does not know was written
  by a newer speechtasks: refused by readers and writers alike.
- `writer_lock`: one run at a time per database (an advisory lock on `<db>.lock`,
  released by the kernel when the process ends, even on SIGKILL); the second waits
  a moment, then refuses with one line naming the holder.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from store.migrations import migrations

LOCK_WAIT_S = 5.0
_held: dict[str, int] = {}  # locks this process holds (the CLI and its flow take the same one)


class DatabaseProblem(Exception):
    """The database cannot be used as asked; the message is one line for the user."""


def describe(exc: sqlite3.Error, path: str | Path) -> DatabaseProblem:
    """An sqlite3 error on opening or checking `path`, as a one-line problem."""
    msg = str(exc)
    if "file is not a database" in msg or "malformed" in msg:
        return DatabaseProblem(f"{path} is not a speechtasks database or is damaged ({msg})")
    if "disk is full" in msg or getattr(exc, "sqlite_errorcode", None) == 13:  # SQLITE_FULL
        return DatabaseProblem(f"the disk holding {path} is full ({msg})")
    if "readonly" in msg or "unable to open" in msg:
        return DatabaseProblem(f"cannot open {path} ({msg})")
    return DatabaseProblem(f"{path}: {msg}")


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.Error) and (
        getattr(exc, "sqlite_errorcode", None) == 13 or "disk is full" in str(exc)
    )


def check_schema(db: Database, path: str | Path = "the database") -> None:
    """Refuse a database carrying migrations this version does not know."""
    known = {m.name for m in migrations._migrations}
    unknown = [m.name for m in migrations.applied(db) if m.name not in known]
    if unknown:
        raise DatabaseProblem(
            f"{path}: this database was written by a newer speechtasks (migration {unknown[0]} "
            "is unknown here): upgrade speechtasks"
        )


def check_writable(db: Database, path: str | Path = "the database") -> None:
    """Refuse to write into a damaged database (`PRAGMA quick_check`)."""
    rows = [r[0] for r in db.execute("PRAGMA quick_check(5)").fetchall()]
    if rows != ["ok"]:
        found = "; ".join(line for r in rows for line in r.splitlines() if not line.startswith("***"))
        raise DatabaseProblem(
            f"{path} is damaged (quick_check: {found[:200]}): not writing to it; "
            "restore a backup, or move it away and run again to rebuild it from the corpus"
        )


@contextlib.contextmanager
def closed_on_failure(db: Database, path: str | Path) -> Iterator[None]:
    """Close `db` when opening it fails; an SQLite error becomes a one-line DatabaseProblem."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        db.close()
        raise describe(exc, path) from None
    except DatabaseProblem:
        db.close()
        raise


def open_reader(path: str | Path) -> Database:
    """The database at `path`, read-only: no WAL switch, no migration, nothing written."""
    uri = Path(path).resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        if "unable to open" not in str(exc):
            raise describe(exc, path) from None
        # A WAL database whose index (-shm) cannot be created here: read it as it stands.
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True)
    except sqlite3.DatabaseError as exc:
        raise describe(exc, path) from None
    db = Database(conn)
    with closed_on_failure(db, path):
        check_schema(db, path)
        pending = migrations.pending(db)
    if pending:
        db.close()
        raise DatabaseProblem(f"{path} has an older schema; a writer upgrades it: run `speechtasks run` once")
    return db


def _holder(lock: Path) -> str:
    with contextlib.suppress(OSError):
        text = lock.read_text("utf-8").strip()
        if text:
            return text
    return "another process"


@contextlib.contextmanager
def writer_lock(db_path: str | Path, wait: float | None = None) -> Iterator[None]:
    """Hold the database's writer lock while the block runs; DatabaseProblem if another run holds it."""
    if str(db_path) == ":memory:":
        yield
        return
    import fcntl

    from store.write import now

    lock = Path(f"{Path(db_path).resolve()}.lock")
    key = str(lock)
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + (LOCK_WAIT_S if wait is None else wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise DatabaseProblem(
                        f"another run is writing {db_path} ({_holder(lock)}): try again when it has finished"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, since {now()}\n".encode(), 0)
        _held[key] = 1
        try:
            yield
        finally:
            _held.pop(key, None)
    finally:
        os.close(fd)  # releases the lock

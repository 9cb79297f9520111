"""Which corpus a speech came from, and moving a renamed source (plain functions).

A speech's identity is its corpus and its path in that corpus (`source`): two corpora
stored in one database never supersede each other's files, and a file renamed inside
its corpus moves its history to the new path rather than starting a second source.
A corpus is its folder's absolute path (`corpora.root`).
"""

from __future__ import annotations

from pathlib import Path

from sqlite_utils import Database

# Speeches stored before corpora were recorded (and those saved through the library with
# no corpus) belong to corpus 1; its root is null until the first run claims it.
DEFAULT_CORPUS = 1


def corpus_root(folder: Path | str) -> str:
    """The key of a corpus: its folder's absolute path, symlinks resolved, with forward slashes."""
    return Path(folder).resolve().as_posix()


def corpus_id(db: Database, folder: Path | str) -> int:
    """The id of the corpus at `folder`, registered on first use.

    A new folder claims the unclaimed corpus (root null: the speeches of a database
    from before corpora were recorded) when there is one, so an upgraded database's
    single corpus keeps its speeches, ids and tracking rows.
    """
    root = corpus_root(folder)
    row = db.execute("select id from corpora where root = ?", [root]).fetchone()
    if row:
        return int(row[0])
    from store.write import now

    with db.atomic():
        unclaimed = db.execute("select id from corpora where root is null order by id limit 1").fetchone()
        if unclaimed:
            db.execute("update corpora set root = ?, added_at = ? where id = ?", [root, now(), unclaimed[0]])
            return int(unclaimed[0])
        return int(db["corpora"].insert({"root": root, "added_at": now()}).last_pk)


def move_source(db: Database, corpus: int, old: str, new: str) -> None:
    """A file renamed inside its corpus: every version of `old` becomes a version of `new`.

    Ids, versions and tracking rows stay; each moved row records `renamed_from`. The
    task order's keys follow through the `speeches` trigger (store/migrations.py, m006).
    """
    with db.atomic():
        if db.execute("select 1 from speeches where corpus_id = ? and source = ?", [corpus, new]).fetchone():
            raise ValueError(f"cannot rename {old} to {new}: {new} is already a source of corpus {corpus}")
        db.execute(
            "update speeches set source = ?, renamed_from = ? where corpus_id = ? and source = ?",
            [new, old, corpus, old],
        )

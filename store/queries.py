"""Reading the task database: the queries the CLI, the exports and apps ask.

Every filter is a bound parameter. The rows come from the `tasks` view (active
requirements with their speech, section kind, actors and tracking status).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlite_utils import Database

from store.search import search_sql

TASK_COLUMNS = (
    "id",
    "source",
    "path",
    "section_kind",
    "heading",
    "actor_categories",
    "deadline",
    "deadline_date",
    "tracking_status",
)


def known_versions(db: Database) -> set[str]:
    """sha256 of every current speech version (a file reverted to a superseded version is new work)."""
    return {row["sha256"] for row in db.query("select sha256 from speeches where superseded_by is null")}


def failed_versions(db: Database, *, transient: str = "read-failed") -> set[str]:
    """sha256 of file versions recorded in `ingest_errors` for a reason retrying cannot fix.

    Errors whose reason starts with `{transient}:` (the file could not be read this
    time) do not count: those files are tried again.
    """
    rows = db.query(
        "select distinct sha256 from ingest_errors where sha256 is not null and reason not like ?",
        [f"{transient}:%"],
    )
    return {row["sha256"] for row in rows}


def task_filter(
    *,
    actor: str | None = None,
    speech: str | None = None,
    search: str | None = None,
    kind: str | None = None,
    due_before: date | str | None = None,
) -> tuple[str, list[Any]]:
    """A `where` clause over the `tasks` view (alias `k`) and its parameters."""
    where = ["1"]
    params: list[Any] = []
    if actor:
        where.append("k.id in (select requirement_id from requirement_actors where category = ?)")
        params.append(actor)
    if speech:
        where.append("(k.speech_id = ? or k.source = ?)")
        params += [speech, speech]
    if search:
        sql, args = search_sql(search)
        where.append(f"k.id in ({sql})")
        params += args
    if kind:
        where.append("k.section_kind = ?")
        params.append(kind)
    if due_before:
        where.append("k.deadline_date <= ?")
        params.append(str(due_before))
    return " and ".join(where), params


def query_tasks(db: Database, **filters: Any) -> list[dict[str, Any]]:
    """Active requirements matching the filters of `task_filter`, in speech order.

    Each row: id, source, path, section_kind, heading, actor_categories, deadline,
    deadline_date, tracking_status.
    """
    where, params = task_filter(**filters)
    sql = f"select {', '.join(TASK_COLUMNS)} from tasks k where {where} order by k.source, k.char_start"
    return list(db.query(sql, params))


def counts(db: Database) -> dict[str, int]:
    return {
        "speeches": db["speeches"].count,
        "sections": db["sections"].count,
        "requirements": db["requirements"].count,
        "requirement_actors": db["requirement_actors"].count,
        "ingest_errors": db["ingest_errors"].count,
    }


def requirements_by_category(db: Database) -> dict[str, int]:
    rows = db.query(
        """select a.category, count(distinct a.requirement_id) n from requirement_actors a
           join requirements r on r.id = a.requirement_id where r.status = 'active'
           group by a.category order by n desc"""
    )
    return {row["category"]: row["n"] for row in rows}

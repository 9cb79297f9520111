"""Reading the task database: the queries the CLI and apps ask."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database


def known_versions(db: Database) -> set[str]:
    """sha256 of every speech version already stored."""
    return {row["sha256"] for row in db.query("select sha256 from speeches")}


def query_tasks(db: Database, *, actor: str | None = None, speech: str | None = None) -> list[dict[str, Any]]:
    """Active requirements with their actor categories; filters are bound parameters."""
    where = ["r.status = 'active'"]
    params: list[Any] = []
    if actor:
        where.append("r.id in (select requirement_id from requirement_actors where category = ?)")
        params.append(actor)
    if speech:
        where.append("(s.id = ? or s.source = ?)")
        params += [speech, speech]
    sql = f"""
        select r.id, s.source, r.path, r.heading, r.deadline,
               (select group_concat(distinct category) from requirement_actors a
                 where a.requirement_id = r.id) as actors
        from requirements r join speeches s on s.id = r.speech_id
        where {" and ".join(where)}
        order by s.source, r.char_start
    """
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

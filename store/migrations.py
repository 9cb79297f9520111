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


@migrations()
def m002_versions_tracking_indexes(db: Database) -> None:
    """Speech version numbers, each requirement's section, the trackers' table, missing indexes."""
    db["speeches"].add_column("version", int)
    db.execute(
        """update speeches set version = (select count(*) from speeches o where o.source = speeches.source
           and (o.ingested_at < speeches.ingested_at
                or (o.ingested_at = speeches.ingested_at and o.rowid <= speeches.rowid)))"""
    )
    db["speeches"].create_index(["superseded_by"])
    db["requirements"].add_column("section_id", str)
    db.execute(
        """update requirements set section_id = speech_id || ':' ||
           substr(path, 1, instr(path || '.', '.') - 1)"""
    )
    db["requirements"].create_index(["section_id"])
    db["requirements"].create_index(["status"])
    db["sections"].create_index(["speech_id"])
    db["ingest_errors"].create_index(["run_id"])
    # Written by tracking tools, never by our upserts: it outlives every re-run.
    db["task_tracking"].create(
        {"requirement_id": str, "status": str, "owner": str, "notes": str, "updated_at": str},
        pk="requirement_id",
        foreign_keys=[("requirement_id", "requirements", "id")],
    )
    db["task_tracking"].create_index(["status"])


@migrations()
def m003_requirements_fts(db: Database) -> None:
    """Full-text search over requirement headings and text (FTS5 trigram: terms of 3+ characters).

    Written out rather than `enable_fts`, whose `executescript` would commit the
    migration's transaction half way. Shorter terms are searched by `instr()`
    (store/search.py).
    """
    db.execute(
        """create virtual table requirements_fts using fts5(
             heading, text, content="requirements", tokenize='trigram')"""
    )
    db.execute(
        "insert into requirements_fts (rowid, heading, text) select rowid, heading, text from requirements"
    )
    db.execute(
        """create trigger requirements_ai after insert on requirements begin
             insert into requirements_fts (rowid, heading, text) values (new.rowid, new.heading, new.text);
           end"""
    )
    db.execute(
        """create trigger requirements_ad after delete on requirements begin
             insert into requirements_fts (requirements_fts, rowid, heading, text)
             values ('delete', old.rowid, old.heading, old.text);
           end"""
    )
    db.execute(
        """create trigger requirements_au after update of heading, text on requirements begin
             insert into requirements_fts (requirements_fts, rowid, heading, text)
             values ('delete', old.rowid, old.heading, old.text);
             insert into requirements_fts (rowid, heading, text) values (new.rowid, new.heading, new.text);
           end"""
    )


@migrations()
def m004_views(db: Database) -> None:
    """The views tracking tools ask most: tasks, by actor, open by deadline, per speech."""
    for name, sql in VIEWS_V1.items():
        db.create_view(name, sql)


VIEWS_V1 = {
    "tasks": """
select r.id, r.speech_id, s.source, s.title as speech_title, s.version as speech_version,
       r.path, r.label, sec.kind as section_kind, sec.heading as section_heading,
       r.heading, r.text, r.deadline, r.deadline_date, r.char_start, r.char_end,
       (select group_concat(category, ',') from (select distinct category from requirement_actors
         where requirement_id = r.id order by category)) as actor_categories,
       (select group_concat(mention, '、') from (select distinct mention from requirement_actors
         where requirement_id = r.id and mention != '' order by char_start)) as actor_mentions,
       coalesce(t.status, 'open') as tracking_status, t.owner, t.notes, t.updated_at as tracking_updated_at
from requirements r
join speeches s on s.id = r.speech_id
left join sections sec on sec.id = r.section_id
left join task_tracking t on t.requirement_id = r.id
where r.status = 'active'""",
    "tasks_by_actor": """
select a.category, ac.label as category_label, group_concat(a.mention, '、') as mentions,
       group_concat(distinct a.basis) as basis, k.id as requirement_id, k.source, k.path, k.heading,
       k.deadline, k.deadline_date, k.tracking_status, k.owner
from requirement_actors a
join tasks k on k.id = a.requirement_id
left join actors ac on ac.category = a.category
group by a.category, a.requirement_id
order by a.category, k.source, k.char_start""",
    "open_tasks_by_deadline": """
select id, deadline_date, deadline, source, path, heading, actor_categories, tracking_status, owner
from tasks
where tracking_status not in ('done', 'cancelled')
order by deadline_date is null, deadline_date, source, char_start""",
    "speech_tasks": """
select s.id as speech_id, s.source, s.title, s.year, s.version, s.ingested_at, s.superseded_by,
       count(r.id) filter (where r.status = 'active') as active_requirements,
       count(r.id) filter (where r.status = 'superseded') as superseded_requirements,
       count(r.id) filter (where r.status = 'active' and r.deadline is not null) as with_deadline,
       count(r.id) filter (where r.status = 'active'
         and coalesce(t.status, 'open') not in ('done', 'cancelled')) as open_requirements
from speeches s
left join requirements r on r.speech_id = s.id
left join task_tracking t on t.requirement_id = r.id
group by s.id
order by s.source, s.version""",
}


@migrations()
def m005_review_path(db: Database) -> None:
    """Where the flow wrote the speech's review page (an HTML file next to the database)."""
    db["speeches"].add_column("review_path", str)


def migrate(db: Database) -> None:
    migrations.apply(db)

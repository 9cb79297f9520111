"""The task database schema, as named migrations applied in order.

A migration is never edited once it has shipped: a change of schema is a new
function at the end. `open_db` applies what is pending, so an existing
database upgrades in place.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

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


# --- m006: paged queries at a million rows -----------------------------------
#
# `task_order` holds the sort key of every active task, once with category '' and once
# per actor category, so a page of `tasks` (any actor, in speech order, after a keyset
# cursor) is one range of its primary key. `requirements_bigrams` indexes every two
# characters of each requirement, so a one- or two-character word has an index too.
# Both are kept in step by triggers alone: writers need not know they exist.

TASK_ORDER_INSERT = "insert or ignore into task_order (category, source, char_start, requirement_id, rid)"


def task_order_select(category: str, where: str, *, per_actor: bool = False) -> str:
    """SQL selecting `task_order` rows of the active requirements `r` that match `where`:
    category `category` ('' for every task), or with `per_actor` one row per actor category `a`."""
    actors = (
        " join requirement_actors a on a.requirement_id = r.id and a.category is not null"
        if per_actor
        else ""
    )
    return f"""select {category}, coalesce(s.source, ''), coalesce(r.char_start, -1), r.id, r.rowid
        from requirements r join speeches s on s.id = r.speech_id{actors}
        where r.status = 'active' and {where}"""


def task_order_rows(where: str) -> str:
    """SQL inserting every `task_order` row of the requirements `r` that match `where`."""
    every = task_order_select("''", where)
    return f"{TASK_ORDER_INSERT} {every} union all {task_order_select('a.category', where, per_actor=True)};"


def bigrams_sql(column: str) -> str:
    """SQL for `column` as its overlapping two-character pieces, space-separated; the last piece is
    the final character alone, so every character starts a piece. Pure SQL, for triggers; the same
    string as `store.search.bigrams`."""
    positions = f"json_each('[' || rtrim(replace(hex(zeroblob(length({column}))), '00', '0,'), ',') || ']')"
    return f"coalesce((select group_concat(substr({column}, key + 1, 2), ' ') from {positions}), '')"


def grams_sql(row: str) -> str:
    return f"{bigrams_sql(f'{row}.heading')} || ' ' || {bigrams_sql(f'{row}.text')}"


ACTOR_ROW = "r.id = new.requirement_id and new.category is not null"

M006_TRIGGERS = {
    "task_order_ri": f"""after insert on requirements begin {task_order_rows("r.id = new.id")} end""",
    "task_order_ru": f"""after update of id, speech_id, char_start, status on requirements begin
        delete from task_order where rid = old.rowid;
        {task_order_rows("r.id = new.id")} end""",
    "task_order_rd": "after delete on requirements begin delete from task_order where rid = old.rowid; end",
    "task_order_ai": f"""after insert on requirement_actors begin
        {TASK_ORDER_INSERT} {task_order_select("new.category", ACTOR_ROW)}; end""",
    "task_order_ad": """after delete on requirement_actors begin
        delete from task_order where category = old.category
          and rid = (select rowid from requirements where id = old.requirement_id)
          and not exists (select 1 from requirement_actors
                          where requirement_id = old.requirement_id and category = old.category); end""",
    "task_order_au": f"""after update of requirement_id, category on requirement_actors begin
        delete from task_order where category = old.category
          and rid = (select rowid from requirements where id = old.requirement_id)
          and not exists (select 1 from requirement_actors
                          where requirement_id = old.requirement_id and category = old.category);
        {TASK_ORDER_INSERT} {task_order_select("new.category", ACTOR_ROW)}; end""",
    "task_order_su": f"""after update of source on speeches begin
        delete from task_order where rid in (select rowid from requirements where speech_id = new.id);
        {task_order_rows("r.speech_id = new.id")} end""",
    "requirements_bigrams_ai": f"""after insert on requirements begin
        insert into requirements_bigrams (rowid, grams) values (new.rowid, {grams_sql("new")}); end""",
    "requirements_bigrams_ad": f"""after delete on requirements begin
        insert into requirements_bigrams (requirements_bigrams, rowid, grams)
        values ('delete', old.rowid, {grams_sql("old")}); end""",
    "requirements_bigrams_au": f"""after update of heading, text on requirements begin
        insert into requirements_bigrams (requirements_bigrams, rowid, grams)
        values ('delete', old.rowid, {grams_sql("old")});
        insert into requirements_bigrams (rowid, grams) values (new.rowid, {grams_sql("new")}); end""",
}


def fill_task_order(db: Database) -> None:
    """(Re)fill `task_order` from the requirements (the migration's backfill; bulk loads); once
    the clerk's corrections exist (m007), with them applied, as the triggers do."""
    db.execute("delete from task_order")
    if "corrections" in db.table_names():
        from store.review_schema import effective_task_order_rows

        db.execute(effective_task_order_rows("1").rstrip().rstrip(";"))
    else:
        db.execute(task_order_rows("1").rstrip(";"))


def fill_bigrams(db: Database) -> None:
    """(Re)fill `requirements_bigrams` from the requirements, with the Python twin of `bigrams_sql`."""
    from store.search import bigrams

    db.conn.create_function("speechtasks_bigrams", 1, bigrams, deterministic=True)
    db.execute("insert into requirements_bigrams (requirements_bigrams) values ('delete-all')")
    db.execute(
        """insert into requirements_bigrams (rowid, grams)
           select rowid, speechtasks_bigrams(heading) || ' ' || speechtasks_bigrams(text) from requirements"""
    )


@migrations()
def m006_task_order_bigrams(db: Database) -> None:
    """`task_order` (the indexed sort key of every active task, per actor category) and
    `requirements_bigrams` (FTS5 over every two characters: one- and two-character words; its
    one-character prefix index makes a one-character word one list, not a merge of many)."""
    db.execute(
        """create table task_order (
             category text not null,
             source text not null,
             char_start integer not null,
             requirement_id text not null,
             rid integer not null,
             primary key (category, source, char_start, requirement_id)
           ) without rowid"""
    )
    db.execute("create index task_order_rid on task_order (rid, category)")
    db.execute(
        """create virtual table requirements_bigrams using fts5(
             grams, content='', detail=none, tokenize='unicode61', prefix='1')"""
    )
    fill_task_order(db)
    fill_bigrams(db)
    for name, body in M006_TRIGGERS.items():
        db.execute(f"create trigger {name} {body}")


@migrations()
def m007_identity_corpus(db: Database) -> None:
    """A speech's identity is (corpus, source): `corpora`, and per version its `corpus_id`,
    `copy_of` and `renamed_from`. The same bytes may now be stored under two sources (a copy, or
    another corpus), so `sha256` is no longer unique; (corpus_id, source, sha256) is.

    Speeches stored before this have no known corpus: they go to corpus 1, whose `root` stays
    null until the first run claims it (store/corpora.py), so their ids and tracking rows stay.
    Requirement ids used to be keyed on the file's name alone, so of two current sources with
    the same name (a/讲话.txt, b/讲话.txt) the one stored last may hold requirements of the
    other: both are marked `reextract`, and the next run extracts them again (store/write.py
    gives the lost requirements ids of their own).
    """
    db["corpora"].create({"id": int, "root": str, "added_at": str}, pk="id")
    db["corpora"].create_index(["root"], unique=True)
    db["corpora"].insert({"id": 1, "root": None, "added_at": None})
    db["speeches"].add_column("corpus_id", int)
    db["speeches"].add_column("copy_of", str)
    db["speeches"].add_column("renamed_from", str)
    db["speeches"].add_column("reextract", int)
    db.execute("update speeches set corpus_id = 1")
    by_name: dict[str, list[str]] = {}
    for sid, source in db.execute("select id, source from speeches where superseded_by is null"):
        by_name.setdefault(PurePosixPath(source).name, []).append(sid)
    shared = [sid for sids in by_name.values() if len(sids) > 1 for sid in sids]
    for sid in shared:
        db.execute("update speeches set reextract = 1 where id = ?", [sid])
    db.execute("drop index idx_speeches_sha256")
    db["speeches"].create_index(["sha256"])
    db["speeches"].create_index(["corpus_id", "source", "sha256"], unique=True)


@migrations()
def m008_deadline_basis_cli(db: Database) -> None:
    """How each `deadline_date` was derived (as_written, speech_year, years_from_speech_year).

    Rows stored before were dated only from a year written in the phrase or from the
    speech's year; their basis follows from the phrase. A count of years (今后五年) gets
    its date when its speech is next extracted.
    """
    db["requirements"].add_column("deadline_basis", str)
    written = re.compile(r"(?:\d{4}|[一二三四五六七八九〇零○]{4})年")
    rows = db.execute("select id, deadline from requirements where deadline_date is not null").fetchall()
    for rid, phrase in rows:
        basis = "as_written" if written.match(re.sub(r"\s", "", phrase or "")) else "speech_year"
        db.execute("update requirements set deadline_basis = ? where id = ?", [basis, rid])


@migrations()
def m009_page_confidence_formats(db: Database) -> None:
    """A scanned speech's OCR confidence, page by page (JSON array; null for other formats)."""
    db["speeches"].add_column("page_confidence", str)


@migrations()
def m010_corrections_reviewapp(db: Database) -> None:
    """The clerk's corrections (`corrections`), the texts the review app shows (`speech_texts`),
    `requirements.origin`; the views and `task_order` apply corrections over the extractor's output."""
    from store import review_schema

    review_schema.create(db)


REPEATED_REQUIREMENTS = """
with earlier as (
  select l.rid, e.id as earlier_id, l.score, s.source, s.title, s.year, t.status as tracking_status,
         row_number() over (partition by l.rid order by
           coalesce(s.year, cast(substr(s.ingested_at, 1, 4) as integer)), s.rowid) as first_rank,
         row_number() over (partition by l.rid order by
           coalesce(s.year, cast(substr(s.ingested_at, 1, 4) as integer)) desc, s.rowid desc) as latest_rank,
         count(*) over (partition by l.rid) as earlier_times
  from requirement_links l
  join requirements e on e.rowid = l.earlier_rid and e.status = 'active'
  join speeches s on s.id = e.speech_id
  left join task_tracking t on t.requirement_id = e.id
)
select r.id as requirement_id, s.source, s.title as speech_title, s.year, r.path, r.heading,
       f.source as first_asked_source, f.title as first_asked_title, f.year as first_asked_year,
       f.earlier_id as first_requirement_id, f.earlier_times + 1 as times_asked,
       la.earlier_id as latest_earlier_id, la.source as latest_earlier_source,
       la.title as latest_earlier_title, la.year as latest_earlier_year, la.score as latest_earlier_score,
       coalesce(la.tracking_status, 'open') as latest_earlier_tracking_status
from requirements r
join speeches s on s.id = r.speech_id
join earlier f on f.rid = r.rowid and f.first_rank = 1
join earlier la on la.rid = r.rowid and la.latest_rank = 1
where r.status = 'active'"""


@migrations()
def m011_repeats(db: Database) -> None:
    """Requirements asked again (issue 16): the demand-key index (`repeat_keys`: a requirement's
    shingles, hashed; `repeat_bands`: MinHash band key → requirement, the LSH buckets),
    `requirement_links` (a requirement → an earlier one asking the same; by rowid, which
    requirements keep for good), and the view `repeated_requirements`. Filled by
    `store.save_extraction` when given demand keys. Compact on purpose: ≈ 0.5 KB a requirement."""
    db.execute(
        """create table repeat_keys (
             rid integer primary key,  -- requirements.rowid
             grams blob not null       -- the shingles' crc32s, sorted, 4 bytes each
           )"""
    )
    db.execute(
        """create table repeat_bands (
             band integer not null,
             rid integer not null,
             primary key (band, rid)
           ) without rowid"""
    )
    db.execute(
        """create table requirement_links (
             rid integer not null,          -- requirements.rowid of the later requirement
             earlier_rid integer not null,  -- requirements.rowid of the earlier one
             score real not null,
             method text not null,
             primary key (rid, earlier_rid)
           ) without rowid"""
    )
    db.execute("create index requirement_links_earlier on requirement_links (earlier_rid)")
    db.create_view("repeated_requirements", REPEATED_REQUIREMENTS)


# m012: as m011's, with the score stored in ten-thousandths and the method as a code (below), and
# without the requirements a clerk rejected (非任务; m010's corrections): neither as earlier ones
# (not counted, never first or latest) nor as repeats themselves.
_NOT_REJECTED = """coalesce((select c.new_value from corrections c where c.requirement_id = {rid}
           and c.field = 'check' order by c.id desc limit 1), '') != 'rejected'"""
REPEATED_REQUIREMENTS_2 = (
    REPEATED_REQUIREMENTS.replace(
        "select l.rid, e.id as earlier_id, l.score,",
        "select l.rid, e.id as earlier_id, l.score / 10000.0 as score,",
    ).replace(
        "join requirements e on e.rowid = l.earlier_rid and e.status = 'active'",
        "join requirements e on e.rowid = l.earlier_rid and e.status = 'active'\n    and "
        + _NOT_REJECTED.format(rid="e.id"),
    )
    + "\n  and "
    + _NOT_REJECTED.format(rid="r.id")
)


@migrations()
def m012_repeats2(db: Database) -> None:
    """`requirement_links` compacted (the database grew 15 % with links at 2,000 files): `score`
    as an integer, the Jaccard similarity in ten-thousandths (2 bytes, not 8), `method` as a
    `repeat_methods` code (no bytes for code 1, not 5 for 'lsh1'), no index on `earlier_rid`; the view `repeated_requirements`
    leaves out the requirements a clerk rejected (非任务)."""
    assert REPEATED_REQUIREMENTS_2.count("'rejected'") == 2 and "10000.0" in REPEATED_REQUIREMENTS_2
    db.execute("drop view if exists repeated_requirements")
    db.execute("create table repeat_methods (code integer primary key, method text not null unique)")
    db.execute("insert into repeat_methods (code, method) values (1, 'lsh1')")
    db.execute(
        "insert into repeat_methods (method) select distinct method from requirement_links where method != 'lsh1'"
    )
    db.execute("drop index requirement_links_earlier")
    db.execute("alter table requirement_links rename to requirement_links_m011")
    db.execute(
        """create table requirement_links (
             rid integer not null,          -- requirements.rowid of the later requirement
             earlier_rid integer not null,  -- requirements.rowid of the earlier one
             score integer not null,        -- Jaccard similarity in ten-thousandths (4286: 0.4286)
             method integer not null,       -- repeat_methods.code
             primary key (rid, earlier_rid)
           ) without rowid"""
    )
    db.execute(
        """insert into requirement_links (rid, earlier_rid, score, method)
           select l.rid, l.earlier_rid, cast(round(l.score * 10000) as integer), m.code
           from requirement_links_m011 l join repeat_methods m on m.method = l.method"""
    )
    db.execute("drop table requirement_links_m011")
    # no index on earlier_rid (m011's, 1.2 % of the database at 2,000 files): only superseding a
    # requirement looks links up by it, and scans them instead (store.repeats.unlink_requirements)
    db.create_view("repeated_requirements", REPEATED_REQUIREMENTS_2)


@migrations()
def m013_repeat_demands(db: Database) -> None:
    """The repeat index keyed by distinct demand key: `repeat_demands` (a key's hashed shingles,
    once however many requirements hold it, found again by `digest`), `repeat_keys` a
    requirement → its key (`kid`), `repeat_bands` band key → key. A heading asked in many
    speeches was stored, banded (32 rows) and scored once per requirement; at 2,000 bench files
    31,000 requirements held 1,400 distinct keys (docs/repeats.md)."""
    from store.repeats import key_digest

    db.conn.create_function("key_digest", 1, key_digest, deterministic=True)
    db.execute("alter table repeat_keys rename to repeat_keys_m012")
    db.execute("alter table repeat_bands rename to repeat_bands_m012")
    db.execute(
        """create table repeat_demands (
             kid integer primary key,
             digest integer not null,  -- 8 bytes of blake2b of grams: how a key is found again
             grams blob not null       -- the shingles' crc32s, sorted, 4 bytes each
           )"""
    )
    db.execute("create index repeat_demands_digest on repeat_demands (digest)")
    db.execute(
        """create table repeat_keys (
             rid integer primary key,  -- requirements.rowid
             kid integer not null      -- repeat_demands.kid
           )"""
    )
    db.execute("create index repeat_keys_kid on repeat_keys (kid)")
    db.execute(
        """create table repeat_bands (
             band integer not null,
             kid integer not null,
             primary key (band, kid)
           ) without rowid"""
    )
    # keys numbered in the order their first requirement was indexed, as new ones are
    db.execute(
        """insert into repeat_demands (digest, grams)
           select key_digest(grams), grams from repeat_keys_m012 group by grams order by min(rid)"""
    )
    db.execute(
        """insert into repeat_keys (rid, kid)
           select o.rid, d.kid from repeat_keys_m012 o
           join repeat_demands d on d.digest = key_digest(o.grams) and d.grams = o.grams"""
    )
    db.execute(
        """insert or ignore into repeat_bands (band, kid)
           select b.band, k.kid from repeat_bands_m012 b join repeat_keys k on k.rid = b.rid
           order by 1, 2"""
    )
    db.execute("drop table repeat_keys_m012")
    db.execute("drop table repeat_bands_m012")


def migrate(db: Database) -> None:
    migrations.apply(db)

"""Schema of the clerk's corrections (migration m007): the `corrections` table, the decoded
texts the review app shows, and the views and `task_order` triggers that apply corrections
over the extractor's output.

Extracted values stay in `requirements` / `requirement_actors` as the extractor wrote
them; the latest correction of each (requirement, field) wins wherever apps read:

- `check`: `confirmed` (已核对), `rejected` (not a requirement: out of every task list),
  `unchecked` (the clerk took a tick back);
- `actors`: a JSON array of category codes, replacing the extracted categories;
- `deadline` / `deadline_date`: the phrase as written and the date derived from it;
- `added`: a requirement the extractor missed (its row is in `requirements`, `origin = 'clerk'`);
- `moved`: where such a requirement was found again in a new version of its speech.
"""

from __future__ import annotations

from store.migrations import TASK_ORDER_INSERT, fill_task_order


# the latest value of one field of the requirement `{rid}` (an SQL expression)
def latest(field: str, rid: str = "r.id") -> str:
    return (
        f"(select c.new_value from corrections c where c.requirement_id = {rid} and c.field = '{field}'"
        " order by c.id desc limit 1)"
    )


def corrected(field: str, rid: str = "r.id") -> str:
    return f"exists (select 1 from corrections c where c.requirement_id = {rid} and c.field = '{field}')"


REJECTED = f"coalesce({latest('check')}, '') = 'rejected'"
ACTORS_JSON = latest("actors")
EFFECTIVE_CATEGORIES = f"""case when {corrected("actors")}
    then (select group_concat(value, ',') from (select value from json_each({ACTORS_JSON}) order by value))
    else (select group_concat(category, ',') from (select distinct category from requirement_actors
          where requirement_id = r.id order by category)) end"""


def effective_task_order_rows(where: str) -> str:
    """SQL inserting the `task_order` rows of the requirements `r` matching `where`, corrections
    applied: a rejected requirement has none; corrected actors replace the extracted ones."""
    base = f"""from requirements r join speeches s on s.id = r.speech_id
        where r.status = 'active' and not ({REJECTED}) and ({where})"""
    key = "coalesce(s.source, ''), coalesce(r.char_start, -1), r.id, r.rowid"
    return f"""{TASK_ORDER_INSERT}
        select '', {key} {base}
        union all
        select a.category, {key} from requirements r join speeches s on s.id = r.speech_id
          join requirement_actors a on a.requirement_id = r.id and a.category is not null
          where r.status = 'active' and not ({REJECTED}) and ({where}) and not {corrected("actors")}
        union all
        select j.value, {key} from requirements r join speeches s on s.id = r.speech_id
          join json_each({ACTORS_JSON}) j
          where r.status = 'active' and not ({REJECTED}) and ({where}) and {corrected("actors")};"""


def recompute(rid_sql: str) -> str:
    """Trigger body: the `task_order` rows of one requirement (id `rid_sql`), rebuilt."""
    return f"""delete from task_order where rid = (select rowid from requirements where id = {rid_sql});
        {effective_task_order_rows(f"r.id = {rid_sql}")}"""


NOT_CORRECTED = "not exists (select 1 from corrections where requirement_id = {} and field = 'actors')"

# m006's triggers, with corrections applied; the requirement_actors triggers keep their
# one-row work when the requirement's actors are not corrected, and do nothing when they are.
TRIGGERS = {
    "task_order_ri": f"after insert on requirements begin {recompute('new.id')} end",
    "task_order_ru": f"""after update of id, speech_id, char_start, status on requirements begin
        delete from task_order where rid = old.rowid;
        {effective_task_order_rows("r.id = new.id")} end""",
    "task_order_ai": f"""after insert on requirement_actors
        when new.category is not null and {NOT_CORRECTED.format("new.requirement_id")} begin
        {TASK_ORDER_INSERT} select new.category, coalesce(s.source, ''), coalesce(r.char_start, -1), r.id, r.rowid
        from requirements r join speeches s on s.id = r.speech_id
        where r.id = new.requirement_id and r.status = 'active' and not ({REJECTED}); end""",
    "task_order_ad": f"""after delete on requirement_actors when {NOT_CORRECTED.format("old.requirement_id")} begin
        delete from task_order where category = old.category
          and rid = (select rowid from requirements where id = old.requirement_id)
          and not exists (select 1 from requirement_actors
                          where requirement_id = old.requirement_id and category = old.category); end""",
    "task_order_au": f"""after update of requirement_id, category on requirement_actors begin
        {recompute("old.requirement_id")} {recompute("new.requirement_id")} end""",
    "task_order_su": f"""after update of source on speeches begin
        delete from task_order where rid in (select rowid from requirements where speech_id = new.id);
        {effective_task_order_rows("r.speech_id = new.id")} end""",
    "task_order_ci": f"""after insert on corrections when new.field in ('check', 'actors') begin
        {recompute("new.requirement_id")} end""",
    # A requirement the clerk added follows its speech to the version that supersedes it
    # (before the writer marks the old version's leftovers superseded); the review app then
    # finds its text again in the new version (store.corrections.relocate).
    "clerk_requirements_follow": """after update of superseded_by on speeches
        when new.superseded_by is not null begin
        update requirements set speech_id = new.superseded_by,
          section_id = new.superseded_by || ':' || substr(path, 1, instr(path || '.', '.') - 1)
        where speech_id = new.id and origin = 'clerk' and status = 'active'; end""",
}

# Every column the v1 views had, the corrected values in the same names, and what the
# extractor said beside them.
VIEWS = {
    "tasks": f"""
select r.id, r.speech_id, s.source, s.title as speech_title, s.version as speech_version,
       r.path, r.label, sec.kind as section_kind, sec.heading as section_heading,
       r.heading, r.text,
       case when {corrected("deadline")} then {latest("deadline")} else r.deadline end as deadline,
       case when {corrected("deadline")} then {latest("deadline_date")} else r.deadline_date end as deadline_date,
       r.char_start, r.char_end,
       {EFFECTIVE_CATEGORIES} as actor_categories,
       (select group_concat(mention, '、') from (select distinct mention from requirement_actors a
         where a.requirement_id = r.id and a.mention != ''
           and (not {corrected("actors")} or a.category in (select value from json_each({ACTORS_JSON})))
         order by a.char_start)) as actor_mentions,
       coalesce(t.status, 'open') as tracking_status, t.owner, t.notes, t.updated_at as tracking_updated_at,
       coalesce({latest("check")}, 'unchecked') = 'confirmed' as checked,
       exists (select 1 from corrections c where c.requirement_id = r.id
               and c.field in ('actors', 'deadline', 'added')) as corrected,
       coalesce(r.origin, 'extractor') as origin,
       (select group_concat(category, ',') from (select distinct category from requirement_actors
         where requirement_id = r.id order by category)) as extracted_actor_categories,
       r.deadline as extracted_deadline, r.deadline_date as extracted_deadline_date
from requirements r
join speeches s on s.id = r.speech_id
left join sections sec on sec.id = r.section_id
left join task_tracking t on t.requirement_id = r.id
where r.status = 'active' and not ({REJECTED})""",
    "requirement_categories": f"""
select a.requirement_id, a.category, group_concat(a.mention, '、') as mentions,
       group_concat(distinct a.basis) as basis
from requirement_actors a
where not {corrected("actors", "a.requirement_id")}
group by a.requirement_id, a.category
union all
select c.requirement_id, j.value as category,
       (select group_concat(mention, '、') from requirement_actors x
         where x.requirement_id = c.requirement_id and x.category = j.value) as mentions,
       coalesce((select group_concat(distinct basis) from requirement_actors x
         where x.requirement_id = c.requirement_id and x.category = j.value), 'clerk') as basis
from corrections c join json_each(c.new_value) j
where c.field = 'actors'
  and c.id = (select max(id) from corrections where requirement_id = c.requirement_id and field = 'actors')""",
    "tasks_by_actor": """
select a.category, ac.label as category_label, a.mentions, a.basis, k.id as requirement_id, k.source,
       k.path, k.heading, k.deadline, k.deadline_date, k.tracking_status, k.owner, k.checked
from requirement_categories a
join tasks k on k.id = a.requirement_id
left join actors ac on ac.category = a.category
order by a.category, k.source, k.char_start""",
    "open_tasks_by_deadline": """
select id, deadline_date, deadline, source, path, heading, actor_categories, tracking_status, owner, checked
from tasks
where tracking_status not in ('done', 'cancelled')
order by deadline_date is null, deadline_date, source, char_start""",
    "speech_tasks": f"""
select s.id as speech_id, s.source, s.title, s.year, s.version, s.ingested_at, s.superseded_by,
       count(r.id) filter (where r.status = 'active') as active_requirements,
       count(r.id) filter (where r.status = 'superseded') as superseded_requirements,
       count(r.id) filter (where r.status = 'active' and r.deadline is not null) as with_deadline,
       count(r.id) filter (where r.status = 'active'
         and coalesce(t.status, 'open') not in ('done', 'cancelled')) as open_requirements,
       count(r.id) filter (where r.status = 'active' and {latest("check")} = 'confirmed')
         as confirmed_requirements,
       count(r.id) filter (where r.status = 'active' and {REJECTED}) as rejected_requirements,
       count(r.id) filter (where r.status = 'active' and r.origin = 'clerk') as added_requirements
from speeches s
left join requirements r on r.speech_id = s.id
left join task_tracking t on t.requirement_id = r.id
group by s.id
order by s.source, s.version""",
    "orphaned_corrections": """
select c.*, r.status as requirement_status, r.speech_id as requirement_speech_id, s.source
from corrections c
left join requirements r on r.id = c.requirement_id
left join speeches s on s.id = coalesce(r.speech_id, c.speech_id)
where r.id is null or r.status != 'active'
order by c.id""",
}
VIEW_ORDER = ("tasks", "requirement_categories", "tasks_by_actor", "open_tasks_by_deadline", "speech_tasks",
              "orphaned_corrections")  # fmt: skip


def create(db) -> None:
    """The m007 schema: tables, index, views rebuilt, m006's triggers replaced, `task_order` refilled."""
    db["corrections"].create(
        {
            "id": int,
            "requirement_id": str,
            "speech_id": str,
            "field": str,
            "old_value": str,
            "new_value": str,
            "who": str,
            "at": str,
            "note": str,
        },
        pk="id",
    )
    db.execute("create index corrections_requirement on corrections (requirement_id, field, id)")
    db["speech_texts"].create({"speech_id": str, "text": str}, pk="speech_id")
    db["requirements"].add_column("origin", str)
    for name in VIEW_ORDER:
        db.execute(f"drop view if exists {name}")
    for name in VIEW_ORDER:
        db.execute(f"create view {name} as {VIEWS[name]}")
    for name, body in TRIGGERS.items():
        db.execute(f"drop trigger if exists {name}")
        db.execute(f"create trigger {name} {body}")
    fill_task_order(db)

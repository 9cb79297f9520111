"""Reading the task database: the queries the CLI, the exports and apps ask.

Every filter is a bound parameter. The rows come from the `tasks` view (active
requirements with their speech, section kind, actors and tracking status); pages of
them are found through `task_order` (store/migrations.py, m006), so the first page of
any filter reads about one page of rows, not every match.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlite_utils import Database

from store.search import Index, contains_sql, index_for, search_sql, search_terms

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


def known_versions(db: Database, corpus: int | None = None) -> set[tuple[str, str]]:
    """(source, sha256) of every current speech version, of one corpus or of all.

    A file is new work unless its path holds these bytes already: a copy under another
    name is new, and so is a file reverted to a superseded version, or one the upgrade
    marked to be extracted again (`reextract`).
    """
    sql = "select source, sha256 from speeches where superseded_by is null and not coalesce(reextract, 0)"
    rows = db.execute(sql + " and corpus_id = ?", [corpus]) if corpus is not None else db.execute(sql)
    return {(source, sha) for source, sha in rows}


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
        where.append("k.id in (select requirement_id from task_order where category = ?)")
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


# --- pages -------------------------------------------------------------------
#
# A page is read in two steps: the keys of its rows (source, char_start, id) from
# `task_order`, whose primary key is (category, source, char_start, id), then the
# `tasks` view's columns for those rows only. The keyset cursor is the last key.

KEY = ("t.source", "t.char_start", "t.requirement_id")
FEW = 2000  # fewer index candidates than this are sorted; more, and the tasks are read in order
MANY = 20_000  # this many candidates or more: a common word, checked against the text in order
SCAN = 10_000  # tasks a common word is checked on before its candidates are asked
CHECK_BATCH = 200  # sorted candidates checked against the text per query
ROWS_PER_QUERY = 500  # ids bound in one `in (…)` (SQLite allows at most 32,766 parameters)


class BadCursor(ValueError):
    """An `after` cursor that is not one `task_page` gave."""


def encode_cursor(key: tuple[str, int, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), ensure_ascii=False).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int, str]:
    try:
        source, char_start, rid = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError) as exc:
        raise BadCursor(f"not a page cursor: {cursor!r}") from exc
    if not (isinstance(source, str) and isinstance(char_start, int) and isinstance(rid, str)):
        raise BadCursor(f"not a page cursor: {cursor!r}")
    if not 0 <= char_start < 2**63:  # SQLite's integers; a forged cursor must not overflow them
        raise BadCursor(f"not a page cursor: {cursor!r}")
    return source, char_start, rid


@dataclass(frozen=True)
class TaskPage:
    rows: list[dict[str, Any]]
    after: str | None  # the cursor of the next page; None when there is none


@dataclass
class _Keys:
    """The `where` of a key query, split into what `task_order t` alone can check and the rest,
    between the keys `after` (excluded) and `upto` (included)."""

    category: str
    after: tuple[Any, ...] | None = None
    upto: tuple[Any, ...] | None = None
    on_t: list[str] = field(default_factory=list)
    t_params: list[Any] = field(default_factory=list)
    on_r: list[str] = field(default_factory=list)
    r_params: list[Any] = field(default_factory=list)

    def t_where(self, extra: Sequence[str] = (), extra_params: Sequence[Any] = ()) -> tuple[str, list[Any]]:
        conds, params = ["t.category = ?"], [self.category]
        if self.after:
            conds.append(f"({', '.join(KEY)}) > (?, ?, ?)")
            params += list(self.after)
        if self.upto:
            conds.append(f"({', '.join(KEY)}) <= (?, ?, ?)")
            params += list(self.upto)
        return " and ".join([*conds, *self.on_t, *extra]), [*params, *self.t_params, *extra_params]

    def nth(self, n: int) -> tuple[str, list[Any]]:
        """SQL for the key `n` tasks on (before the row checks; no row when fewer remain)."""
        where, params = self.t_where()
        return (
            f"select {', '.join(KEY)} from task_order t where {where} order by {', '.join(KEY)} limit 1 offset {int(n) - 1}",
            params,
        )

    def ordered(self, limit: int | None, *, probe: Index | None = None) -> tuple[str, list[Any]]:
        """Keys read in `task_order` order, checked row by row; `probe` first keeps its index's candidates."""
        extra = [f"+t.rid in ({probe.rowids()})"] if probe else []  # `+`: a filter, not the rid index
        where, params = self.t_where(extra, [probe.match] if probe else [])
        order = ", ".join(KEY)
        sql = f"""select {order} from task_order t cross join requirements r on r.rowid = t.rid
                  where {" and ".join([where, *self.on_r])} order by {order}{_limit(limit)}"""
        return sql, [*params, *self.r_params]

    def from_index(self, index: Index) -> tuple[str, list[Any]]:
        """Keys (and rids) of `index`'s candidates in order, unchecked: the cheaper way when they are few."""
        where, params = self.t_where()
        sql = f"""select {", ".join(KEY)}, t.rid from ({index.rowids()}) f
                  cross join task_order t on t.rid = f.rowid
                  where {where} order by {", ".join(KEY)}"""
        return sql, [index.match, *params]

    def passing(self, rids: list[int]) -> tuple[str, list[Any]]:
        """The rids among `rids` whose requirement passes the row checks."""
        sql = f"""select t.rid from task_order t cross join requirements r on r.rowid = t.rid
                  where t.category = ? and t.rid in ({",".join("?" * len(rids))})
                  and {" and ".join(["1", *self.on_r])}"""
        return sql, [self.category, *rids, *self.r_params]


def _limit(limit: int | None) -> str:
    return "" if limit is None else f" limit {int(limit)}"


def _keys(
    actor: str | None,
    speech: str | None,
    terms: list[str],
    kind: str | None,
    due_before: date | str | None,
    after: str | None,
) -> _Keys:
    keys = _Keys(category=actor or "", after=decode_cursor(after) if after else None)
    if speech:  # a source, or a speech version's id (whose source bounds the range read)
        keys.on_t.append("t.source in (?, (select source from speeches where id = ?))")
        keys.t_params += [speech, speech]
        keys.on_r.append("(t.source = ? or r.speech_id = ?)")
        keys.r_params += [speech, speech]
    for term in terms:
        sql, params = contains_sql(term, "r")
        keys.on_r.append(sql)
        keys.r_params += params
    if kind:
        keys.on_r.append("exists (select 1 from sections sec where sec.id = r.section_id and sec.kind = ?)")
        keys.r_params.append(kind)
    if due_before:
        keys.on_r.append("r.deadline_date <= ?")
        keys.r_params.append(str(due_before))
    return keys


def _count_upto(db: Database, index: Index, n: int) -> int:
    return db.execute(f"select count(*) from ({index.rowids()} limit {int(n)})", [index.match]).fetchone()[0]


def _key_rows(db: Database, keys: _Keys, terms: list[str], limit: int | None) -> list[tuple[Any, ...]]:
    """The keys of the page, the cheapest way to the first `limit` matches in order, by how
    many index candidates the rarest word has (counted up to `MANY`, which is cheap):

    - fewer than `FEW`: sort the candidates by key, check them until `limit` pass;
    - up to `MANY`: read the tasks in order, keeping the candidates, checking those;
    - `MANY` or more: a common word: check the next `SCAN` tasks in order against the
      text (no candidate list to build), then as above if the page is not full.
    """
    indexes = [i for i in map(index_for, terms) if i is not None]
    if not indexes:
        return db.execute(*keys.ordered(limit)).fetchall()
    candidates, _, index = min((_count_upto(db, i, MANY), n, i) for n, i in enumerate(indexes))
    if candidates == 0:
        return []
    if limit is None or candidates < FEW:
        return _checked_in_order(db, keys, index, limit)
    found: list[tuple[Any, ...]] = []
    if candidates >= MANY:
        bound = db.execute(*keys.nth(SCAN)).fetchone()
        found = db.execute(*replace(keys, upto=tuple(bound) if bound else None).ordered(limit)).fetchall()
        if len(found) == limit or bound is None:
            return found
        keys, limit = replace(keys, after=tuple(bound)), limit - len(found)
    return found + db.execute(*keys.ordered(limit, probe=index)).fetchall()


def _checked_in_order(db: Database, keys: _Keys, index: Index, limit: int | None) -> list[tuple[Any, ...]]:
    """`index`'s candidates sorted by key, checked a batch at a time until `limit` pass."""
    rows = db.execute(*keys.from_index(index))
    found: list[tuple[Any, ...]] = []
    while limit is None or len(found) < limit:
        batch = rows.fetchmany(CHECK_BATCH)
        if not batch:
            break
        passed = {r[0] for r in db.execute(*keys.passing([b[3] for b in batch]))}
        found += [b[:3] for b in batch if b[3] in passed]
    return found[:limit]


def task_page(
    db: Database,
    *,
    limit: int | None = 50,
    after: str | None = None,
    actor: str | None = None,
    speech: str | None = None,
    search: str | None = None,
    kind: str | None = None,
    due_before: date | str | None = None,
) -> TaskPage:
    """A page of the active requirements matching the filters, in speech order (source,
    char_start, id): the first `limit` after the cursor `after` (every one when `limit` is
    None), and the cursor of the next page.

    The filters are those of `task_filter`. Each row: id, source, path, section_kind,
    heading, actor_categories, deadline, deadline_date, tracking_status.
    """
    terms = search_terms(search or "")
    keys = _keys(actor, speech, terms, kind, due_before, after)
    found = _key_rows(db, keys, terms, None if limit is None else limit + 1)
    more = limit is not None and len(found) > limit
    page = found[:limit] if more else found
    if not page:
        return TaskPage([], None)
    by_id: dict[str, dict[str, Any]] = {}
    for i in range(0, len(page), ROWS_PER_QUERY):  # the tasks view's columns, for the page's rows only
        ids = [k[2] for k in page[i : i + ROWS_PER_QUERY]]
        sql = f"select {', '.join(TASK_COLUMNS)} from tasks where id in ({','.join('?' * len(ids))})"
        by_id.update((r["id"], r) for r in db.query(sql, ids))
    rows = [by_id[k[2]] for k in page if k[2] in by_id]
    return TaskPage(rows, encode_cursor(tuple(page[-1])) if more else None)


def query_tasks(
    db: Database, *, limit: int | None = None, after: str | None = None, **filters: Any
) -> list[dict[str, Any]]:
    """Active requirements matching the filters of `task_filter`, in speech order: every one,
    or with `limit` a page after the cursor `after` (`task_page` also gives the next cursor).

    Each row: id, source, path, section_kind, heading, actor_categories, deadline,
    deadline_date, tracking_status.
    """
    return task_page(db, limit=limit, after=after, **filters).rows


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

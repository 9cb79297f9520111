"""Pages of tasks (store.task_page, `speechtasks tasks --limit/--all/--after`) and `task_order`,
the table of sort keys that makes a page cheap at a million rows (migration m006).

The expected rows are computed here from the base tables with plain Python, never read
off `task_order` or the paging code.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from extractors import extract_file
from store import BadCursor, ledger_rows, open_db, query_tasks, save_extraction, set_tracking, task_page
from store.migrations import fill_task_order

runner = CliRunner()
CORPUS = sorted((Path(__file__).resolve().parent.parent / "corpus").glob("0*.txt"))


def save_corpus(db):
    for path in CORPUS:
        save_extraction(db, extract_file(path, source=path.name), path.name)


@pytest.fixture(scope="module")
def corpus_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("paging") / "t.db"
    db = open_db(path)
    save_corpus(db)
    db.close()
    return path


@pytest.fixture
def corpus_db(corpus_path):
    db = open_db(corpus_path)
    yield db
    db.close()


def active_in_order(db, category=None):
    """Active requirement ids in speech order (source, char_start, id), from the base tables."""
    speeches = {r["id"]: r["source"] for r in db.query("select id, source from speeches")}
    actors: dict[str, set[str]] = {}
    for a in db.query("select requirement_id, category from requirement_actors"):
        actors.setdefault(a["requirement_id"], set()).add(a["category"])
    rows = [
        (speeches[r["speech_id"]], r["char_start"], r["id"])
        for r in db.query("select id, speech_id, char_start from requirements where status = 'active'")
        if category is None or category in actors.get(r["id"], set())
    ]
    return [r[2] for r in sorted(rows)]


def walk(db, limit, **filters):
    """Every id, page after page, and the number of pages."""
    ids, after, pages = [], None, 0
    while True:
        page = task_page(db, limit=limit, after=after, **filters)
        pages += 1
        ids += [r["id"] for r in page.rows]
        assert len(page.rows) <= limit
        if page.after is None:
            return ids, pages
        assert len(page.rows) == limit  # a page with a next one is full
        after = page.after


def test_pages_in_a_row_are_every_task_once_in_speech_order(corpus_db):
    expected = active_in_order(corpus_db)
    assert len(expected) > 200
    ids, pages = walk(corpus_db, 50)
    assert ids == expected
    assert pages == -(-len(expected) // 50)
    assert [r["id"] for r in query_tasks(corpus_db)] == expected  # no limit: everything


@pytest.mark.parametrize("category", ["principal", "department", "party_committee", "all_units", "nobody"])
def test_actor_pages_follow_requirement_actors(corpus_db, category):
    expected = active_in_order(corpus_db, category)
    ids, _ = walk(corpus_db, 13, actor=category)
    assert ids == expected
    assert [r["id"] for r in query_tasks(corpus_db, actor=category, limit=5)] == expected[:5]


def test_other_filters_page_too(corpus_db):
    for filters in ({"kind": "tasks"}, {"due_before": "2030-12-31"}, {"speech": CORPUS[3].name}):
        everything = [r["id"] for r in query_tasks(corpus_db, **filters)]
        assert everything, filters
        assert walk(corpus_db, 9, **filters)[0] == everything
    # A speech version's id finds the same tasks as its source.
    sid = corpus_db.execute("select id from speeches where source = ?", [CORPUS[3].name]).fetchone()[0]
    assert walk(corpus_db, 9, speech=sid)[0] == [
        r["id"] for r in query_tasks(corpus_db, speech=CORPUS[3].name)
    ]


def test_a_page_has_the_tasks_view_columns(corpus_db):
    (row,) = task_page(corpus_db, limit=1, actor="principal").rows
    (view,) = corpus_db.query(
        "select id, source, path, section_kind, heading, actor_categories, deadline, deadline_date, "
        "tracking_status from tasks where id = ?",
        [row["id"]],
    )
    assert row == view
    assert "principal" in row["actor_categories"].split(",")


def test_a_bad_cursor_is_refused(corpus_db):
    for bad in ["nonsense", "W10", "eyJhIjogMX0", "WyJhIiwgIngiLCAiYiJd"]:  # [], {"a": 1}, ["a", "x", "b"]
        with pytest.raises(BadCursor):
            task_page(corpus_db, limit=5, after=bad)


def task_order_rows(db):
    return sorted(tuple(r) for r in db.execute("select * from task_order"))


def expected_task_order(db):
    """task_order as its definition says: every active task once with '' and once per category."""
    speeches = {r["id"]: r["source"] for r in db.query("select id, source from speeches")}
    active = {
        r["id"]: r
        for r in db.query("select rowid, id, speech_id, char_start from requirements where status = 'active'")
    }
    rows = set()
    for r in active.values():
        rows.add(("", speeches[r["speech_id"]], r["char_start"], r["id"], r["rowid"]))
    for a in db.query("select requirement_id, category from requirement_actors"):
        r = active.get(a["requirement_id"])
        if r:
            rows.add((a["category"], speeches[r["speech_id"]], r["char_start"], r["id"], r["rowid"]))
    return sorted(rows)


def test_the_triggers_keep_task_order_through_versions_and_reverts(tmp_path, seed_path):
    db = open_db(tmp_path / "t.db")
    original = extract_file(seed_path, source="000.txt")
    save_extraction(db, original, "000.txt")
    assert task_order_rows(db) == expected_task_order(db)
    assert len([r for r in task_order_rows(db) if r[0] == ""]) == 11
    edited = tmp_path / seed_path.name
    lines = seed_path.read_text("utf-8").split("\n")
    edited.write_text(
        "\n".join(
            line.replace("切实提高党组自身建设水平", "切实提高党组自身建设质量")
            for line in lines
            if "三是民生保障要守好兜牢" not in line
        ),
        "utf-8",
    )
    save_extraction(db, extract_file(edited, source="000.txt"), "000.txt")  # one superseded, one new
    assert task_order_rows(db) == expected_task_order(db)
    save_extraction(db, original, "000.txt")  # reverted
    assert task_order_rows(db) == expected_task_order(db)
    set_tracking(db, original.requirements[0].id, status="done")
    db.execute("delete from requirement_actors where category = 'principal'")
    db.execute("update speeches set source = 'renamed.txt'")
    assert task_order_rows(db) == expected_task_order(db)
    assert not any(r[0] == "principal" for r in task_order_rows(db))
    db.execute("update requirements set status = 'superseded' where path = '3.1.1'")
    assert task_order_rows(db) == expected_task_order(db)
    fill_task_order(db)  # the backfill agrees with the triggers
    assert task_order_rows(db) == expected_task_order(db)


# --- the command line ----------------------------------------------------------


def test_tasks_shows_a_page_and_says_how_to_get_more(corpus_path):
    total = len(active_in_order(open_db(corpus_path)))
    out = runner.invoke(app, ["tasks", "--db", str(corpus_path)], terminal_width=200)
    assert out.exit_code == 0, out.output
    assert "50 tasks" in out.output and "--after" in out.output and "--all" in out.output
    out = runner.invoke(app, ["tasks", "--db", str(corpus_path), "--all", "-f", "json"])
    assert len(json.loads(out.stdout)) == total
    out = runner.invoke(app, ["tasks", "--db", str(corpus_path), "-f", "csv"])  # json/csv: all by default
    assert len(list(csv.DictReader(out.stdout.splitlines()))) == total


def test_tasks_after_gives_the_next_page(corpus_path):
    expected = active_in_order(open_db(corpus_path), "department")
    out = runner.invoke(
        app, ["tasks", "--db", str(corpus_path), "--actor", "department", "-n", "4", "-f", "json"]
    )
    assert out.exit_code == 0, out.output
    assert [r["id"] for r in json.loads(out.stdout)] == expected[:4]
    cursor = out.stderr.split("--after ", 1)[1].split()[0]
    out = runner.invoke(
        app,
        [
            "tasks",
            "--db",
            str(corpus_path),
            "--actor",
            "department",
            "-n",
            "4",
            "--after",
            cursor,
            "-f",
            "json",
        ],
    )
    assert [r["id"] for r in json.loads(out.stdout)] == expected[4:8]
    out = runner.invoke(app, ["tasks", "--db", str(corpus_path), "--after", "nonsense"])
    assert out.exit_code == 2 and "cursor" in out.output


def test_export_still_gives_every_task(corpus_path, tmp_path):
    total = len(active_in_order(open_db(corpus_path)))
    assert len(ledger_rows(open_db(corpus_path))) == total
    out = runner.invoke(app, ["export", "--db", str(corpus_path), "--json", str(tmp_path / "all.json")])
    assert out.exit_code == 0, out.output
    assert len(json.loads((tmp_path / "all.json").read_text("utf-8"))) == total


def test_every_task_comes_back_however_few_ids_a_query_binds(corpus_db, monkeypatch):
    monkeypatch.setattr("store.queries.ROWS_PER_QUERY", 7)
    assert [r["id"] for r in query_tasks(corpus_db)] == active_in_order(corpus_db)

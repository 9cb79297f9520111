"""store/browse.py and `speechtasks browse`: Datasette as the way other apps query the tasks."""

from __future__ import annotations

import asyncio
import sys

import pytest
from typer.testing import CliRunner

from cli.main import app
from extractors import extract_file
from store import open_db, query_tasks, save_extraction, set_tracking
from store.browse import make_datasette, metadata

pytest.importorskip("datasette")
runner = CliRunner()


@pytest.fixture
def db_path(tmp_path, seed_path):
    path = tmp_path / "tasks.db"
    db = open_db(path)
    save_extraction(db, extract_file(seed_path, source="000.txt"), "000.txt")
    db.close()
    return path


def get(ds, url):
    return asyncio.run(ds.client.get(url))


def test_metadata_describes_every_table_view_and_column(fresh_db):
    described = metadata("tasks")["databases"]["tasks"]["tables"]
    fts = [
        r[0]
        for r in fresh_db.execute("select name from sqlite_master where sql like 'create virtual table%'")
    ]
    names = [t.name for t in fresh_db.tables if not t.name.startswith(("_", *fts))]  # FTS5 and its shadows
    assert set(described) == set(names) | set(fresh_db.view_names())
    for name in names:
        assert set(described[name]["columns"]) == set(fresh_db[name].columns_dict), name
    assert all(described[name]["description"] for name in described)


def test_a_canned_query_answers_json(db_path):
    ds = make_datasette(db_path)
    response = get(ds, "/tasks/search.json?q=书记&_shape=array")
    assert response.status_code == 200
    assert [r["path"] for r in response.json()] == ["3.1.1", "3.2.3"]  # hand-checked in test_search.py
    response = get(ds, "/tasks/search.json?q=巡察整改&_shape=array")
    assert [r["path"] for r in response.json()] == ["3.1.2"]
    response = get(ds, "/tasks/tasks_of_actor.json?actor=principal&_shape=array")
    assert {"3.2.2", "3.3.2"} <= {r["path"] for r in response.json()}


def test_the_view_tasks_by_actor_is_not_hidden_by_a_canned_query(db_path):
    """A canned query of the same name used to answer the view's URL (`[]` for `?category=`)."""
    ds = make_datasette(db_path)
    rows = get(ds, "/tasks/tasks_by_actor.json?category=principal&_shape=array").json()
    db = open_db(db_path)
    expected = db.execute("select count(*) from tasks_by_actor where category = 'principal'").fetchone()[0]
    assert expected > 0 and len(rows) == expected
    assert {r["category"] for r in rows} == {"principal"} and {"3.2.2", "3.3.2"} <= {r["path"] for r in rows}
    assert set(metadata("tasks")["databases"]["tasks"]["queries"]).isdisjoint(db.view_names())


def test_the_canned_search_finds_what_the_store_finds(db_path):
    """One and two characters (the bigram index), three or more (trigram), punctuation (a scan)."""
    ds = make_datasette(db_path)
    db = open_db(db_path)
    for q in ["书", "记", "书记", "巡察整改", "，", "记，", "外星人", "鑫"]:
        expected = [r["id"] for r in query_tasks(db, search=q)]
        got = [r["id"] for r in get(ds, f"/tasks/search.json?q={q}&_shape=array").json()]
        assert got == expected, q
    assert query_tasks(db, search="书") and query_tasks(db, search="，")  # the check is not vacuous


def test_canned_query_parameters_are_just_text(db_path):
    ds = make_datasette(db_path)
    for q in ["'; DROP TABLE requirements; --", '"巡察', "巡察 OR 书记"]:
        response = get(ds, f"/tasks/search.json?q={q}&_shape=array")
        assert response.status_code == 200 and response.json() == []
    assert open_db(db_path)["requirements"].count == 11


def test_views_and_tracking_are_visible_and_the_database_is_read_only(db_path):
    db = open_db(db_path)
    set_tracking(
        db, db.execute("select id from requirements where path = '3.1.1'").fetchone()[0], status="done"
    )
    db.close()
    ds = make_datasette(db_path)
    rows = get(ds, "/tasks/speech_tasks.json?_shape=array").json()
    assert [(r["active_requirements"], r["open_requirements"]) for r in rows] == [(11, 10)]
    response = get(ds, "/tasks.json?sql=delete+from+requirements")
    assert response.status_code == 400
    assert open_db(db_path)["requirements"].count == 11


def test_browse_serves_the_database(db_path, monkeypatch):
    served = {}
    monkeypatch.setattr("store.browse.serve", lambda ds, host, port: served.update(ds=ds, port=port))
    out = runner.invoke(app, ["browse", "--db", str(db_path), "--port", "8123"])
    assert out.exit_code == 0, out.output
    assert "http://127.0.0.1:8123/tasks" in out.output
    assert served["port"] == 8123 and "tasks" in served["ds"].databases


def test_browse_without_datasette_says_how_to_install_it(db_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "datasette", None)
    monkeypatch.setitem(sys.modules, "datasette.app", None)
    out = runner.invoke(app, ["browse", "--db", str(db_path)])
    assert out.exit_code == 3
    assert "speechtasks[datasette]" in out.output


def test_browse_without_a_database_is_a_one_line_error(tmp_path):
    out = runner.invoke(app, ["browse", "--db", str(tmp_path / "none.db")])
    assert out.exit_code == 2 and "no task database" in out.output

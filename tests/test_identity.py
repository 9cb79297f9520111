"""A speech's identity: (corpus, path in the corpus). Same names in two folders, copies,
renames, two corpora in one database, and a database from before corpora were recorded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from extractors import extract_file
from store import migrate, open_db, query_tasks, save_extraction, set_tracking, start_run
from store.migrations import migrations

# 3.1.2 of the seed ends with this sentence; the edited copy changes one word of it.
EDITED_FROM = "切实提高党组自身建设水平"
EDITED_TO = "切实提高党组自身建设质量"


def edited(seed_path: Path) -> str:
    text = seed_path.read_text("utf-8")
    assert text.count(EDITED_FROM) == 1
    return text.replace(EDITED_FROM, EDITED_TO)


def ingest(db: Database, corpus: Path):
    """The flow's steps without Prefect: plan (renames moved), extract the new files, store."""
    from flows.report import RunSummary, persist
    from flows.scan import plan_run, scan_corpus
    from flows.work import extract_one

    files = scan_corpus(corpus)
    plan = plan_run(db, corpus, files)
    run_id = start_run(db)
    summary = RunSummary(run_id, len(files), len(plan.todo), renamed=plan.renamed)
    for f in plan.todo:
        persist(db, run_id, extract_one(f), summary, plan.corpus_id)
    return summary


def active(db: Database, source: str) -> dict[str, str]:
    """path → id of the active tasks of `source`."""
    return {r["path"]: r["id"] for r in query_tasks(db, speech=source)}


def test_the_same_file_name_in_two_folders_keeps_two_full_task_lists(tmp_path, seed_path, fresh_db):
    """a/讲话.txt and b/讲话.txt share ten of eleven requirements word for word: neither takes the other's."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(seed_path, tmp_path / "a" / "讲话.txt")
    (tmp_path / "b" / "讲话.txt").write_text(edited(seed_path), "utf-8")
    for source in ("a/讲话.txt", "b/讲话.txt"):
        save_extraction(fresh_db, extract_file(tmp_path / source, source=source), source)
    a, b = active(fresh_db, "a/讲话.txt"), active(fresh_db, "b/讲话.txt")
    assert len(a) == 11 and len(b) == 11
    assert not set(a.values()) & set(b.values())  # no id shared
    assert fresh_db["requirements"].count == 22
    # The folder a's tasks are still a's speech's, with a's text.
    a_speech = fresh_db.execute("select id from speeches where source = 'a/讲话.txt'").fetchone()[0]
    owners = {fresh_db["requirements"].get(rid)["speech_id"] for rid in a.values()}
    assert owners == {a_speech}
    assert EDITED_FROM in fresh_db["requirements"].get(a["3.1.2"])["text"]
    assert EDITED_TO in fresh_db["requirements"].get(b["3.1.2"])["text"]


def test_editing_one_of_two_same_named_files_keeps_its_untouched_ids(tmp_path, seed_path, fresh_db):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(seed_path, tmp_path / "a" / "讲话.txt")
    shutil.copy(seed_path, tmp_path / "b" / "讲话.txt")
    ingest(fresh_db, tmp_path)
    a_before, b_before = active(fresh_db, "a/讲话.txt"), active(fresh_db, "b/讲话.txt")
    (tmp_path / "b" / "讲话.txt").write_text(edited(seed_path), "utf-8")
    ingest(fresh_db, tmp_path)
    b_after = active(fresh_db, "b/讲话.txt")
    assert active(fresh_db, "a/讲话.txt") == a_before  # a untouched
    assert {p: i for p, i in b_after.items() if p != "3.1.2"} == {
        p: i for p, i in b_before.items() if p != "3.1.2"
    }
    assert b_after["3.1.2"] != b_before["3.1.2"]


def test_a_byte_identical_copy_is_stored_as_its_own_source_and_marked_as_a_copy(
    tmp_path, seed_path, fresh_db
):
    shutil.copy(seed_path, tmp_path / "讲话.txt")
    ingest(fresh_db, tmp_path)
    shutil.copy(seed_path, tmp_path / "讲话（印发稿）.txt")
    summary = ingest(fresh_db, tmp_path)
    assert summary.files_new == 1
    assert summary.copies == [("讲话（印发稿）.txt", "讲话.txt")]
    original, copy = active(fresh_db, "讲话.txt"), active(fresh_db, "讲话（印发稿）.txt")
    assert len(original) == len(copy) == 11 and not set(original.values()) & set(copy.values())
    rows = {r["source"]: r for r in fresh_db.query("select id, source, copy_of, superseded_by from speeches")}
    assert rows["讲话（印发稿）.txt"]["copy_of"] == rows["讲话.txt"]["id"]
    assert rows["讲话（印发稿）.txt"]["superseded_by"] is None and rows["讲话.txt"]["superseded_by"] is None
    assert ingest(fresh_db, tmp_path).files_new == 0  # and neither is new again


def test_a_renamed_file_moves_its_source_with_its_history_ids_and_tracking(tmp_path, seed_path, monkeypatch):
    """Stored through the library (corpus 1, unclaimed), then renamed: `run` moves it, no extraction."""
    from cli.main import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    db_path = tmp_path / "t.db"
    db = open_db(db_path)
    (corpus / "讲话.txt").write_text(edited(seed_path), "utf-8")  # version 1
    save_extraction(db, extract_file(corpus / "讲话.txt", source="讲话.txt"), "讲话.txt")
    shutil.copy(seed_path, corpus / "讲话.txt")  # version 2
    save_extraction(db, extract_file(corpus / "讲话.txt", source="讲话.txt"), "讲话.txt")
    before = active(db, "讲话.txt")
    set_tracking(db, before["3.2.1"], status="in_progress", owner="市委办")
    db.close()

    (corpus / "讲话.txt").rename(corpus / "市委全会讲话.txt")
    out = CliRunner().invoke(app, ["run", "--corpus", str(corpus), "--db", str(db_path)])
    assert out.exit_code == 0, out.output
    assert "renamed: 讲话.txt → 市委全会讲话.txt" in out.output

    found = CliRunner().invoke(
        app, ["tasks", "--speech", "市委全会讲话.txt", "--format", "json", "--db", str(db_path)]
    )
    tasks = json.loads(found.output)
    assert {t["path"]: t["id"] for t in tasks} == before
    assert {t["tracking_status"] for t in tasks if t["id"] == before["3.2.1"]} == {"in_progress"}
    db = open_db(db_path)
    assert db.execute("select files_new from runs order by id desc limit 1").fetchone()[0] == 0
    history = list(
        db.query("select source, version, renamed_from, superseded_by from speeches order by version")
    )
    assert [(r["source"], r["version"], r["renamed_from"]) for r in history] == [
        ("市委全会讲话.txt", 1, "讲话.txt"),
        ("市委全会讲话.txt", 2, "讲话.txt"),
    ]
    assert history[1]["superseded_by"] is None
    # An edit after the rename keeps the ids of the untouched requirements (keyed on the old name).
    (corpus / "市委全会讲话.txt").write_text(
        edited(seed_path).replace("三是民生保障", "三是民生保障工作"), "utf-8"
    )
    ingest(db, corpus)
    after = active(db, "市委全会讲话.txt")
    assert {p: after[p] for p in before if p not in ("3.1.2", "3.3.3")} == {
        p: before[p] for p in before if p not in ("3.1.2", "3.3.3")
    }


def test_a_rename_and_a_copy_at_once(tmp_path, seed_path, fresh_db):
    """The stored file is gone and two new names hold its bytes: the first is the rename, the other a copy."""
    from flows.scan import CorpusFile, find_renames

    files = [CorpusFile(tmp_path / n, n, "ab" * 32) for n in ("a2.txt", "a3.txt")]
    assert find_renames(files, {("a.txt", "ab" * 32)}) == [("a.txt", "a2.txt")]
    # The old name still there: a copy, not a rename.
    files.append(CorpusFile(tmp_path / "a.txt", "a.txt", "ab" * 32))
    assert find_renames(files, {("a.txt", "ab" * 32)}) == []
    # A path with a history of its own is an edit of that path, not a rename into it.
    assert find_renames(files[:1], {("a.txt", "ab" * 32), ("a2.txt", "cd" * 32)}) == []


def test_two_corpora_in_one_database_keep_apart_and_do_not_flip_flop(tmp_path, seed_path, fresh_db):
    one, two = tmp_path / "一处", tmp_path / "二处"
    one.mkdir()
    two.mkdir()
    shutil.copy(seed_path, one / "讲话.txt")
    (two / "讲话.txt").write_text(edited(seed_path), "utf-8")
    assert ingest(fresh_db, one).files_new == 1
    assert ingest(fresh_db, two).files_new == 1
    for _ in range(2):  # alternate runs find nothing new and supersede nothing
        assert ingest(fresh_db, one).files_new == 0
        assert ingest(fresh_db, two).files_new == 0
    corpora = {r["root"]: r["id"] for r in fresh_db.query("select id, root from corpora")}
    assert set(corpora) == {one.resolve().as_posix(), two.resolve().as_posix()}
    rows = list(
        fresh_db.query("select corpus_id, source, version, superseded_by from speeches order by corpus_id")
    )
    assert [(r["corpus_id"], r["version"], r["superseded_by"]) for r in rows] == [
        (corpora[one.resolve().as_posix()], 1, None),
        (corpora[two.resolve().as_posix()], 1, None),
    ]
    ids = [r["id"] for r in query_tasks(fresh_db, speech="讲话.txt")]
    assert len(ids) == 22 == len(set(ids))


def test_the_same_bytes_in_two_corpora_are_two_speeches(tmp_path, seed_path, fresh_db):
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        folder.mkdir()
        shutil.copy(seed_path, folder / "讲话.txt")
        assert ingest(fresh_db, folder).files_new == 1
    rows = list(fresh_db.query("select id, corpus_id, copy_of from speeches"))
    assert len(rows) == 2 and len({r["id"] for r in rows}) == 2
    assert [r["copy_of"] for r in rows] == [None, None]  # a copy is within one corpus
    assert fresh_db["requirements"].count == 22


def m006_database(seed_path: Path) -> tuple[Database, dict[str, str]]:
    """A database as m006 left it, holding the seed as `讲话.txt` the way that release stored it."""
    new = open_db(":memory:")
    save_extraction(new, extract_file(seed_path, source="讲话.txt"), "讲话.txt")
    old = Database(memory=True)
    migrations.apply(old, stop_before="m007_identity_corpus")
    for table in ("speeches", "sections", "requirements", "requirement_actors"):
        columns = old[table].columns_dict
        old[table].insert_all({k: v for k, v in r.items() if k in columns} for r in new[table].rows)
    ids = {r["path"]: r["id"] for r in old.query("select path, id from requirements")}
    set_tracking(old, ids["3.1.1"], status="done", notes="已办结")
    return old, ids


def test_an_older_database_upgrades_in_place_and_its_first_corpus_claims_its_speeches(tmp_path, seed_path):
    db, ids = m006_database(seed_path)
    assert "corpora" not in db.table_names()
    migrate(db)
    assert [r["corpus_id"] for r in db.query("select corpus_id from speeches")] == [1]
    assert list(db.query("select id, root from corpora")) == [{"id": 1, "root": None}]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / "讲话.txt")
    assert ingest(db, corpus).files_new == 0  # the first run's folder is corpus 1: nothing is new
    assert db["corpora"].get(1)["root"] == corpus.resolve().as_posix()
    (corpus / "讲话.txt").write_text(edited(seed_path), "utf-8")
    assert ingest(db, corpus).files_new == 1
    after = active(db, "讲话.txt")
    assert {p: after[p] for p in ids if p != "3.1.2"} == {p: ids[p] for p in ids if p != "3.1.2"}
    assert db["task_tracking"].get(ids["3.1.1"])["status"] == "done"
    # A second corpus is a corpus of its own.
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(seed_path, other / "讲话.txt")
    assert ingest(db, other).files_new == 1
    assert active(db, "讲话.txt").keys() == after.keys()
    assert len(query_tasks(db, speech="讲话.txt")) == 22


def test_the_upgrade_gives_back_requirements_a_same_named_file_took(tmp_path, seed_path):
    """Before: b/讲话.txt, stored after a/讲话.txt, took the ten requirements they share (ids keyed
    on the name). The upgrade marks both for extraction; the next run gives a its own again."""
    corpus = tmp_path / "corpus"
    for folder, text in (("a", seed_path.read_text("utf-8")), ("b", edited(seed_path))):
        (corpus / folder).mkdir(parents=True)
        (corpus / folder / "讲话.txt").write_text(text, "utf-8")
    old = Database(memory=True)
    migrations.apply(old, stop_before="m007_identity_corpus")
    for folder in ("a", "b"):  # what the old save_extraction did: upsert by the name-keyed ids
        source = f"{folder}/讲话.txt"
        new = open_db(":memory:")
        save_extraction(new, extract_file(corpus / source, source=source), source)
        for table in ("speeches", "sections", "requirements", "requirement_actors"):
            columns = old[table].columns_dict
            old[table].insert_all(
                ({k: v for k, v in r.items() if k in columns} for r in new[table].rows), replace=True
            )
    robbed = old.execute(
        "select count(*) from requirements r join speeches s on s.id = r.speech_id where s.source = 'a/讲话.txt'"
    ).fetchone()[0]
    assert (
        robbed == 1
    )  # a's speech kept only the requirement b does not share (the "1 task instead of 11")
    migrate(old)
    assert ingest(old, corpus).files_new == 2
    a, b = active(old, "a/讲话.txt"), active(old, "b/讲话.txt")
    assert len(a) == len(b) == 11 and not set(a.values()) & set(b.values())
    assert ingest(old, corpus).files_new == 0


@pytest.mark.flow
def test_the_flow_keeps_two_corpora_apart(prefect_harness, tmp_path, seed_path):
    from flows.ingest import ingest_corpus

    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    shutil.copy(seed_path, one / "讲话.txt")
    (two / "讲话.txt").write_text(edited(seed_path), "utf-8")
    db_path = tmp_path / "t.db"
    news = [
        ingest_corpus(corpus=c, db_path=db_path, review_pages=False).files_new for c in (one, two, one, two)
    ]
    assert news == [1, 1, 0, 0]
    db = open_db(db_path)
    assert db["speeches"].count_where("superseded_by is null") == 2
    assert db["requirements"].count == 22

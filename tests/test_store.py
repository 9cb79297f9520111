"""store/: saving speeches, stable ids across versions, the tracking table, the views."""

from __future__ import annotations

from extractors import extract_file
from store import (
    counts,
    failed_versions,
    known_versions,
    open_db,
    query_tasks,
    record_error,
    save_extraction,
    set_tracking,
    start_run,
    sync_actor_labels,
)


def test_round_trip_keeps_every_requirement(fresh_db, seed_path):
    result = extract_file(seed_path, source="000.txt")
    saved = save_extraction(fresh_db, result, "000.txt")
    assert saved.new and saved.requirements == 11
    rows = query_tasks(fresh_db, speech="000.txt")
    assert [r["path"] for r in rows] == [r.path for r in result.requirements]
    assert {r["id"] for r in rows} == {r.id for r in result.requirements}
    assert known_versions(fresh_db) == {("000.txt", result.speech.sha256)}


def test_saving_the_same_speech_twice_adds_nothing(fresh_db, seed_path):
    result = extract_file(seed_path, source="000.txt")
    save_extraction(fresh_db, result, "000.txt")
    before = counts(fresh_db)
    again = save_extraction(fresh_db, result, "000.txt")
    assert not again.new
    assert counts(fresh_db) == before


def test_actor_filter_finds_the_principal_requirements(fresh_db, seed_path):
    save_extraction(fresh_db, extract_file(seed_path, source="000.txt"), "000.txt")
    # 3.2.2 (上级“一把手”必须管好…) and 3.3.2 (各级各部门尤其是“一把手”要当好…) name the principal.
    paths = {r["path"] for r in query_tasks(fresh_db, actor="principal")}
    assert {"3.2.2", "3.3.2"} <= paths


# --- stable ids and versions -------------------------------------------------

EDITED_FROM = "切实提高党组自身建设水平"  # once in the seed, at the end of 3.1.2
EDITED_TO = "切实提高党组自身建设质量"
REMOVED = "三是民生保障要守好兜牢"  # 3.3.3, the last requirement: removing it shifts no path


def edited_seed(seed_path, folder):
    """The seed with one sentence of 3.1.2 edited and paragraph 3.3.3 removed, same file name."""
    lines = seed_path.read_text("utf-8").split("\n")
    lines = [line.replace(EDITED_FROM, EDITED_TO) for line in lines if REMOVED not in line]
    path = folder / seed_path.name
    path.write_text("\n".join(lines), "utf-8")
    return path


def ids_by_path(db, status="active"):
    rows = db.query("select path, id from requirements where status = ?", [status])
    return {r["path"]: r["id"] for r in rows}


def test_two_runs_give_identical_ids_and_row_counts(tmp_path, seed_path):
    first, second = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    save_extraction(first, extract_file(seed_path, source="000.txt"), "000.txt")
    save_extraction(second, extract_file(seed_path, source="000.txt"), "000.txt")
    assert ids_by_path(first) == ids_by_path(second)
    assert counts(first) == counts(second)


def test_an_edited_speech_is_a_new_version_and_unchanged_requirements_keep_their_ids(tmp_path, seed_path):
    db = open_db(tmp_path / "t.db")
    v1 = save_extraction(db, extract_file(seed_path, source="000.txt"), "000.txt")
    before = ids_by_path(db)
    set_tracking(db, before["3.1.1"], status="in_progress", owner="市委办")
    set_tracking(db, before["3.3.3"], status="done", notes="已办结")

    edited = extract_file(edited_seed(seed_path, tmp_path), source="000.txt")
    v2 = save_extraction(db, edited, "000.txt")

    assert v2.new and v2.speech_id != v1.speech_id
    speeches = {r["id"]: r for r in db["speeches"].rows}
    assert speeches[v1.speech_id]["superseded_by"] == v2.speech_id
    assert speeches[v2.speech_id]["superseded_by"] is None
    assert (speeches[v1.speech_id]["version"], speeches[v2.speech_id]["version"]) == (1, 2)
    after = ids_by_path(db)
    # Nine requirements untouched by the edit keep their ids and now belong to version 2.
    unchanged = set(before) - {"3.1.2", "3.3.3"}
    assert len(unchanged) == 9
    assert {p: after[p] for p in unchanged} == {p: before[p] for p in unchanged}
    assert after["3.1.2"] != before["3.1.2"] and "3.3.3" not in after
    assert set(ids_by_path(db, "superseded").values()) == {before["3.1.2"], before["3.3.3"]}
    assert db["requirements"].count == 12  # nothing deleted
    assert db["requirements"].get(after["3.1.1"])["speech_id"] == v2.speech_id
    # What the tracking tool wrote survives, even for the superseded requirement.
    tracking = {r["requirement_id"]: r for r in db["task_tracking"].rows}
    assert tracking[before["3.1.1"]]["status"] == "in_progress"
    assert tracking[before["3.1.1"]]["owner"] == "市委办"
    assert tracking[before["3.3.3"]]["notes"] == "已办结"
    assert known_versions(db) == {("000.txt", edited.speech.sha256)}


def test_a_file_reverted_to_an_earlier_version_makes_it_current_again(tmp_path, seed_path):
    db = open_db(tmp_path / "t.db")
    original = extract_file(seed_path, source="000.txt")
    v1 = save_extraction(db, original, "000.txt")
    v2 = save_extraction(db, extract_file(edited_seed(seed_path, tmp_path), source="000.txt"), "000.txt")
    assert ("000.txt", original.speech.sha256) not in known_versions(
        db
    )  # so the flow processes the reverted file
    again = save_extraction(db, original, "000.txt")
    assert again.new and again.speech_id == v1.speech_id
    assert db["speeches"].get(v1.speech_id)["superseded_by"] is None
    assert db["speeches"].get(v2.speech_id)["superseded_by"] == v1.speech_id
    assert {r["id"] for r in query_tasks(db)} == {r.id for r in original.requirements}


# --- views ---------------------------------------------------------------------


def test_views_answer_what_trackers_ask(fresh_db, seed_path):
    result = extract_file(seed_path, source="000.txt")
    save_extraction(fresh_db, result, "000.txt")
    sync_actor_labels(fresh_db)
    ids = ids_by_path(fresh_db)
    set_tracking(fresh_db, ids["3.2.3"], status="done")

    principal = fresh_db.query("select path, category_label from tasks_by_actor where category = 'principal'")
    rows = list(principal)
    assert {"3.2.2", "3.3.2"} <= {r["path"] for r in rows}
    assert {r["category_label"] for r in rows} == {"主要负责人（“一把手”）"}

    open_rows = list(fresh_db.query("select path, deadline_date from open_tasks_by_deadline"))
    assert "3.2.3" not in {r["path"] for r in open_rows}  # done
    dated = [r["deadline_date"] for r in open_rows if r["deadline_date"]]
    assert dated == sorted(dated) and open_rows[: len(dated)] == [r for r in open_rows if r["deadline_date"]]

    (speech,) = fresh_db.query("select * from speech_tasks")
    assert (speech["source"], speech["version"]) == ("000.txt", 1)
    assert (speech["active_requirements"], speech["open_requirements"]) == (11, 10)
    kinds = {r["section_kind"] for r in fresh_db.query("select section_kind from tasks")}
    assert kinds == {"tasks"}  # 三、勇于担当作为… is the tasks section


def test_filters_are_bound_parameters(fresh_db, seed_path):
    save_extraction(fresh_db, extract_file(seed_path, source="000.txt"), "000.txt")
    for hostile in ["'", '"', "'; DROP TABLE requirements; --", "x' or '1'='1"]:
        assert query_tasks(fresh_db, actor=hostile, speech=hostile, search=hostile, kind=hostile) == []
    assert fresh_db["requirements"].count == 11


def test_failed_versions_leave_out_files_that_could_not_be_read(fresh_db):
    run = start_run(fresh_db)
    record_error(fresh_db, run, "empty.txt", "aa", "empty file")
    record_error(fresh_db, run, "locked.docx", "bb", "read-failed: permission denied")
    record_error(fresh_db, run, "gone.txt", None, "read-failed: no such file")
    assert failed_versions(fresh_db) == {"aa"}

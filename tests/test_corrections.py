"""store/corrections.py: the clerk's corrections, applied over the extractor's output wherever apps
read, kept across re-runs and new versions, and turned into gold files. Expectations checked by hand
against the seed speech (its 11 requirements, ../shared/eval/dev/000_party_building_city_gov.gold.json)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extractors import extract_text
from extractors.decode import read_speech, speech_from_bytes
from store import corrections as C
from store import ledger_rows, open_db, query_tasks, save_extraction, sync_actor_labels, task_page
from store.gold import export_gold, gold_of, stats

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "000_party_building_city_gov.txt"
SOURCE = SEED.name
# A directive in the review section (part 1), which the extractor rightly leaves out; the clerk adds it.
MISSED = "全市政府系统要深入学习贯彻习近平总书记关于党的建设重要论述，不断深化思想认识"


@pytest.fixture(scope="module")
def seed():
    speech, text = read_speech(SEED, source=SOURCE)
    return text, extract_text(text, speech)


@pytest.fixture
def db(seed):
    conn = open_db(":memory:")
    sync_actor_labels(conn)
    save_extraction(conn, seed[1], SOURCE)
    yield conn
    conn.close()


def ids(extraction) -> dict[str, str]:
    return {r.path: r.id for r in extraction.requirements}


def paths(rows) -> list[str]:
    return [r["path"] for r in rows]


def raw_tables(db) -> tuple[list, list]:
    return (
        list(db.query("select id, deadline, deadline_date, status from requirements order by id")),
        list(db.query("select * from requirement_actors order by requirement_id, category, mention")),
    )


def test_corrections_apply_over_the_extractors_output_wherever_apps_read(db, seed):
    _text, extraction = seed
    rid = ids(extraction)
    before = raw_tables(db)
    C.correct(db, rid["3.1.2"], who="王", actors=["principal", "department"])
    C.correct(db, rid["3.3.3"], who="王", check="rejected", note="只是工作安排的说明")
    C.correct(db, rid["3.1.3"], who="李", check="confirmed", deadline=("年底前", "2021-12-31"))

    tasks = {t["path"]: t for t in db.query("select * from tasks")}
    assert "3.3.3" not in tasks and len(tasks) == 10  # not a requirement: out of every task list
    t = tasks["3.1.2"]
    assert (t["actor_categories"], t["extracted_actor_categories"]) == ("department,principal", "all_units")
    assert (t["corrected"], t["checked"]) == (1, 0)
    assert t["actor_mentions"] is None  # the extractor's mention 各级各部门 was of all_units, now removed
    t = tasks["3.1.3"]
    assert (t["deadline"], t["deadline_date"], t["extracted_deadline"], t["checked"]) == (
        "年底前", "2021-12-31", None, 1,
    )  # fmt: skip
    assert tasks["3.1.1"]["checked"] == 0

    # pages by actor (task_order), the Python API, the 台账, the by-actor view
    assert "3.1.2" in paths(task_page(db, limit=None, actor="principal").rows)
    assert "3.1.2" in paths(task_page(db, limit=None, actor="department").rows)
    by_all = paths(task_page(db, limit=None, actor="all_units").rows)
    assert "3.1.2" not in by_all and "3.3.3" not in by_all and "3.3.2" in by_all
    assert len(query_tasks(db)) == 10 and "3.3.3" not in paths(query_tasks(db))
    ledger = {r["章节"]: r for r in ledger_rows(db)}
    assert ledger["3.1.2"]["责任主体"] == "主要负责人（“一把手”）；职能部门"
    assert (ledger["3.1.3"]["完成时限"], ledger["3.1.3"]["已核对"]) == ("年底前（2021-12-31前）", "是")
    assert ledger["3.1.1"]["已核对"] == "" and "3.3.3" not in ledger
    dept = {r["path"]: r for r in db.query("select * from tasks_by_actor where category = 'department'")}
    assert dept["3.1.2"]["basis"] == "clerk" and dept["3.1.2"]["category_label"] == "职能部门"
    assert dept["3.3.1"]["mentions"] == "经济指标部门"

    assert raw_tables(db) == before  # the extractor's values stay as they were
    history = C.history(db, requirement_id=rid["3.1.3"])
    assert [(c["field"], c["old_value"], c["new_value"], c["who"]) for c in history] == [
        ("check", "unchecked", "confirmed", "李"),
        ("deadline", None, "年底前", "李"),
        ("deadline_date", None, "2021-12-31", "李"),
        ("deadline_basis", None, "as_written", "李"),  # a date given with no basis: taken as written
    ]


def test_a_bad_or_stale_correction_writes_nothing(db, seed):
    text, extraction = seed
    rid = ids(extraction)
    sid = extraction.speech.sha256[:16]
    C.correct(db, rid["3.1.2"], who="王", check="confirmed")
    seen = C.revision(db, rid["3.1.2"])
    C.correct(db, rid["3.1.2"], who="李", actors=["department"], expected_revision=seen)
    start = text.index(MISSED)
    bad = [
        (C.CorrectionError, lambda: C.correct(db, rid["3.1.1"], who="王", actors=["principal", "mayor"])),
        (C.CorrectionError, lambda: C.correct(db, rid["3.1.1"], who="王", actors=[])),
        (C.CorrectionError, lambda: C.correct(db, rid["3.1.1"], who="王", check="maybe")),
        (C.CorrectionError, lambda: C.correct(db, rid["3.1.1"], who="王", deadline=(2021, None))),
        (C.CorrectionError, lambda: C.correct(db, rid["3.1.1"], who="王", deadline=("年底前", "12月底"))),
        (C.CorrectionError, lambda: C.correct(db, rid["3.1.1"], who=" ", check="confirmed")),
        (C.UnknownRequirement, lambda: C.correct(db, "nosuchid", who="王", check="confirmed")),
        # someone else changed 3.1.2 after this editor read it (revision `seen`)
        (C.StaleEdit, lambda: C.correct(db, rid["3.1.2"], who="王", actors=["cadres"], expected_revision=seen)),
        (C.CorrectionError, lambda: C.add_requirement(db, sid, text, -1, 5, path="1.1", actors=["all_units"], who="王")),
        (C.CorrectionError, lambda: C.add_requirement(db, sid, text, 10, len(text) + 1, path="1.1", actors=["all_units"], who="王")),
        (C.CorrectionError, lambda: C.add_requirement(db, sid, text, start, start + 5, path="3.1.1", actors=["all_units"], who="王")),
        (C.CorrectionError, lambda: C.add_requirement(db, sid, text, start, start + 5, path="一.1", actors=["all_units"], who="王")),
        (C.CorrectionError, lambda: C.add_requirement(db, sid, text, 4, 13, path="1.1", actors=["all_units"], who="王")),
    ]  # fmt: skip
    before = (
        raw_tables(db),
        list(db.query("select * from corrections")),
        list(db.query("select * from tasks")),
    )
    for error, write in bad:
        with pytest.raises(error):
            write()
    after = (
        raw_tables(db),
        list(db.query("select * from corrections")),
        list(db.query("select * from tasks")),
    )
    assert after == before
    assert text[4:13].strip() == ""  # the last one above: a selection of white space only


def test_corrections_survive_a_rerun_and_follow_their_requirement_to_a_new_version(db, seed):
    text, extraction = seed
    rid = ids(extraction)
    sid = extraction.speech.sha256[:16]
    C.correct(db, rid["3.1.2"], who="王", actors=["principal", "department"])
    C.correct(db, rid["3.3.3"], who="王", check="rejected")
    C.correct(db, rid["3.2.3"], who="王", check="confirmed")
    start = text.index(MISSED)
    added = C.add_requirement(
        db, sid, text, start, start + len(MISSED), path="1.1", actors=["all_units"], who="王"
    )
    row = db["requirements"].get(added["id"])
    assert (row["char_start"], row["text"], row["origin"]) == (start, MISSED, "clerk")
    tasks_before = list(db.query("select * from tasks order by id"))

    assert not save_extraction(db, extraction, SOURCE).new  # a re-run of the same file: nothing changes
    assert list(db.query("select * from tasks order by id")) == tasks_before

    # The file edited elsewhere: a line added at the top (every offset moves) and 3.2.3 reworded
    # (its id changes: the requirement the clerk confirmed is gone from the new version).
    edited = text.replace("同志们：\n", "同志们：\n（根据录音整理）\n", 1).replace(
        "强化干事创业正向激励", "强化干事创业激励"
    )
    speech, new_text = speech_from_bytes(edited.encode("utf-8"), SOURCE, SOURCE)
    new = extract_text(new_text, speech)
    new_sid = save_extraction(db, new, SOURCE).speech_id
    tasks = {t["path"]: t for t in db.query("select * from tasks")}
    assert (
        tasks["3.1.2"]["actor_categories"] == "department,principal"
        and tasks["3.1.2"]["speech_id"] == new_sid
    )
    assert "3.3.3" not in tasks
    assert tasks["1.1"]["speech_id"] == new_sid and tasks["1.1"]["actor_categories"] == "all_units"
    assert tasks["3.2.3"]["id"] != rid["3.2.3"] and tasks["3.2.3"]["checked"] == 0

    assert C.relocate(db, new_sid, new_text) == [added["id"]]  # found again, 9 characters on
    row = db["requirements"].get(added["id"])
    assert row["char_start"] == start + len("（根据录音整理）\n")
    assert new_text[row["char_start"] : row["char_end"]] == row["text"]
    assert C.relocate(db, new_sid, new_text) == []

    orphans = C.orphaned(db)
    assert [(o["requirement_id"], o["field"], o["new_value"]) for o in orphans] == [
        (rid["3.2.3"], "check", "confirmed")
    ]
    assert db["corrections"].count == 6  # nothing dropped: 3 + added + its actors + moved


def test_gold_files_from_corrections_pass_check_gold_and_are_scored(db, seed, tmp_path):
    from evaluation import score_folder

    text, extraction = seed
    rid = ids(extraction)
    sid = extraction.speech.sha256[:16]
    C.correct(db, rid["3.1.2"], who="王", check="confirmed")
    C.correct(db, rid["3.3.3"], who="王", check="rejected")
    start = text.index(MISSED)
    C.add_requirement(db, sid, text, start, start + len(MISSED), path="1.1", actors=["all_units"], who="王")
    with pytest.raises(LookupError):  # the text is needed for NAME.txt
        export_gold(db, tmp_path)
    C.remember_text(db, sid, text)
    written = export_gold(db, tmp_path / "gold")
    assert [p.name for p in written] == ["000_party_building_city_gov.gold.json"]
    assert (tmp_path / "gold" / "000_party_building_city_gov.txt").read_text("utf-8") == text
    gold = gold_of(db, sid)
    assert [s["kind"] for s in gold["sections"]] == ["review", "problems", "tasks"]
    assert [r["path"] for r in gold["requirements"]][:2] == ["1.1", "3.1.1"]
    assert gold["requirements"][0] == {
        "path": "1.1", "anchor": "全市政府系统要深入学习贯彻习近平总书记关", "actors": ["all_units"], "deadline": None,
    }  # fmt: skip
    check = ROOT.parent / "shared" / "eval" / "check_gold.py"
    if check.exists():
        out = subprocess.run(
            [sys.executable, str(check), str(tmp_path / "gold")], capture_output=True, text=True
        )
        assert out.returncode == 0 and out.stdout.strip() == "1 gold files ok", out.stdout
    totals = score_folder(tmp_path / "gold").totals()
    # 11 gold (10 kept + 1 added), 11 predicted: 3.3.3 is a false positive, 1.1 a miss
    assert (totals["gold"], totals["pred"], totals["req_p"], totals["req_r"]) == (11, 11, 0.9091, 0.9091)


def test_stats_say_how_often_the_clerk_changed_each_field(db, seed):
    text, extraction = seed
    rid = ids(extraction)
    sid = extraction.speech.sha256[:16]
    for path in ("3.1.1", "3.1.2", "3.1.3", "3.1.4"):
        C.correct(db, rid[path], who="王", check="confirmed")
    C.correct(db, rid["3.1.2"], who="王", actors=["principal", "department"])
    C.correct(db, rid["3.1.3"], who="王", actors=["party_committee"])  # the same as extracted: no change
    C.correct(db, rid["3.1.4"], who="王", deadline=("年底前", "2021-12-31"))
    C.correct(db, rid["3.3.3"], who="王", check="rejected")
    start = text.index(MISSED)
    C.add_requirement(db, sid, text, start, start + len(MISSED), path="1.1", actors=["all_units"], who="王")
    assert stats(db) == [
        {"field": "requirement (not a requirement)", "reviewed": 5, "changed": 1, "rate": 0.2},
        {"field": "requirement (missed, added)", "reviewed": 6, "changed": 1, "rate": 0.167},
        {"field": "actors", "reviewed": 4, "changed": 1, "rate": 0.25},
        {"field": "deadline", "reviewed": 4, "changed": 1, "rate": 0.25},
    ]

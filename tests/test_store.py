"""store/: a speech saved once, read back, saved again without duplicates."""

from __future__ import annotations

from extractors import extract_file
from store import counts, known_versions, query_tasks, save_extraction


def test_round_trip_keeps_every_requirement(fresh_db, seed_path):
    result = extract_file(seed_path, source="000.txt")
    saved = save_extraction(fresh_db, result, "000.txt")
    assert saved.new and saved.requirements == 11
    rows = query_tasks(fresh_db, speech="000.txt")
    assert [r["path"] for r in rows] == [r.path for r in result.requirements]
    assert {r["id"] for r in rows} == {r.id for r in result.requirements}
    assert known_versions(fresh_db) == {result.speech.sha256}


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

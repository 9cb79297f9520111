"""store/migrations.py: a database made by any earlier schema upgrades in place."""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path

from sqlite_utils import Database

from store import migrate, open_db, search_requirements, task_page
from store.migrations import m001_initial, migrations

# sha256 of m001_initial as shipped in commit b636036 (its first 16 hex digits).
FIRST_MIGRATION_SHA = "651cff959e1bfa08"
NAMES = [
    "m001_initial",
    "m002_versions_tracking_indexes",
    "m003_requirements_fts",
    "m004_views",
    "m005_review_path",
    "m006_task_order_bigrams",
    "m007_identity_corpus",
    "m008_deadline_basis_cli",
    "m009_page_confidence_formats",
    "m010_corrections_reviewapp",
    "m011_repeats",
    "m012_repeats2",
    "m013_repeat_demands",
]


def fts_tables(db: Database) -> set[str]:
    return {r[0] for r in db.execute("select name from sqlite_master where sql like 'create virtual table%'")}


def first_schema_db() -> Database:
    """A database as the first release made it, with one speech, section and requirement."""
    db = Database(memory=True)
    migrations.apply(db, stop_before="m002_versions_tracking_indexes")
    db["speeches"].insert(
        {"id": "s1", "source": "a.txt", "sha256": "ab", "title": "讲话", "ingested_at": "2024-01-01"}
    )
    db["sections"].insert(
        {"id": "s1:3", "speech_id": "s1", "path": "3", "kind": "tasks", "heading": "工作任务"}
    )
    db["requirements"].insert(
        {
            "id": "r1",
            "speech_id": "s1",
            "path": "3.1",
            "heading": "压实巡察整改责任。",
            "text": "一是压实巡察整改责任。各级党组织书记要亲自抓。",
            "deadline_date": "2024-06-30",
            "status": "active",
        }
    )
    db["requirement_actors"].insert(
        {"requirement_id": "r1", "category": "party_committee", "mention": "各级党组织", "basis": "explicit"}
    )
    return db


def test_the_current_schema_is_every_migration_in_order(fresh_db):
    assert [m.name for m in migrations.applied(fresh_db)] == NAMES
    assert migrations.pending(fresh_db) == []


def test_a_first_version_database_upgrades_in_place():
    db = first_schema_db()
    assert [m.name for m in migrations.applied(db)] == NAMES[:1]
    assert "task_tracking" not in db.table_names()
    migrate(db)
    assert [m.name for m in migrations.applied(db)] == NAMES
    assert db["speeches"].get("s1")["version"] == 1
    assert db["requirements"].get("r1")["section_id"] == "s1:3"
    # The rows that were there are searchable, short words and long ones.
    assert [r["id"] for r in search_requirements(db, "书记")] == ["r1"]
    assert [r["id"] for r in search_requirements(db, "巡察整改")] == ["r1"]
    assert [r["id"] for r in search_requirements(db, "书")] == ["r1"]  # the bigram index's backfill
    # ... and the sort keys' backfill: pages, by actor too (r1 has no char_start: it sorts first)
    assert [r["id"] for r in task_page(db, limit=5).rows] == ["r1"]
    assert [r["id"] for r in task_page(db, limit=5, actor="party_committee").rows] == ["r1"]
    assert task_page(db, limit=5, actor="principal").rows == []
    (task,) = db.query("select id, section_kind, actor_categories, tracking_status from tasks")
    assert task == {
        "id": "r1",
        "section_kind": "tasks",
        "actor_categories": "party_committee",
        "tracking_status": "open",
    }
    assert "task_tracking" in db.table_names()


def test_migrating_again_changes_nothing(tmp_path):
    path = tmp_path / "t.db"
    open_db(path).close()
    db = open_db(path)
    assert [m.name for m in migrations.applied(db)] == NAMES
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert db.execute("pragma busy_timeout").fetchone()[0] >= 1000


def test_the_first_migration_is_never_edited():
    # A shipped migration is history: change the schema with a new function at the end.
    source = inspect.getsource(m001_initial)
    assert hashlib.sha256(source.encode()).hexdigest()[:16] == FIRST_MIGRATION_SHA


def test_the_readme_documents_every_table_column_and_view(fresh_db):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    section = readme.split("## Task database", 1)[1].split("\n## ", 1)[0]
    fts = fts_tables(fresh_db)
    for table in fresh_db.tables:
        if table.name.startswith(("_", *(f"{name}_" for name in fts))):
            continue  # FTS5's own shadow tables
        row = next((line for line in section.splitlines() if line.startswith(f"| `{table.name}` |")), "")
        assert row, f"README has no row for table {table.name}"
        if table.name not in fts:
            missing = [c for c in table.columns_dict if f"`{c}`" not in row]
            assert not missing, f"README row of {table.name} lacks {missing}"
    for view in fresh_db.view_names():
        assert f"| `{view}` |" in section, view


def test_m008_gives_stored_dates_their_basis():
    """Dated rows stored before m007 get the basis their phrase shows; undated stay null."""
    db = Database(memory=True)
    migrations.apply(db, stop_before="m008_deadline_basis_cli")
    db["speeches"].insert({"id": "s1", "source": "a.txt", "sha256": "x", "title": "t", "year": 2025})
    rows = [
        ("r1", "2030年", "2030-12-31"),
        ("r2", "一九八五年", "1985-12-31"),
        ("r3", "6月底前", "2025-06-30"),
        ("r4", "今年", "2025-12-31"),
        ("r5", "今后五年", None),  # not dated before: dated when its speech is next extracted
        ("r6", None, None),
    ]
    for rid, phrase, due in rows:
        db["requirements"].insert(
            {"id": rid, "speech_id": "s1", "path": rid[1], "heading": "h", "text": "t", "char_start": 0,
             "char_end": 1, "deadline": phrase, "deadline_date": due, "status": "active"}
        )  # fmt: skip
    migrate(db)
    got = {r["id"]: r["deadline_basis"] for r in db.query("select id, deadline_basis from requirements")}
    assert got == {
        "r1": "as_written",
        "r2": "as_written",
        "r3": "speech_year",
        "r4": "speech_year",
        "r5": None,
        "r6": None,
    }


def test_a_saved_requirement_keeps_its_deadline_basis(tmp_path):
    from extractors import extract_file
    from store import save_extraction

    speech = tmp_path / "2016_report.txt"
    speech.write_text(
        "政府工作报告\n一、今后五年的主要目标任务\n（一）今后五年，要全面建成小康社会。\n"
        "（二）要在两年内基本完成棚户区改造。\n（三）要在年底前完成全部改造。\n",
        "utf-8",
    )
    db = open_db(":memory:")
    save_extraction(db, extract_file(speech, source=speech.name), speech.name)
    row, _, _ = db.query("select deadline, deadline_date, deadline_basis from requirements order by path")
    assert row == {
        "deadline": "今后五年",
        "deadline_date": "2020-12-31",
        "deadline_basis": "years_from_speech_year",
    }

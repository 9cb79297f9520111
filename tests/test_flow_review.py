"""The flow writes each stored speech's review page next to the database (issue #8)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner

from cli.main import app
from flows.work import MAX_NAME_BYTES, review_dir, review_page_path
from store import open_db

REQ_MARK = re.compile(r'<mark class="req"')


def seed_corpus(tmp_path: Path, seed_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    return corpus


def snapshot(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def artifacts(flow_run_id: str) -> dict[str, object]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(flow_run_id)]))
        )
    return {a.key: a for a in found}


def test_page_paths_keep_subfolders_and_never_collide(tmp_path):
    pages = tmp_path / "t.review"
    sid = "0123456789abcdef"
    assert review_page_path(pages, "000_a.txt", sid) == pages / f"000_a.txt.{sid}.html"
    assert (
        review_page_path(pages, "2024/市委/讲话.docx", sid)
        == pages / "2024" / "市委" / f"讲话.docx.{sid}.html"
    )
    assert review_page_path(pages, "../../etc/x.txt", sid) == pages / "etc" / f"x.txt.{sid}.html"
    sources = ["a/b.txt", "a_b.txt", "a__b.txt", "a.txt", "a.md", "A.txt"]
    paths = {review_page_path(pages, s, sid) for s in sources}
    assert len(paths) == len(sources)
    # Another version of the same source: another page.
    assert review_page_path(pages, "a.txt", "f" * 16) != review_page_path(pages, "a.txt", sid)
    long_page = review_page_path(pages, "讲" * 200 + ".txt", sid)
    assert len(long_page.name.encode("utf-8")) <= MAX_NAME_BYTES + len(f".{sid}.html")
    assert long_page.name.startswith("讲讲") and long_page.name.endswith(f".{sid}.html")
    assert review_dir(tmp_path / "x" / "tasks.db") == (tmp_path / "x" / "tasks.review").resolve()


def test_a_copy_of_a_stored_speech_is_its_own_source_with_its_own_page(tmp_path, seed_path, fresh_db):
    """The same bytes under a second name: stored as that name's speech, marked as a copy, own page."""
    from flows.report import RunSummary, persist
    from flows.scan import scan_corpus
    from flows.work import extract_one
    from store import start_run

    corpus = seed_corpus(tmp_path, seed_path)
    shutil.copy(seed_path, corpus / "copy.txt")
    pages = tmp_path / "t.review"
    run_id = start_run(fresh_db)
    summary = RunSummary(run_id, 2, 2)
    rows = [persist(fresh_db, run_id, extract_one(f, pages), summary) for f in scan_corpus(corpus)]
    assert [(r.file, r.status, r.copy_of) for r in rows] == [
        (seed_path.name, "stored", ""),
        ("copy.txt", "stored", seed_path.name),
    ]
    assert summary.copies == [("copy.txt", seed_path.name)]
    speeches = {r["source"]: r for r in fresh_db.query("select * from speeches")}
    assert speeches["copy.txt"]["copy_of"] == speeches[seed_path.name]["id"]
    assert speeches[seed_path.name]["copy_of"] is None
    assert [r.review_path for r in rows] == [
        speeches[seed_path.name]["review_path"],
        speeches["copy.txt"]["review_path"],
    ]
    assert sorted(p.name for p in pages.iterdir()) == sorted(Path(r.review_path).name for r in rows)


@pytest.mark.flow
def test_the_flow_writes_each_speech_page_links_it_and_a_rerun_writes_nothing(
    prefect_harness, tmp_path, seed_path
):
    from flows.ingest import ingest_corpus

    corpus = seed_corpus(tmp_path, seed_path)
    db_path = tmp_path / "tasks.db"
    first = ingest_corpus(corpus=corpus, db_path=db_path)
    assert first.errors == []

    db = open_db(db_path)
    (row,) = db.query("select id, review_path from speeches")
    page = Path(row["review_path"])
    assert page == tmp_path / "tasks.review" / f"{seed_path.name}.{row['id']}.html"
    assert page.is_absolute() and page.is_file()
    html = page.read_text("utf-8")
    assert len(REQ_MARK.findall(html)) == 11 == db["requirements"].count
    assert "管党治党主体责任要“扛”起来" in html

    found = artifacts(first.flow_run_id)
    report = found["ingest-report"].data
    assert "## Review pages" in report
    assert f"[{page.name}]({page.as_uri()})" in report
    table = {r["file"]: r for r in json.loads(found["ingest-files"].data)}
    assert table[seed_path.name]["review_page"] == str(page)

    before = snapshot(tmp_path / "tasks.review")
    second = ingest_corpus(corpus=corpus, db_path=db_path)
    assert second.files_new == 0
    assert snapshot(tmp_path / "tasks.review") == before
    assert "## Review pages" not in artifacts(second.flow_run_id)["ingest-report"].data


@pytest.mark.flow
def test_a_page_that_cannot_be_written_loses_no_speech(prefect_harness, tmp_path, seed_path):
    from flows.ingest import ingest_corpus

    corpus = seed_corpus(tmp_path, seed_path)
    db_path = tmp_path / "tasks.db"
    (tmp_path / "tasks.review").write_text("a file where the pages folder should be", "utf-8")
    summary = ingest_corpus(corpus=corpus, db_path=db_path)
    assert summary.errors == []
    db = open_db(db_path)
    assert db["requirements"].count == 11
    assert [r["review_path"] for r in db.query("select review_path from speeches")] == [None]
    (row,) = summary.files
    assert row.status == "stored" and row.review_error
    report = artifacts(summary.flow_run_id)["ingest-report"].data
    assert f"| {seed_path.name} | not written: " in report


@pytest.mark.flow
def test_run_no_review_pages_writes_none(prefect_harness, tmp_path, seed_path):
    corpus = seed_corpus(tmp_path, seed_path)
    db_path = tmp_path / "tasks.db"
    out = CliRunner().invoke(app, ["run", "--corpus", str(corpus), "--db", str(db_path), "--no-review-pages"])
    assert out.exit_code == 0, out.output
    db = open_db(db_path)
    assert db["requirements"].count == 11
    assert [r["review_path"] for r in db.query("select review_path from speeches")] == [None]
    assert not (tmp_path / "tasks.review").exists()

"""flows/: the ingest flow stores the corpus once, and a re-run adds nothing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store import counts, open_db

pytestmark = pytest.mark.flow
ROOT = Path(__file__).resolve().parent.parent


def test_ingest_stores_the_seed_and_a_rerun_adds_nothing(prefect_harness, tmp_path, seed_path):
    from flows.ingest import ingest_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    (corpus / "~$lock.docx").write_bytes(b"lock file")  # ignored, never an error
    db_path = tmp_path / "tasks.db"

    first = ingest_corpus(corpus=corpus, db_path=db_path)
    assert (first.files_seen, first.files_new, first.errors) == (1, 1, [])
    db = open_db(db_path)
    after_first = counts(db)
    assert after_first["requirements"] == 11
    paths = [r["path"] for r in db.query("select path from requirements order by char_start")]
    assert paths[:5] == ["3.1.1", "3.1.2", "3.1.3", "3.1.4", "3.1.5"]

    second = ingest_corpus(corpus=corpus, db_path=db_path)
    assert second.files_new == 0
    assert counts(open_db(db_path)) == after_first
    assert db["runs"].count == 2


def test_a_run_publishes_its_report_as_markdown_and_table_artifacts(prefect_harness, tmp_path, seed_path):
    from uuid import UUID

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from flows.ingest import ingest_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    (corpus / "empty.txt").write_bytes(b"")
    summary = ingest_corpus(corpus=corpus, db_path=tmp_path / "tasks.db")
    assert summary.flow_run_id

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(summary.flow_run_id)])
            )
        )
    by_key = {a.key: a for a in found}
    assert set(by_key) == {"ingest-report", "ingest-files"}
    report = by_key["ingest-report"]
    assert report.type == "markdown"
    assert "requirements stored this run: 11" in report.data
    assert "| empty.txt | empty: empty file" in report.data
    table = by_key["ingest-files"]
    assert table.type == "table"
    rows = {r["file"]: r for r in json.loads(table.data)}
    assert rows[seed_path.name]["status"] == "stored"
    assert rows[seed_path.name]["requirements"] == 11
    assert rows["empty.txt"]["status"] == "error"


def make_drafts(corpus: Path, seed_path: Path, n: int) -> None:
    """`n` distinct versions of the seed (a tag in every sentence): 11 requirements each."""
    seed = seed_path.read_text("utf-8")
    for i in range(n):
        (corpus / f"{i:03d}_draft.txt").write_text(seed.replace("。", f"（稿{i}）。"), "utf-8")


def table_counts(db_path: Path) -> dict[str, int]:
    db = open_db(db_path)
    found = counts(db)
    found["superseded"] = db["speeches"].count_where("superseded_by is not null")
    db.close()
    return found


def test_a_run_killed_mid_way_leaves_no_half_speech_and_the_next_run_completes(
    prefect_harness, tmp_path, seed_path
):
    """SIGKILL `speechtasks run` while it stores speeches; re-run; compare with a clean run."""
    from prefect.settings import PREFECT_API_URL

    from flows.ingest import ingest_corpus

    n = 48
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_drafts(corpus, seed_path, n)
    killed_db = tmp_path / "killed.db"
    open_db(killed_db).close()  # schema in place, so the test can poll it
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}  # the shared harness's server
    cmd = [sys.executable, "-m", "cli.main", "run", "--corpus", str(corpus), "--db", str(killed_db)]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    stored_at_kill = 0
    try:
        reader = sqlite3.connect(killed_db, timeout=10)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            stored_at_kill = reader.execute("select count(*) from speeches").fetchone()[0]
            if stored_at_kill >= 3:
                break
            time.sleep(0.005)
        reader.close()
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert 3 <= stored_at_kill < n, "the run must be killed while it is storing speeches"

    # Whatever was committed is whole: every stored speech has all its requirements.
    db = open_db(killed_db)
    per_speech = [
        r["n"]
        for r in db.query(
            "select count(r.id) n from speeches s left join requirements r on r.speech_id = s.id group by s.id"
        )
    ]
    assert per_speech and set(per_speech) == {11}
    db.close()

    resumed = ingest_corpus(corpus=corpus, db_path=killed_db)
    assert resumed.errors == []
    assert resumed.files_new == n - len(per_speech)
    clean_db = tmp_path / "clean.db"
    ingest_corpus(corpus=corpus, db_path=clean_db)
    assert table_counts(killed_db) == table_counts(clean_db)
    assert table_counts(clean_db)["requirements"] == 11 * n


def test_a_process_pool_extracts_the_same_as_one_process(tmp_path, seed_path):
    from flows.scan import scan_corpus
    from flows.work import batch_executor, batches, run_batch

    make_drafts(tmp_path, seed_path, 4)
    files = scan_corpus(tmp_path)
    with batch_executor(2) as pool:
        assert pool is not None
        pooled = [o for b in batches(files, 2) for o in run_batch(b, pool)]
    alone = [o for b in batches(files, 2) for o in run_batch(b, None)]
    assert [o.result for o in pooled] == [o.result for o in alone]
    assert all(o.error is None for o in pooled)

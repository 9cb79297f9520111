"""`speechtasks run --runner dask` (issue #7): a local Dask cluster runs the batches, same rows."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from store import open_db

runner = CliRunner()


def test_runner_dask_without_the_extra_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "prefect_dask", None)  # `import prefect_dask` raises ImportError
    out = runner.invoke(
        app, ["run", "--corpus", str(tmp_path), "--db", str(tmp_path / "t.db"), "--runner", "dask"]
    )
    assert out.exit_code == 2
    assert "--runner dask needs the dask extra" in out.output
    assert "speechtasks[dask]" in out.output


@pytest.mark.parametrize(
    "args",
    [
        ["--dask-workers", "2"],
        ["--dask-address", "tcp://127.0.0.1:8786"],
        ["--runner", "dask", "--workers", "2"],
    ],
)
def test_dask_options_go_with_the_dask_runner_only(tmp_path, args):
    out = runner.invoke(app, ["run", "--corpus", str(tmp_path), "--db", str(tmp_path / "t.db"), *args])
    assert out.exit_code == 2
    assert "error:" in out.output


def dump(db_path: Path) -> dict[str, list[tuple]]:
    """Everything a run stores, less when it ran and where its pages are."""
    db = open_db(db_path)
    found = {
        "speeches": [
            tuple(r.values())
            for r in db.query(
                "select id, source, sha256, title, encoding, chars, year, superseded_by, version "
                "from speeches order by id"
            )
        ],
        "sections": [tuple(r.values()) for r in db.query("select * from sections order by id")],
        "requirements": [tuple(r.values()) for r in db.query("select * from requirements order by id")],
        "actors": [
            tuple(r.values())
            for r in db.query(
                "select * from requirement_actors order by requirement_id, category, char_start"
            )
        ],
        "errors": [tuple(r.values()) for r in db.query("select source, reason from ingest_errors")],
    }
    db.close()
    return found


@pytest.mark.flow
def test_the_dask_runner_stores_the_same_rows_as_the_thread_runner(prefect_harness, tmp_path, seed_path):
    pytest.importorskip("prefect_dask")
    from flows.ingest import ingest_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seed = seed_path.read_text("utf-8")
    for i in range(3):
        (corpus / f"{i:03d}_draft.txt").write_text(seed.replace("。", f"（稿{i}）。"), "utf-8")
    thread_db, dask_db = tmp_path / "thread.db", tmp_path / "dask.db"
    ingest_corpus(corpus=corpus, db_path=thread_db)

    began = time.monotonic()
    out = runner.invoke(
        app, ["run", "--corpus", str(corpus), "--db", str(dask_db), "--runner", "dask", "--dask-workers", "2"]
    )
    seconds = time.monotonic() - began
    assert out.exit_code == 0, out.output
    assert dump(dask_db) == dump(thread_db)
    assert len(dump(dask_db)["requirements"]) == 33
    # The pages were written by the Dask workers, where the text was decoded.
    db = open_db(dask_db)
    pages = [Path(r["review_path"]) for r in db.query("select review_path from speeches")]
    assert len(pages) == 3 and all(p.is_file() and p.parent == tmp_path / "dask.review" for p in pages)
    (run,) = db.query("select files_new, errors from runs")
    assert run == {"files_new": 3, "errors": 0}
    print(f"dask run over 3 files: {seconds:.1f} s (cluster start and worker warm-up included)")

"""flows/: the ingest flow stores the corpus once, and a re-run adds nothing."""

from __future__ import annotations

import shutil

import pytest

from store import counts, open_db

pytestmark = pytest.mark.flow


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

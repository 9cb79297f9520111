"""Issue 18, items 1-7: attacks that stopped the whole ingestion or lost work silently.

Each test reproduces one attack on a fresh temporary corpus and database.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from cli.main import app
from extractors.decode import DecodeError, read_speech
from flows.report import RunSummary, persist
from flows.scan import failed_versions, new_files, plan_run, scan_corpus
from flows.work import extract_one
from store import open_db, start_run

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
GBK_NAME = "讲话.txt".encode("gb18030")  # b"\xbd\xb2\xbb\xb0.txt": not valid UTF-8


def drafts(corpus: Path, seed_path: Path, n: int, prefix: str = "") -> None:
    """`n` distinct versions of the seed speech (11 requirements each)."""
    seed = seed_path.read_text("utf-8")
    for i in range(n):
        (corpus / f"{prefix}{i:03d}_draft.txt").write_text(seed.replace("。", f"（稿{i}）。"), "utf-8")


def ingest_by_hand(corpus: Path, db) -> RunSummary:
    """The flow's work without Prefect: scan, plan, extract, persist (flows/ingest.py's loop)."""
    run_id = start_run(db)
    files = scan_corpus(corpus)
    plan = plan_run(db, corpus, files)
    summary = RunSummary(run_id, len(files), len(plan.todo))
    for f in plan.todo:
        persist(db, run_id, extract_one(f), summary, plan.corpus_id)
    return summary


# ---------------------------------------------------------------- 1. a file name that is not UTF-8


@pytest.mark.flow
def test_1_a_gbk_file_name_is_recorded_as_bad_name_and_the_run_goes_on(prefect_harness, tmp_path, seed_path):
    from flows.ingest import ingest_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    bad = os.fsencode(corpus) + b"/0_" + GBK_NAME  # sorts before the good speech
    with open(bad, "wb") as fh:  # another speech than the good one
        fh.write(seed_path.read_text("utf-8").replace("。", "（稿）。").encode("utf-8"))
    shutil.copy(seed_path, corpus / "1_good.txt")
    db_path = tmp_path / "tasks.db"

    first = ingest_corpus(corpus=corpus, db_path=db_path)
    assert first.files_seen == 2
    assert first.errors == [
        (
            "0_\\xbd\\xb2\\xbb\\xb0.txt",
            "bad-name: the file name is not valid UTF-8 (read as GBK: 0_讲话.txt): rename it",
        )
    ]
    db = open_db(db_path)
    assert [r["source"] for r in db["speeches"].rows] == ["1_good.txt"]
    assert db["requirements"].count == 11
    # Recorded once: the next run does not stop at it, nor record it again.
    second = ingest_corpus(corpus=corpus, db_path=db_path)
    assert (second.files_new, second.errors) == (0, [])
    assert db["ingest_errors"].count == 1
    # Renamed, the same bytes are processed (the refusal was tied to the name, not the bytes).
    os.rename(bad, corpus / "0_讲话.txt")
    third = ingest_corpus(corpus=corpus, db_path=db_path)
    assert third.errors == [] and third.files_new == 1
    assert db["speeches"].count_where("source = ?", ["0_讲话.txt"]) == 1


# ---------------------------------------------------------------- 2. a .docx with very many paragraphs


def docx_with_body(body: bytes) -> bytes:
    """A real .docx package whose document body is `body`."""
    buf = io.BytesIO()
    docx.Document().save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.partition(b"<w:body>")[0] + b"<w:body>" + body + b"</w:body></w:document>"
            dst.writestr(info.filename, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("body", "most_bytes"),
    [
        (b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 300_000, 70_000),  # 300k tiny paragraphs, 66 KB
        (b"<w:p/>" * 10_000_000, 130_000),  # 10M empty ones, 122 KB, under the 64 MB unpack cap
    ],
    ids=["300k-tiny", "10M-empty"],
)
def test_2_a_small_docx_with_very_many_paragraphs_is_refused_at_once(tmp_path, body, most_bytes):
    path = tmp_path / "many.docx"
    path.write_bytes(docx_with_body(body))
    assert path.stat().st_size < most_bytes
    start = time.monotonic()
    with pytest.raises(DecodeError) as err:
        read_speech(path)
    assert time.monotonic() - start < 5  # minutes and 1.4 GB before
    assert str(err.value) == "too-large: over 50,000 paragraphs in the Word document: not one speech"


def test_2_docx_paragraphs_are_read_without_a_style_lookup_each(tmp_path):
    """20,000 paragraphs (40× a long speech, under the cap): python-docx's per-paragraph
    style lookup took ≈ 9 ms each (≈ 3 min); read directly they take a few seconds."""
    document = docx.Document()
    document.add_paragraph("全市工作会议讲话", style="Title")
    for i in range(20_000):
        document.add_paragraph(f"第{i}段，各地区各部门要认真贯彻落实。")
    path = tmp_path / "long.docx"
    document.save(path)
    start = time.monotonic()
    speech, text = read_speech(path)
    assert time.monotonic() - start < 20
    assert speech.title == "全市工作会议讲话"
    assert text.count("\n") == 20_001
    assert text.split("\n")[20_000] == "第19999段，各地区各部门要认真贯彻落实。"


def slow_pdf(path: Path, pages: int, lines: int = 60) -> None:
    """A PDF whose text layer takes pdfminer ≈ 50 ms a page (60 lines), more with more lines."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for p in range(pages):
        for line in range(lines):
            c.drawString(20, 820 - line * 8, f"page {p} line {line}: the quick brown fox jumps over the dog")
        c.showPage()
    c.save()


def test_2_a_file_over_its_time_budget_is_recorded_as_timeout_and_the_run_goes_on(
    tmp_path, seed_path, fresh_db, monkeypatch
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    slow_pdf(corpus / "0_slow.pdf", 80)
    shutil.copy(seed_path, corpus / "1_good.txt")
    monkeypatch.setenv("SPEECHTASKS_FILE_SECONDS", "0.5")
    start = time.monotonic()
    summary = ingest_by_hand(corpus, fresh_db)
    assert time.monotonic() - start < 30
    assert summary.errors == [("0_slow.pdf", "timeout: reading it took longer than 0.5 s")]
    assert [r["source"] for r in fresh_db["speeches"].rows] == ["1_good.txt"]


@pytest.mark.flow
def test_2_sigterm_stops_a_run_within_seconds_with_whole_speeches_and_a_finished_run(
    prefect_harness, tmp_path, seed_path
):
    """A run stuck on a slow file gets SIGTERM: it ends within seconds (it took > 10 min), without
    waiting for the file (≈ 1 min to read at the page limit) or the extraction under way."""
    from prefect.settings import PREFECT_API_URL

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    slow_pdf(corpus / "000_slow.pdf", 300, lines=100)  # ≈ 1 min to read on an idle machine
    drafts(corpus, seed_path, 12, prefix="1_")
    db_path = tmp_path / "tasks.db"
    open_db(db_path).close()
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "SPEECHTASKS_FILE_SECONDS": "600"}
    cmd = [sys.executable, "-m", "cli.main", "run", "--corpus", str(corpus), "--db", str(db_path)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        reader = sqlite3.connect(db_path, timeout=10)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if reader.execute("select count(*) from runs").fetchone()[0]:
                break
            time.sleep(0.05)
        reader.close()
        time.sleep(2)  # inside the slow file
        assert proc.poll() is None, "the run must still be busy when it is stopped"
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        _, err = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert took < 30, f"SIGTERM took {took:.1f} s"  # ≈ 3 s idle; a file being extracted finishes first
    assert proc.returncode == 128 + signal.SIGTERM
    assert b"stopped: stopped by SIGTERM" in err and b"Traceback" not in err
    db = open_db(db_path)
    (run,) = db["runs"].rows
    assert run["finished_at"] is not None
    per_speech = [
        r["n"]
        for r in db.query(
            "select count(r.id) n from speeches s left join requirements r on r.speech_id = s.id group by s.id"
        )
    ]
    assert set(per_speech) <= {11}
    assert list(db["ingest_errors"].rows) == []  # the slow file is not blamed: it is read next run
    assert db["speeches"].count_where("source = ?", ["000_slow.pdf"]) == 0


# ---------------------------------------------------------------- 3. a bad office lexicon

BAD_LEXICONS = {
    "syntax": ('[categories.department]\naliases = ["市数据局",\n  "市大数据中心"\n', 3, "TOML syntax error"),
    "types": ('[categories.department]\naliases = "市数据局"\n', 2, "Input should be a valid list"),
    "category": (
        '[categories.department]\naliases = ["市数据局"]\n\n[categories.mayors]\naliases = ["市长"]\n',
        4,
        "unknown category 'mayors'",
    ),
    "one-character": ('[categories.department]\naliases = ["市数据局", "要"]\n', 2, "'要' is shorter than 2"),
}


@pytest.mark.parametrize("kind", sorted(BAD_LEXICONS))
def test_3_a_bad_lexicon_stops_run_before_any_file_with_one_line(tmp_path, seed_path, kind, monkeypatch):
    monkeypatch.setenv("SPEECHTASKS_LEXICON", "")  # `run` hands a lexicon on in the environment
    text, line, problem = BAD_LEXICONS[kind]
    lexicon = tmp_path / "office.toml"
    lexicon.write_text(text, "utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    db_path = tmp_path / "tasks.db"
    out = runner.invoke(
        app, ["run", "--corpus", str(corpus), "--db", str(db_path), "--lexicon", str(lexicon)]
    )
    assert out.exit_code == 2
    (message,) = out.output.strip().splitlines()
    assert message.startswith(f"error: bad lexicon: {lexicon}:{line}: ")
    assert problem in message
    assert not db_path.exists()  # nothing recorded: fixing the lexicon needs no --retry-failed


def test_3_a_bad_lexicon_in_the_environment_fails_the_flow_not_the_files(tmp_path, seed_path, monkeypatch):
    """Called without the CLI (a served run), a bad lexicon is no file's failure either."""
    from extractors.lexicon import LexiconError
    from flows.work import extract_one as one

    lexicon = tmp_path / "office.toml"
    lexicon.write_text(BAD_LEXICONS["one-character"][0], "utf-8")
    monkeypatch.setenv("SPEECHTASKS_LEXICON", str(lexicon))
    shutil.copy(seed_path, tmp_path / "a.txt")
    (f,) = scan_corpus(tmp_path)
    with pytest.raises(LexiconError):
        one(f)


# ---------------------------------------------------------------- 4. a failure tied to the bytes read


def test_4_a_file_emptied_and_rewritten_during_a_run_is_not_failed_under_its_good_hash(
    tmp_path, seed_path, fresh_db
):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    path = corpus / "speech.txt"
    shutil.copy(seed_path, path)
    (f,) = scan_corpus(corpus)  # the scan hashes the good bytes
    path.write_bytes(b"")  # a sync tool truncates, then rewrites the same bytes
    run_id = start_run(fresh_db)
    summary = RunSummary(run_id, 1, 1)
    row = persist(fresh_db, run_id, extract_one(f), summary)
    assert row.status == "skipped" and row.reason.startswith("not-ready: ")
    assert summary.errors == [] and fresh_db["ingest_errors"].count == 0
    shutil.copy(seed_path, path)
    assert failed_versions(fresh_db) == set()
    assert [x.source for x in new_files(scan_corpus(corpus), set(), failed_versions(fresh_db))] == [
        "speech.txt"
    ]
    assert ingest_by_hand(corpus, fresh_db).requirements_new == 11


# ---------------------------------------------------------------- 5. a file still being written


def test_5_a_file_still_being_copied_is_not_stored_half(tmp_path, seed_path, fresh_db, monkeypatch):
    monkeypatch.setenv("SPEECHTASKS_QUIET_SECONDS", "1.5")
    raw = seed_path.read_bytes()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    path = corpus / "copying.txt"
    path.write_bytes(raw[: len(raw) * 2 // 3])  # 2/3 copied so far
    while True:  # cut on a character boundary: the partial file decodes cleanly
        try:
            path.read_bytes().decode("utf-8")
            break
        except UnicodeDecodeError:
            path.write_bytes(path.read_bytes()[:-1])
    writer = threading.Timer(0.5, lambda: path.write_bytes(raw))  # the copy goes on
    writer.start()
    try:
        summary = ingest_by_hand(corpus, fresh_db)
    finally:
        writer.join()
    assert fresh_db["speeches"].count == 0
    assert summary.errors == []
    assert summary.skipped == [
        ("copying.txt", "not-ready: still being written (changed during the last seconds)")
    ]
    # Once written and settled, the next run stores the whole speech.
    monkeypatch.setenv("SPEECHTASKS_QUIET_SECONDS", "0")
    assert ingest_by_hand(corpus, fresh_db).requirements_new == 11


def test_5_a_file_changed_between_scan_and_read_is_left_for_the_next_run(tmp_path, seed_path, fresh_db):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    raw = seed_path.read_bytes()
    (corpus / "x.txt").write_bytes(raw[:3000])
    (f,) = scan_corpus(corpus)
    (corpus / "x.txt").write_bytes(raw)
    outcome = extract_one(f)
    assert outcome.result is None and outcome.error is None
    assert outcome.skipped == "not-ready: changed since the scan (being written or replaced)"


# ---------------------------------------------------------------- 6. a damaged database


def damage(db_path: Path) -> None:
    """Overwrite the cell pointers of a leaf page of `runs` (its root's right-most child):
    quick_check fails, opening and reading the schema do not."""
    conn = sqlite3.connect(db_path)
    conn.execute("pragma journal_mode = delete")  # everything in the main file
    page_size = conn.execute("pragma page_size").fetchone()[0]
    (root,) = conn.execute("select rootpage from sqlite_master where name = 'runs'").fetchone()
    conn.close()
    with db_path.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        header = fh.read(12)
        assert header[0] == 0x05, "runs needs more rows: its root is not an interior page"
        leaf = int.from_bytes(header[8:12], "big")  # the right-most child
        fh.seek((leaf - 1) * page_size)
        assert fh.read(1) == b"\x0d"  # a table b-tree leaf
        fh.seek((leaf - 1) * page_size + 8)
        fh.write(b"\xff" * 32)


def test_6_a_damaged_database_is_refused_before_any_write(tmp_path, seed_path):
    db_path = tmp_path / "tasks.db"
    db = open_db(db_path)
    for _ in range(200):
        start_run(db)  # enough rows for several leaf pages
    db.close()
    damage(db_path)
    before = db_path.read_bytes()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    out = runner.invoke(app, ["run", "--corpus", str(corpus), "--db", str(db_path)])
    assert out.exit_code == 2
    (message,) = out.output.strip().splitlines()
    assert message.startswith(f"error: {db_path} is damaged (quick_check: ")
    assert db_path.read_bytes() == before


# ---------------------------------------------------------------- 7. a newer schema


def test_7_a_database_from_a_newer_speechtasks_is_refused(tmp_path, seed_path):
    db_path = tmp_path / "tasks.db"
    db = open_db(db_path)
    db["_sqlite_migrations"].insert(
        {"migration_set": "speechtasks", "name": "m099_from_the_future", "applied_at": "2030-01-01"}
    )
    db.close()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    for args in (["run", "--corpus", str(corpus)], ["tasks"], ["export", "--json", str(tmp_path / "t.json")]):
        out = runner.invoke(app, [*args, "--db", str(db_path)])
        assert out.exit_code == 2, args
        assert out.output.strip() == (
            f"error: {db_path}: this database was written by a newer speechtasks "
            "(migration m099_from_the_future is unknown here): upgrade speechtasks"
        )
    conn = sqlite3.connect(db_path)
    assert conn.execute("select count(*) from runs").fetchone()[0] == 0

"""Issue 18, items 8-15: attacks on the people who read the tasks, and failures that were tracebacks.

Each test reproduces one attack on a fresh temporary corpus and database.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import csv
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app
from extractors import extract_text
from extractors.decode import DecodeError, decode_bytes, speech_from_bytes
from store import open_db, save_extraction

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
LINK = '=HYPERLINK("http://evil.example/steal","点击查看")'


def store_speech(db_path: Path, seed_path: Path, *, first_line: str = "", source: str = "000.txt") -> None:
    text = (first_line + "\n" if first_line else "") + seed_path.read_text("utf-8")
    speech, decoded = speech_from_bytes(text.encode("utf-8"), source, source)
    db = open_db(db_path)
    save_extraction(db, extract_text(decoded, speech), source)
    db.close()


# ---------------------------------------------------------------- 8. formula injection


def test_8_no_cell_of_the_ledger_is_a_live_formula(tmp_path, seed_path):
    db_path = tmp_path / "tasks.db"
    store_speech(db_path, seed_path, first_line=LINK, source="@SUM(1+1).txt")
    out = runner.invoke(
        app,
        [
            "export",
            "--db",
            str(db_path),
            "--csv",
            str(tmp_path / "t.csv"),
            "--xlsx",
            str(tmp_path / "t.xlsx"),
        ],
    )
    assert out.exit_code == 0, out.output

    rows = list(csv.DictReader(io.StringIO((tmp_path / "t.csv").read_text("utf-8-sig"))))
    assert len(rows) == 11
    assert {r["来源讲话"] for r in rows} == {"'" + LINK}  # shown as text, not run
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())

    sheet = load_workbook(tmp_path / "t.xlsx").active
    titles = {row[4] for row in sheet.iter_rows(min_row=2)}
    assert {(c.value, c.data_type) for c in titles} == {(LINK, "s")}  # a string cell: no formula
    assert "<f>" not in zipfile.ZipFile(tmp_path / "t.xlsx").read("xl/worksheets/sheet1.xml").decode()

    out = runner.invoke(app, ["tasks", "--db", str(db_path), "--format", "csv"])
    assert out.exit_code == 0, out.output
    tasks = list(csv.DictReader(io.StringIO(out.stdout)))
    assert {r["source"] for r in tasks} == {"'@SUM(1+1).txt"}


# ---------------------------------------------------------------- 9. readers without write permission


@contextlib.contextmanager
def read_only(*paths: Path):
    """No one may write these (chmod; as root, which chmod does not stop, the immutable flag)."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in paths}
        for p in paths:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", *map(str, paths)]).returncode:
        pytest.skip("cannot make a file read-only for root here (chattr +i)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, paths)], check=True)


def test_9_readers_read_a_database_they_may_not_write(tmp_path, seed_path, monkeypatch):
    folder = tmp_path / "shared"
    folder.mkdir()
    db_path = folder / "tasks.db"
    store_speech(db_path, seed_path)
    assert not Path(f"{db_path}-wal").exists()  # closed cleanly: no WAL index left to reuse
    monkeypatch.setattr("store.browse.serve", lambda ds, **kw: None)  # start browse, do not block
    with read_only(db_path, folder):
        out = runner.invoke(app, ["tasks", "--db", str(db_path), "--format", "json"])
        assert out.exit_code == 0, out.output
        assert len(json.loads(out.stdout)) == 11
        out = runner.invoke(app, ["export", "--db", str(db_path), "--json", str(tmp_path / "t.json")])
        assert out.exit_code == 0, out.output
        assert len(json.loads((tmp_path / "t.json").read_text("utf-8"))) == 11
        out = runner.invoke(app, ["browse", "--db", str(db_path), "--immutable"])
        assert out.exit_code == 0, out.output


def test_9_read_paths_never_switch_the_journal_or_migrate(tmp_path, seed_path):
    db_path = tmp_path / "tasks.db"
    store_speech(db_path, seed_path)
    conn = sqlite3.connect(db_path)
    conn.execute("pragma journal_mode = delete")  # as another tool may leave it
    conn.close()
    before = db_path.read_bytes()
    out = runner.invoke(app, ["tasks", "--db", str(db_path), "--format", "json"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["export", "--db", str(db_path), "--json", str(tmp_path / "t.json")])
    assert out.exit_code == 0, out.output
    assert db_path.read_bytes() == before  # not even the header's WAL flag
    # An older schema is not upgraded by a reader: it says who does.
    conn = sqlite3.connect(db_path)
    conn.execute("delete from _sqlite_migrations where name = 'm006_task_order_bigrams'")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    out = runner.invoke(app, ["tasks", "--db", str(db_path)])
    assert out.exit_code == 2
    assert (
        out.output
        == f"error: {db_path} has an older schema; a writer upgrades it: run `speechtasks run` once\n"
    )
    assert db_path.read_bytes() == before


# ---------------------------------------------------------------- 10. CORS


def test_10_datasette_allows_no_other_origin_unless_asked(tmp_path, seed_path):
    pytest.importorskip("datasette")
    from store.browse import make_datasette

    db_path = tmp_path / "tasks.db"
    store_speech(db_path, seed_path)
    url = "/tasks/requirements.json?_shape=array"
    closed = asyncio.run(make_datasette(db_path).client.get(url, headers={"Origin": "http://evil.example"}))
    assert closed.status_code == 200
    assert "access-control-allow-origin" not in closed.headers
    opened = asyncio.run(make_datasette(db_path, cors=True).client.get(url))
    assert opened.headers["access-control-allow-origin"] == "*"
    assert "--cors" in runner.invoke(app, ["browse", "--help"]).output


# ---------------------------------------------------------------- 11. a link out of the corpus


def test_11_a_link_out_of_the_corpus_is_recorded_not_followed(tmp_path, seed_path, fresh_db):
    from tests.test_attacks import ingest_by_hand

    outside = tmp_path / "private"
    outside.mkdir()
    shutil.copy(seed_path, outside / "secret.txt")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "link.txt").symlink_to(outside / "secret.txt")
    (corpus / "inside.txt").write_text("一、总体要求\n各地区各部门要认真贯彻落实。\n", "utf-8")
    (corpus / "alias.txt").symlink_to(corpus / "inside.txt")  # inside the corpus: followed

    summary = ingest_by_hand(corpus, fresh_db)
    assert summary.errors == [("link.txt", "outside-corpus: a link to a file outside the corpus")]
    assert "link.txt" not in {r["source"] for r in fresh_db["speeches"].rows}
    assert fresh_db["requirements"].count_where("text like '%管党治党%'") == 0
    # Recorded once, not on every run.
    assert ingest_by_hand(corpus, fresh_db).errors == []


# ---------------------------------------------------------------- 12. two runs at once


@pytest.mark.flow
def test_12_a_second_run_on_the_same_database_refuses_with_one_line(
    prefect_harness, tmp_path, seed_path, monkeypatch
):
    from prefect.settings import PREFECT_API_URL

    from tests.test_attacks import drafts

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    drafts(corpus, seed_path, 24)
    db_path = tmp_path / "tasks.db"
    open_db(db_path).close()
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    cmd = [sys.executable, "-m", "cli.main", "run", "--corpus", str(corpus), "--db", str(db_path)]
    first = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        reader = sqlite3.connect(db_path, timeout=10)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and first.poll() is None:
            if reader.execute("select count(*) from speeches").fetchone()[0]:
                break
            time.sleep(0.02)
        reader.close()
        assert first.poll() is None, "the first run must still be writing"
        monkeypatch.setattr("store.safety.LOCK_WAIT_S", 0.5)
        second = runner.invoke(app, ["run", "--corpus", str(corpus), "--db", str(db_path)])
        assert first.wait(300) == 0
    finally:
        if first.poll() is None:
            first.kill()
    assert second.exit_code == 2
    (line,) = second.output.strip().splitlines()
    assert line.startswith(f"error: another run is writing {db_path} (pid {first.pid}, since 20")
    db = open_db(db_path)
    assert [r["finished_at"] is not None for r in db["runs"].rows] == [True]  # the second left no row
    assert db["requirements"].count == 11 * 24


# ---------------------------------------------------------------- 13. a killed run's Prefect server


def test_13_a_server_started_watched_dies_with_its_killed_parent(tmp_path):
    """The parent stands for `run`, the child for its Prefect server (the same wrapper)."""
    parent_code = (
        "import subprocess, sys, time\n"
        "from flows.server import watched_command\n"
        "child = subprocess.Popen(watched_command('http.server', '0', '--bind', '127.0.0.1'))\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", parent_code], cwd=ROOT, stdout=subprocess.PIPE)
    child = int(parent.stdout.readline())
    time.sleep(1)
    os.kill(child, 0)  # the server is running
    parent.send_signal(signal.SIGKILL)  # no cleanup can run in the parent
    parent.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        with contextlib.suppress(ChildProcessError):
            os.waitpid(child, os.WNOHANG)
        time.sleep(0.2)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the server outlived its killed parent")


def test_13_the_embedded_prefect_server_is_started_watched(monkeypatch):
    from prefect.server.api import server as prefect_server

    from flows.server import tie_embedded_server_to_parent, watched_command

    monkeypatch.setattr(prefect_server, "subprocess", prefect_server.subprocess)  # restored afterwards
    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda args, *a, **kw: started.append(args))
    tie_embedded_server_to_parent()
    uvicorn = [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app"]
    prefect_server.subprocess.Popen(uvicorn)  # what SubprocessASGIServer._run_uvicorn_command calls
    prefect_server.subprocess.Popen(["git", "status"])
    assert started == [watched_command("uvicorn", *uvicorn[3:]), ["git", "status"]]


# ---------------------------------------------------------------- 14. disk full


@pytest.mark.flow
def test_14_a_full_disk_stops_the_run_cleanly_with_whole_speeches_first(
    prefect_harness, tmp_path, seed_path, monkeypatch
):
    import flows.ingest
    from tests.test_attacks import drafts

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    drafts(corpus, seed_path, 6)
    db_path = tmp_path / "tasks.db"

    def small_disk(path, **kw):  # SQLite's own SQLITE_FULL, as on a full disk
        db = open_db(path, **kw)
        pages = db.execute("pragma page_count").fetchone()[0]
        db.execute(f"pragma max_page_count = {pages + 60}")
        return db

    monkeypatch.setattr(flows.ingest, "open_db", small_disk)
    out = runner.invoke(app, ["run", "--corpus", str(corpus), "--db", str(db_path)])
    assert out.exit_code == 1, out.output
    assert "Traceback" not in out.output
    assert f"stopped: the disk holding {db_path} is full:" in out.output
    db = open_db(db_path)
    (run,) = db["runs"].rows
    assert run["finished_at"] is not None
    speeches = list(db.query("select id, review_path from speeches"))
    assert 1 <= len(speeches) < 6
    assert db["requirements"].count == 11 * len(speeches)  # whole speeches only
    pages = sorted((tmp_path / "tasks.review").glob("*.html"))
    assert pages == sorted(Path(s["review_path"]) for s in speeches)  # no page without its speech


# ---------------------------------------------------------------- 15. one line, not a traceback


def one_line(out) -> str:
    assert "Traceback" not in out.output
    (line,) = out.output.strip().splitlines()
    return line


def test_15_a_file_that_is_not_a_database(tmp_path, seed_path):
    bogus = tmp_path / "tasks.db"
    bogus.write_bytes(b"this is a spreadsheet, not a database\n" * 200)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    expected = f"error: {bogus} is not a speechtasks database or is damaged (file is not a database)"
    for args in (["tasks"], ["export", "--json", str(tmp_path / "t.json")], ["run", "--corpus", str(corpus)]):
        out = runner.invoke(app, [*args, "--db", str(bogus)])
        assert out.exit_code == 2, args
        assert one_line(out) == expected


@pytest.mark.parametrize("kind", ["empty", "overflowing"])
def test_15_an_empty_or_overflowing_after_cursor(tmp_path, seed_path, kind):
    # A cursor of the right shape whose offset does not fit SQLite's 64-bit integers.
    forged = base64.urlsafe_b64encode(json.dumps(["000.txt", 10**22, "x"]).encode()).decode()
    db_path = tmp_path / "tasks.db"
    store_speech(db_path, seed_path)
    out = runner.invoke(app, ["tasks", "--db", str(db_path), "--after", "" if kind == "empty" else forged])
    assert out.exit_code == 2
    assert one_line(out).startswith("error: ")


def test_15_a_bad_lexicon_on_extract(tmp_path, seed_path):
    lexicon = tmp_path / "office.toml"
    lexicon.write_text("[categories.department\naliases = []\n", "utf-8")
    out = runner.invoke(app, ["extract", str(seed_path), "--lexicon", str(lexicon)])
    assert out.exit_code == 2
    assert one_line(out).startswith(f"error: bad lexicon: {lexicon}:1: TOML syntax error: ")


@pytest.mark.parametrize("command", ["extract", "show"])
def test_15_a_fifo_is_refused_not_waited_on(tmp_path, command):
    fifo = tmp_path / "speech.txt"
    os.mkfifo(fifo)
    cmd = [sys.executable, "-m", "cli.main", command, str(fifo)]
    done = subprocess.run(
        cmd, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        f"error: {fifo}: not-a-file: not a regular file (a FIFO, device or socket): nothing to read"
    )


def test_15_mixed_encodings_are_not_called_truncated():
    half = "各地区各部门要认真贯彻落实党中央决策部署。"
    raw = half.encode("utf-8") + half.encode("gb18030")  # pasted from two editors
    with pytest.raises(DecodeError) as err:
        decode_bytes(raw)
    assert err.value.kind == "encoding"
    assert str(err.value).startswith("encoding: mixed encodings (UTF-8 up to byte 63, then not)")
    assert "still being copied" not in str(err.value)

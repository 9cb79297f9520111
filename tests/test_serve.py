"""`speechtasks serve`: the flow on a schedule, with the local Prefect server it starts and stops."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from flows.server import is_healthy

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("args", [[], ["--cron", "* * * * *", "--interval", "60"]])
def test_serve_needs_exactly_one_schedule(tmp_path, args):
    out = CliRunner().invoke(app, ["serve", "--corpus", str(tmp_path), *args])
    assert out.exit_code == 2
    assert "exactly one of --cron EXPR or --interval SECONDS" in out.output


def test_with_prefect_api_url_set_serve_uses_that_server(monkeypatch, tmp_path):
    import flows.serve as serve

    calls = []
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))  # a PREFECT_HOME the user set is kept
    monkeypatch.setattr(serve, "local_server", lambda *a, **k: pytest.fail("started a second server"))
    monkeypatch.setattr(
        serve, "_serve", lambda params, cron, interval: calls.append((params, cron, interval))
    )
    serve.serve_ingest(tmp_path, tmp_path / "t.db", cron="0 9 * * 1-5")
    serve.serve_ingest(tmp_path, tmp_path / "t.db", interval=60, review_pages=False)
    params = {
        "corpus": str(tmp_path.resolve()),
        "db_path": str((tmp_path / "t.db").resolve()),
        "run_line": True,
    }
    assert calls == [
        ({**params, "review_pages": True}, "0 9 * * 1-5", None),
        ({**params, "review_pages": False}, None, 60),
    ]
    assert os.environ["PREFECT_HOME"] == str(tmp_path / "home")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _finished_runs(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    with sqlite3.connect(db_path, timeout=10) as con:
        try:
            return con.execute("select count(*) from runs where finished_at is not null").fetchone()[0]
        except sqlite3.OperationalError:  # schema not created yet
            return 0


RUN_LINE = re.compile(r"run (\d+): (\d+) files, (\d+) new, (\d+) stored \((\d+) requirements\), (\d+) errors")


@pytest.mark.flow
def test_serve_runs_at_once_prints_a_line_a_run_and_its_hint_triggers_a_run(tmp_path, seed_path):
    """An hour's interval, yet the first run starts at once; the hint's command (with the local
    server's PREFECT_API_URL) starts the second; each prints its line; stopping stops the server."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    db_path = tmp_path / "tasks.db"
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {
        "SPEECHTASKS_PREFECT_HOME": str(tmp_path / "server"),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",  # the runner looks for due runs every second
    }
    cmd = [sys.executable, "-m", "cli.main", "serve", "--interval", "3600", "--corpus", str(corpus)]
    cmd += ["--db", str(db_path)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT
        )
    api_url = hint = None
    try:
        # server first start ≈ 20-25 s, then a run's process loads Prefect and the extractors:
        # well under a minute on an idle machine, minutes on a shared one
        deadline = time.monotonic() + 420
        while time.monotonic() < deadline and proc.poll() is None and _finished_runs(db_path) < 1:
            time.sleep(1)
        text = log.read_text()
        assert _finished_runs(db_path) == 1, text[-2000:]
        api_url = re.search(r"local Prefect server at (\S+/api)", text).group(1)
        assert api_url.startswith("http://127.0.0.1:")
        hint = re.search(
            r"from another shell: (PREFECT_API_URL=(\S+) prefect deployment run '([^']+)')", text
        )
        assert hint and hint.group(2) == api_url, text[-2000:]
        assert hint.group(3) == "ingest_corpus/speechtasks-ingest"
        # The hint, as a user in another shell would type it.
        trigger = [sys.executable, "-m", "prefect", "deployment", "run", hint.group(3)]
        other_shell = {k: v for k, v in env.items() if k != "SPEECHTASKS_PREFECT_HOME"}
        other_shell |= {"PREFECT_API_URL": hint.group(2), "PREFECT_HOME": str(tmp_path / "other_shell")}
        done = subprocess.run(trigger, env=other_shell, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None and _finished_runs(db_path) < 2:
            time.sleep(1)
        deadline = time.monotonic() + 20  # the line is printed just after the run is recorded
        while time.monotonic() < deadline and len(RUN_LINE.findall(log.read_text())) < 2:
            time.sleep(0.5)
        lines = RUN_LINE.findall(log.read_text())
        assert [line[1:] for line in lines] == [
            ("1", "1", "1", "11", "0"),  # files, new, stored, requirements, errors
            ("1", "0", "0", "0", "0"),
        ], log.read_text()[-2000:]
        with sqlite3.connect(db_path) as con:
            assert con.execute("select count(*) from requirements").fetchone()[0] == 11
    finally:
        proc.send_signal(signal.SIGTERM)  # graceful: the runner stops, then serve stops its server
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    assert proc.returncode == 0, log.read_text()[-2000:]
    deadline = time.monotonic() + 20
    while _group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.5)
    alive = _group_alive(proc.pid)
    if alive:
        os.killpg(proc.pid, signal.SIGKILL)
    assert not alive, "serve left processes behind"
    assert not is_healthy(api_url)

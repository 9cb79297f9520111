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
    monkeypatch.setattr(serve, "local_server", lambda *a, **k: pytest.fail("started a second server"))
    monkeypatch.setattr(
        serve, "_serve", lambda params, cron, interval: calls.append((params, cron, interval))
    )
    serve.serve_ingest(tmp_path, tmp_path / "t.db", cron="0 9 * * 1-5")
    serve.serve_ingest(tmp_path, tmp_path / "t.db", interval=60, review_pages=False)
    params = {"corpus": str(tmp_path.resolve()), "db_path": str((tmp_path / "t.db").resolve())}
    assert calls == [
        ({**params, "review_pages": True}, "0 9 * * 1-5", None),
        ({**params, "review_pages": False}, None, 60),
    ]


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.flow
def test_served_flow_runs_on_its_interval_and_stopping_it_stops_the_server(tmp_path, seed_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    db_path = tmp_path / "tasks.db"
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {
        "PREFECT_HOME": str(tmp_path / "client_home"),
        "SPEECHTASKS_PREFECT_HOME": str(tmp_path / "server"),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",  # the runner looks for due runs every second
    }
    cmd = [
        sys.executable,
        "-m",
        "cli.main",
        "serve",
        "--interval",
        "2",
        "--corpus",
        str(corpus),
        "--db",
        str(db_path),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT
        )
    api_url = None
    finished = 0
    try:
        deadline = time.monotonic() + 180  # server first start ≈ 20-25 s, more under load
        while time.monotonic() < deadline and proc.poll() is None and finished < 2:
            time.sleep(1)
            if api_url is None and (m := re.search(r"local Prefect server at (\S+/api)", log.read_text())):
                api_url = m.group(1)
            if db_path.exists():
                with sqlite3.connect(db_path, timeout=10) as con:
                    try:
                        finished = con.execute(
                            "select count(*) from runs where finished_at is not null"
                        ).fetchone()[0]
                    except sqlite3.OperationalError:  # schema not created yet
                        finished = 0
        assert api_url and api_url.startswith("http://127.0.0.1:"), log.read_text()[-2000:]
        assert finished >= 2, log.read_text()[-2000:]  # the first run stores, the next finds nothing new
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

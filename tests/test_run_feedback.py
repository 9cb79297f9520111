"""`speechtasks run` as a new user sees it: the stages of its start, and where Prefect's files go."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.flow
def test_run_names_its_stages_and_keeps_prefect_in_its_own_home(tmp_path, seed_path):
    """A fresh user (HOME empty, no PREFECT_ variables): the stages are printed in order before the
    summary, and Prefect's database lands in ~/.speechtasks/prefect-server, not ~/.prefect."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SPEECHTASKS_"))}
    env |= {"HOME": str(home), "COLUMNS": "200"}
    cmd = [sys.executable, "-m", "cli.main", "run", "--corpus", str(corpus), "--db", str(tmp_path / "t.db")]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    stages = ["1 new or changed file(s) of 1", "loading dictionaries…", "starting Prefect…", "extracting…"]
    at = [out.find(s) for s in stages]
    assert -1 not in at and at == sorted(at), out
    assert at[-1] < out.find("files in corpus")  # all before the summary
    assert (home / ".speechtasks" / "prefect-server" / "prefect.db").is_file()
    assert not (home / ".prefect").exists()


def test_the_prefect_home_is_the_option_then_prefect_home_then_our_default(tmp_path, monkeypatch):
    from flows.settings import default_prefect_home, prefect_home

    monkeypatch.delenv("PREFECT_HOME", raising=False)
    assert prefect_home() == default_prefect_home() == Path.home() / ".speechtasks" / "prefect-server"
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "mine"))
    assert prefect_home() == tmp_path / "mine"
    assert prefect_home(tmp_path / "given") == tmp_path / "given"

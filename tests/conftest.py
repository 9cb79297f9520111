"""Shared fixtures: the seed speech, a fresh database, one Prefect harness per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "000_party_building_city_gov.txt"
SHARED = ROOT.parent / "shared"
# Files written by a test are read at once: a run waits for a just-modified file to
# settle (flows/work.py QUIET_SECONDS, 3 s). tests/test_attacks.py checks that wait.
os.environ.setdefault("SPEECHTASKS_QUIET_SECONDS", "0")


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def fresh_db():
    from store import open_db

    db = open_db(":memory:")
    yield db
    db.close()


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One embedded Prefect server for every flow test (its start costs ~20-30 s)."""
    from flows.settings import apply_env_defaults

    apply_env_defaults()
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect_home"))
    from prefect.settings import temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (
        prefect_test_harness(server_startup_timeout=120),
        temporary_settings(updates={"flows.heartbeat_frequency": None}),
    ):
        yield


@pytest.fixture(autouse=True)
def _no_stop_left_over():
    """A test whose run stopped (a full disk requests a stop) leaves no stop for the next one:
    steps called without the flow (tests/test_identity.py) would skip every file."""
    yield
    from flows.stopping import STOP

    STOP.clear()

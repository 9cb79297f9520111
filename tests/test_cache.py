"""extractors/cache.py: jieba's tables read from a cache file are jieba's own, the file is
rebuilt when damaged or stale, and a cold command loads only what it needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jieba
import pytest

from extractors import cache

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "000_party_building_city_gov.txt"


@pytest.fixture(scope="module")
def reference() -> tuple[dict[str, int], int, dict[str, str]]:
    """jieba's tables read the slow way, from dict.txt itself, independent of any cache."""
    import jieba.posseg

    freq, total = jieba.Tokenizer.gen_pfdict(jieba.dt.get_dict_file())
    return freq, total, dict(jieba.posseg.dt.word_tag_tab)


@pytest.fixture(scope="module")
def cached_bytes(reference) -> bytes:
    return cache.dump(reference)


def test_the_cached_tables_are_jiebas_own(reference, cached_bytes):
    freq, total, tags = cache.load(cached_bytes)
    assert freq == reference[0]
    assert total == reference[1]
    assert dict(tags.items()) == reference[2]
    # looked up one by one, as the extractors do
    assert tags.get("党委") == "j"  # dict.txt: 党委 1656 j
    assert tags.get("加强") == "v"  # dict.txt: 加强 11080 v
    assert tags.get("督查督办台账", "x") == "x"  # not a dictionary word
    assert "党委" in tags and "督查督办台账" not in tags


def test_a_damaged_or_foreign_file_is_refused(cached_bytes):
    for bad in (b"", b"not marshal", cached_bytes[: len(cached_bytes) // 2], cached_bytes[:-3]):
        with pytest.raises(ValueError):
            cache.load(bad)


def test_a_damaged_cache_file_is_rebuilt(tmp_path, reference):
    path = tmp_path / f"jieba-{cache.cache_key()}.bin"
    path.write_bytes(b"half a file")
    freq, total, tags = cache.cached_tables(tmp_path)
    assert (freq == reference[0], total) == (True, reference[1])
    assert tags.get("部署") == reference[2]["部署"]
    assert cache.load(path.read_bytes())[1] == reference[1]  # whole again
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_the_key_follows_the_versions(monkeypatch):
    import importlib.metadata

    now = cache.cache_key()
    assert cache.cache_key() == now  # the same install: the same file
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "99.0")
    upgraded = cache.cache_key()
    assert upgraded != now  # an upgrade never reads an older release's file
    monkeypatch.setattr(jieba, "__version__", "0.99")
    assert cache.cache_key() not in (now, upgraded)


def test_a_folder_others_can_write_is_not_trusted(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv(cache.ENV_VAR, str(shared))
    assert cache.cache_dir() is None  # no cache rather than one someone else could plant
    own = tmp_path / "own"
    monkeypatch.setenv(cache.ENV_VAR, str(own))
    assert cache.cache_dir() == own and (own.stat().st_mode & 0o777) == 0o700


def _python(code: str, env: dict[str, str]) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def _env(cache_dir: Path) -> dict[str, str]:
    env = {**os.environ, cache.ENV_VAR: str(cache_dir)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


EXTRACT = (
    "import sys, json; from pathlib import Path; from extractors import extract_file\n"
    f"r = extract_file(Path({str(SEED)!r}))\n"
    "print(json.dumps({'requirements': len(r.requirements), "
    "'posseg': 'jieba.posseg' in sys.modules, 'json': r.to_json()}))"
)


def test_processes_starting_together_share_one_whole_cache(tmp_path):
    """The first processes build the file (each to a temporary name, then renamed);
    later ones read it, without jieba.posseg's table parse, and extract the same."""
    env = _env(tmp_path)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", EXTRACT], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    firsts = [json.loads(p.communicate(timeout=300)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].name.startswith("jieba-")  # no temporary left over
    cache.load(files[0].read_bytes())  # whole
    later = json.loads(_python(EXTRACT, env))
    assert later["posseg"] is False  # read from the cache, not parsed from dict.txt
    assert {f["json"] for f in firsts} == {later["json"]}
    assert later["requirements"] > 10


def test_help_loads_no_model_no_dictionary(tmp_path):
    """`speechtasks --help` imports neither pydantic models nor spaCy, jieba, jinja2."""
    code = (
        "import sys; from cli.main import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'pydantic', 'spacy', 'jieba', 'jinja2', 'sqlite_utils', 'prefect'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))"
    )
    out = _python(code, _env(tmp_path)).strip().splitlines()[-1]
    assert out == "[]"

"""store/search.py: Chinese words of any length, as the user types them.

Expected paths are read off the seed by hand: 书记 occurs in 3.1.1 (党委（党组）书记,
书记抓、抓书记) and 3.2.3 (第一书记); 巡察 in 3.1.2 and 3.1.5 (政治巡察); 巡察整改 and
整改 only in 3.1.2 (市委还将开展巡察整改“回头看”).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app
from extractors import extract_file
from store import open_db, save_extraction, search_requirements
from store.search import search_sql, search_terms

runner = CliRunner()


@pytest.fixture
def seeded(fresh_db, seed_path):
    save_extraction(fresh_db, extract_file(seed_path, source="000.txt"), "000.txt")
    return fresh_db


def paths(rows):
    return [r["path"] for r in rows]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("书记", ["3.1.1", "3.2.3"]),  # two characters: below the trigram index
        ("巡察", ["3.1.2", "3.1.5"]),
        ("巡察整改", ["3.1.2"]),  # four characters: through the FTS5 trigram index
        ("巡察 整改", ["3.1.2"]),  # every word must occur
        ("巡察\u3000整改", ["3.1.2"]),  # a full-width space separates words too
        ("回头看", ["3.1.2"]),  # exactly three characters
        ("党的建设", ["3.1.1", "3.1.4"]),
        ("外星人", []),
    ],
)
def test_search_finds_words_of_any_length(seeded, text, expected):
    assert paths(search_requirements(seeded, text)) == expected


def test_search_terms_split_on_any_space():
    assert search_terms(" 巡察  整改\u3000书记 ") == ["巡察", "整改", "书记"]


def test_short_and_long_terms_take_their_own_paths():
    sql, params = search_sql("书记 巡察整改")
    assert "instr(" in sql and "requirements_fts match ?" in sql
    assert params == ["书记", "书记", '"巡察整改"']


@pytest.mark.parametrize(
    "text", ["'", '"', '"巡察', "'; DROP TABLE requirements; --", "巡察 OR 书记", "NEAR(巡察 整改)"]
)
def test_quotes_sql_and_fts_syntax_are_just_text(seeded, text):
    assert search_requirements(seeded, text) == []
    assert seeded["requirements"].count == 11


def test_the_index_follows_a_new_version(tmp_path, seed_path):
    db = open_db(tmp_path / "t.db")
    save_extraction(db, extract_file(seed_path, source="000.txt"), "000.txt")
    edited = tmp_path / seed_path.name
    edited.write_text(seed_path.read_text("utf-8").replace("巡察整改“回头看”", "整改落实“回头看”"), "utf-8")
    save_extraction(db, extract_file(edited, source="000.txt"), "000.txt")
    assert paths(search_requirements(db, "巡察整改")) == []
    assert paths(search_requirements(db, "整改落实")) == ["3.1.2"]
    old = search_requirements(db, "巡察整改", include_superseded=True)
    assert [(r["path"], r["status"]) for r in old] == [("3.1.2", "superseded")]


def test_tasks_search_on_the_command_line(tmp_path, seed_path):
    db = tmp_path / "t.db"
    save_extraction(open_db(db), extract_file(seed_path, source="000.txt"), "000.txt")
    for text, expected in [("书记", ["3.1.1", "3.2.3"]), ("巡察整改", ["3.1.2"])]:
        out = runner.invoke(app, ["tasks", "--db", str(db), "--search", text, "--format", "json"])
        assert out.exit_code == 0, out.output
        assert paths(json.loads(out.stdout)) == expected
    out = runner.invoke(
        app, ["tasks", "--db", str(db), "--search", "'; DROP TABLE requirements; --", "-f", "json"]
    )
    assert out.exit_code == 0 and json.loads(out.stdout) == []
    assert open_db(db)["requirements"].count == 11

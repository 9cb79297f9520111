"""store/search.py: Chinese words of any length, as the user types them.

Expected paths are read off the seed by hand: 书记 occurs in 3.1.1 (党委（党组）书记,
书记抓、抓书记) and 3.2.3 (第一书记); 巡察 in 3.1.2 and 3.1.5 (政治巡察); 巡察整改 and
整改 only in 3.1.2 (市委还将开展巡察整改“回头看”).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from extractors import extract_file
from store import open_db, query_tasks, save_extraction, search_requirements, task_page
from store.migrations import grams_sql
from store.search import bigrams, search_sql, search_terms

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


def test_each_length_of_word_has_its_index():
    sql, params = search_sql("书记 巡察整改 书 记，")
    assert "requirements_bigrams match ?" in sql and "requirements_fts match ?" in sql
    assert params == [
        '"书记"', "书记", "书记",  # two characters: one bigram token
        '"巡察整改"', "巡察整改", "巡察整改",  # three or more: the trigram phrase
        '"书"*', "书", "书",  # one character: the prefix of a bigram token
        "记，", "记，",  # punctuation inside a short word: no index, instr() alone
    ]  # fmt: skip


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


# --- the indexes give exactly what instr() on the real text gives -------------

CORPUS = sorted((Path(__file__).resolve().parent.parent / "corpus").glob("0*.txt"))


@pytest.fixture(scope="module")
def corpus_db():
    """Every speech of corpus/ stored, one database for the module."""
    db = open_db(":memory:")
    for path in CORPUS:
        save_extraction(db, extract_file(path, source=path.name), path.name)
    yield db
    db.close()


def by_instr(db, words):
    """The ids a plain substring scan gives, in speech order: what search must equal."""
    where = " and ".join(
        ["(instr(lower(r.heading), lower(?)) > 0 or instr(lower(r.text), lower(?)) > 0)"] * len(words)
    )
    rows = db.execute(
        f"""select r.id from requirements r join speeches s on s.id = r.speech_id
            where r.status = 'active' and {where} order by s.source, r.char_start, r.id""",
        [w for word in words for w in (word, word)],
    )
    return [r[0] for r in rows]


def sample_words(db, n_chars, count, seed):
    """Words of `n_chars` characters cut from the stored texts at random, and a few that occur nowhere."""
    rng = random.Random(seed)
    texts = [r[0] for r in db.execute("select text from requirements order by id")]
    words = set()
    while len(words) < count:
        text = rng.choice(texts)
        if len(text) > n_chars:
            i = rng.randrange(len(text) - n_chars)
            if not any(c.isspace() for c in text[i : i + n_chars]):  # white space separates words
                words.add(text[i : i + n_chars])
    return sorted(words)


@pytest.mark.parametrize("n_chars", [1, 2, 3, 4])
def test_search_equals_a_substring_scan_on_real_text(corpus_db, n_chars):
    assert corpus_db["requirements"].count > 200  # the corpus, not just the seed
    words = sample_words(corpus_db, n_chars, 40, seed=n_chars)
    words += ["鑫", "鑫鑫", "外星人来", "A", "gdp", "GDP", "，", "。“", "记，"]
    for word in words:
        expected = by_instr(corpus_db, [word])
        assert [r["id"] for r in query_tasks(corpus_db, search=word)] == expected, word
        assert [r["id"] for r in search_requirements(corpus_db, word)] == expected, word


def test_several_words_and_pages_equal_a_substring_scan(corpus_db):
    for words in (["发展", "改革"], ["的", "人民"], ["经济", "社会发展"], ["党", "书记"]):
        expected = by_instr(corpus_db, words)
        assert expected, words
        assert [r["id"] for r in query_tasks(corpus_db, search=" ".join(words))] == expected
        got, after = [], None
        while True:
            page = task_page(corpus_db, search=" ".join(words), limit=7, after=after)
            got += [r["id"] for r in page.rows]
            if page.after is None:
                break
            after = page.after
        assert got == expected, words


@pytest.mark.parametrize(
    ("few", "many", "scan"), [(2000, 20000, 10000), (1, 5, 3), (1, 1, 1), (10**6, 10**6, 1)]
)
def test_every_way_to_a_page_gives_the_same_page(corpus_db, monkeypatch, few, many, scan):
    """A page comes from the sorted candidates, a probed ordered read or a checked ordered
    read, depending on how common the words are; forced each way, the pages are the same."""
    monkeypatch.setattr("store.queries.FEW", few)
    monkeypatch.setattr("store.queries.MANY", many)
    monkeypatch.setattr("store.queries.SCAN", scan)
    for word in ["的", "发展", "书记", "巡察", "社会主义", "鑫", "gdp"]:
        expected = by_instr(corpus_db, [word])
        for limit in (1, 5, 50):
            page = task_page(corpus_db, search=word, limit=limit)
            assert [r["id"] for r in page.rows] == expected[:limit], (word, limit)
            assert (page.after is not None) == (len(expected) > limit)
            if page.after:
                second = task_page(corpus_db, search=word, limit=limit, after=page.after)
                assert [r["id"] for r in second.rows] == expected[limit : 2 * limit], (word, limit)
        assert [r["id"] for r in task_page(corpus_db, search=word, limit=None).rows] == expected


def test_the_python_bigrams_are_the_triggers_bigrams(corpus_db):
    """The backfill (Python) and the triggers (SQL) must write the same tokens: a contentless
    FTS5 table deletes a row by the tokens it was given."""
    rows = corpus_db.execute(
        f"select heading, text, {grams_sql('r')} from requirements r order by id limit 300"
    ).fetchall()
    assert rows
    for heading, text, sql in rows:
        assert sql == bigrams(heading) + " " + bigrams(text)
    assert bigrams("书记") == "书记 记" and bigrams("") == "" and bigrams(None) == ""


def raw_bigram_hits(db, word):
    """Rowids the bigram index alone gives for a two-character word (no instr() check)."""
    return {
        r[0]
        for r in db.execute(
            "select rowid from requirements_bigrams where requirements_bigrams match ?", [f'"{word}"']
        )
    }


def test_the_bigram_index_follows_edits_and_deletes(tmp_path, seed_path):
    db = open_db(tmp_path / "t.db")
    save_extraction(db, extract_file(seed_path, source="000.txt"), "000.txt")
    (rowid,) = db.execute("select rowid from requirements where path = '3.1.2'").fetchone()
    assert rowid in raw_bigram_hits(db, "巡察")
    db.execute(
        "update requirements set text = replace(text, '巡察', '检查'), heading = '改了' where rowid = ?",
        [rowid],
    )
    assert rowid not in raw_bigram_hits(db, "巡察")
    assert rowid in raw_bigram_hits(db, "检查") and rowid in raw_bigram_hits(db, "改了")
    db.execute(
        "delete from requirement_actors where requirement_id in (select id from requirements where rowid = ?)",
        [rowid],
    )
    db.execute("delete from requirements where rowid = ?", [rowid])
    assert rowid not in raw_bigram_hits(db, "检查")
    db.execute("insert into requirements_bigrams (requirements_bigrams) values ('integrity-check')")

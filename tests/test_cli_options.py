"""Options as a user types them: `tasks`/`export` --speech as a path and option clashes,
`show --open` where no browser can start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from extractors import extract_file
from store import open_db, save_extraction

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "000_party_building_city_gov.txt"
OTHER = ROOT / "corpus" / "007_gwr_national_1979.txt"


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """An office folder: corpus/ with the seed (and a 1979 report in a subfolder), the database."""
    root = tmp_path_factory.mktemp("office")
    (root / "corpus" / "1979").mkdir(parents=True)
    (root / "corpus" / SEED.name).write_bytes(SEED.read_bytes())
    (root / "corpus" / "1979" / "report.txt").write_bytes(OTHER.read_bytes())
    db = open_db(root / "t.db")
    save_extraction(db, extract_file(SEED, source=SEED.name), SEED.name)
    save_extraction(db, extract_file(OTHER, source="1979/report.txt"), "1979/report.txt")
    db.close()
    return root


def tasks(office: Path, *args: str):
    return runner.invoke(app, ["tasks", "--db", str(office / "t.db"), "--format", "json", *args])


def paths(out) -> list[str]:
    assert out.exit_code == 0, out.output
    return [r["path"] for r in json.loads(out.stdout)]


def test_speech_as_a_path_from_the_folder_above_the_corpus(office, monkeypatch):
    monkeypatch.chdir(office)
    by_source = paths(tasks(office, "--speech", SEED.name))
    assert len(by_source) == 11  # the seed's requirements (hand-counted in test_requirements)
    for typed in (
        f"corpus/{SEED.name}",
        f"./corpus/{SEED.name}",
        str(office / "corpus" / SEED.name),
        f"corpus/../corpus/{SEED.name}",
    ):
        assert paths(tasks(office, "--speech", typed)) == by_source, typed
    speech_id = open_db(office / "t.db").execute("select id from speeches where source = ?", [SEED.name])
    assert paths(tasks(office, "--speech", speech_id.fetchone()[0])) == by_source
    report = paths(tasks(office, "--speech", "corpus/1979/report.txt"))
    assert report == paths(tasks(office, "--speech", "1979/report.txt"))  # its stored source
    assert report and report != by_source


def test_speech_as_a_path_read_against_the_corpus_option(office, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # elsewhere: the path is read against --corpus
    typed = str(office / "corpus" / "1979" / "report.txt")
    assert paths(tasks(office, "--speech", typed, "--corpus", str(office / "corpus")))


def test_an_unknown_speech_is_an_error_with_a_hint(office, monkeypatch):
    monkeypatch.chdir(office)
    out = tasks(office, "--speech", "corpus/001_no_such_speech.txt")
    assert out.exit_code == 2
    assert out.stdout == ""
    (line,) = out.stderr.strip().splitlines()
    assert "no stored speech 'corpus/001_no_such_speech.txt'" in line
    assert f"stored speeches: {SEED.name}, 1979/report.txt" in line
    out = runner.invoke(
        app, ["export", "--db", str(office / "t.db"), "--speech", "nope.txt", "--json", "x.json"]
    )
    assert out.exit_code == 2 and "no stored speech 'nope.txt'" in out.stderr
    assert not (office / "x.json").exists()


def test_export_takes_the_speech_as_a_path_too(office, monkeypatch):
    monkeypatch.chdir(office)
    out = runner.invoke(
        app,
        ["export", "--db", str(office / "t.db"), "--speech", f"corpus/{SEED.name}", "--json", "ledger.json"],
    )
    assert out.exit_code == 0, out.output
    assert len(json.loads((office / "ledger.json").read_text("utf-8"))) == 11


def test_all_with_limit_is_refused(office):
    out = tasks(office, "--all", "--limit", "5")
    assert out.exit_code == 2 and out.stdout == ""
    assert "--all gives every task and --limit N a page of N" in out.stderr


@pytest.mark.parametrize("empty", ["", "  "])
def test_an_empty_search_is_refused(office, empty):
    out = tasks(office, "--search", empty)
    assert out.exit_code == 2 and out.stdout == ""
    assert "--search needs a word" in out.stderr
    out = runner.invoke(app, ["export", "--db", str(office / "t.db"), "--search", empty, "--csv", "x.csv"])
    assert out.exit_code == 2 and "--search needs a word" in out.stderr


def test_a_name_two_folders_share_must_be_told_apart(fresh_db, tmp_path):
    from store import UnknownSpeech, resolve_speech

    save_extraction(fresh_db, extract_file(SEED, source="a/讲话.txt"), "a/讲话.txt")
    save_extraction(fresh_db, extract_file(OTHER, source="b/讲话.txt"), "b/讲话.txt")
    with pytest.raises(UnknownSpeech, match=r"could be any of a/讲话\.txt, b/讲话\.txt"):
        resolve_speech(fresh_db, "讲话.txt")
    corpus = tmp_path / "corpus"
    assert resolve_speech(fresh_db, str(corpus / "b" / "讲话.txt"), corpus=corpus) == "b/讲话.txt"
    assert resolve_speech(fresh_db, "corpus/a/讲话.txt", corpus=corpus, cwd=tmp_path) == "a/讲话.txt"
    assert resolve_speech(fresh_db, "somewhere/else/b/讲话.txt") == "b/讲话.txt"
    assert resolve_speech(fresh_db, "b/讲话.txt") == "b/讲话.txt"


def test_a_file_name_alone_names_the_one_source_that_ends_with_it(office):
    assert paths(tasks(office, "--speech", "report.txt")) == paths(
        tasks(office, "--speech", "1979/report.txt")
    )


@pytest.mark.parametrize("browser", ["none", "error"])
def test_show_open_without_a_browser_warns_and_gives_the_path(tmp_path, monkeypatch, browser):
    import webbrowser

    def no_browser(uri: str) -> bool:
        if browser == "error":
            raise webbrowser.Error("could not locate runnable browser")
        return False  # what webbrowser.open says on a server with no browser

    monkeypatch.setattr(webbrowser, "open", no_browser)
    monkeypatch.chdir(tmp_path)
    out = runner.invoke(app, ["show", str(SEED), "--open"])
    page = tmp_path / "000_party_building_city_gov.review.html"
    assert out.exit_code == 0, out.output
    assert out.stdout.strip() == page.name and page.exists()  # the path as written, as before
    assert out.stderr.strip() == f"warning: no web browser could be started here; open {page} yourself"

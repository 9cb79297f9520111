"""cli/: the commands as a user types them."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def test_extract_json_follows_the_contract(seed_path):
    out = runner.invoke(app, ["extract", str(seed_path), "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert set(data) == {"speech", "sections", "requirements"}
    text = seed_path.read_text("utf-8")
    assert data["speech"]["chars"] == len(text)
    assert [s["kind"] for s in data["sections"]] == ["review", "problems", "tasks"]
    first = data["requirements"][0]
    assert first["path"] == "3.1.1" and first["label"] == "三、第一，一是"
    assert first["heading"].startswith("管党治党主体责任要“扛”起来")
    for req in data["requirements"]:
        assert text[req["char_start"] : req["char_end"]] == req["text"]


def test_extract_of_an_empty_file_is_a_clear_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = runner.invoke(app, ["extract", str(empty)])
    assert out.exit_code == 2
    assert "empty file" in out.output


def test_run_then_tasks_on_a_corpus_with_nothing_new(tmp_path, seed_path):
    from extractors import extract_file
    from store import open_db, save_extraction

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / seed_path.name).write_bytes(seed_path.read_bytes())
    db_path = tmp_path / "t.db"
    save_extraction(open_db(db_path), extract_file(seed_path, source=seed_path.name), seed_path.name)
    # Nothing new: `run` finishes without starting Prefect and still reports.
    out = runner.invoke(app, ["run", "--corpus", str(corpus), "--db", str(db_path)])
    assert out.exit_code == 0, out.output
    assert "new or changed this run" in out.output
    out = runner.invoke(app, ["tasks", "--db", str(db_path), "--actor", "department", "--format", "json"])
    rows = json.loads(out.stdout)
    assert [r["path"] for r in rows] == ["3.3.1"]  # 经济指标部门要加强行业调度


def test_extract_with_an_office_lexicon_assigns_its_unit(tmp_path, monkeypatch):
    monkeypatch.delenv("SPEECHTASKS_LEXICON", raising=False)
    speech = tmp_path / "s.txt"
    speech.write_text(
        "同志们：\n一、抓好今年重点工作\n（一）推进数字政府建设。数据中台要尽快建成，各项工作都要落到实处。\n"
        "（二）加强数据治理。市大数据统筹处要牵头制定数据目录，按季度更新。\n",
        "utf-8",
    )
    office = tmp_path / "office.toml"
    office.write_text('[categories.department]\naliases = ["市大数据统筹处"]\n', "utf-8")
    out = runner.invoke(app, ["extract", str(speech), "--format", "json", "--lexicon", str(office)])
    assert out.exit_code == 0, out.output
    reqs = json.loads(out.stdout)["requirements"]
    second = next(r for r in reqs if r["heading"].startswith("加强数据治理"))
    mentions = {(a["category"], a["mention"]) for a in second["actors"]}
    assert ("department", "市大数据统筹处") in mentions

"""Requirements asked again (issue 16): the judged sample still holds, and the store links speeches."""

from __future__ import annotations

import json
from pathlib import Path

from extractors.repeats import band_keys, demand_shingles, demands, jaccard, same_demand, settings
from schemas import Extraction
from store import open_db, save_extraction

JUDGED = json.loads((Path(__file__).parent / "data" / "repeats_judged.json").read_text("utf-8"))


def _shingles(side):
    return demand_shingles(side["heading"], side["text"])


def test_judged_sample_precision_and_links_still_hold():
    linked = [p for p in JUDGED["pairs"] if p["kind"] == "linked"]
    near = [p for p in JUDGED["pairs"] if p["kind"] == "near"]
    assert len(linked) == 60 and len(near) == 60
    for p in linked:  # every pair linked when judged is still linked, and was an LSH candidate
        a, b = _shingles(p["a"]), _shingles(p["b"])
        assert same_demand(a, b), (p["a"]["heading"], p["b"]["heading"], jaccard(a, b))
        assert set(band_keys(a)) & set(band_keys(b))
    for p in near:  # and every near miss is still below the rule
        assert not same_demand(_shingles(p["a"]), _shingles(p["b"])), (p["a"]["heading"], p["b"]["heading"])
    assert sum(p["same"] for p in linked) / len(linked) >= 0.90


def test_other_object_is_not_the_same_demand():
    # 金融 vs 财税: the object differs; 推进 vs 深化: only the push differs
    assert not same_demand(demand_shingles("深化金融体制改革。"), demand_shingles("深化财税体制改革。"))
    assert same_demand(demand_shingles("推进财税体制改革。"), demand_shingles("深化财税体制改革。"))


def _extraction(title: str, year: int, sha: str, headings: list[str]) -> Extraction:
    reqs, text, pos = [], "", 0
    for i, h in enumerate(headings, start=1):
        body = f"{h}各地要抓好落实。\n"
        reqs.append(
            {
                "id": f"{sha[:8]}{i:08d}",
                "path": f"1.{i}",
                "label": f"（{i}）",
                "heading": h,
                "text": body.rstrip("\n"),
                "char_start": pos,
                "char_end": pos + len(body) - 1,
                "actors": [],
            }
        )
        text += body
        pos += len(body)
    return Extraction.model_validate(
        {
            "speech": {
                "source": f"{title}.txt",
                "sha256": sha * 8,
                "title": title,
                "encoding": "utf-8",
                "chars": len(text),
                "year": year,
            },
            "sections": [],
            "requirements": reqs,
        }
    )


def test_store_links_later_speech_to_earlier_and_unlinks_superseded(tmp_path):
    db = open_db(tmp_path / "t.db")
    older = _extraction("2018年报告", 2018, "a" * 8, ["深化财税体制改革。", "积极扩大有效投资。"])
    newer = _extraction("2024年报告", 2024, "b" * 8, ["推进财税体制改革。", "深化金融体制改革。"])
    # stored newest first: the 2018 speech is still the earlier one (by year, not by ingestion)
    assert save_extraction(db, newer, "2024.txt", demands=demands(newer)).repeats == 0
    save_extraction(db, older, "2018.txt", demands=demands(older))
    rows = list(
        db.query(
            "select requirement_id, times_asked, first_asked_title, latest_earlier_tracking_status "
            "from repeated_requirements"
        )
    )
    assert rows == [
        {
            "requirement_id": newer.requirements[0].id,
            "times_asked": 2,
            "first_asked_title": "2018年报告",
            "latest_earlier_tracking_status": "open",
        }
    ]
    # the 2024 file edited: its 财税 requirement is gone, and its link goes with it
    edited = _extraction("2024年报告", 2024, "c" * 8, ["深化金融体制改革。"])
    save_extraction(db, edited, "2024.txt", demands=demands(edited))
    assert db["requirement_links"].count == 0
    assert db["repeat_keys"].count == 3  # 2018's two and the edit's one
    assert settings().threshold == 0.4


def _two_speeches(tmp_path):
    db_path = tmp_path / "t.db"
    db = open_db(db_path)
    older = _extraction("2018年报告", 2018, "a" * 8, ["深化财税体制改革。", "积极扩大有效投资。"])
    newer = _extraction("2024年报告", 2024, "b" * 8, ["推进财税体制改革。", "深化金融体制改革。"])
    save_extraction(db, older, "2018.txt", demands=demands(older))
    assert save_extraction(db, newer, "2024.txt", demands=demands(newer)).repeats == 1
    return db_path, db, older, newer


def test_tasks_repeated_json_has_both_titles_and_ledger_says_when_first_asked(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app
    from store import ledger_rows, set_tracking

    db_path, db, older, newer = _two_speeches(tmp_path)
    set_tracking(db, older.requirements[0].id, status="done")
    result = CliRunner().invoke(app, ["tasks", "--repeated", "--format", "json", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["id"], row["speech_title"], row["times_asked"]) == (newer.requirements[0].id, "2024年报告", 2)
    assert (row["first_asked_in"], row["latest_earlier_status"]) == ("2018年报告", "done")
    assert [e["heading"] for e in row["earlier"]] == ["深化财税体制改革。"]
    ledger = {r["任务内容"]: r["曾部署"] for r in ledger_rows(db)}
    assert ledger["推进财税体制改革。各地要抓好落实。"] == "2018年报告（2018）起第2次；上次任务状态：done"
    assert ledger["深化金融体制改革。各地要抓好落实。"] == ""


def test_review_page_says_also_asked_in(tmp_path):
    from review import render_review
    from store import repeats_of

    _, db, _older, newer = _two_speeches(tmp_path)

    found = repeats_of(db, [r.id for r in newer.requirements])
    also = {k: [{**e, "href": ""} for e in v] for k, v in found.items()}
    text = "".join(r.text + "\n" for r in newer.requirements)
    html = render_review(text, newer, also_asked=also)
    assert html.count("also asked in:") == 1
    assert "2018年报告（2018） 1.1" in html


def test_ingest_report_counts_requirements_repeating_earlier_ones(tmp_path):
    from flows.report import RunSummary, persist, report_markdown
    from flows.scan import CorpusFile
    from flows.work import Outcome

    db = open_db(tmp_path / "t.db")
    summary = RunSummary(1, 2, 2)
    older = _extraction("2018年报告", 2018, "a" * 8, ["深化财税体制改革。", "积极扩大有效投资。"])
    newer = _extraction(
        "2024年报告", 2024, "b" * 8, ["推进财税体制改革。", "全力扩大有效投资。", "深化金融体制改革。"]
    )
    for name, e in (("2018.txt", older), ("2024.txt", newer)):
        persist(db, 1, Outcome(CorpusFile(tmp_path / name, name, e.speech.sha256), e, None), summary)
    assert (summary.requirements_new, summary.requirements_repeated) == (5, 2)
    assert "requirements stored this run: 5 (2 of them repeat an earlier requirement)" in report_markdown(
        summary
    )


def test_bundled_corpus_lists_the_2016_national_report_repeated_in_2026(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app
    from extractors import extract_file
    from flows.report import RunSummary, persist
    from flows.scan import CorpusFile
    from flows.work import Outcome

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    db = open_db(tmp_path / "c.db")
    summary = RunSummary(1, 0, 0)
    for path in sorted(corpus.glob("*.txt")):
        e = extract_file(path, source=path.name)
        persist(db, 1, Outcome(CorpusFile(path, path.name, e.speech.sha256), e, None), summary)
    result = CliRunner().invoke(
        app, ["tasks", "--repeated", "--format", "json", "--db", str(tmp_path / "c.db")]
    )
    rows = {(r["source"], r["heading"]): r for r in json.loads(result.stdout)}
    # checked by hand: 2026 海南 "实施更加积极的财政政策" asks what 2016 national "积极的财政政策要加大力度" asked
    row = rows[("019_gwr_2026_hainan.txt", "实施更加积极的财政政策。")]
    assert row["speech_title"] == "政府工作报告"
    assert [(e["source"], e["heading"]) for e in row["earlier"]] == [
        ("012_gwr_national_2016.txt", "积极的财政政策要加大力度。")
    ]
    assert (
        row["earlier"][0]["title"] == "政府工作报告"
    )  # no title line: main names it from 向大会报告政府工作
    # 打造一流营商环境: 上海 and 海南 (both 2026): the one stored first is the earlier
    assert (
        rows[("019_gwr_2026_hainan.txt", "打造一流营商环境。")]["first_asked_in"]
        == "2026年上海市政府工作报告"
    )

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

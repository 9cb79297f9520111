"""evaluation/ and `speechtasks eval`: the scorer's numbers on a hand-made gold file."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from cli.main import app
from evaluation import prf, score_speech


def test_prf_of_nothing_is_perfect_and_of_half_is_half():
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert prf(1, 1, 1)[2] == 0.5


def test_anchor_must_stand_within_the_first_40_characters():
    pred = {"requirements": [{"heading": "x" * 41 + "要求", "text": "", "actors": []}]}
    gold = {"requirements": [{"anchor": "要求", "path": "1", "actors": [], "deadline": None}]}
    assert score_speech(gold, pred, None)["tp"] == 0
    pred["requirements"][0]["heading"] = "x" * 40 + "要求"
    assert score_speech(gold, pred, None)["tp"] == 1


def test_eval_command_scores_the_seed_against_a_hand_made_gold(tmp_path, seed_path):
    shutil.copy(seed_path, tmp_path / "seed.txt")
    gold = {
        "sections": [
            {"anchor": "充分肯定成绩", "kind": "review"},
            {"anchor": "勇于担当作为", "kind": "tasks"},
        ],
        "requirements": [
            {"path": "3.1.1", "anchor": "管党治党主体责任要", "actors": ["principal"], "deadline": None},
            {"path": "9.9", "anchor": "这句话不在讲话里", "actors": ["all_units"], "deadline": None},
        ],
    }
    (tmp_path / "seed.gold.json").write_text(json.dumps(gold, ensure_ascii=False), "utf-8")
    out = CliRunner().invoke(app, ["eval", str(tmp_path), "--json"])
    assert out.exit_code == 0, out.output
    totals = json.loads(out.stdout.strip().splitlines()[-1])
    # 11 predicted, 1 of 2 gold anchors found: p = 1/11, r = 1/2, F1 = 2/13.
    assert (totals["gold"], totals["pred"], totals["req_f1"]) == (2, 11, round(2 / 13, 4))
    assert totals["path_acc"] == 1.0 and totals["section_kind_acc"] == 1.0 and totals["grounded"] == 1.0

"""store/export.py and `speechtasks export`: the 台账 offices open in Excel."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app
from extractors import extract_file
from store import LEDGER_COLUMNS, ledger_rows, open_db, save_extraction, write_xlsx

runner = CliRunner()
HEADER = ["序号", "任务内容", "责任主体", "完成时限", "来源讲话", "章节", "曾部署", "已核对"]


@pytest.fixture
def db_path(tmp_path, seed_path):
    path = tmp_path / "t.db"
    save_extraction(open_db(path), extract_file(seed_path, source="000.txt"), "000.txt")
    return path


def test_ledger_rows_have_the_office_columns(fresh_db, seed_path):
    result = extract_file(seed_path, source="000.txt")
    save_extraction(fresh_db, result, "000.txt")
    rows = ledger_rows(fresh_db)
    assert list(LEDGER_COLUMNS) == HEADER
    assert [list(r) for r in rows] == [HEADER] * 11
    assert [r["序号"] for r in rows] == list(range(1, 12))
    first = {r["章节"]: r for r in rows}["3.1.1"]
    assert first["任务内容"].startswith("一是管党治党主体责任要“扛”起来。")
    # 3.1.1: 主要领导要牵头抓总，分管领导要履职到位 — labels with the speech's own words.
    assert "主要负责人（“一把手”）：主要领导" in first["责任主体"]
    assert "班子成员、分管领导：分管领导" in first["责任主体"]
    assert first["完成时限"] == ""
    assert first["来源讲话"] == result.speech.title  # the title the extractor read
    assert "今年" in {r["章节"]: r for r in rows}["3.3.1"]["完成时限"]  # 确保今年既定任务顺利完成


def test_ledger_rows_take_the_task_filters(fresh_db, seed_path):
    save_extraction(fresh_db, extract_file(seed_path, source="000.txt"), "000.txt")
    rows = ledger_rows(fresh_db, search="巡察整改")
    assert [(r["序号"], r["章节"]) for r in rows] == [(1, "3.1.2")]


def test_the_workbook_opens_with_a_bold_frozen_header_and_one_row_a_requirement(db_path, tmp_path):
    out = runner.invoke(app, ["export", "--db", str(db_path), "--xlsx", str(tmp_path / "台账.xlsx")])
    assert out.exit_code == 0, out.output
    assert "11 tasks" in out.output
    ws = load_workbook(tmp_path / "台账.xlsx").active
    assert [c.value for c in ws[1]] == HEADER
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 12
    assert [ws.cell(row=i, column=1).value for i in range(2, 13)] == list(range(1, 12))
    assert ws.cell(row=2, column=2).alignment.wrap_text
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width


def test_csv_and_json_exports(db_path, tmp_path):
    out = runner.invoke(
        app,
        [
            "export",
            "--db",
            str(db_path),
            "--csv",
            str(tmp_path / "t.csv"),
            "--json",
            str(tmp_path / "t.json"),
        ],
    )
    assert out.exit_code == 0, out.output
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == HEADER and len(rows) == 11
    data = json.loads((tmp_path / "t.json").read_text("utf-8"))
    assert [r["章节"] for r in data] == [r["章节"] for r in rows]


def test_write_xlsx_of_no_rows_still_has_the_header(tmp_path):
    write_xlsx([], tmp_path / "empty.xlsx")
    ws = load_workbook(tmp_path / "empty.xlsx").active
    assert [c.value for c in ws[1]] == HEADER and ws.max_row == 1


def test_export_errors_are_one_line(db_path, tmp_path):
    out = runner.invoke(app, ["export", "--db", str(db_path)])
    assert out.exit_code == 2 and "--xlsx FILE" in out.output
    out = runner.invoke(app, ["export", "--db", str(tmp_path / "none.db"), "--csv", str(tmp_path / "x.csv")])
    assert out.exit_code == 2 and "no task database" in out.output
    out = runner.invoke(
        app, ["export", "--db", str(db_path), "--json", str(tmp_path / "no" / "dir" / "x.json")]
    )
    assert out.exit_code == 1 and out.output.startswith("error: cannot write")

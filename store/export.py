"""The 台账 (task ledger) offices keep: one row a requirement, in their columns.

`ledger_rows` reads; `write_xlsx`, `write_csv` and `write_json` write any list
of ledger rows. The filters are those of `store.queries.task_filter`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from schemas import CATEGORY_LABELS
from store.queries import task_filter
from store.repeats import asked_before, repeats_of

# A spreadsheet reads a cell starting with these as a formula (`=HYPERLINK(…)` becomes a
# live link): OWASP's CSV-injection rule prefixes such text cells with `'`.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(value: Any) -> Any:
    """A text cell safe to open in Excel: `'` in front of text that starts like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def defused_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: defused(v) for k, v in row.items()}


LEDGER_COLUMNS = ("序号", "任务内容", "责任主体", "完成时限", "来源讲话", "章节", "曾部署", "已核对")
COLUMN_WIDTHS = {
    "序号": 6,
    "任务内容": 80,
    "责任主体": 36,
    "完成时限": 18,
    "来源讲话": 28,
    "章节": 10,
    "曾部署": 36,
    "已核对": 8,
}
LABELS = {c.value: label for c, label in CATEGORY_LABELS.items()}
CATEGORY_ORDER = {code: i for i, code in enumerate(LABELS)}


def responsible(actors: Sequence[dict[str, Any]]) -> str:
    """`党委（党组）：各级党委（党组）；泛指全体`: category labels, each with the speech's own words."""
    by_category: dict[str, list[str]] = {}
    for a in sorted(actors, key=lambda a: CATEGORY_ORDER.get(a["category"], 99)):
        mentions = by_category.setdefault(a["category"], [])
        if a["mention"] and a["mention"] not in mentions:
            mentions.append(a["mention"])
    parts = []
    for category, mentions in by_category.items():
        label = LABELS.get(category, category)
        parts.append(f"{label}：{'、'.join(mentions)}" if mentions else label)
    return "；".join(parts)


def due(deadline: str | None, deadline_date: str | None) -> str:
    if deadline and deadline_date:
        return f"{deadline}（{deadline_date}前）"
    return deadline or ""


def ledger_rows(db: Database, **filters: Any) -> list[dict[str, Any]]:
    """Active requirements as ledger rows (columns `LEDGER_COLUMNS`), in speech order, with the
    clerk's corrections applied (the `tasks` view and `requirement_categories`). 曾部署 says
    when the same demand was first asked and how often (store/repeats.py); empty when never."""
    where, params = task_filter(**filters)
    tasks = list(
        db.query(
            f"""select id, text, deadline, deadline_date, speech_title, source, path, checked from tasks k
                where {where} order by k.source, k.char_start""",
            params,
        )
    )
    actors: dict[str, list[dict[str, Any]]] = {}
    for a in db.query("select requirement_id, category, mentions from requirement_categories"):
        for mention in dict.fromkeys((a["mentions"] or "").split("、")):
            actors.setdefault(a["requirement_id"], []).append({"category": a["category"], "mention": mention})
    earlier = repeats_of(db, [t["id"] for t in tasks])
    return [
        {
            "序号": n,
            "任务内容": t["text"].strip(),
            "责任主体": responsible(actors.get(t["id"], [])),
            "完成时限": due(t["deadline"], t["deadline_date"]),
            "来源讲话": t["speech_title"] or t["source"],
            "章节": t["path"],
            "曾部署": asked_before(earlier.get(t["id"], [])),
            "已核对": "是" if t["checked"] else "",
        }
        for n, t in enumerate(tasks, start=1)
    ]


def write_xlsx(rows: Sequence[dict[str, Any]], path: str | Path, *, sheet: str = "任务台账") -> None:
    """The ledger as a workbook: bold frozen header, wrapped text, widths that fit the columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(LEDGER_COLUMNS))
    for row in rows:
        ws.append([row.get(c, "") for c in LEDGER_COLUMNS])
    wrap = Alignment(wrap_text=True, vertical="top")
    for cells in ws.iter_rows():
        for cell in cells:
            cell.alignment = wrap
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: openpyxl makes "=…" a formula
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, col in enumerate(LEDGER_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = COLUMN_WIDTHS[col]
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    wb.save(path)


def write_csv(rows: Sequence[dict[str, Any]], path: str | Path) -> None:
    """UTF-8 with BOM, so Excel opens the Chinese correctly."""
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(LEDGER_COLUMNS))
        writer.writeheader()
        writer.writerows(defused_row(r) for r in rows)


def write_json(rows: Sequence[dict[str, Any]], path: str | Path) -> None:
    Path(path).write_text(json.dumps(list(rows), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

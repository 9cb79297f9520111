"""Shared renderers: a list of flat rows → table, JSON or CSV on stdout."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table


def print_rows(
    rows: Sequence[dict[str, Any]], fmt: str, title: str | None = None, caption: str | None = None
) -> None:
    """`caption` is the table's footer (json and csv have none)."""
    if fmt == "json":
        sys.stdout.write(json.dumps(list(rows), ensure_ascii=False, indent=1, default=str) + "\n")
    elif fmt == "csv":
        if rows:
            from store.export import defused_row

            writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(defused_row(r) for r in rows)  # no live formulas in a spreadsheet
    else:
        table = Table(title=title, caption=caption, show_lines=False)
        for col in rows[0] if rows else []:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row.values()))
        Console().print(table if rows else "(no rows)")

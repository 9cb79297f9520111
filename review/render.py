"""Render the review page (Jinja2 templates in review/templates, autoescaped) and write it."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from review.model import BASIS_LABELS, KIND_LABELS, SHORT_LABELS, AppContext, RowState, build_review
from schemas import CATEGORY_LABELS, Extraction

AlsoAsked = dict[str, list[dict[str, Any]]]


def also_asked_links(found: AlsoAsked, ids: dict[str, str] | None = None) -> AlsoAsked:
    """`store.repeats_of`'s answer as `render_review` takes it: each earlier requirement with
    `href`, a link to its place on its speech's review page ('' when that page was not written).
    `ids` (the extractor's id → the stored one) keys the answer by the extractor's ids."""
    linked = {
        rid: [
            {
                **e,
                "href": f"{Path(e['review_path']).as_uri()}#req-{e['path']}" if e.get("review_path") else "",
            }
            for e in earlier
        ]
        for rid, earlier in found.items()
    }
    if ids is None:
        return linked
    return {mine: linked[stored] for mine, stored in ids.items() if stored in linked}


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("review", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        category_labels={c.value: label for c, label in CATEGORY_LABELS.items()},
        short_labels={c.value: label for c, label in SHORT_LABELS.items()},
        basis_labels={b.value: label for b, label in BASIS_LABELS.items()},
        kind_labels={k.value: label for k, label in KIND_LABELS.items()},
        check_labels=CHECK_LABELS,
        field_labels=FIELD_LABELS,
        show_value=show_value,
    )
    return env


CHECK_LABELS = {"confirmed": "已核对", "rejected": "非任务", "unchecked": "未核对"}
FIELD_LABELS = {
    "check": "核对",
    "actors": "责任主体",
    "deadline": "时限",
    "deadline_date": "时限日期",
    "deadline_basis": "日期推算方式",
    "added": "新增任务",
    "moved": "新版本中位置",
}


def show_value(field: str, value: str | None) -> str:
    """A correction's old or new value as the clerk reads it (Chinese labels, not codes)."""
    if value is None or value == "":
        return "（无）"
    if field == "check":
        return CHECK_LABELS.get(value, value)
    try:
        data = json.loads(value) if field in ("actors", "added", "moved") else value
    except ValueError:
        return value
    if field == "actors" and isinstance(data, list):
        labels = {c.value: label for c, label in SHORT_LABELS.items()}
        return "、".join(labels.get(c, c) for c in data) or "（无）"
    if isinstance(data, dict) and "char_start" in data:
        text = data.get("text", "")
        where = f"{data['char_start']}–{data['char_end']}"
        return (
            f"{data.get('path', '')}「{text[:24]}{'…' if len(text) > 24 else ''}」（{where}）"
            if text
            else where
        )
    return str(data)


def render_review(
    text: str,
    extraction: Extraction,
    *,
    states: dict[str, RowState] | None = None,
    app: AppContext | None = None,
    also_asked: AlsoAsked | None = None,
) -> str:
    """One self-contained HTML page: the speech with its requirements, actors and deadlines marked.

    The same page, served by the review app (`app` given), also shows each requirement's
    review state (`states`, by requirement id) and the controls that correct it.
    `also_asked` (requirement id → the earlier requirements asking the same, each a dict with
    `title`, `year`, `path`, `heading` and `href`, '' for none) adds "曾部署" to their 台账 rows.
    """
    review = build_review(text, extraction, states, app)
    return environment().get_template("page.html.j2").render(review=review, also_asked=also_asked or {})


def write_review_page(
    path: Path, text: str, extraction: Extraction, also_asked: AlsoAsked | None = None
) -> Path:
    """Write the review page of one speech to `path` (UTF-8); returns the path.

    Written to a temporary file beside it and renamed into place, so a reader (or a
    run killed mid-write) never sees half a page.
    """
    return write_html(path, render_review(text, extraction, also_asked=also_asked))


def write_html(path: Path, html: str) -> Path:
    """Write a rendered page to `path` through a temporary file renamed into place; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path

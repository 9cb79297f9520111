"""What the clerk's check teaches: gold files (ANNOTATION.md §5) and how often the extractor was corrected."""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath
from typing import Any

from sqlite_utils import Database

from store.corrections import stored_text

REVIEWED = """select distinct requirement_id from corrections
               where field in ('check', 'actors', 'deadline', 'added')
                 and not (field = 'check' and new_value = 'unchecked')"""


def reviewed_speeches(db: Database) -> list[dict[str, Any]]:
    """Current speech versions with at least one requirement the clerk decided on."""
    return list(
        db.query(
            f"""select s.* from speeches s where s.superseded_by is null and exists (
                  select 1 from requirements r where r.speech_id = s.id and r.id in ({REVIEWED}))
                order by s.source"""
        )
    )


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def anchor(heading: str, text: str, *, most: int = 20) -> str:
    """The start of the heading (ANNOTATION.md: 8–20 characters), white space removed; a heading
    shorter than 8 characters goes on into the text."""
    squashed = _squash(heading)
    return squashed[:most] if len(squashed) >= 8 else _squash(text)[:most]


def gold_of(db: Database, speech_id: str) -> dict[str, Any]:
    """The speech's gold annotation: its sections' kinds and its requirements as corrected (the
    rejected left out, the added in, unchecked ones as the extractor gave them)."""
    sections = [
        {"anchor": _squash(s["heading"])[:20], "kind": s["kind"]}
        for s in db.query("select * from sections where speech_id = ? order by char_start", [speech_id])
        if _squash(s["heading"])
    ]
    reqs = [
        {
            "path": t["path"],
            "anchor": anchor(t["heading"], t["text"]),
            "actors": (t["actor_categories"] or "all_units").split(","),
            "deadline": t["deadline"],
        }
        for t in db.query("select * from tasks where speech_id = ? order by char_start", [speech_id])
    ]
    return {"sections": sections, "requirements": reqs}


def gold_name(source: str) -> str:
    """`a/b/讲话.docx` → `a__b__讲话`: one file name per source, no folders."""
    parts = [p for p in PurePosixPath(source).parts if p not in ("/", ".", "..")]
    return "__".join([*parts[:-1], PurePosixPath(parts[-1]).stem]) if parts else "speech"


def export_gold(db: Database, folder: Path) -> list[Path]:
    """Write NAME.txt + NAME.gold.json for every reviewed speech whose text is stored; returns
    the gold files. (`store.corrections.remember_text` keeps texts; the review app does.)"""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for s in reviewed_speeches(db):
        text = stored_text(db, s["id"])
        if text is None:
            raise LookupError(f"{s['source']}: its text is not stored; open it in the review app first")
        name = gold_name(s["source"])
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        gold = folder / f"{name}.gold.json"
        gold.write_text(
            json.dumps(gold_of(db, s["id"]), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        written.append(gold)
    return written


def stats(db: Database) -> list[dict[str, Any]]:
    """Per field, how often the clerk changed the extractor's answer, over the requirements the
    clerk decided on (extractor's requirements only; `added` counts the missed ones)."""
    reviewed = f"""select r.id, r.deadline, r.deadline_date from requirements r
                   where coalesce(r.origin, 'extractor') = 'extractor' and r.id in ({REVIEWED})"""
    rows = list(db.query(reviewed))
    ids = [r["id"] for r in rows]
    effective = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for t in db.query(
            f"""select id, actor_categories, extracted_actor_categories, deadline, extracted_deadline
                from tasks where id in ({marks})""",
            chunk,
        ):
            effective[t["id"]] = t
    kept = [effective[i] for i in ids if i in effective]  # not rejected
    added = db.execute("select count(*) from requirements where origin = 'clerk'").fetchone()[0]

    def row(field: str, base: int, changed: int) -> dict[str, Any]:
        return {
            "field": field,
            "reviewed": base,
            "changed": changed,
            "rate": round(changed / base, 3) if base else 0,
        }

    return [
        row("requirement (not a requirement)", len(rows), len(rows) - len(kept)),
        row("requirement (missed, added)", len(rows) + added, added),
        row("actors", len(kept), sum(t["actor_categories"] != t["extracted_actor_categories"] for t in kept)),
        row("deadline", len(kept), sum(t["deadline"] != t["extracted_deadline"] for t in kept)),
    ]

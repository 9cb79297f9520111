"""A stored speech version as the review page shows it: its Extraction with the clerk's
corrections applied, and each requirement's review state (check, revision, history)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlite_utils import Database

from schemas import ActorAssignment, Basis, Extraction, Requirement, Section, Speech


def load_review(db: Database, speech_id: str) -> tuple[Extraction, dict[str, dict[str, Any]]]:
    """(the corrected Extraction, {requirement id: state}). A rejected requirement stays in the
    Extraction (the page shows it struck out); its state says `check: rejected`."""
    s = db["speeches"].get(speech_id)
    speech = Speech(
        source=s["source"], sha256=s["sha256"], title=s["title"], encoding=s["encoding"] or "",
        chars=s["chars"] or 0, year=s["year"],
    )  # fmt: skip
    sections = [
        Section(
            path=r["path"],
            marker=r["marker"] or "",
            heading=r["heading"] or "",
            kind=r["kind"],
            char_start=r["char_start"],
            char_end=r["char_end"],
        )
        for r in db.query("select * from sections where speech_id = ? order by char_start", [speech_id])
    ]
    rows = list(
        db.query(
            "select * from requirements where speech_id = ? and status = 'active' order by char_start, path",
            [speech_id],
        )
    )
    ids = [r["id"] for r in rows]
    extracted: dict[str, list[dict[str, Any]]] = defaultdict(list)
    history: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for a in db.query(
            f"select * from requirement_actors where requirement_id in ({marks}) order by char_start", chunk
        ):
            extracted[a["requirement_id"]].append(a)
        for c in db.query(f"select * from corrections where requirement_id in ({marks}) order by id", chunk):
            history[c["requirement_id"]].append(c)
    requirements, states = [], {}
    for r in rows:
        latest = {c["field"]: c for c in history[r["id"]]}
        actors = [
            ActorAssignment(
                category=a["category"],
                mention=a["mention"] or None,
                basis=a["basis"],
                char_start=a["char_start"],
            )
            for a in extracted[r["id"]]
        ]
        clerk: list[str] = []
        if "actors" in latest:
            chosen = json.loads(latest["actors"]["new_value"] or "[]")
            actors = [a for a in actors if a.category.value in chosen]
            clerk = [c for c in chosen if c not in {a.category.value for a in actors}]
            actors += [ActorAssignment(category=c, basis=Basis.default) for c in clerk]
        deadline, deadline_date = r["deadline"], r["deadline_date"]
        basis = r.get("deadline_basis") or ("as_written" if deadline_date else None)
        if "deadline" in latest:
            deadline = latest["deadline"]["new_value"]
            deadline_date = latest["deadline_date"]["new_value"] if "deadline_date" in latest else None
            basis = latest["deadline_basis"]["new_value"] if "deadline_basis" in latest else None
            basis = (basis or "as_written") if deadline_date else None
        requirements.append(
            Requirement(
                id=r["id"],
                path=r["path"],
                label=r["label"] or "",
                heading=r["heading"] or "",
                text=r["text"],
                char_start=r["char_start"],
                char_end=r["char_end"],
                actors=actors,
                deadline=deadline,
                deadline_date=deadline_date,
                deadline_basis=basis,
                measures=json.loads(r["measures"] or "[]"),
            )
        )
        states[r["id"]] = {
            "check": latest["check"]["new_value"] if "check" in latest else "unchecked",
            "revision": history[r["id"]][-1]["id"] if history[r["id"]] else 0,
            "corrected": sorted(f for f in latest if f in ("actors", "deadline", "added")),
            "clerk_categories": clerk,
            "origin": r["origin"] or "extractor",
            "history": history[r["id"]],
        }
    return Extraction(speech=speech, sections=sections, requirements=requirements), states

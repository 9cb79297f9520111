"""The app's HTML: the list of speeches (web/templates) and each speech's review page, drawn by
review/ (the same page `speechtasks show` and the flow write) with the clerk's state and controls."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlite_utils import Database

from review import AppContext, RowState, render_review


@cache
def environment() -> Environment:
    return Environment(loader=PackageLoader("web", "templates"), autoescape=True, undefined=StrictUndefined)


def speech_text(db: Database, speech_id: str, corpus: Path) -> str:
    """The version's decoded text: kept in the database, or read from the corpus (and kept)."""
    from extractors.decode import corpus_reader
    from store.corrections import ensure_text

    if not db["speeches"].count_where("id = ?", [speech_id]):
        raise LookupError(f"no speech {speech_id!r}")
    return ensure_text(db, speech_id, corpus_reader(corpus))


def speech_page(db: Database, speech_id: str, corpus: Path) -> str:
    from store.corrections import relocate
    from store.reviewdata import load_review

    text = speech_text(db, speech_id, corpus)
    relocate(db, speech_id, text)  # the clerk's own requirements, found again in a new version
    extraction, states = load_review(db, speech_id)
    rows = {
        rid: RowState(
            check=s["check"],
            revision=s["revision"],
            corrected=tuple(s["corrected"]),
            clerk_categories=tuple(s["clerk_categories"]),
            origin=s["origin"],
            history=tuple(s["history"]),
        )
        for rid, s in states.items()
    }
    return render_review(text, extraction, states=rows, app=AppContext(speech_id=speech_id))


def speech_list(db: Database, *, logged_in: bool) -> str:
    speeches = list(db.query("select * from speech_tasks where superseded_by is null order by source"))
    orphaned = db.execute("select count(*) from orphaned_corrections").fetchone()[0]
    return (
        environment()
        .get_template("index.html.j2")
        .render(speeches=speeches, logged_in=logged_in, orphaned=orphaned)
    )


def error_page(message: str) -> str:
    return environment().get_template("error.html.j2").render(message=message)

"""The clerk's corrections: written here, applied over the extractor's output by the views
(store/review_schema.py), kept across re-runs and new versions.

Every write checks its input and the requirement's revision (the id of its latest
correction, which the editor saw): a bad value or a stale edit raises a
`CorrectionError` and writes nothing. Extracted values are never changed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlite_utils import Database

from schemas import ActorCategory
from store.write import now

CODES = tuple(c.value for c in ActorCategory)
CHECKS = ("confirmed", "rejected", "unchecked")
FIELDS = ("check", "actors", "deadline", "deadline_date", "deadline_basis", "added", "moved")
MAX_NOTE = 2000
MAX_DEADLINE = 60
PATH = re.compile(r"^\d+(\.\d+)*$")


class CorrectionError(ValueError):
    """A correction that cannot be written (nothing was)."""

    status = 400


class UnknownRequirement(CorrectionError):
    status = 404


class StaleEdit(CorrectionError):
    """Someone else changed the requirement since the editor read it."""

    status = 409


def _requirement(db: Database, requirement_id: str) -> dict[str, Any]:
    rows = list(db.query("select * from requirements where id = ?", [requirement_id]))
    if not rows:
        raise UnknownRequirement(f"no requirement {requirement_id!r}")
    return rows[0]


def revision(db: Database, requirement_id: str) -> int:
    """The id of the requirement's latest correction (0 when it has none)."""
    row = db.execute("select max(id) from corrections where requirement_id = ?", [requirement_id]).fetchone()
    return row[0] or 0


def _latest(db: Database, requirement_id: str, field: str) -> tuple[bool, str | None]:
    row = db.execute(
        "select new_value from corrections where requirement_id = ? and field = ? order by id desc limit 1",
        [requirement_id, field],
    ).fetchone()
    return (row is not None, row[0] if row else None)


def extracted_categories(db: Database, requirement_id: str) -> list[str]:
    rows = db.execute(
        "select distinct category from requirement_actors where requirement_id = ? order by category",
        [requirement_id],
    )
    return [r[0] for r in rows]


def current(db: Database, requirement_id: str) -> dict[str, Any]:
    """The requirement's values as apps see them: check, actors, deadline, deadline_date."""
    req = _requirement(db, requirement_id)
    has, check = _latest(db, requirement_id, "check")
    has_actors, actors = _latest(db, requirement_id, "actors")
    has_deadline, deadline = _latest(db, requirement_id, "deadline")
    _, deadline_date = _latest(db, requirement_id, "deadline_date")
    return {
        "check": check if has and check else "unchecked",
        "actors": json.loads(actors) if has_actors and actors else extracted_categories(db, requirement_id),
        "deadline": deadline if has_deadline else req["deadline"],
        "deadline_date": deadline_date if has_deadline else req["deadline_date"],
    }


def _check_actors(actors: Any) -> list[str]:
    if not isinstance(actors, (list, tuple)) or not actors:
        raise CorrectionError("actors: give a non-empty list of category codes")
    unknown = [a for a in actors if a not in CODES]
    if unknown:
        raise CorrectionError(f"actors: unknown category {unknown[0]!r} (one of {', '.join(CODES)})")
    return sorted(set(actors))


def _check_note(note: Any) -> str | None:
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        raise CorrectionError(f"note: text of at most {MAX_NOTE} characters")
    return note or None


def _check_who(who: Any) -> str:
    if not isinstance(who, str) or not who.strip() or len(who) > 100:
        raise CorrectionError("who: give the name of who makes the correction")
    return who.strip()


def _insert(
    db: Database, req: dict[str, Any], field: str, old: Any, new: Any, who: str, note: str | None
) -> int:
    enc = lambda v: v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False)  # noqa: E731
    return (
        db["corrections"]
        .insert(
            {
                "requirement_id": req["id"],
                "speech_id": req["speech_id"],
                "field": field,
                "old_value": enc(old),
                "new_value": enc(new),
                "who": who,
                "at": now(),
                "note": note,
            }
        )
        .last_pk
    )


def correct(
    db: Database,
    requirement_id: str,
    *,
    who: str,
    check: str | None = None,
    actors: Sequence[str] | None = None,
    deadline: tuple[str | None, date | str | None] | None = None,
    note: str | None = None,
    expected_revision: int | None = None,
) -> dict[str, Any]:
    """Record the clerk's changes to one requirement, all or nothing; returns its values after.

    `check` is confirmed / rejected / unchecked; `actors` replaces the categories;
    `deadline` is (the phrase as written or None, its date or None). With
    `expected_revision` (the `revision` the editor saw) a change made meanwhile by
    someone else raises `StaleEdit`. A value equal to the current one is not recorded.
    """
    who, note = _check_who(who), _check_note(note)
    if check is not None and check not in CHECKS:
        raise CorrectionError(f"check: one of {', '.join(CHECKS)}, not {check!r}")
    new_actors = _check_actors(actors) if actors is not None else None
    new_deadline = _check_deadline(deadline) if deadline is not None else None
    with db.atomic():
        req = _requirement(db, requirement_id)
        if expected_revision is not None and revision(db, requirement_id) != expected_revision:
            raise StaleEdit(f"{req['path']} was changed by someone else meanwhile: reload and try again")
        now_ = current(db, requirement_id)
        if check is not None and check != now_["check"]:
            _insert(db, req, "check", now_["check"], check, who, note)
        if new_actors is not None and new_actors != now_["actors"]:
            _insert(db, req, "actors", now_["actors"], new_actors, who, note)
        if new_deadline is not None and new_deadline[:2] != (now_["deadline"], now_["deadline_date"]):
            _insert(db, req, "deadline", now_["deadline"], new_deadline[0], who, note)
            _insert(db, req, "deadline_date", now_["deadline_date"], new_deadline[1], who, note)
            _insert(db, req, "deadline_basis", None, new_deadline[2], who, note)
        return {**current(db, requirement_id), "revision": revision(db, requirement_id)}


def _check_deadline(deadline: Any) -> tuple[str | None, str | None, str | None]:
    """(phrase, date) or (phrase, date, how the date was derived) → the three, checked."""
    if not isinstance(deadline, (tuple, list)) or len(deadline) not in (2, 3):
        raise CorrectionError("deadline: give (phrase, date)")
    phrase, when, basis = (*deadline, None)[:3]
    if phrase is not None and not isinstance(phrase, str):
        raise CorrectionError("deadline: the phrase as written, as text (or null for none)")
    phrase = phrase.strip() if phrase else None
    if phrase and len(phrase) > MAX_DEADLINE:
        raise CorrectionError(f"deadline: at most {MAX_DEADLINE} characters")
    if when is not None:
        try:
            when = date.fromisoformat(str(when)).isoformat()
        except ValueError as exc:
            raise CorrectionError(f"deadline: not a date: {when!r}") from exc
    when = when if phrase else None
    return (phrase or None, when, (str(basis) if basis else "as_written") if when else None)


def added_id(source: str, char_start: int, char_end: int, text: str) -> str:
    """The id of a requirement the clerk added: its place and text (prefix `c`, never an extractor id)."""
    digest = hashlib.sha256(f"clerk\x1f{source}\x1f{char_start}\x1f{char_end}\x1f{text}".encode()).hexdigest()
    return "c" + digest[:15]


def add_requirement(
    db: Database,
    speech_id: str,
    decoded: str,
    char_start: int,
    char_end: int,
    *,
    path: str,
    actors: Sequence[str],
    who: str,
    deadline: tuple[str | None, date | str | None] | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Add a requirement the extractor missed: `decoded[char_start:char_end]` of the speech
    version `speech_id` (whose decoded text is `decoded`), with its path and actors."""
    who, note = _check_who(who), _check_note(note)
    speech = _speech(db, speech_id)
    if len(decoded) != speech["chars"]:
        raise CorrectionError("the speech's text does not match the stored version")
    if not (isinstance(char_start, int) and isinstance(char_end, int)):
        raise CorrectionError("char_start, char_end: whole numbers")
    if not 0 <= char_start < char_end <= len(decoded):
        raise CorrectionError(f"offsets {char_start}–{char_end} are outside the speech (0–{len(decoded)})")
    if not decoded[char_start:char_end].strip():
        raise CorrectionError("the selection is empty")
    while decoded[char_start].isspace():  # a selection's stray white space at either end
        char_start += 1
    while decoded[char_end - 1].isspace():
        char_end -= 1
    text = decoded[char_start:char_end]
    if not isinstance(path, str) or not PATH.match(path):
        raise CorrectionError(f"path: dotted ordinals such as 3.1.6, not {path!r}")
    cats = _check_actors(actors)
    due = _check_deadline(deadline) if deadline is not None else None
    rid = added_id(speech["source"], char_start, char_end, text)
    heading = re.split(r"[。；\n]", text.strip(), maxsplit=1)[0][:200]
    with db.atomic():
        if db["requirements"].count_where("id = ?", [rid]):
            raise CorrectionError("this text is already a requirement the clerk added")
        clash = db.execute(
            "select path from requirements where speech_id = ? and path = ? and status = 'active'",
            [speech_id, path],
        ).fetchone()
        if clash:
            raise CorrectionError(f"path {path} is taken in this speech")
        row = {
            "id": rid,
            "speech_id": speech_id,
            "section_id": f"{speech_id}:{path.split('.')[0]}",
            "path": path,
            "label": "",
            "heading": heading,
            "text": text,
            "char_start": char_start,
            "char_end": char_end,
            "deadline": None,
            "deadline_date": None,
            "measures": "[]",
            "status": "active",
            "origin": "clerk",
        }
        db["requirements"].insert(row)
        place = {
            "source": speech["source"],
            "char_start": char_start,
            "char_end": char_end,
            "text": text,
            "path": path,
        }
        _insert(db, row, "added", None, place, who, note)
        _insert(db, row, "actors", [], cats, who, note)
        if due and due[0]:
            _insert(db, row, "deadline", None, due[0], who, note)
            _insert(db, row, "deadline_date", None, due[1], who, note)
            _insert(db, row, "deadline_basis", None, due[2], who, note)
    return {"id": rid, **current(db, rid), "revision": revision(db, rid)}


def _speech(db: Database, speech_id: str) -> dict[str, Any]:
    rows = list(db.query("select * from speeches where id = ?", [speech_id]))
    if not rows:
        raise UnknownRequirement(f"no speech {speech_id!r}")
    return rows[0]


def relocate(db: Database, speech_id: str, decoded: str) -> list[str]:
    """Find the clerk's requirements of the speech version `speech_id` in its text again (they
    follow their speech to a new version with their old offsets). Found: new offsets and a
    `moved` correction; not found: the requirement is superseded and its corrections orphaned.
    Returns the ids of the requirements that moved or were lost."""
    changed = []
    rows = db.query(
        "select * from requirements where speech_id = ? and origin = 'clerk' and status = 'active'",
        [speech_id],
    )
    for req in list(rows):
        if decoded[req["char_start"] : req["char_end"]] == req["text"]:
            continue
        hits = [m.start() for m in re.finditer(re.escape(req["text"]), decoded)]
        with db.atomic():
            if hits:
                start = min(hits, key=lambda h: abs(h - req["char_start"]))
                new = {"char_start": start, "char_end": start + len(req["text"])}
                old = {"char_start": req["char_start"], "char_end": req["char_end"]}
                db["requirements"].update(req["id"], new)
                _insert(db, req, "moved", old, new, "speechtasks", "found again in a new version")
            else:
                db["requirements"].update(req["id"], {"status": "superseded"})
        changed.append(req["id"])
    return changed


def remember_text(db: Database, speech_id: str, text: str) -> None:
    """Keep a speech version's decoded text (what the review app shows and gold files hold)."""
    if len(text) != _speech(db, speech_id)["chars"]:
        raise CorrectionError("the text does not match the stored version's length")
    db["speech_texts"].upsert({"speech_id": speech_id, "text": text}, pk="speech_id")


def stored_text(db: Database, speech_id: str) -> str | None:
    row = db.execute("select text from speech_texts where speech_id = ?", [speech_id]).fetchone()
    return row[0] if row else None


def history(db: Database, *, requirement_id: str | None = None, speech_id: str | None = None) -> list[dict]:
    """Who changed what and when, oldest first (of one requirement, or of a speech's requirements)."""
    if requirement_id is not None:
        return list(
            db.query("select * from corrections where requirement_id = ? order by id", [requirement_id])
        )
    return list(
        db.query(
            """select c.*, r.path from corrections c join requirements r on r.id = c.requirement_id
               where r.speech_id = ? or c.speech_id = ? order by c.id""",
            [speech_id, speech_id],
        )
    )


def orphaned(db: Database) -> list[dict[str, Any]]:
    """Corrections whose requirement is gone from the current speeches (kept, never dropped)."""
    return list(db.query("select * from orphaned_corrections"))


def ensure_text(db: Database, speech_id: str, read: Any) -> str:
    """The decoded text of a speech version: stored, or `read(source, root)` → (sha256, text) when
    the file still has the version's bytes (then stored); `root` is the folder of the speech's
    corpus when the database knows it (`corpora.root`), else None. Raises LookupError when the
    file is not the version any more."""
    text = stored_text(db, speech_id)
    if text is not None:
        return text
    speech = _speech(db, speech_id)
    root = None
    if speech.get("corpus_id") is not None and "corpora" in db.table_names():
        row = db.execute("select root from corpora where id = ?", [speech["corpus_id"]]).fetchone()
        root = row[0] if row else None
    try:
        sha256, text = read(speech["source"], root)
    except OSError as exc:
        raise LookupError(
            f"{speech['source']}: cannot read it from the corpus ({exc.strerror or exc})"
        ) from exc
    if sha256 != speech["sha256"]:
        raise LookupError(
            f"{speech['source']}: the file changed since this version was stored; run `speechtasks run`"
        )
    remember_text(db, speech_id, text)
    return text


def check_clerk_requirements(db: Database, read: Any) -> list[str]:
    """`relocate` the clerk's requirements of every current speech (texts through `ensure_text`
    with `read`), so the lost ones show as orphaned; returns why a speech could not be checked."""
    problems = []
    rows = db.query(
        """select distinct r.speech_id from requirements r join speeches s on s.id = r.speech_id
           where r.origin = 'clerk' and r.status = 'active' and s.superseded_by is null"""
    )
    for sid in [r["speech_id"] for r in rows]:
        try:
            relocate(db, sid, ensure_text(db, sid, read))
        except LookupError as exc:
            problems.append(str(exc))
    return problems

"""The review app's routes: thin, over store/ (data, corrections) and review/ (the page)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr
from sqlite_utils import Database

from schemas import ActorCategory, SectionKind
from web.auth import COOKIE, check_writer, same
from web.pages import error_page, speech_list, speech_page

TRACKING = ("open", "in_progress", "done", "cancelled")


class Correction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    who: StrictStr = Field(min_length=1, max_length=100)
    check: StrictStr | None = None
    actors: list[StrictStr] | None = None
    deadline: StrictStr | None = Field(None, max_length=60)
    note: StrictStr | None = Field(None, max_length=2000)
    expected_revision: StrictInt | None = None


class Added(BaseModel):
    model_config = ConfigDict(extra="forbid")
    who: StrictStr = Field(min_length=1, max_length=100)
    char_start: StrictInt
    char_end: StrictInt
    path: StrictStr
    actors: list[StrictStr]
    deadline: StrictStr | None = Field(None, max_length=60)
    note: StrictStr | None = Field(None, max_length=2000)


class Tracking(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: StrictStr | None = None
    owner: StrictStr | None = Field(None, max_length=200)
    notes: StrictStr | None = Field(None, max_length=5000)


async def get_db(request: Request) -> AsyncIterator[Database]:
    """A connection for one request. The routes are `async`, so the connection is made, used and
    closed on the event loop's thread (sqlite3 connections belong to their thread); the work is
    small SQLite reads and writes, for a handful of clerks."""
    from store import open_db

    conn = open_db(request.app.state.db_path, migrate_schema=False)
    try:
        yield conn
    finally:
        conn.close()


def writer(request: Request) -> None:
    check_writer(request, request.app.state.token)


Db = Annotated[Database, Depends(get_db)]


def create_app(db_path: Path | str, corpus: Path | str, token: str) -> FastAPI:
    """The review app over the database at `db_path`; speech texts are read from `corpus` (the
    file must still hold the stored version) and kept in the database once read."""
    from store import open_db

    open_db(db_path).close()  # bring the schema up to date once, before serving
    corpus = Path(corpus)
    app = FastAPI(title="speechtasks review", docs_url=None, redoc_url=None, openapi_url=None)

    app.state.db_path, app.state.token = db_path, token

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return JSONResponse({"detail": f"{where}: {first.get('msg')}"}, status_code=422)

    @app.get("/", response_class=HTMLResponse)
    async def index(
        request: Request, conn: Db, token_: Annotated[str | None, Query(alias="token")] = None
    ) -> Any:
        if token_ is not None:  # the address printed at start: log in, then drop the token from the URL
            if not same(token_, token):
                raise HTTPException(403, "wrong token")
            response = RedirectResponse("/", status_code=303)
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
            return response
        return speech_list(conn, logged_in=same(request.cookies.get(COOKIE, ""), token))

    @app.get("/speeches/{speech_id}", response_class=HTMLResponse)
    async def page(speech_id: str, conn: Db) -> Any:
        try:
            return speech_page(conn, speech_id, corpus)
        except LookupError as exc:
            return HTMLResponse(error_page(str(exc)), status_code=404 if "no speech" in str(exc) else 409)

    @app.get("/api/tasks")
    async def tasks(
        conn: Db,
        actor: ActorCategory | None = None,
        speech: str | None = None,
        search: str | None = None,
        kind: SectionKind | None = None,
        due_before: date | None = None,
        limit: Annotated[int | None, Query(ge=1, le=10_000)] = 100,
        after: str | None = None,
    ) -> Any:
        from store import BadCursor, task_page

        filters = {"actor": actor and actor.value, "kind": kind and kind.value, "due_before": due_before}
        try:
            page = task_page(conn, limit=limit, after=after, speech=speech, search=search, **filters)
        except BadCursor as exc:
            raise HTTPException(400, str(exc)) from exc
        return {"rows": page.rows, "after": page.after}

    @app.post("/api/tasks/{requirement_id}/tracking", dependencies=[Depends(writer)])
    async def tracking(requirement_id: str, body: Tracking, conn: Db) -> Any:
        from store import set_tracking

        if body.status is not None and body.status not in TRACKING:
            raise HTTPException(400, f"status: one of {', '.join(TRACKING)}")
        if not conn["requirements"].count_where("id = ?", [requirement_id]):
            raise HTTPException(404, f"no requirement {requirement_id!r}")
        set_tracking(conn, requirement_id, **body.model_dump())
        return conn["task_tracking"].get(requirement_id)

    @app.get("/api/requirements/{requirement_id}/corrections")
    async def corrections_of(requirement_id: str, conn: Db) -> Any:
        from store import corrections

        return _guard(
            lambda: {
                **corrections.current(conn, requirement_id),
                "revision": corrections.revision(conn, requirement_id),
                "history": corrections.history(conn, requirement_id=requirement_id),
            }
        )

    @app.post("/api/requirements/{requirement_id}/corrections", dependencies=[Depends(writer)])
    async def correct(requirement_id: str, body: Correction, conn: Db) -> Any:
        from store import corrections

        deadline = None
        if "deadline" in body.model_fields_set:
            deadline = _dated(conn, requirement_id, body.deadline)
        return _guard(
            lambda: corrections.correct(
                conn,
                requirement_id,
                who=body.who,
                check=body.check,
                actors=body.actors,
                deadline=deadline,
                note=body.note,
                expected_revision=body.expected_revision,
            )
        )

    @app.post("/api/speeches/{speech_id}/requirements", dependencies=[Depends(writer)], status_code=201)
    async def add(speech_id: str, body: Added, conn: Db) -> Any:
        from store import corrections
        from web.pages import speech_text

        def run() -> dict[str, Any]:
            text = speech_text(conn, speech_id, corpus)
            year = conn["speeches"].get(speech_id)["year"]
            due = (body.deadline, *_resolve(body.deadline, year)) if body.deadline else None
            return corrections.add_requirement(
                conn, speech_id, text, body.char_start, body.char_end, path=body.path, actors=body.actors,
                who=body.who, deadline=due, note=body.note,
            )  # fmt: skip

        return _guard(run)

    return app


def _resolve(phrase: str | None, year: int | None) -> tuple[str | None, str | None]:
    """The date a deadline as written gives and how, by the extractor's own resolver."""
    from extractors.deadlines import resolve

    when, basis = resolve(phrase, year) if phrase else (None, None)
    return (when.isoformat(), str(basis)) if when else (None, None)


def _dated(
    conn: Database, requirement_id: str, phrase: str | None
) -> tuple[str | None, str | None, str | None]:
    rows = list(
        conn.query(
            "select s.year from requirements r join speeches s on s.id = r.speech_id where r.id = ?",
            [requirement_id],
        )
    )
    if not rows:
        raise HTTPException(404, f"no requirement {requirement_id!r}")
    return (phrase, *_resolve(phrase, rows[0]["year"]))


def _guard(run: Any) -> Any:
    """store's CorrectionError → its 4xx; a speech whose text cannot be had → 409."""
    from store.corrections import CorrectionError

    try:
        return run()
    except CorrectionError as exc:
        raise HTTPException(exc.status, str(exc)) from exc
    except LookupError as exc:
        raise HTTPException(409, str(exc)) from exc

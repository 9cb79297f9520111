"""Datasette over the task database: how other apps query it (optional extra `datasette`).

The database is served read-only: Datasette opens it with `mode=ro` (live: new
runs show up) or `immutable=1` (a snapshot, with counts; only for a database no
one writes). Table and column descriptions and the canned queries live in
`store/metadata.yaml`.
"""

from __future__ import annotations

import asyncio
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from datasette.app import Datasette

INSTALL_HINT = "pip install 'speechtasks[datasette]' (or: uv sync --extra datasette)"


class DatasetteMissing(RuntimeError):
    """Datasette is an optional extra and is not installed."""


def metadata(db_name: str = "speechtasks") -> dict[str, Any]:
    """The Datasette metadata of `store/metadata.yaml`, keyed to the database named `db_name`."""
    data = yaml.safe_load(files("store").joinpath("metadata.yaml").read_text("utf-8"))
    data["databases"] = {db_name: data["databases"]["speechtasks"]}
    return data


def make_datasette(path: str | Path, *, immutable: bool = False, cors: bool = False) -> Datasette:
    """A Datasette instance serving the database at `path` read-only, described and with canned queries.

    `cors`: send `Access-Control-Allow-Origin: *`. Off by default: with it, any web page
    open in the clerk's browser could read the whole database from 127.0.0.1.
    """
    try:
        from datasette.app import Datasette
    except ImportError as exc:
        raise DatasetteMissing(f"Datasette is not installed: {INSTALL_HINT}") from exc
    path = Path(path)
    return Datasette(
        files=[] if immutable else [str(path)],
        immutables=[str(path)] if immutable else [],
        metadata=metadata(path.stem),
        cors=cors,
    )


def serve(ds: Datasette, *, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run Datasette until interrupted (what `datasette serve` does)."""
    import uvicorn

    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port)

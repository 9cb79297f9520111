"""The layering of SPEC.md: extractors/ and schemas/ know nothing of Prefect or SQLite."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTTP = {"fastapi", "starlette", "uvicorn", "httpx", "web"}  # only web/ speaks HTTP
FORBIDDEN = {
    "schemas": {"prefect", "sqlite3", "sqlite_utils", "extractors", "store", "flows", "cli", *HTTP},
    "extractors": {"prefect", "sqlite3", "sqlite_utils", "store", "flows", "cli", *HTTP},
    "store": {"prefect", "extractors", "flows", "cli", *(HTTP - {"uvicorn"})},  # browse.py serves Datasette
    "review": {"prefect", "sqlite3", "sqlite_utils", "store", "flows", "cli", *HTTP},
    "flows": {"cli", *HTTP},
    "web": {"prefect", "flows", "cli"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_its_layer_may(package):
    for path in (ROOT / package).rglob("*.py"):
        bad = imported_roots(path) & FORBIDDEN[package]
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"

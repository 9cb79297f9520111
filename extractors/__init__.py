"""Pure text work: bytes in, schemas out. Nothing here imports Prefect or SQLite.

The pipeline (spaCy, jieba) loads on first use, not on import: commands that
only read the database or find nothing new should not pay its ~2 s start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractors.pipeline import extract_file, extract_text

__all__ = ["extract_file", "extract_text"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from extractors import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'extractors' has no attribute {name!r}")

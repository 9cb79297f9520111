"""Pure text work: bytes in, schemas out. Nothing here imports Prefect or SQLite."""

from extractors.pipeline import extract_file, extract_text

__all__ = ["extract_file", "extract_text"]

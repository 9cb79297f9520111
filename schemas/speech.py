"""A speech as decoded: where it came from and what text all offsets index."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Speech(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str = Field(description="path as given (relative to the corpus when stored)")
    sha256: str = Field(description="hash of the raw file bytes")
    title: str
    encoding: str = Field(description="the encoding the bytes were decoded with")
    chars: int = Field(ge=0, description="length of the decoded text (line endings folded to \\n)")
    year: int | None = Field(None, description="the speech's year, for resolving deadlines")
    page_confidence: list[float | None] | None = Field(
        None, description="OCR'd scans only: each page's recognition confidence (0-1; null: no text on it)"
    )

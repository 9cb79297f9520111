"""A top-level section of a speech and its kind (ANNOTATION.md §1)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.codes import SectionKind

__all__ = ["Section", "SectionKind"]


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str = Field(description="ordinal of the section, e.g. '3'")
    marker: str = Field(description="the enumerator as written ('三、'); '' for unnumbered headings")
    heading: str
    kind: SectionKind
    char_start: int = Field(ge=0)
    char_end: int = Field(ge=0)

    @model_validator(mode="after")
    def _span(self) -> Section:
        if self.char_end < self.char_start:
            raise ValueError("char_end before char_start")
        return self

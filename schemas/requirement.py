"""A requirement: the smallest enumerated unit of work a speech asks for (ANNOTATION.md §2)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.actor import ActorAssignment
from schemas.codes import DeadlineBasis


class Requirement(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(description="stable: same speech text + path + text give the same id")
    path: str = Field(description="ordinals of enumerated ancestors, outermost first: '3.1.1'")
    label: str = Field(description="the markers along the path as written: '三、第一，一是'")
    heading: str = Field(description="first sentence without the marker")
    text: str = Field(description="exactly decoded[char_start:char_end]")
    char_start: int = Field(ge=0)
    char_end: int = Field(ge=0)
    actors: list[ActorAssignment] = Field(default_factory=list)
    deadline: str | None = Field(None, description="the bounding time phrase as written")
    deadline_date: date | None = Field(None, description="the deadline resolved to a date, where it can be")
    deadline_basis: DeadlineBasis | None = Field(
        None, description="how deadline_date was derived: as_written, speech_year, years_from_speech_year"
    )
    measures: list[str] = Field(default_factory=list, description="directive sentences inside")

    @model_validator(mode="after")
    def _span(self) -> Requirement:
        if self.char_end <= self.char_start:
            raise ValueError("a requirement spans at least one character")
        if len(self.text) != self.char_end - self.char_start:
            raise ValueError("text length does not match its span")
        if (self.deadline_date is None) != (self.deadline_basis is None):
            raise ValueError("deadline_basis says how deadline_date was derived: both or neither")
        return self

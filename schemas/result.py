"""What `speechtasks extract --format json` prints: one Extraction, dumped."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from schemas.outline import Section
from schemas.requirement import Requirement
from schemas.speech import Speech


class Extraction(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    speech: Speech
    sections: list[Section] = Field(default_factory=list)
    requirements: list[Requirement] = Field(default_factory=list)

    def to_json(self) -> str:
        return self.model_dump_json(indent=1)

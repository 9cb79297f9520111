"""One assignment of the fixed actor taxonomy (ANNOTATION.md §3; the codes are in
schemas/codes.py, the words that map to them in `extractors/data/actors.toml`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from schemas.codes import CATEGORY_LABELS, ActorCategory, Basis

__all__ = ["CATEGORY_LABELS", "ActorAssignment", "ActorCategory", "Basis"]


class ActorAssignment(BaseModel):
    """One responsible-actor category of a requirement, with its evidence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: ActorCategory
    mention: str | None = Field(None, description="the literal words in the speech; None for default")
    basis: Basis
    char_start: int | None = Field(None, ge=0, description="offset of the mention in the decoded text")

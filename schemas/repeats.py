"""A requirement's demand key: what links it to the same demand asked in other speeches."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class DemandKey(BaseModel):
    """The shingles of a requirement's heading (and first sentence), and their LSH band keys.

    `grams` is the shingles, space-separated (the exact Jaccard is computed from it);
    `bands` one signed 64-bit key per MinHash band (two keys share a band → candidates).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    requirement_id: str
    grams: str
    bands: tuple[int, ...]


class Demands(BaseModel):
    """One speech's demand keys and how they are to be linked (`store.save_extraction`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: str
    threshold: float
    min_shared: int
    sure_score: float
    max_links: int
    keys: tuple[DemandKey, ...]

    def settings(self) -> dict[str, Any]:
        return self.model_dump(exclude={"keys"})

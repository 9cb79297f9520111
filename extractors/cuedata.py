"""The outline cue files (data/outline.toml, data/sections.toml), loaded and checked once."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from schemas import SectionKind

_CN = "[一二三四五六七八九十]{1,3}"
_DIGITS = "[0-9０-９]{1,2}"


@dataclass(frozen=True)
class Family:
    """One marker family of ANNOTATION.md §1 (`一、`, `（一）`, `一是`, …)."""

    name: str
    pattern: re.Pattern[str]
    rank: int  # 0 section, 1 group, 2 item
    inline: bool


class CueError(ValueError):
    """A cue file does not have the shape the loader expects."""


def _read(name: str) -> dict:
    return tomllib.loads(resources.files("extractors.data").joinpath(name).read_text("utf-8"))


@lru_cache(maxsize=1)
def outline_cues() -> dict:
    data = _read("outline.toml")
    families = []
    for spec in data.get("families", []):
        try:
            src = spec["pattern"].replace("{cn}", _CN).replace("{d}", _DIGITS)
            families.append(
                Family(spec["name"], re.compile(src), int(spec["rank"]), bool(spec.get("inline", False)))
            )
        except (KeyError, re.error) as exc:
            raise CueError(f"outline.toml: bad family {spec!r}: {exc}") from exc
    words = data.get("words", {})
    for key in ("addresses", "closing_openers", "closing_phrases", "closing_headings", "end_matter"):
        if not all(isinstance(w, str) and w for w in words.get(key, [])):
            raise CueError(f"outline.toml: words.{key} must be a list of non-empty strings")
    return {"families": families, "words": words, "limits": data.get("limits", {})}


@lru_cache(maxsize=1)
def section_cues() -> dict:
    data = _read("sections.toml")
    kinds = data.get("kinds", {})
    for kind in kinds:
        SectionKind(kind)  # raises on a kind the schema does not know
    for kind in data.get("order", []):
        if kind not in kinds:
            raise CueError(f"sections.toml: order names unknown kind {kind!r}")
    return data

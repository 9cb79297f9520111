"""Pydantic v2 models shared by every layer. Imports nothing of ours.

The names below load on first use (PEP 562), each from its own module: a command
that needs only the codes (`speechtasks --help`: schemas/codes.py) builds no model.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from schemas.actor import ActorAssignment
    from schemas.codes import CATEGORY_LABELS, ActorCategory, Basis, DeadlineBasis, SectionKind
    from schemas.outline import Section
    from schemas.repeats import DemandKey, Demands
    from schemas.requirement import Requirement
    from schemas.result import Extraction
    from schemas.speech import Speech

_HOME = {
    "CATEGORY_LABELS": "schemas.codes",
    "ActorCategory": "schemas.codes",
    "Basis": "schemas.codes",
    "DeadlineBasis": "schemas.codes",
    "SectionKind": "schemas.codes",
    "ActorAssignment": "schemas.actor",
    "Section": "schemas.outline",
    "DemandKey": "schemas.repeats",
    "Demands": "schemas.repeats",
    "Requirement": "schemas.requirement",
    "Extraction": "schemas.result",
    "Speech": "schemas.speech",
}

__all__ = [
    "CATEGORY_LABELS",
    "ActorAssignment",
    "ActorCategory",
    "Basis",
    "DeadlineBasis",
    "DemandKey",
    "Demands",
    "Extraction",
    "Requirement",
    "Section",
    "SectionKind",
    "Speech",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'schemas' has no attribute {name!r}")
    value = getattr(import_module(_HOME[name]), name)
    globals()[name] = value
    return value

"""Pydantic v2 models shared by every layer. Imports nothing of ours."""

from schemas.actor import CATEGORY_LABELS, ActorAssignment, ActorCategory, Basis
from schemas.outline import Section, SectionKind
from schemas.repeats import DemandKey, Demands
from schemas.requirement import Requirement
from schemas.result import Extraction
from schemas.speech import Speech

__all__ = [
    "CATEGORY_LABELS",
    "ActorAssignment",
    "ActorCategory",
    "Basis",
    "DemandKey",
    "Demands",
    "Extraction",
    "Requirement",
    "Section",
    "SectionKind",
    "Speech",
]

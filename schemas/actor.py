"""The fixed actor taxonomy (ANNOTATION.md §3) and one assignment of it.

The codes are fixed; the words that map to them are data
(`extractors/data/actors.toml`), so offices extend the lexicon, not this module.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ActorCategory(StrEnum):
    party_committee = "party_committee"
    principal = "principal"
    leadership_member = "leadership_member"
    department = "department"
    lower_government = "lower_government"
    discipline_supervision = "discipline_supervision"
    grassroots_party = "grassroots_party"
    cadres = "cadres"
    enterprises_institutions = "enterprises_institutions"
    all_units = "all_units"


CATEGORY_LABELS: dict[ActorCategory, str] = {
    ActorCategory.party_committee: "党委（党组）",
    ActorCategory.principal: "主要负责人（“一把手”）",
    ActorCategory.leadership_member: "班子成员、分管领导",
    ActorCategory.department: "职能部门",
    ActorCategory.lower_government: "下级政府、属地",
    ActorCategory.discipline_supervision: "纪检监察、巡视巡察、审计督查",
    ActorCategory.grassroots_party: "基层党组织",
    ActorCategory.cadres: "党员干部个人",
    ActorCategory.enterprises_institutions: "企事业单位",
    ActorCategory.all_units: "泛指全体",
}


class Basis(StrEnum):
    explicit = "explicit"  # a subject of a directive inside the requirement's own span
    inherited = "inherited"  # from the parent's own text, one level up
    default = "default"  # nobody named: all_units


class ActorAssignment(BaseModel):
    """One responsible-actor category of a requirement, with its evidence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: ActorCategory
    mention: str | None = Field(None, description="the literal words in the speech; None for default")
    basis: Basis
    char_start: int | None = Field(None, ge=0, description="offset of the mention in the decoded text")

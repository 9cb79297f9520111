"""The fixed codes: actor categories (ANNOTATION.md §3), their bases, section kinds (§1),
how a deadline's date was derived (§4).

Plain enums, no pydantic: the command line offers them as choices without building a
model (`speechtasks --help`). The codes are fixed; the words that map to them are data
(`extractors/data/actors.toml`), so offices extend the lexicon, not this module.
"""

from __future__ import annotations

from enum import StrEnum


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


class SectionKind(StrEnum):
    review = "review"
    problems = "problems"
    situation = "situation"
    targets = "targets"
    tasks = "tasks"
    closing = "closing"
    other = "other"


class DeadlineBasis(StrEnum):
    """How `deadline_date` was derived from the phrase (null when there is no date)."""

    as_written = "as_written"  # the phrase holds its year: 2030年, 2027年底前, 一九八五年
    speech_year = "speech_year"  # read in the speech's year: 今年, 年底前, 6月底前, 一季度, 明年
    years_from_speech_year = "years_from_speech_year"  # N years, the speech's year the first: 今后五年

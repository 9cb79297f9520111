"""Extraction + text → what the page shows: blocks of marked text and the 台账 rows.

Offsets come from the extractor; this module checks each one against the text
before marking it (a mention must read the same at its offset) and turns what
cannot be placed into a note for the clerk, so a wrong offset is visible, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from review.markup import Event, Span, events
from schemas import ActorAssignment, ActorCategory, Basis, Extraction, Requirement, Section, SectionKind

# Nesting order of the marks: requirements outermost, then heading lines, mentions, deadlines.
RANK = {"req": 0, "title": 1, "actor": 2, "deadline": 3}

SHORT_LABELS: dict[ActorCategory, str] = {
    ActorCategory.party_committee: "党委（党组）",
    ActorCategory.principal: "一把手",
    ActorCategory.leadership_member: "班子成员",
    ActorCategory.department: "职能部门",
    ActorCategory.lower_government: "下级政府",
    ActorCategory.discipline_supervision: "纪检监察",
    ActorCategory.grassroots_party: "基层党组织",
    ActorCategory.cadres: "党员干部",
    ActorCategory.enterprises_institutions: "企事业单位",
    ActorCategory.all_units: "全体",
}
BASIS_LABELS: dict[Basis, str] = {Basis.explicit: "明示", Basis.inherited: "承上", Basis.default: "默认"}
KIND_LABELS: dict[SectionKind, str] = {
    SectionKind.review: "回顾成绩",
    SectionKind.problems: "查摆问题",
    SectionKind.situation: "形势分析",
    SectionKind.targets: "目标要求",
    SectionKind.tasks: "工作任务",
    SectionKind.closing: "结束语",
    SectionKind.other: "其他",
}
SET_APART = {SectionKind.review, SectionKind.problems}


@dataclass(frozen=True)
class Block:
    """A stretch of the speech: one section, or the text before, between or after sections."""

    start: int
    end: int
    events: list[Event]
    section: Section | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.section.kind] if self.section else ""

    @property
    def set_apart(self) -> bool:
        return bool(self.section and self.section.kind in SET_APART)


@dataclass(frozen=True)
class RowState:
    """What the clerk decided about a requirement (the review app's page; the static page has none)."""

    check: str = "unchecked"  # confirmed (已核对) / rejected (not a requirement) / unchecked
    revision: int = 0  # id of its latest correction: an edit names it, so a stale edit is refused
    corrected: tuple[str, ...] = ()  # fields the clerk changed: actors, deadline, added
    clerk_categories: tuple[str, ...] = ()  # categories the clerk gave that the extractor did not
    origin: str = "extractor"  # or clerk: a requirement the clerk added
    history: tuple[dict[str, Any], ...] = ()  # who changed what and when, oldest first


@dataclass(frozen=True)
class AppContext:
    """Present when the page is served by the review app (web/): its edit controls are shown."""

    speech_id: str
    api: str = "/api"
    home: str = "/"


@dataclass(frozen=True)
class Row:
    """One 台账 row: a requirement as the side list shows it."""

    req: Requirement
    actors: list[ActorAssignment]
    tags: list[ActorAssignment]  # actors with no mention inside the span (inherited, default)
    deadline_in_span: bool
    notes: list[str] = field(default_factory=list)
    state: RowState = field(default_factory=RowState)

    def basis_label(self, actor: ActorAssignment) -> str:
        return "核定" if actor.category.value in self.state.clerk_categories else BASIS_LABELS[actor.basis]

    def basis_class(self, actor: ActorAssignment) -> str:
        return "clerk" if actor.category.value in self.state.clerk_categories else actor.basis.value


@dataclass(frozen=True)
class Review:
    text: str
    extraction: Extraction
    blocks: list[Block]
    rows: list[Row]
    app: AppContext | None = None

    @property
    def notes(self) -> list[tuple[str, str]]:
        return [(row.req.path, note) for row in self.rows for note in row.notes]


def _mention_span(text: str, actor: ActorAssignment) -> tuple[int, int] | None:
    if actor.mention is None or actor.char_start is None:
        return None
    start, end = actor.char_start, actor.char_start + len(actor.mention)
    return (start, end) if text[start:end] == actor.mention else None


def _in(req: Requirement, span: tuple[int, int]) -> bool:
    return req.char_start <= span[0] and span[1] <= req.char_end


def build_row(
    text: str, req: Requirement, spans: dict[tuple[int, int, str], Span], state: RowState | None = None
) -> Row:
    """The 台账 row of one requirement; adds its mention and deadline spans to `spans`."""
    tags: list[ActorAssignment] = []
    notes: list[str] = []
    for actor in req.actors:
        where = _mention_span(text, actor)
        if actor.mention is not None and actor.char_start is not None and where is None:
            notes.append(f"“{actor.mention}”不在所给位置 {actor.char_start}")
        if where is None or not _in(req, where):
            tags.append(actor)
        if where is not None:
            key = (*where, actor.category.value)
            old = spans.get(key)
            if old is None or (actor.basis is Basis.explicit and old.data["basis"] != "explicit"):
                spans[key] = Span(*where, "actor", RANK["actor"], _actor_data(actor))
    found = req.text.find(req.deadline) if req.deadline else -1
    if req.deadline and found >= 0:
        start = req.char_start + found
        data = {"deadline": req.deadline, "date": req.deadline_date, "path": req.path}
        spans[(start, start + len(req.deadline), "deadline")] = Span(
            start, start + len(req.deadline), "deadline", RANK["deadline"], data
        )
    return Row(
        req=req,
        actors=list(req.actors),
        tags=tags,
        deadline_in_span=found >= 0,
        notes=notes,
        state=state or RowState(),
    )


def _actor_data(actor: ActorAssignment) -> dict[str, str]:
    return {
        "category": actor.category.value,
        "basis": actor.basis.value,
        "short": SHORT_LABELS[actor.category],
        "basis_label": BASIS_LABELS[actor.basis],
    }


def _heading_line(text: str, section: Section) -> Span:
    end = text.find("\n", section.char_start, section.char_end)
    end = section.char_end if end < 0 else end
    return Span(section.char_start, end, "title", RANK["title"], {"path": section.path})


def build_review(
    text: str,
    extraction: Extraction,
    states: dict[str, RowState] | None = None,
    app: AppContext | None = None,
) -> Review:
    marks: dict[tuple[int, int, str], Span] = {}
    states = states or {}
    rows = [build_row(text, req, marks, states.get(req.id)) for req in extraction.requirements]
    spans = [
        *(Span(r.req.char_start, r.req.char_end, "req", RANK["req"], {"row": r}) for r in rows),
        *(_heading_line(text, s) for s in extraction.sections),
        *marks.values(),
    ]
    blocks: list[Block] = []

    def add(start: int, end: int, section: Section | None = None) -> None:
        while start < end and text[start] == "\n":  # no blank first line
            start += 1
        while end > start and text[end - 1].isspace():  # nor a blank last line
            end -= 1
        if end > start or section is not None:
            blocks.append(Block(start, end, list(events(text, start, end, spans)), section))

    cursor = 0
    for section in sorted(extraction.sections, key=lambda s: s.char_start):
        start = max(section.char_start, cursor)
        add(cursor, start)
        add(start, max(start, section.char_end), section)
        cursor = max(start, section.char_end)
    add(cursor, len(text))
    return Review(text=text, extraction=extraction, blocks=blocks, rows=rows, app=app)

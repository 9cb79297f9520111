"""Requirements (ANNOTATION.md §2): the leaves of tasks sections, with exact spans.

- A node with enumerated children: its own text (marker to first child) is no
  requirement; the children are visited.
- A leaf section or group (depth ≤ 2, not an item-like marker): every paragraph is an
  item (a heading alone on its line is not; a sub-heading line heads the paragraphs
  below it); a group of one paragraph is itself the requirement.
- A leaf item (`一是…`, `1.`, `第一，` under a group): its whole span is the requirement.
- A list inside a paragraph (`抓好三件事：一是…；二是…`), or on lines of its own after
  a lead-in paragraph among other paragraphs, hangs under that paragraph.
- Paragraphs and items that ask for nothing are left out; their place in the
  numbering is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.cuedata import outline_cues
from extractors.directives import asks_for_something, directive_sentences, names_work
from extractors.lexicon import Lexicon, load_lexicon
from extractors.markers import Marker, inline_list, line_marker, opens_paragraph
from extractors.outline import Node, Outline, heading_of
from extractors.text import Span, address_prefix, ends_sentence, first_sentence_end, flat


@dataclass(frozen=True)
class RequirementDraft:
    """A requirement before actors and deadlines: where it is and what it is called."""

    path: str
    label: str
    heading: str
    span: Span
    parent_own: Span | None  # the parent's own text, for inheritance (§3, §4)
    measures: tuple[str, ...]


@dataclass(frozen=True)
class _Unit:
    """A paragraph item: one paragraph, or a sub-heading line with the paragraphs below it."""

    start: int  # where the item's text starts (its marker, for the node's own line)
    head: int  # where its heading sentence starts
    end: int
    paras: tuple[Span, ...]


def _trim(text: str, start: int, end: int) -> Span:
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _measures(outline: Outline, span: Span) -> tuple[str, ...]:
    out: list[str] = []
    for p in outline.paras_in(span.start, span.end) or [span]:
        piece = outline.unwrapped(max(p.start, span.start), min(p.end, span.end))
        out.extend(flat(piece[s.start : s.end]) for s in directive_sentences(piece, Span(0, len(piece))))
    return tuple(out)


def _heading_at(text: str, start: int, end: int) -> str:
    start = address_prefix(text, start, end)
    return flat(text[start : first_sentence_end(text, start, end)])


class _Builder:
    def __init__(self, outline: Outline) -> None:
        self.o = outline
        self.text = outline.text
        self.closing = {p.start for p in outline.closing}
        self.out: list[RequirementDraft] = []
        self.sub_max = int(outline_cues()["limits"].get("subheading_max", 40))

    # -- helpers -------------------------------------------------------------
    def paras(self, start: int, end: int) -> list[Span]:
        return [
            p for p in self.o.paras_in(start, end) if p.start not in self.closing and not self.repeated(p)
        ]

    def repeated(self, p: Span) -> bool:
        """A paragraph that repeats, word for word, the text just before it: a copy left in
        the source (`…需求。四是加强风险管理…` and then the same `四是…` on its own line)."""
        own = self.text[p.start : p.end].strip()
        if len(own) < 20:
            return False
        before = self.text[max(0, p.start - len(own) - 4) : p.start].rstrip()
        return before.endswith(own)

    def marker_para(self, node: Node) -> Span | None:
        p = self.o.para_at(node.start)
        opens = p is not None and not node.inline and opens_paragraph(self.text, p, node.start)
        return p if opens else None

    def heading_alone(self, node: Node, para: Span) -> bool:
        return first_sentence_end(self.text, node.body_start, para.end) >= para.end

    def is_subheading(self, para: Span, nxt: Span | None) -> bool:
        """A short line heading the paragraph below it (bold in the original)."""
        if nxt is None:
            return False
        line = flat(self.text[para.start : para.end])
        if line.endswith(("：", ":")) or len(line) > self.sub_max:
            return False
        if first_sentence_end(self.text, para.start, para.end) < para.end:
            return False  # more than one sentence: a paragraph of its own
        if address_prefix(self.text, nxt.start, nxt.end) > nxt.start:
            return False
        nxt_len = len(flat(self.text[nxt.start : nxt.end]))
        if not ends_sentence(line):
            return nxt_len > 2 * len(line)
        # A full sentence standing alone heads what follows only when it is short and
        # what follows is a real body paragraph (a bold first sentence put on its own line).
        return len(line) <= self.sub_max // 2 and nxt_len >= max(3 * len(line), self.sub_max * 2)

    def emit(
        self,
        path: str,
        label: str,
        heading: str,
        span: Span,
        parent_own: Span | None,
        words: int,
        marked: bool = False,
    ) -> None:
        """One requirement, if its words (from `words`, past the marker) ask for something.

        An enumerated item only has to name work (a verb): its place in a tasks list
        already makes it a demand. A plain paragraph has to ask (§2).
        """
        check = names_work if marked else asks_for_something
        words_text = self.o.unwrapped(words, span.end)
        if span.end <= span.start or not check(words_text, Span(0, len(words_text))):
            return
        measures = _measures(self.o, span)
        self.out.append(RequirementDraft(path, label, heading, span, parent_own, measures))

    def emit_inline(self, path: str, label: str, items: list[Marker], end: int, lead: Span) -> None:
        for k, m in enumerate(items, start=1):
            stop = items[k].start if k < len(items) else end
            span = _trim(self.text, m.start, stop)
            heading = _heading_at(self.text, m.end, span.end)
            self.emit(
                f"{path}.{k}", label + self.text[m.start : m.end].strip(), heading, span, lead, m.end, True
            )

    # -- the walk ------------------------------------------------------------
    def visit(
        self, node: Node, path: str, label: str, depth: int, parent_own: Span | None, end: int | None = None
    ) -> None:
        if node.children:
            first = node.children[0]
            before = self.units(node, self.paras(node.start, first.start))
            listed = all(c.rank == 2 for c in node.children)
            # Paragraph items with a list hanging under one of them: in a group, or in a
            # section whose paragraphs carry lists of their own (`主要考虑：一是…；二是…`).
            items_level = depth == 2 or (depth == 1 and any(self.carries_list(u) for u in before))
            # Lists begun inside paragraphs, more than one: each hangs under its paragraph.
            inline_lists = first.inline and len(_runs(node.children)) > 1
            if (
                listed
                and node.rank < 2
                and items_level
                and (len(before) >= 2 or inline_lists or self.lead_in_with_more(node, before))
            ):
                self.paragraph_items(node, path, label, before, node.children)
                return
            own = _trim(self.text, node.start, first.start)
            for child in node.children:
                self.visit(child, f"{path}.{child.index}", label + child.marker, depth + 1, own)
            return
        node_end = node.end if end is None else min(end, node.end)
        paras = self.paras(node.start, node_end)
        if (depth <= 2 and node.rank < 2) or (depth == 2 and self.titled_group(node)):
            self.paragraph_items(node, path, label, self.units(node, paras), [], parent_own)
        elif paras or node.inline:
            stop = paras[-1].end if paras else node_end
            self.whole(node, path, label, _trim(self.text, node.start, min(stop, node_end)), parent_own)

    def lead_in_with_more(self, node: Node, before: list[_Unit]) -> bool:
        """One lead-in paragraph (`重点抓好以下三项工作：`), a list on lines of its own, and
        paragraphs after it (`各县（市、区）要…`): the list hangs under its lead-in and the
        paragraphs after it stay items of the group (§2), not part of the list's last member."""
        lead_in = tuple(outline_cues()["words"].get("lead_in_endings", []))
        if (
            len(before) != 1
            or not lead_in
            or not self.text[before[0].start : before[0].end].rstrip().endswith(lead_in)
        ):
            return False
        last = node.children[-1]
        if last.inline or last.children:
            return False
        last_para = self.o.para_at(last.start)
        return last_para is not None and any(
            line_marker(self.text, p) is None for p in self.paras(last_para.end, node.end)
        )

    def labelled_line(self, p: Span) -> bool:
        """`责任领导：副县长陈志强；责任单位：…`, `完成时限：9月底前`: a label line."""
        return _member_labels(load_lexicon()).match(self.text, p.start, p.end) is not None

    def titled_group(self, node: Node) -> bool:
        """An item-marked node (`3.`) that is a group: its siblings have children of their
        own and its marker line is a title standing alone; its paragraphs are items (§2)."""
        siblings = node.parent.children if node.parent is not None else []
        if not any(s.children for s in siblings if s is not node):
            return False
        head = self.marker_para(node)
        return head is not None and self.heading_alone(node, head)

    def whole(self, node: Node, path: str, label: str, span: Span, parent_own: Span | None) -> None:
        items = self.inline_items(node.body_start, span.end)
        if items:
            self.emit_inline(path, label, items, span.end, _trim(self.text, node.start, items[0].start))
            return
        para = self.o.para_at(node.start)
        heading = heading_of(self.text, node, para.end if para else None)
        self.emit(path, label, heading, span, parent_own, node.body_start, True)

    def inline_items(self, start: int, end: int) -> list[Marker]:
        """The list standing inside text[start:end], unless it only gives reasons or
        principles (`第一，我国是…；第二，…`): most of its members ask for nothing (§2)."""
        items = inline_list(self.text, start, end)
        asking = 0
        for k, m in enumerate(items):
            stop = items[k + 1].start if k + 1 < len(items) else end
            words = self.o.unwrapped(m.end, stop)
            asking += asks_for_something(words, Span(0, len(words)))
        return items if 2 * asking >= len(items) else []

    def carries_list(self, u: _Unit) -> bool:
        return bool(self.inline_items(u.head, u.end))

    def units(self, node: Node, paras: list[Span]) -> list[_Unit]:
        out: list[_Unit] = []
        head_para = self.marker_para(node)
        open_sub = False
        for i, p in enumerate(paras):
            if head_para is not None and p.start == head_para.start:
                if not self.heading_alone(node, p):
                    out.append(_Unit(node.start, node.body_start, p.end, (p,)))
                continue
            nxt = paras[i + 1] if i + 1 < len(paras) else None
            if self.is_subheading(p, nxt):
                out.append(_Unit(p.start, p.start, p.end, (p,)))
                open_sub = True
            elif open_sub and out:
                u = out[-1]
                out[-1] = _Unit(u.start, u.head, p.end, (*u.paras, p))
            else:
                out.append(_Unit(p.start, p.start, p.end, (p,)))
        return out

    def paragraph_items(
        self,
        node: Node,
        path: str,
        label: str,
        units: list[_Unit],
        listed: list[Node],
        parent_own: Span | None = None,
    ) -> None:
        head_para = self.marker_para(node)
        own = None
        if head_para is not None:
            own = Span(node.start, first_sentence_end(self.text, node.body_start, head_para.end))
        if not listed and not units and head_para is not None:
            # A group that is one line: the line itself is the requirement.
            units = [_Unit(node.start, node.body_start, head_para.end, (head_para,))]
        if not listed and len(units) == 1:
            u = units[0]
            span = _trim(self.text, node.start, u.end)
            heading = (
                heading_of(self.text, node, head_para.end)
                if head_para
                else _heading_at(self.text, u.head, u.paras[0].end)
            )
            items = self.inline_items(u.head, u.end)
            if items:
                self.emit_inline(path, label, items, u.end, _trim(self.text, node.start, items[0].start))
            else:
                # The group is itself the requirement: its parent is the node above it,
                # whose own text (`各级党委要…` before `第一，`) it inherits from (§3).
                self.emit(path, label, heading, span, parent_own, u.head)
            return
        if listed:
            self.items_with_lists(node, path, label, units, listed, own)
            return
        for k, u in enumerate(units, start=1):
            self.plain_item(f"{path}.{k}", label, u, own)

    def plain_item(self, upath: str, label: str, u: _Unit, own: Span | None) -> None:
        items = self.inline_items(u.head, u.end)
        if items:
            self.emit_inline(upath, label, items, u.end, _trim(self.text, u.start, items[0].start))
            return
        heading = _heading_at(self.text, u.head, u.paras[0].end)
        self.emit(upath, label, heading, _trim(self.text, u.start, u.end), own, u.head)

    def items_with_lists(
        self, node: Node, path: str, label: str, units: list[_Unit], listed: list[Node], own: Span | None
    ) -> None:
        """Paragraph items, some of which lead a list (§2): each list hangs under the
        paragraph that introduces it or carries its first members; the other paragraphs,
        before and after it, stay items. A list begun inline in its lead paragraph ends
        with the paragraph of its last member."""
        runs = _runs(listed)
        k = 0
        pending = units
        for r, run in enumerate(runs):
            nxt = runs[r + 1][0] if r + 1 < len(runs) else None
            for u in pending[:-1]:
                k += 1
                self.plain_item(f"{path}.{k}", label, u, own)
            lead_unit = pending[-1] if pending else None
            if lead_unit is not None:
                k += 1
            upath = f"{path}.{max(k, 1)}"
            lead = _trim(self.text, lead_unit.start if lead_unit else node.start, run[0].start)
            end = self.run_end(node, run, nxt)
            for j, child in enumerate(run, start=1):
                stop = end if child is run[-1] else None
                self.visit(child, f"{upath}.{j}", label + child.marker, 3, lead, stop)
            after_end = nxt.start if nxt is not None else node.end
            pending = self.units(node, self.paras(end, after_end)) if end < after_end else []
        for u in pending:
            k += 1
            self.plain_item(f"{path}.{k}", label, u, own)

    def run_end(self, node: Node, run: list[Node], nxt: Node | None) -> int:
        """Where a list's last member ends: its own paragraph, for a list begun inline;
        else the paragraph that carries the next list's first members, or the next list."""
        last_para = self.o.para_at(run[-1].start)
        if run[0].inline and last_para is not None:
            return last_para.end
        if nxt is None:
            # The paragraphs after a group's last list stay its items (§2: `the other
            # paragraphs stay items`), unless one opens with a marker the outline did not
            # take (`六、` in a badly laid-out source): then what follows is not known.
            after = self.o.paras_in(last_para.end, node.end) if last_para is not None else []
            if last_para is None or any(line_marker(self.text, p) is not None for p in after):
                return node.end
            end = last_para.end
            for p in after:  # `责任领导：…；责任单位：…` lines of the last member go with it
                if not self.labelled_line(p):
                    break
                end = p.end
            return end
        carrier = self.o.para_at(nxt.start) if nxt.inline else None
        return carrier.start if carrier is not None else nxt.start


@lru_cache(maxsize=4)
def _member_labels(lexicon: Lexicon) -> re.Pattern[str]:
    labels = [*outline_cues()["words"].get("member_labels", []), *lexicon.subject.assignment_labels]
    return re.compile(r"[（(【\[]?(?:" + "|".join(map(re.escape, labels)) + r")\s*[：:]")


def _runs(listed: list[Node]) -> list[list[Node]]:
    """The lists among a node's item children: a new one starts where the count starts again."""
    runs: list[list[Node]] = []
    for child in listed:
        if not runs or (child.ordinal == 1 and runs[-1][-1].ordinal >= 1):
            runs.append([child])
        else:
            runs[-1].append(child)
    return runs


def drafts_for(outline: Outline, section: Node) -> list[RequirementDraft]:
    """Requirement drafts under one tasks section, in document order."""
    b = _Builder(outline)
    b.visit(section, str(section.index), section.marker, 1, None)
    return b.out

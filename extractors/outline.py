"""The enumerated tree of a speech: 一、 → 第一， / （一） → 一是 / 一要 → …

Depth comes from nesting, not from the marker: a marker family that is not yet
open starts a list one level below the current node; a family already open
continues its list when the ordinal follows on (二 after 一), which closes
everything opened below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.text import Span, first_sentence_end, paragraphs

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "[一二三四五六七八九十]{1,3}"


def cn_to_int(s: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23."""
    if "十" not in s:
        return _CN_DIGITS.get(s, 0) if len(s) == 1 else 0
    tens, _, ones = s.partition("十")
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


# Families recognised at the start of a paragraph: name → pattern (group 1: the ordinal).
LINE_MARKERS: dict[str, re.Pattern[str]] = {
    "cn_dun": re.compile(rf"({_CN})、"),
    "cn_paren": re.compile(rf"[（(]({_CN})[）)]"),
    "di_cn": re.compile(rf"第({_CN})[，、,]"),
    "cn_shi": re.compile(rf"({_CN})是(?=[^的])"),
    "cn_yao": re.compile(rf"({_CN})要(?=[^求])"),
    "arabic": re.compile(r"([0-9０-９]{1,2})[.．、](?![0-9０-９])"),
    "arabic_paren": re.compile(r"[（(]([0-9０-９]{1,2})[）)]"),
}
# Families that also open items in the middle of a paragraph (after ：。；).
INLINE_MARKERS: dict[str, re.Pattern[str]] = {
    "cn_shi": re.compile(rf"(?<=[：:。；;])\s*({_CN})是(?=[^的])"),
    "cn_yao": re.compile(rf"(?<=[：:。；;])\s*({_CN})要(?=[^求])"),
}


def _ordinal(s: str) -> int:
    s = s.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return int(s) if s.isdigit() else cn_to_int(s)


@dataclass
class Node:
    family: str  # "root" for the document
    ordinal: int  # the number the marker carries
    marker: str  # as written: "三、"
    start: int  # offset of the marker
    body_start: int  # offset just after the marker
    inline: bool = False
    end: int = 0  # set once the tree is built
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)
    index: int = 0  # 1-based position among its siblings: the path component

    def own_span(self) -> Span:
        """The node's own text: from its marker to its first child (or its end)."""
        stop = self.children[0].start if self.children else self.end
        return Span(self.start, stop)

    @property
    def path(self) -> str:
        parts: list[str] = []
        node: Node | None = self
        while node is not None and node.family != "root":
            parts.append(str(node.index))
            node = node.parent
        return ".".join(reversed(parts))

    @property
    def label(self) -> str:
        parts: list[str] = []
        node: Node | None = self
        while node is not None and node.family != "root":
            parts.append(node.marker)
            node = node.parent
        return "".join(reversed(parts))

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Candidate:
    family: str
    ordinal: int
    start: int
    end: int
    inline: bool


def find_markers(text: str, paras: list[Span]) -> list[Candidate]:
    found: list[Candidate] = []
    for p in paras:
        line = text[p.start : p.end]
        for family, pattern in LINE_MARKERS.items():
            m = pattern.match(line)
            if m:
                found.append(Candidate(family, _ordinal(m.group(1)), p.start, p.start + m.end(), False))
                break
        for family, pattern in INLINE_MARKERS.items():
            for m in pattern.finditer(line):
                s = p.start + m.start(1)
                found.append(Candidate(family, _ordinal(m.group(1)), s, p.start + m.end(), True))
    found.sort(key=lambda c: c.start)
    return found


def build_tree(text: str, candidates: list[Candidate]) -> Node:
    root = Node("root", 0, "", 0, 0, end=len(text))
    stack = [root]
    for c in candidates:
        open_idx = next((i for i in range(len(stack) - 1, 0, -1) if stack[i].family == c.family), None)
        if open_idx is not None and stack[open_idx].ordinal == c.ordinal - 1:
            del stack[open_idx:]
        elif c.ordinal != 1:
            continue  # not the next of an open list, nor the start of a new one: plain text
        parent = stack[-1]
        node = Node(
            c.family, c.ordinal, text[c.start : c.end].strip(), c.start, c.end, c.inline, parent=parent
        )
        node.index = len(parent.children) + 1
        parent.children.append(node)
        stack.append(node)
    _close(root, len(text))
    return root


def _close(node: Node, end: int) -> None:
    node.end = end
    for i, child in enumerate(node.children):
        nxt = node.children[i + 1].start if i + 1 < len(node.children) else end
        _close(child, nxt)


def heading_of(text: str, node: Node) -> str:
    """A node's heading: its first sentence, without the marker."""
    stop = first_sentence_end(text, node.body_start, node.end)
    return text[node.body_start : stop].strip()


def parse_outline(text: str) -> tuple[Node, list[Span]]:
    """The enumerated tree of `text`, and its paragraphs."""
    paras = paragraphs(text)
    return build_tree(text, find_markers(text, paras)), paras

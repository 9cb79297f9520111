"""The enumerated tree of a speech: 一、 → 第一， / （一） → 一是 / 一要 → …

Depth comes from nesting, not from the marker (ANNOTATION.md §1):
- a family already open continues its list when the ordinal follows on (二 after 一),
  which closes everything opened below it;
- a family that starts again at 1 while open starts a second list beside the first
  (two lists side by side at one level are numbered together);
- a new family opens a list below the current node, except that a group-like marker
  (`（一）`, `第一，`) never nests under an item-like one (`——`, `一是`, `1.`).
Unnumbered section headings (short lines with no sentence end) are the top level when
the speech opens with one before any `一、`. Closing paragraphs and end matter (notes)
are cut off the last section.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from extractors.cuedata import outline_cues
from extractors.markers import Marker, _inline_hits, continuations, line_marker, opens_paragraph
from extractors.text import (
    BREAK,
    Span,
    address_prefix,
    ends_sentence,
    first_sentence_end,
    flat,
    is_address_only,
)

HEADING = "heading"  # the family name of unnumbered section headings
_HEADING_RANK = -1
_FRONT_MATTER_LINES = 8
# A send-off runs to at most this many paragraphs.
_SEND_OFF_MAX = 6
# Paragraphs a list's later member looks back for its first members standing inline.
_INLINE_LOOK_BACK = 3
# Families whose single member is ordinary prose (`首先，我代表…`, a lone dash line).
_NEEDS_PAIR = ("sequence", "dash")


@dataclass
class Node:
    family: str  # "root", HEADING, or a marker family name
    rank: int
    ordinal: int
    marker: str  # as written: "三、"; "" for unnumbered headings
    start: int  # offset of the marker (or of the heading line)
    body_start: int  # offset just after the marker
    inline: bool = False
    end: int = 0  # set once the tree is built
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)
    index: int = 0  # 1-based position among its siblings

    @property
    def depth(self) -> int:
        d, node = 0, self
        while node.parent is not None:
            d, node = d + 1, node.parent
        return d

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Outline:
    text: str
    root: Node
    paras: list[Span]  # the speech's paragraphs, front matter and end matter left out
    closing: list[Span]  # closing paragraphs (让我们…), outside every section
    closing_heading: bool  # the closing stands under a heading of its own (结束语)
    end_matter: Node | None = None  # notes after the speech (名词解释): a section of its own

    def paras_in(self, start: int, end: int) -> list[Span]:
        """Paragraphs starting in [start, end). A paragraph whose marker stands after
        markup (`**一是…`) starts at its marker: in when the marker is `start`, out when it is `end`."""
        lo = max(bisect_right(self.paras, start, key=lambda p: p.start) - 1, 0)
        hi = bisect_left(self.paras, end, key=lambda p: p.start)
        return [
            p
            for p in self.paras[lo:hi]
            if (start <= p.start or (start < p.end and opens_paragraph(self.text, p, start)))
            and not (end < p.end and opens_paragraph(self.text, p, end))
        ]

    def para_at(self, offset: int) -> Span | None:
        i = bisect_right(self.paras, offset, key=lambda p: p.start) - 1
        return self.paras[i] if i >= 0 and offset < self.paras[i].end else None

    def is_wrap(self, offset: int) -> bool:
        """Is the line break at `offset` a hard wrap (inside a paragraph), not a paragraph break?"""
        return self.para_at(offset) is not None

    def unwrapped(self, start: int, end: int) -> str:
        """text[start:end] with the hard wraps inside its paragraphs taken out (the line
        breaks between paragraphs stay): what a reader of the wrapped text reads."""
        piece = self.text[start:end]
        if "\n" not in piece:
            return piece
        return BREAK.sub(lambda m: "" if self.is_wrap(start + m.start()) else m.group(), piece)


def _words(key: str) -> list[str]:
    return outline_cues()["words"].get(key, [])


def _front_matter_end(text: str) -> int:
    """Title, date and speaker lines end at an address line near the top (`各位代表：`)."""
    pos = 0
    seen = 0
    for line in text.split("\n"):
        if line.strip():
            if is_address_only(line):
                return pos
            seen += 1
            if seen >= _FRONT_MATTER_LINES:
                break
        pos += len(line) + 1
    return 0


def _after_address_line(text: str, para: Span) -> bool:
    before = text[: para.start].rstrip()
    line = before[before.rfind("\n") + 1 :]
    return bool(line.strip()) and is_address_only(line)


def _opens_with_address(text: str, para: Span) -> bool:
    return address_prefix(text, para.start, para.end) > para.start or _after_address_line(text, para)


def closing_start(text: str, paras: list[Span]) -> int | None:
    """Where the closing send-off begins (`同志们！…让我们…`), or None.

    The closing is the last paragraph, reaching back to the last paragraph among the
    final three that opens with an address; it must sound like a send-off (a send-off
    phrase, or a last paragraph that ends with `！`). A party report's or a leader's
    send-off may run longer (`同志们！在…道路上…`, then `全党必须…`, then `让我们…`): it
    starts at the first paragraph after the last enumerated one that opens with a
    speech's address (`同志们！`): a congress of deputies' `各位代表！` also opens the last
    parts of the work (defence, Hong Kong, foreign policy), a speech's does not.
    """
    if not paras:
        return None
    last = text[paras[-1].start : paras[-1].end]
    if not _sounds_like_send_off(text[paras[-min(len(paras), _SEND_OFF_MAX)].start : paras[-1].end], last):
        return None
    long_block = _long_send_off(text, paras)
    if long_block is not None:
        return long_block
    tail = paras[-3:]
    block = next((i for i in range(len(tail) - 1, -1, -1) if _opens_with_address(text, tail[i])), None)
    if block is None:
        if not last.startswith(tuple(_words("closing_openers"))):
            return None
        block = len(tail) - 1
    if not _sounds_like_send_off(text[tail[block].start : paras[-1].end], last):
        return None
    return tail[block].start


def _sounds_like_send_off(body: str, last: str) -> bool:
    return any(w in body for w in _words("closing_phrases")) or last.rstrip().endswith(("！", "!"))


def _long_send_off(text: str, paras: list[Span]) -> int | None:
    tail = paras[-_SEND_OFF_MAX:]
    marked = [i for i, p in enumerate(tail) if line_marker(text, p) is not None]
    if not marked and not any(line_marker(text, p) is not None for p in paras[: -len(tail)]):
        return None  # a speech with no enumerated parts has no send-off of its own
    speech_address = tuple(_words("send_off_addresses"))
    emphasis = tuple(_words("emphasis_openers"))
    for p in tail[marked[-1] + 1 if marked else 0 :]:
        body = address_prefix(text, p.start, p.end)
        if not text.startswith(speech_address, p.start) or body == p.start:
            continue
        if text.startswith(emphasis, body):
            continue  # `同志们，我再说一遍，…`: the work at hand goes on (§2)
        return p.start
    return None


def is_heading_line(text: str, para: Span, max_len: int) -> bool:
    """A short line that does not end a sentence: an unnumbered heading."""
    line = text[para.start : para.end]
    return len(flat(line)) <= max_len and not ends_sentence(line)


def _strong_headings(
    text: str, paras: list[Span], markers: dict[int, Marker], *, commas: bool = False
) -> list[Span]:
    """Short lines with no sentence end standing before body text. Without `commas`,
    lines with a comma are left out (a bold topic sentence inside a section often has
    one); with it, they count, up to a longer limit (`充分肯定成绩，进一步增强…信心`)."""
    limits = outline_cues()["limits"]
    limit = int(limits.get("comma_heading_max" if commas else "section_heading_max", 25))
    out = []
    for i, p in enumerate(paras):
        line = flat(text[p.start : p.end])
        if p.start in markers or (not commas and ("，" in line or "," in line)) or i + 1 >= len(paras):
            continue
        if is_heading_line(text, p, limit) and not is_heading_line(text, paras[i + 1], limit):
            out.append(p)
    return out


def _marker_text(text: str, m: Marker) -> str:
    return text[m.start : m.end].strip()


def build_tree(text: str, paras: list[Span], body_end: int) -> Node:
    root = Node("root", -2, 0, "", 0, 0, end=body_end)
    markers: dict[int, Marker] = {}
    extra: list[Marker] = []
    prev_para: dict[int, int] = {}  # a line marker's offset → the start of the paragraph before
    for i, p in enumerate(paras):
        m = line_marker(text, p)
        if m:
            markers[p.start] = m
            prev_para[m.start] = paras[i - 1].start if i else 0
            extra.extend(continuations(text, m, p))
    for hit, para_start in _inline_starts(text, paras, markers):
        extra.append(hit)
        # It nests under a marker of its rank only when it stands in that marker's paragraph.
        prev_para[hit.start] = para_start
    closing_words = tuple(_words("closing_headings"))
    first_numbered = min((m.start for m in markers.values() if m.family.rank == 0), default=len(text) + 1)
    # Headings of one document share a style: comma-free ones when there are enough of
    # them, else headings with a comma (`充分肯定成绩，进一步…`).
    for commas in (False, True):
        strong = _strong_headings(text, paras, markers, commas=commas)
        numbered_strong = [h for h in strong if not text[h.start : h.end].startswith(closing_words)]
        top_unnumbered = len(numbered_strong) >= 2 and numbered_strong[0].start < first_numbered
        if top_unnumbered:
            break
    if not top_unnumbered:
        strong = _strong_headings(text, paras, markers)
    headings = [
        h for h in strong if top_unnumbered or text[h.start : h.end].strip().startswith(closing_words)
    ]
    items: list[tuple[int, Marker | None]] = [(h.start, None) for h in headings]
    items += [(m.start, m) for m in [*markers.values(), *extra]]
    items.sort(key=lambda x: x[0])
    top_family = (
        None if top_unnumbered else next((m.name for _, m in items if m and m.family.rank == 0), None)
    )
    if not top_unnumbered and top_family is None:
        # No `一、`: the outermost list the speech has is its sections (`第一，…第六，`);
        # what stands before its first member is the opening, no section (ANNOTATION.md §1).
        outer = _outermost_list(list(markers.values()))
        if outer is not None:
            top_family = outer.name
            items = [(start, m) for start, m in items if start >= outer.start]

    stack = [root]
    for start, m in items:
        if m is None:
            del stack[1:]
            _attach(stack, Node(HEADING, _HEADING_RANK, 0, "", start, start))
            continue
        k = next((i for i in range(len(stack) - 1, 0, -1) if stack[i].family == m.name), None)
        if k is not None and (m.ordinal == 0 or m.ordinal == stack[k].ordinal + 1):
            del stack[k:]
        elif m.ordinal == 1 or (m.ordinal == 0 and m.name == "dash"):
            if k is not None and m.name != top_family:
                del stack[k:]  # a second list beside the first
            else:
                # A group-like marker does not nest under an item-like one; markers of
                # the same rank nest only right under their parent's own line.
                while len(stack) > 1 and (
                    stack[-1].rank > m.family.rank
                    or (
                        stack[-1].rank == m.family.rank
                        and prev_para.get(start, 0) > stack[-1].start
                        and not _is_lead_in(text, stack[-1], start)
                    )
                ):
                    stack.pop()
        elif not (len(stack) == 1 and not root.children and m.family.rank == 0):
            # not the next of an open list, nor the start of a new one: plain text
            # (an excerpt may open at `二、`: the first section marker is taken as is)
            continue
        rank = 0 if m.name == top_family else m.family.rank
        node = Node(m.name, rank, m.ordinal, _marker_text(text, m), m.start, m.end, m.inline)
        _attach(stack, node)
    _prune_lonely(root)
    _close(root, body_end)
    return root


def _inline_starts(text: str, paras: list[Span], markers: dict[int, Marker]) -> list[tuple[Marker, int]]:
    """First members of lists that begin inline and go on at the start of paragraphs:
    `继续实施积极的财政政策。一是…` ⏎ `二是…` ⏎ `三是…`. A paragraph opening with `二是`
    whose `一是` no earlier paragraph opens looks back (over plain paragraphs) for a
    paragraph that ends with the list's first members, counted 1, 2 … inline."""
    out: list[tuple[Marker, int]] = []
    for i, p in enumerate(paras):
        m = markers.get(p.start)
        if m is None or not m.family.inline or m.family.rank < 2 or m.ordinal < 2:
            continue
        for q in reversed(paras[max(i - _INLINE_LOOK_BACK, 0) : i]):
            own = markers.get(q.start)
            if own is not None and own.family is m.family:
                break  # the list is open on lines of its own
            chain: list[Marker] = []
            for hit in _inline_hits(text, m.family, own.end if own else q.start, q.end):
                if hit.ordinal == len(chain) + 1:
                    chain.append(hit)
                elif hit.ordinal == 1:
                    chain = [hit]
            if chain and len(chain) == m.ordinal - 1:
                out.extend((hit, q.start) for hit in chain)
                break
            if own is not None:
                break
    return out


def _outermost_list(markers: list[Marker]) -> Marker | None:
    """The first member of the outermost list of paragraph markers: of the families that
    count 1, 2 … at the start of paragraphs, the one usually highest (rank), then the first."""
    best: Marker | None = None
    for m in markers:
        if m.ordinal != 1 or m.family.rank > 1:
            continue
        if not any(n.family is m.family and n.ordinal == 2 and n.start > m.start for n in markers):
            continue
        if best is None or (m.family.rank, m.start) < (best.family.rank, best.start):
            best = m
    return best


def _prune_lonely(node: Node) -> None:
    """A `首先` or `——` with no second member is prose, not a list: drop it, keep its children."""
    kept: list[Node] = []
    for child in node.children:
        _prune_lonely(child)
        same = sum(1 for c in node.children if c.family == child.family)
        if child.ordinal in (0, 1) and child.family in _NEEDS_PAIR and same < 2:
            for grandchild in child.children:
                grandchild.parent = node
                kept.append(grandchild)
            continue
        kept.append(child)
    node.children = kept
    for i, child in enumerate(kept, start=1):
        child.index = i


def _is_lead_in(text: str, node: Node, child_start: int) -> bool:
    before = text[node.start : child_start].rstrip()
    return before.endswith(tuple(_words("lead_in_endings")))


def _attach(stack: list[Node], node: Node) -> None:
    parent = stack[-1]
    node.parent = parent
    node.index = len(parent.children) + 1
    parent.children.append(node)
    stack.append(node)


def _close(node: Node, end: int) -> None:
    node.end = end
    for i, child in enumerate(node.children):
        nxt = node.children[i + 1].start if i + 1 < len(node.children) else end
        _close(child, min(nxt, end))


def heading_of(text: str, node: Node, para_end: int | None = None) -> str:
    """A node's heading: its first sentence, without the marker and an opening address."""
    stop = node.end if para_end is None else min(para_end, node.end)
    start = address_prefix(text, node.body_start, stop)
    return flat(text[start : first_sentence_end(text, start, stop)])


def parse_outline(text: str) -> Outline:
    """The enumerated tree of `text`, with its paragraphs and closing."""
    from extractors.text import paragraphs

    front = _front_matter_end(text)
    paras = [p for p in paragraphs(text) if p.start >= front]
    end_words = tuple(_words("end_matter"))
    cut = next(
        (
            i
            for i, p in enumerate(paras)
            if flat(text[p.start : p.end]).startswith(end_words) and len(flat(text[p.start : p.end])) <= 8
        ),
        None,
    )
    after: list[Span] = []
    if cut is not None:
        paras, after = paras[:cut], paras[cut:]
    body_end = paras[-1].end if paras else len(text)
    close_at = closing_start(text, paras)
    closing = [p for p in paras if close_at is not None and p.start >= close_at]
    root = build_tree(text, paras, body_end)
    closing_heading = (
        bool(root.children)
        and root.children[-1].family == HEADING
        and text[root.children[-1].start : root.children[-1].start + 4].startswith(
            tuple(_words("closing_headings"))
        )
    )
    if close_at is not None and not closing_heading:
        _clip(root, close_at)
    notes = None
    if after:
        # Material after the speech is a section of kind `other` with no requirements (§2).
        notes = Node(HEADING, _HEADING_RANK, 0, "", after[0].start, after[0].start, end=after[-1].end)
        _attach([root], notes)
    return Outline(text, root, paras, closing, closing_heading, notes)


def _clip(node: Node, end: int) -> None:
    """Cut the closing off every node that reaches into it."""
    node.children = [c for c in node.children if c.start < end]
    node.end = min(node.end, end)
    for c in node.children:
        _clip(c, end)

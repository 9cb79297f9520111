"""Paragraphs and sentences of a decoded speech, as exact character spans.

Every span indexes the decoded text itself: hard-wrapped lines (PDF/OCR exports) are
joined into one paragraph by widening its span over the line break, never by editing
the text, so `text[start:end]` stays the speech as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from extractors.cuedata import outline_cues

SENTENCE_END = "。！？!?；;"
# A line that ends so has ended its sentence (quotes may close after the stop).
_LINE_DONE = "。！？!?；;：:…"
_CLOSERS = "”’」』）)"


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@lru_cache(maxsize=1)
def _address_re() -> re.Pattern[str]:
    words = sorted(outline_cues()["words"]["addresses"], key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?:{alt})(?:[、，,和及]\s*(?:{alt}))*\s*[！!：:，,]")


def is_address_only(line: str) -> bool:
    """`各位代表！`, `同志们：` on a line of their own."""
    s = line.strip()
    m = _address_re().match(s)
    return bool(m and m.end() == len(s)) or s in outline_cues()["words"]["addresses"]


def address_prefix(text: str, start: int, end: int) -> int:
    """Offset past an address that opens a paragraph (`各位代表！我们要…` → at `我们`)."""
    m = _address_re().match(text, start, end)
    if not m:
        return start
    j = m.end()
    while j < end and text[j].isspace():
        j += 1
    return j


def ends_sentence(line: str) -> bool:
    s = line.rstrip().rstrip(_CLOSERS)
    return bool(s) and s[-1] in _LINE_DONE


def _is_wide(c: str) -> bool:
    # Ambiguous-width characters (“”、…) are set full width in Chinese type.
    return unicodedata.east_asian_width(c) in "WFA"


@lru_cache(maxsize=1)
def _narrow_runs() -> re.Pattern[str]:
    """Runs of narrow characters of the Basic Multilingual Plane (built once, ≈ 10 ms)."""
    ranges: list[str] = []
    start = None
    for i in range(0x10001):
        narrow = i < 0x10000 and not _is_wide(chr(i))
        if narrow and start is None:
            start = i
        elif not narrow and start is not None:
            a, b = re.escape(chr(start)), re.escape(chr(i - 1))
            ranges.append(a if start == i - 1 else f"{a}-{b}")
            start = None
    return re.compile(f"[{''.join(ranges)}]+")


def display_width(s: str) -> int:
    """Columns a line takes: 2 for a wide or ambiguous character, 1 for any other.

    Speeches are mostly wide characters, so the narrow runs are counted (one regex
    scan) and subtracted; characters past the BMP are rare and checked one by one.
    """
    if s.isascii():
        return len(s)
    width = 2 * len(s) - sum(map(len, _narrow_runs().findall(s)))
    if max(s) > "\uffff":
        width -= sum(1 for c in s if c > "\uffff" and not _is_wide(c))
    return width


@dataclass(frozen=True)
class Line:
    """A non-empty line: its text without indentation, and where it stands on the page."""

    span: Span
    indent: int  # display columns of its indentation
    width: int  # display columns of its text
    done: bool  # it ends a sentence
    gap: bool  # a blank line stands before it

    @property
    def right(self) -> int:
        return self.indent + self.width


def _lines(text: str) -> list[Line]:
    out: list[Line] = []
    pos = 0
    gap = False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            start = pos + lead
            width = display_width(stripped)
            out.append(
                Line(
                    Span(start, start + len(stripped)),
                    display_width(line[:lead]),
                    width,
                    ends_sentence(stripped),
                    gap,
                )
            )
            gap = False
        else:
            gap = bool(out)
        pos += len(line) + 1
    return out


@dataclass(frozen=True)
class Wrap:
    """How a hard-wrapped export laid its lines out."""

    margin: int  # the display column it breaks its lines at
    indent: int  # the indentation of continuation lines (a first line may stand further in)
    indents: bool  # first lines of paragraphs stand further in, as a rule
    reach: int  # the least right edge of a sentence-ending line that ran to the margin

    def indented(self, line: Line) -> bool:
        return line.indent >= self.indent + _INDENT_STEP

    def full(self, line: Line) -> bool:
        """The line runs to the margin (a character pushed down or hung out still counts).

        A line stopping mid-sentence a little short of the margin still ran to it. One
        that ends its sentence there may be a paragraph's end: where paragraphs are not
        indented, it counts only at an edge where lines do stop short of the margin.
        """
        if line.done and not self.indents:
            return line.right >= self.reach
        return line.right >= self.margin - _MARGIN_SLACK


# One wide character pushed to the next line (禁则), plus one narrow one.
_MARGIN_SLACK = 3
# An edge short of the margin where at least this share of the margin's open lines
# stop is still the margin (pushed characters, narrow digits); one where fewer stop
# is where paragraphs happen to end.
_REACH_SHARE = 0.02
_MIN_MARGIN = 30


def wrap_layout(lines: list[Line]) -> Wrap | None:
    """The layout of a hard-wrapped export, or None when the text is not hard-wrapped.

    Wrapped text has many lines that stop mid-sentence at one right edge (the margin);
    typed text has paragraphs of every length, each ending its sentence. Continuation
    lines all start at one indentation; first lines of paragraphs may stand further in.
    """
    rights = Counter(x.right for x in lines if not x.done and x.right >= _MIN_MARGIN)
    if not rights:
        return None
    margin = max(rights, key=lambda r: (rights[r], r))
    near = sum(n for r, n in rights.items() if r >= margin - _MARGIN_SLACK)
    if near < max(5, len(lines) // 5):
        return None
    # No line of a wrapped text runs past its margin; typed paragraphs do (headings of one
    # width, say 30 columns, are no margin when the paragraphs between them are 200 long).
    past = sum(1 for x in lines if x.right > margin + _MARGIN_SLACK)
    if past > max(2, len(lines) // 20):
        return None
    edge = margin - _MARGIN_SLACK
    runs_on = Counter(
        line.indent for prev, line in pairwise(lines) if not prev.done and prev.right >= edge and not line.gap
    )
    indent = max(runs_on, key=lambda i: (runs_on[i], -i)) if runs_on else min(x.indent for x in lines)
    starts = [
        line.indent >= indent + _INDENT_STEP
        for prev, line in pairwise(lines)
        if line.gap or prev.right < edge
    ]
    least = max(2, rights[margin] * _REACH_SHARE)
    reach = min((r for r in range(edge, margin) if rights[r] >= least), default=margin)
    return Wrap(margin, indent, sum(starts) * 2 > len(starts), reach)


def paragraphs(text: str) -> list[Span]:
    """The paragraphs of a speech, in order.

    A paragraph is a line, or several lines when the text is hard-wrapped: a line that
    runs to the margin continues on the next line, unless that line starts further in
    than continuation lines do (an indented first line), follows a blank line, or opens
    with an enumerator after a sentence end (a paragraph may end at the margin).
    Address-only lines (`各位代表！`) are not paragraphs (ANNOTATION.md §2).
    """
    lines = _lines(text)
    wrap = wrap_layout(lines)
    out: list[Span] = []
    doubtful: list[int] = []  # lines joined after a sentence end at the margin
    prev: Line | None = None  # the previous line of the paragraph being built
    for line in lines:
        body = text[line.span.start : line.span.end]
        if is_address_only(body):
            prev = None
            continue
        if wrap is None:
            runs = prev is not None and _breaks_mid_sentence(text, out[-1], prev, line, body)
        else:
            runs = prev is not None and _runs_on(wrap, prev, line, body)
        if runs is False:
            out.append(line.span)
        else:
            out[-1] = Span(out[-1].start, line.span.end)
            if runs is None:
                doubtful.append(line.span.start)
        prev = line
    return _split_at_topic_sentences(text, out, doubtful) if doubtful else out


def _breaks_mid_sentence(text: str, para: Span, prev: Line, line: Line, body: str) -> bool:
    """In text with no wrap layout, a line broken inside a word (`适当控⏎制信贷规模`)
    continues on the next: the paragraph so far is longer than a heading, its last line
    stops inside a word (or on a comma or an opening bracket), and the next line follows
    without a blank line and opens with a word, not with an enumerator."""
    if line.gap or prev.done:
        return False
    last = text[prev.span.end - 1]
    if body[0] in _BRACKET_CLOSE and len(flat(text[para.start : para.end])) > 1:
        return True  # `…实施《⏎纲要⏎》的…`: a title put on a line of its own
    open_clause = last in _CLAUSE_OPEN
    if not (open_clause or _word_char(last)) or not _word_char(body[0]):
        return False
    limits = outline_cues()["limits"]
    # A heading line may end on a word, or on a comma only when it is long.
    heading_max = int(limits.get("comma_heading_max" if open_clause else "section_heading_max", 25))
    if len(flat(text[para.start : para.end])) <= heading_max or _opens_with_marker(body):
        return False
    if para.start == prev.span.start and _opens_with_marker(text[para.start : para.end], headings_only=True):
        return False  # `（三）…的建设` on a line of its own: a heading
    if open_clause:
        return True  # `…校企合作，⏎深入实施…`, `根据《⏎…`: the sentence goes on
    return _word_across(text[max(prev.span.end - _WORD_WINDOW, prev.span.start) : prev.span.end], body)


# A line that stops on these has left its sentence open.
_CLAUSE_OPEN = "，,、《“‘（("
_BRACKET_CLOSE = "》”’）)」』"


# Characters on each side of a line break that segmentation looks at.
_WORD_WINDOW = 6


def _word_across(before: str, after: str) -> bool:
    """Does a word run across the break between `before` and `after` (`控⏎制`)? A break
    between two words (`活了⏎农村`: a paragraph whose 。 was lost) is no wrap."""
    from extractors.tokens import jieba_tables

    jieba, _tags = jieba_tables()
    pos = 0
    for word in jieba.cut(before + after[:_WORD_WINDOW], HMM=False):
        if pos < len(before) < pos + len(word):
            return True
        pos += len(word)
    return False


def _word_char(c: str) -> bool:
    return c.isalnum()  # Han characters are alphanumeric to Python; punctuation is not


def _runs_on(wrap: Wrap, prev: Line, line: Line, body: str) -> bool | None:
    """Does `line` continue the paragraph whose last line so far is `prev`? None: it may.

    After a sentence end at the margin, a line opening with an enumerator starts anew;
    where paragraphs are indented, only one that never stands inside a paragraph does
    (`一、`, `（一）`, `1.`: an `一是` or `第三，` may open a wrapped line mid-paragraph),
    and any other line runs on. Where they are not, that line may do either.
    """
    if line.gap or not wrap.full(prev) or wrap.indented(line):
        return False
    if not prev.done:
        return True
    if not wrap.full(line) and not line.done and not any(c in SENTENCE_END for c in body):
        return False  # a heading line: a paragraph's last line ends its sentence
    if _opens_with_marker(body, headings_only=wrap.indents):
        return False
    return True if wrap.indents else None


# How much rarer a paragraph ending exactly at the margin is than a sentence inside a
# paragraph ending there (a paragraph holds several lines; measured on the dev speeches
# re-wrapped at 30-40 characters, 5 to 8 do equally well).
_MARGIN_END_ODDS = 8


def _split_at_topic_sentences(text: str, paras: list[Span], doubtful: list[int]) -> list[Span]:
    """Split paragraphs at doubtful joins whose first sentence reads as an opening one.

    Many speeches open each paragraph with a short topic sentence (`提升开放平台能级。`);
    the speech's own sure paragraphs show how short its openings run compared with the
    sentences inside paragraphs. A line whose sentence is short enough that openings of
    that length are `_MARGIN_END_ODDS` times as common as inner sentences starts anew.
    """
    firsts: list[int] = []
    inner: list[int] = []
    for p in paras:
        lengths = [len(flat(text[s.start : s.end])) for s in sentences(text, p.start, p.end)]
        firsts.extend(lengths[:1])
        inner.extend(lengths[1:])
    if len(firsts) < 10 or len(inner) < 20:
        return paras
    cuts: list[int] = []
    for at in doubtful:
        n = len(flat(text[at : first_sentence_end(text, at, len(text))]))
        share_first = sum(x <= n for x in firsts) / len(firsts)
        share_inner = sum(x <= n for x in inner) / len(inner)
        if share_first > _MARGIN_END_ODDS * share_inner:
            cuts.append(at)
    out: list[Span] = []
    for p in paras:
        start = p.start
        for at in (c for c in cuts if p.start < c < p.end):
            end = at
            while text[end - 1].isspace():
                end -= 1
            out.append(Span(start, end))
            start = at
        out.append(Span(start, p.end))
    return out


# The least indentation that marks a first line: two spaces, or one full-width space.
_INDENT_STEP = 2


def _opens_with_marker(line: str, headings_only: bool = False) -> bool:
    families = outline_cues()["families"]
    return any(f.pattern.match(line) for f in families if not (headings_only and f.inline))


def first_sentence_end(text: str, start: int, end: int) -> int:
    """Offset just past the first sentence in text[start:end] (its 。/；/！/？, or `end`)."""
    for i in range(start, end):
        if text[i] in SENTENCE_END:
            j = i + 1
            while j < end and text[j] in _CLOSERS:
                j += 1
            return j
    return end


def sentences(text: str, start: int, end: int) -> list[Span]:
    out: list[Span] = []
    i = start
    while i < end:
        while i < end and text[i].isspace():
            i += 1
        if i >= end:
            break
        j = first_sentence_end(text, i, end)
        out.append(Span(i, j))
        i = j
    return out


BREAK = re.compile(r"\s*\n\s*")  # a line break with the white space around it


def flat(s: str) -> str:
    """A piece of text on one line: hard wraps and their indentation removed."""
    return BREAK.sub("", s).strip()


# Format characters (Unicode category Cf) that show nothing: zero-width space and
# joiners, word joiner, soft hyphen, byte-order marks mid-text, bidi marks. Pasted text
# carries them (`各位代表：\u200d`); they must never change how a speech is read.
INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


@dataclass(frozen=True)
class Visible:
    """A text with its invisible characters taken out, and the way back to the text as written.

    Every stage reads `text`; offsets found there go back through `source` / `source_end`,
    so spans still index the decoded text. Text without such characters is its own copy.
    """

    text: str
    kept: tuple[int, ...] | None  # the source offset of each character of `text`; None: the same
    length: int  # of the source

    @classmethod
    def of(cls, source: str) -> Visible:
        if not INVISIBLE.search(source):
            return cls(source, None, len(source))
        kept = tuple(i for i, c in enumerate(source) if not INVISIBLE.match(c))
        return cls("".join(source[i] for i in kept), kept, len(source))

    def source(self, offset: int) -> int:
        """The source offset of the character at `offset` (the end of the text: the source's)."""
        if self.kept is None:
            return offset
        return self.kept[offset] if offset < len(self.kept) else self.length

    def source_end(self, offset: int) -> int:
        """The source offset just past the character before `offset` (a span's end)."""
        if self.kept is None or offset == 0:
            return offset
        return self.kept[offset - 1] + 1

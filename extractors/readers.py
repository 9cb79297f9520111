"""Word and PDF files → text, one paragraph a line (extractors.decode dispatches here).

For `.docx` and `.pdf` the "decoded text" is the text built here, so every offset of
the project indexes it: Word's automatic numbers are rendered as the markers they show,
and a PDF's hard-wrapped lines are rejoined into paragraphs.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractors.decoded import MAX_PDF_PAGES, MAX_UNZIPPED_BYTES, Decoded, DecodeError, normalize_newlines

# ---------------------------------------------------------------- docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN_NUM = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (Word's chineseCounting, up to 99)."""
    if n < 10:
        return _CN_NUM[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_NUM[tens]) + "十" + (_CN_NUM[ones] if ones else "")


def _format_number(n: int, fmt: str) -> str:
    if fmt in {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital"}:
        return cn_numeral(n) if n < 100 else str(n)
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in {"lowerLetter", "upperLetter"}:
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    return str(n)


class _Numbering:
    """Renders Word's automatic list numbers (`一、`, `（一）`, `1.`), absent from run text."""

    def __init__(self, doc: object) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = doc.part.numbering_part.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iter(f"{_W}abstractNum"):
            lvls = abstract.setdefault(an.get(f"{_W}abstractNumId", ""), {})
            for lvl in an.iter(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                lvls[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{_W}val", "") if text is not None else "",
                    int(start.get(f"{_W}val", "1")) if start is not None else 1,
                )
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                for ilvl, spec in abstract.get(ref.get(f"{_W}val", ""), {}).items():
                    self.levels[(num.get(f"{_W}numId", ""), ilvl)] = spec

    def marker(self, found: tuple[str, int] | None) -> str:
        """The marker of a paragraph numbered `found` ((numId, level), from `_Styles.num_pr`)."""
        if found is None or found not in self.levels:
            return ""
        num_id, ilvl = found
        fmt, text, start = self.levels[found]
        counts = self.counters.setdefault(num_id, [])
        counts.extend([0] * (ilvl + 1 - len(counts)))
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else start
        del counts[ilvl + 1 :]
        if fmt in {"bullet", "none"}:
            return ""

        def level(m: re.Match[str]) -> str:
            i = int(m.group(1)) - 1
            lvl_fmt = self.levels.get((num_id, i), ("decimal", "", 1))[0]
            return _format_number(counts[i] if i < len(counts) else 1, lvl_fmt)

        return re.sub(r"%(\d)", level, text)


def _num_pr_of(el: object) -> tuple[str, int] | None:
    """(numId, level) of an element's own `w:pPr/w:numPr`, or None (numId 0 switches numbering off)."""
    num_pr = el.find(f"{_W}pPr/{_W}numPr")  # type: ignore[attr-defined]
    if num_pr is None:
        return None
    num_id = num_pr.find(f"{_W}numId")
    ilvl = num_pr.find(f"{_W}ilvl")
    if num_id is None or num_id.get(f"{_W}val", "0") == "0":
        return None
    return num_id.get(f"{_W}val", ""), int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else 0


class _Styles:
    """Paragraph styles read once: a style's name and the numbering its `basedOn` chain gives.

    python-docx looks a paragraph's style up by scanning every style (≈ 9 ms a paragraph
    on a real styles.xml); here each paragraph costs two dict lookups. Unknown ids fall
    back to the default paragraph style, as python-docx does; a `basedOn` cycle ends.
    """

    def __init__(self, doc: object) -> None:
        from docx.styles import BabelFish

        by_id: dict[str, object] = {}
        default: str | None = None
        try:
            root = doc.styles.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        for s in root.iter(f"{_W}style") if root is not None else ():
            sid = s.get(f"{_W}styleId", "")
            by_id.setdefault(sid, s)
            if s.get(f"{_W}type") == "paragraph" and s.get(f"{_W}default") in {"1", "true", "on"}:
                default = sid  # the last default wins, as in python-docx
        self.default = default
        self.paragraph_ids = {sid for sid, s in by_id.items() if s.get(f"{_W}type") == "paragraph"}  # type: ignore[attr-defined]
        self.names: dict[str, str] = {}
        self.numbering: dict[str, tuple[str, int] | None] = {}
        for sid, s in by_id.items():
            name = s.find(f"{_W}name")  # type: ignore[attr-defined]
            val = name.get(f"{_W}val") if name is not None else None
            self.names[sid] = BabelFish.internal2ui(val) if val else ""
            found, seen, cur = None, set(), s
            while cur is not None and found is None and id(cur) not in seen:
                seen.add(id(cur))
                found = _num_pr_of(cur)
                based = cur.find(f"{_W}basedOn")  # type: ignore[attr-defined]
                cur = by_id.get(based.get(f"{_W}val", "")) if based is not None else None
            self.numbering[sid] = found

    def style_of(self, p: object) -> str | None:
        """The paragraph style id `p` has (the default one when it names none or an unknown one)."""
        ps = p.find(f"{_W}pPr/{_W}pStyle")  # type: ignore[attr-defined]
        sid = ps.get(f"{_W}val") if ps is not None else None
        return sid if sid in self.paragraph_ids else self.default

    def name(self, sid: str | None) -> str:
        return self.names.get(sid, "") if sid else ""

    def num_pr(self, p: object, sid: str | None) -> tuple[str, int] | None:
        """Numbering of the paragraph itself, else of its style chain."""
        return _num_pr_of(p) or (self.numbering.get(sid) if sid else None)


# A speech has a few hundred paragraphs and a few tens of thousands of XML tags; a
# document.xml with more than these is not one speech (300k tiny paragraphs in a 66 KB
# .docx took minutes and 1.4 GB). Counted on the unpacked bytes as they stream, before
# parsing, stopping as soon as a limit is passed.
MAX_DOCX_PARAGRAPHS = 50_000
MAX_DOCX_TAGS = 4_000_000
_PARAGRAPH_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")


def check_docx_size(zf: zipfile.ZipFile) -> None:
    """Refuse a document.xml with more paragraphs or tags than any speech (`too-large`)."""
    try:
        member = zf.open("word/document.xml")
    except KeyError:
        return  # python-docx says what is missing
    paragraphs = tags = 0
    tail = b""
    with member:
        while chunk := member.read(1 << 20):
            data = tail + chunk
            cut = max(0, len(data) - 64)  # a tag split between chunks is counted in the next
            paragraphs += len(_PARAGRAPH_TAG.findall(data, 0, cut))
            tags += data.count(b"<", 0, cut)
            tail = data[cut:]
            if paragraphs > MAX_DOCX_PARAGRAPHS:
                raise DecodeError(
                    "too-large",
                    f"over {MAX_DOCX_PARAGRAPHS:,} paragraphs in the Word document: not one speech",
                )
            if tags > MAX_DOCX_TAGS:
                raise DecodeError(
                    "too-large", f"over {MAX_DOCX_TAGS:,} XML tags in the Word document: not one speech"
                )


def check_zip(raw: bytes, what: str = "docx") -> None:
    """Refuse a zip whose members declare more than MAX_UNZIPPED_BYTES, before unpacking."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            declared = sum(info.file_size for info in zf.infolist())
            if declared > MAX_UNZIPPED_BYTES:
                raise DecodeError(
                    "zip-bomb",
                    f"the {what} declares {declared / 2**20:,.0f} MB unpacked (limit {MAX_UNZIPPED_BYTES // 2**20} MB)",
                )
            if what == "docx":
                check_docx_size(zf)
    except DecodeError:
        raise
    except (zipfile.BadZipFile, EOFError, ValueError, zlib.error) as exc:
        raise DecodeError(
            f"corrupt-{what}", f"not a valid zip archive ({exc}): damaged or truncated"
        ) from None


def decode_docx(raw: bytes) -> Decoded:
    """A paragraph a line, in document order (tables row by row), Word numbering rendered."""
    sha = hashlib.sha256(raw).hexdigest()
    check_zip(raw)
    try:
        import docx
        from docx.table import Table

        doc = docx.Document(io.BytesIO(raw))
        numbering = _Numbering(doc)
        styles = _Styles(doc)
        lines: list[str] = []
        title: str | None = None
        body = doc.element.body
        for child in body.iterchildren():
            if child.tag == f"{_W}p":
                paras = [child]
            elif child.tag == f"{_W}tbl":
                paras = [
                    p._p for row in Table(child, doc).rows for cell in row.cells for p in cell.paragraphs
                ]
            else:
                continue
            for p in paras:
                text = normalize_newlines(p.text).strip()
                sid = styles.style_of(p)
                marker = numbering.marker(styles.num_pr(p, sid))
                if not text:
                    continue
                if title is None and styles.name(sid) in {"Title", "标题"}:
                    title = text
                lines.append(marker + text)
    except DecodeError:
        raise
    except Exception as exc:  # python-docx raises many kinds on damaged packages
        raise DecodeError(
            "corrupt-docx", f"cannot read the Word document ({type(exc).__name__}: {exc})"
        ) from None
    text = "\n".join(lines)
    if not text.strip():
        raise DecodeError("empty", "the Word document has no text")
    return Decoded(text + "\n", "docx", sha, title)


# ---------------------------------------------------------------- pdf

_SENTENCE_DONE = tuple("。！？!?；;：:…")
_CLOSERS = tuple("”’」』）)")
_MARKER_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、是要]|[（(][一二三四五六七八九十\d]{1,3}[）)]"
    r"|第[一二三四五六七八九十]{1,3}[，,、]|\d{1,2}[.．、](?!\d))"
)
_PAGE_NUMBER = re.compile(r"^\s*[-—–－]*\s*(?:第\s*)?\d{1,4}\s*(?:页)?\s*[-—–－]*\s*$")


@dataclass(frozen=True)
class PdfLine:
    """One printed line. Positions are in any unit, the same for every line of a page; `page`
    counts from 0. A line without `x0`/`x1` is rejoined by its text alone."""

    text: str
    x0: float | None = None  # left edge on the page
    x1: float | None = None  # right edge on the page
    page: int | None = None
    top: float | None = None  # top edge on the page, in the unit of x0/x1 (growing down the page)


def ends_sentence(line: str) -> bool:
    s = line.rstrip()
    if s.endswith(_CLOSERS) and len(s) > 1 and s[-2] in "。！？!?；;：:…":
        return True
    return s.endswith(_SENTENCE_DONE)


def ems(text: str) -> float:
    """Printed length in ems: a Chinese character or full-width sign 1, an ASCII character ½."""
    return sum(0.5 if c.isascii() else 1.0 for c in text)


_DIGITS = re.compile(r"\d+")
# What a line cannot break inside: opening signs, a Western word or number (or one character),
# closing signs.
_FIRST_PIECE = re.compile(
    r"\s*[“‘「『（(《〈]*(?:[A-Za-z0-9][\w.,%/:+-]*|\S)[，。、；：！？,.;:!?”’」』）)》%…]*"
)


def drop_page_furniture(lines: Sequence[PdfLine]) -> list[PdfLine]:
    """The lines without blank ones, page numbers (`- 3 -`, `第3页`) and running heads or feet:
    a page's first (last) line whose text, numbers aside, opens (closes) at least two other
    pages and at least half of them."""
    lines = [x for x in lines if x.text.strip() and not _PAGE_NUMBER.match(x.text)]
    pages: dict[int, list[int]] = {}
    for i, x in enumerate(lines):
        if x.page is not None:
            pages.setdefault(x.page, []).append(i)
    if len(pages) < 3:
        return list(lines)
    furniture: set[int] = set()
    for end in (0, -1):
        ends = [idx[end] for idx in pages.values()]
        keys = [_DIGITS.sub("#", lines[i].text.strip()) for i in ends]
        for i, key in zip(ends, keys, strict=True):
            if keys.count(key) >= max(3, (len(pages) + 1) // 2):
                furniture.add(i)
    return [x for i, x in enumerate(lines) if i not in furniture]


def rejoin_lines(lines: Sequence[PdfLine | str]) -> str:
    """Join hard-wrapped lines into paragraphs, one a line.

    Without geometry: a line that does not end a sentence continues the paragraph,
    unless the next line opens an outline marker (`一、`, `（二）`, `第三，`, `1.`).
    With geometry (pdf, OCR, OFD), measured in the text's own em (the median width of a
    character), so the same at any resolution: a new paragraph is an indented line, or
    follows a line that stopped where the new line's first word would still have fit, or a
    wider gap than the page's
    usual line spacing; a line that fills the line continues its paragraph, on the next page
    too, even after a sentence end (inside a paragraph a line ends on `。` or `；` far
    more often than a paragraph's last line exactly fills the line), unless the next line
    opens an outline marker. Page numbers and running heads are dropped first.
    """
    items = drop_page_furniture([PdfLine(x) if isinstance(x, str) else x for x in lines])
    geo = [x for x in items if x.x0 is not None and x.x1 is not None]
    widths = sorted((x.x1 - x.x0) / ems(x.text.strip()) for x in geo if ems(x.text.strip()) >= 4)  # type: ignore[operator]
    em = widths[len(widths) // 2] if widths else 12.0
    left = min((x.x0 for x in geo), default=0.0)  # type: ignore[type-var]
    ends = sorted(x.x1 for x in geo)  # type: ignore[type-var]
    # The right margin: where most lines end (a stray long line does not move it).
    right = ends[int(0.9 * (len(ends) - 1))] if ends else 0.0
    steps = sorted(
        b.top - a.top  # type: ignore[operator]
        for a, b in itertools.pairwise(items)
        if a.page == b.page and a.page is not None and a.top is not None and b.top is not None
    )
    step = steps[len(steps) // 2] if steps else None

    def indented(x: PdfLine) -> bool:
        return x.x0 is not None and x.x0 > left + em

    def short(a: PdfLine, b: PdfLine) -> bool:
        """`a` stopped early: the first piece of `b` would have fit after it (¾ em to spare)."""
        m = _FIRST_PIECE.match(b.text)
        piece = ems(m.group().strip()) if m else 1.0
        return a.x1 is not None and a.x1 < right - (piece + 0.75) * em

    def gap(a: PdfLine, b: PdfLine) -> bool:
        """Further below the line before than the page's usual line spacing (a paragraph's space)."""
        if step is None or a.page != b.page or a.top is None or b.top is None:
            return False
        return b.top - a.top > step + 0.5 * em

    paragraphs: list[str] = []
    prev: PdfLine | None = None
    for line in items:
        text = line.text.strip()
        opens = bool(_MARKER_START.match(text))
        if prev is None:
            new_para = True
        elif prev.x1 is None or line.x0 is None:
            new_para = ends_sentence(prev.text) or opens
        else:
            new_para = (
                indented(line) or short(prev, line) or gap(prev, line) or (ends_sentence(prev.text) and opens)
            )
        if new_para:
            paragraphs.append(text)
        else:
            paragraphs[-1] += text
        prev = line
    return "\n".join(paragraphs)


def _pdf_lines(page: object, number: int) -> Iterable[PdfLine]:
    for ln in page.extract_text_lines(keep_blank_chars=False):  # type: ignore[attr-defined]
        yield PdfLine(ln["text"], ln["x0"], ln["x1"], number, ln["top"])


def decode_pdf(raw: bytes) -> Decoded:
    """The text layer of a pdf, page by page, hard-wrapped lines rejoined."""
    sha = hashlib.sha256(raw).hexdigest()
    if not raw.lstrip().startswith(b"%PDF"):
        raise DecodeError("corrupt-pdf", "no %PDF header: not a PDF file")
    try:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise DecodeError("too-large", f"{len(pdf.pages)} pages (limit {MAX_PDF_PAGES})")
            lines: list[PdfLine] = []
            for number, page in enumerate(pdf.pages):
                lines.extend(_pdf_lines(page, number))
                page.close()  # drop the page's parsed objects: memory stays one page deep
            meta_title = (pdf.metadata or {}).get("Title")
    except DecodeError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise DecodeError("corrupt-pdf", f"cannot read the PDF ({type(exc).__name__}: {exc})") from None
    text = rejoin_lines(lines)
    if not text.strip():
        raise DecodeError(
            "no-text-layer", "the PDF has no text layer (a scan?): OCR it or send the Word file"
        )
    title = meta_title.strip() if isinstance(meta_title, str) and meta_title.strip() else None
    return Decoded(text + "\n", "pdf", sha, title)

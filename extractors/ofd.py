"""OFD files (GB/T 33190, the national fixed-layout format) → text (the `ofd` extra).

An OFD is a zip of XML pages whose `ofd:TextObject`/`ofd:TextCode` elements place
runs of text. `ofdkit` (standard library only) reads the package, templates and
composite units and gives each run with its position (millimetres from the page's
top left, `y` the baseline); here runs on one baseline become a line, left to right,
lines go top to bottom, and `readers.rejoin_lines` rebuilds paragraphs from their
left and right edges and baselines as it does for a PDF's text layer (a line's right
edge is its text's length in ems: where Western signs make that uncertain, a line that
could reach the margin counts as full). A line whose first run is
blank starts that far in (some writers put a paragraph's indent in spaces, not in
its position).
"""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from extractors.decoded import MAX_PDF_PAGES, Decoded, DecodeError
from extractors.readers import PdfLine, check_zip, ems, rejoin_lines

INSTALL_HINT = "install the OFD extra: pip install 'speechtasks[ofd]' (`make install` has it)"


@dataclass
class _Piece:
    x: float
    width: float
    text: str

    def split(self, x: float, em: float) -> tuple[_Piece, _Piece]:
        """Cut before the character whose middle is past `x` (characters one em apart)."""
        k, at = 0, self.x
        while k < len(self.text) and at + ems(self.text[k]) * em / 2 < x:
            at += ems(self.text[k]) * em
            k += 1
        return _Piece(self.x, at - self.x, self.text[:k]), _Piece(
            at, self.width - (at - self.x), self.text[k:]
        )


def _line(runs: list[Any], em: float) -> PdfLine | None:
    """Runs on one baseline → a line. A run that starts inside another (a quote mark in
    another font, say) goes in at the character it falls on, and moves the rest of that
    run right by its own width. The line ends its text's length in ems after its start:
    writers' run widths (some run to the line's end) and the places of runs after the
    first (some writers put every run at the line's start) are not to be trusted; a
    line's text is."""
    pieces: list[_Piece] = []
    for r in runs:
        own = ems(r.text) * em
        piece = _Piece(r.x, r.width if 0 < r.width < 1.5 * own else own, r.text)
        for i, p in enumerate(pieces):
            if p.text.strip() and p.x + 0.3 * em < r.x < p.x + ems(p.text) * em - 0.3 * em:
                head, tail = p.split(r.x, em)
                tail.x = r.x + piece.width
                pieces[i : i + 1] = [head, piece, tail]
                break
        else:
            pieces.append(piece)
    text = "".join(p.text for p in pieces)
    body = [p for p in pieces if p.text.strip()]
    if not body:
        return None
    left = min(p.x for p in body)
    lead = len(text) - len(text.lstrip())
    # Blank runs at the text's own start: an indent made of spaces (they count as ½ em each).
    x0 = left + lead * em / 2 if lead and pieces[0].x >= left - 0.1 * em else left
    return PdfLine(text.replace("\xa0", " "), x0, left + ems(text.rstrip()) * em)


def _western(text: str) -> int:
    return sum(1 for c in text if c.isascii() and not c.isspace())


def page_lines(runs: Sequence[Any], page: int | None = None) -> list[PdfLine]:
    """A page's text runs (`.text`, `.x`, `.y` baseline, `.width`) → its lines, top to bottom
    (`top`: the baseline, which spaces lines as their tops do)."""
    runs = [r for r in runs if r.text]
    if not any(r.text.strip() for r in runs):
        return []
    long_runs = [r for r in runs if ems(r.text.strip()) >= 10 and r.width > 0]
    em = statistics.median(r.width / ems(r.text) for r in long_runs) if long_runs else 3.5
    ordered = sorted(enumerate(runs), key=lambda ir: (ir[1].y, ir[0]))
    rows: list[list[tuple[int, Any]]] = []
    for item in ordered:
        if rows and abs(item[1].y - rows[-1][0][1].y) < 0.4 * em:
            rows[-1].append(item)
        else:
            rows.append([item])
    lines = []
    for row in rows:
        row.sort(key=lambda ir: (round(ir[1].x / (0.1 * em)), ir[0]))  # same place: the file's order
        line = _line([r for _, r in row], em)
        if line is not None:
            lines.append(PdfLine(line.text, line.x0, line.x1, page, row[0][1].y))
    # A line's length in ems is exact for Chinese characters; Western letters and digits
    # (counted ½ em) take up to ≈ 0.8 em with the space set around them. The right edge is
    # where lines of Chinese characters alone usually end; a line that reaches it, or could
    # with its Western signs that wide, is a full line and ends there.
    plain = [ln.x1 for ln in lines if not _western(ln.text)]
    ends = plain if len(plain) >= 4 else [ln.x1 for ln in lines]
    if len(ends) >= 4:
        right = statistics.quantiles(ends, n=4)[2]
        lines = [
            PdfLine(
                ln.text,
                ln.x0,
                right if ln.x1 + 0.3 * em * _western(ln.text) >= right else ln.x1,
                ln.page,
                ln.top,
            )
            for ln in lines
        ]
    return lines


def decode_ofd(raw: bytes) -> Decoded:
    """The text layer of an OFD file, page by page, lines rejoined into paragraphs."""
    sha = hashlib.sha256(raw).hexdigest()
    check_zip(raw, "ofd")
    try:
        import ofdkit
    except ImportError:
        raise DecodeError("unsupported", f"OFD files need the ofdkit reader: {INSTALL_HINT}") from None
    try:
        with ofdkit.open(raw) as doc:
            if len(doc.pages) > MAX_PDF_PAGES:
                raise DecodeError("too-large", f"{len(doc.pages)} pages (limit {MAX_PDF_PAGES})")
            lines: list[PdfLine] = []
            for number, page in enumerate(doc.pages):
                lines.extend(page_lines(page.runs, number))
            title = (doc.info.title or "").strip() or None
    except DecodeError:
        raise
    except ofdkit.OFDError as exc:
        raise DecodeError("corrupt-ofd", f"cannot read the OFD ({exc})") from None
    text = rejoin_lines(lines)
    if not text.strip():
        raise DecodeError(
            "no-text-layer", "the OFD has no text (its pages are images: a scan?): send the Word file"
        )
    return Decoded(text + "\n", "ofd", sha, title)

"""Scanned PDFs (no text layer) → text, by OCR (the `ocr` extra).

Pages are rendered with pypdfium2 at the resolution of their scan (150-300 dpi) and
read by RapidOCR (`rapidocr`, PP-OCRv6 small det/rec models shipped inside its wheel;
nothing is downloaded: the engine is given the packaged files, and their absence is
an `unsupported` error, not a download). Chosen over Debian's tesseract-ocr-chi-sim
on the seed speech's first page at 300 dpi: 3 characters wrong of 2,562 in 20 s,
against 46 (平→乎, 肯→表, half-width punctuation) in 55 s. Its per-line direction
classifier is off: on upright scans it turned whole lines 180° (the seed's page 1 lost a
line, read as "：局局", at 150 and 300 dpi); a page read under LOW_CONFIDENCE is read
again turned 180° instead (a sheet fed upside down), and the better reading kept.

OCR gives line boxes. The page's skew (a scan is rarely straight) is the median
slope of its lines; boxes are turned back by it, boxes on one baseline joined left to
right, lines read top to bottom, and their left/right edges put in one frame for
every page (0 = the page's text left edge, 1000 = its right edge; tops in the same
unit), so `readers.rejoin_lines` tells paragraphs by indent, where lines stop and the
space between them, in the text's own em, as it does for a PDF's text layer: the same
at any resolution. Quote marks read the wrong way round are turned back
(`fix_quotes`). The decoded text is the OCR text; offsets index it. Each
page's confidence (the mean of its lines' recognition scores, weighted by
characters) is kept in `Decoded.page_confidence`; pages under LOW_CONFIDENCE are
named in the run's summary.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors.decoded import Decoded, DecodeError
from extractors.readers import PdfLine, rejoin_lines

ENGINE = "rapidocr"
INSTALL_HINT = "install the OCR extra: pip install 'speechtasks[ocr]' (`make install` has it)"
# ≈ 10-20 s a page on two cores: 60 pages (a long work report is ≈ 40) is a quarter of an hour.
MAX_OCR_PAGES = 60
LOW_CONFIDENCE = 0.90  # a clean scan reads at ≥ 0.99; under 0.9 a page deserves a look
DPI_MIN, DPI_MAX, DPI_DEFAULT = 150, 300, 200
_MODELS = ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx")


def available() -> bool:
    try:
        import pypdfium2  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def _engine() -> Any:
    import logging

    import rapidocr

    models = Path(rapidocr.__file__).parent / "models"
    det, rec = (models / name for name in _MODELS)
    missing = [p.name for p in (det, rec) if not p.is_file()]
    if missing:  # never let the engine fetch them
        raise DecodeError(
            "unsupported", f"rapidocr's packaged models are missing ({', '.join(missing)}): {INSTALL_HINT}"
        )
    engine = rapidocr.RapidOCR(
        params={
            "Global.log_level": "error",
            # No per-line direction classifier: it turned whole lines of upright scans
            # 180° (read as "：局局", score 0.5); a page upside down is turned as a whole.
            "Global.use_cls": False,
            "Det.model_path": str(det),
            "Rec.model_path": str(rec),
        }
    )
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return engine


@dataclass(frozen=True)
class Box:
    """One recognised piece of text: its corners (top-left, top-right, bottom-right, bottom-left)."""

    text: str
    score: float
    corners: tuple[tuple[float, float], ...]


def _skew(boxes: list[Box]) -> float:
    """The page's tilt (radians): the median slope of the boxes' top edges, long boxes only."""
    slopes = []
    for b in boxes:
        (x0, y0), (x1, y1) = b.corners[0], b.corners[1]
        height = abs(b.corners[3][1] - b.corners[0][1]) or 1.0
        if x1 - x0 > 3 * height:
            slopes.append(math.atan2(y1 - y0, x1 - x0))
    return statistics.median(slopes) if slopes else 0.0


def page_lines(boxes: list[Box], page: int | None = None) -> list[PdfLine]:
    """A page's boxes → its lines, top to bottom, in the 0-1000 frame of its text's left/right
    edges (tops too, measured from the page's first line in the same unit)."""
    if not boxes:
        return []
    angle = _skew(boxes)
    cos, sin = math.cos(angle), math.sin(angle)
    placed = []  # (y centre, height, x0, x1, text, top) in the page's straightened frame
    for b in boxes:
        xs = [x * cos + y * sin for x, y in b.corners]
        ys = [-x * sin + y * cos for x, y in b.corners]
        placed.append(((min(ys) + max(ys)) / 2, max(ys) - min(ys), min(xs), max(xs), b.text, min(ys)))
    placed.sort()
    rows: list[list[tuple[float, float, float, float, str, float]]] = []
    for item in placed:
        if rows and abs(item[0] - rows[-1][0][0]) < 0.5 * min(item[1], rows[-1][0][1]):
            rows[-1].append(item)
        else:
            rows.append([item])
    left = min(p[2] for p in placed)
    right = max(p[3] for p in placed)
    first = min(p[5] for p in placed)
    scale = 1000 / (right - left) if right > left else 1.0
    lines = []
    for row in rows:
        row.sort(key=lambda p: p[2])
        text = ""
        for _, _, _, _, piece, _ in row:
            gap = " " if text and text[-1].isascii() and text[-1].isalnum() and piece[:1].isascii() else ""
            text += gap + piece.strip()
        x0, x1 = (row[0][2] - left) * scale, (max(p[3] for p in row) - left) * scale
        lines.append(PdfLine(text, x0, x1, page, (min(p[5] for p in row) - first) * scale))
    return lines


_QUOTES = re.compile('[“”"＂]')


def fix_quotes(paragraph: str) -> str:
    """Chinese double quotes alternate “ … ”, but OCR often reads one the wrong way round (or as
    `"`). In a paragraph with an even number of them, the 1st, 3rd … open and the others close."""
    marks = _QUOTES.findall(paragraph)
    if len(marks) % 2:
        return paragraph
    turn = iter("“”" * (len(marks) // 2))
    return _QUOTES.sub(lambda _m: next(turn), paragraph)


_HALF_WIDTH = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
_HALF_BY_HAN = re.compile(
    r"\((?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])\)|(?<=[\u4e00-\u9fff])[,:;!?]|[,:;!?](?=[\u4e00-\u9fff])"
)


def fix_punctuation(paragraph: str) -> str:
    """Chinese text sets its signs full width; OCR reads some half width. A bracket opening on
    (closing after) a Chinese character, or a comma, colon, semicolon, ! or ? next to one, is
    made full width: "党委(党组）" → "党委（党组）"; "1,000" and "(GDP)" stay."""
    return _HALF_BY_HAN.sub(lambda m: _HALF_WIDTH[m.group()], paragraph)


def page_confidence(boxes: list[Box]) -> float | None:
    chars = sum(len(b.text) for b in boxes)
    return sum(b.score * len(b.text) for b in boxes) / chars if chars else None


def _scan_dpi(page: Any, pdfium_c: Any) -> float:
    """The resolution of the page's largest image (its scan), within DPI_MIN..DPI_MAX."""
    best = (0.0, DPI_DEFAULT)
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            left, _, right, _ = obj.get_bounds()
            px_w, _ = obj.get_px_size()
        except Exception:
            continue
        if right - left > best[0]:
            best = (right - left, px_w / ((right - left) / 72))
    return min(max(best[1], DPI_MIN), DPI_MAX)


def read_boxes(image: Any) -> list[Box]:
    """OCR one page image (a numpy array, RGB)."""
    out = _engine()(image)
    if out.boxes is None or out.txts is None:
        return []
    return [
        Box(t, float(s), tuple((float(x), float(y)) for x, y in corners))
        for corners, t, s in zip(out.boxes, out.txts, out.scores, strict=True)
        if t.strip()
    ]


def read_page(image: Any) -> list[Box]:
    """OCR one page; a page read under LOW_CONFIDENCE is read again turned 180° (a sheet fed
    upside down), and the better reading kept."""
    boxes = read_boxes(image)
    first = page_confidence(boxes)
    if first is None or first >= LOW_CONFIDENCE:
        return boxes
    import numpy as np

    turned = read_boxes(np.ascontiguousarray(image[::-1, ::-1]))
    return turned if (page_confidence(turned) or 0.0) > first else boxes


def decode_scanned_pdf(raw: bytes) -> Decoded:
    """OCR a PDF without a text layer: its text, paragraphs rebuilt; `encoding` is `ocr:rapidocr`."""
    if not available():
        raise DecodeError("unsupported", f"the PDF has no text layer (a scan?): OCR it, or {INSTALL_HINT}")
    import numpy as np
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    sha = hashlib.sha256(raw).hexdigest()
    try:
        pdf = pypdfium2.PdfDocument(raw)
    except pypdfium2.PdfiumError as exc:
        raise DecodeError("corrupt-pdf", f"cannot open the PDF to OCR it ({exc})") from None
    try:
        if len(pdf) > MAX_OCR_PAGES:
            raise DecodeError(
                "too-large", f"a scan of {len(pdf)} pages (OCR limit {MAX_OCR_PAGES}, ≈ 15 s a page)"
            )
        lines: list[PdfLine] = []
        confidence: list[float | None] = []
        for number, page in enumerate(pdf):
            scale = _scan_dpi(page, pdfium_c) / 72
            image = np.asarray(page.render(scale=scale, grayscale=True).to_pil().convert("RGB"))
            boxes = read_page(image)
            lines.extend(page_lines(boxes, number))
            confidence.append(page_confidence(boxes))
    finally:
        pdf.close()
    text = "\n".join(fix_quotes(fix_punctuation(p)) for p in rejoin_lines(lines).split("\n"))
    if not text.strip():
        raise DecodeError("no-text-layer", "the PDF has no text layer and OCR found no text in it")
    return Decoded(text + "\n", f"ocr:{ENGINE}", sha, page_confidence=tuple(confidence))


def low_pages(confidence: tuple[float | None, ...] | list[float | None] | None) -> list[tuple[int, float]]:
    """(page number from 1, confidence) of the pages read under LOW_CONFIDENCE."""
    return [(i, c) for i, c in enumerate(confidence or (), 1) if c is not None and c < LOW_CONFIDENCE]

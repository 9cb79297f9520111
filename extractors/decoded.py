"""What decoding gives: the decoded text, the error that says why a file cannot be
read, and the size limits every reader keeps (extractors.decode, extractors.readers)."""

from __future__ import annotations

from dataclasses import dataclass

# Limits, with their reasons. The longest speech in corpus/ is 96 KB of text
# (≈32k characters); a national work report runs to ≈40k characters.
MAX_FILE_BYTES = 10 * 1024 * 1024  # docx/pdf with images and fonts reach a few MB; 10 MB is ≥ 25× any speech
MAX_TEXT_CHARS = 1_000_000  # ≥ 25× the longest speech: anything longer is not one speech
# A docx's declared unpacked size: word/document.xml of a long speech is ≈ 2 MB.
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_PDF_PAGES = 300  # a long work report is ≈ 40 pages; pdfminer costs ≈ 50 ms a page


class DecodeError(ValueError):
    """The file is not a text we can read; the message says why (kind first)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    sha256: str
    title: str | None = None  # from the document itself (docx Title style, pdf metadata)
    # OCR only (extractors.ocr): each page's recognition confidence, None for a page with no text.
    page_confidence: tuple[float | None, ...] | None = None


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")

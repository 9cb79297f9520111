"""Bytes → text. Every offset in the project indexes the text this module returns.

`.txt`/`.md` are decoded here (BOM, UTF-8, then GB18030 with a plausibility check); for
`.docx` and `.pdf` the "decoded text" is the text extractors.readers builds (one
paragraph a line); `.doc`/`.wps`/`.rtf`/`.odt` are read as the `.docx` LibreOffice makes
of them (extractors.office), a PDF without a text layer as its OCR text
(extractors.ocr), an `.ofd` from its text objects (extractors.ofd), so `text == decoded[char_start:char_end]` holds for every format. Anything that
cannot be read raises `DecodeError`, whose message starts with a short kind
(`empty:`, `binary:`, `too-large:` …) the ingest report groups by.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from extractors.decoded import (
    MAX_FILE_BYTES,
    MAX_PDF_PAGES,
    MAX_TEXT_CHARS,
    MAX_UNZIPPED_BYTES,
    Decoded,
    DecodeError,
    normalize_newlines,
)
from extractors.office import OFFICE_SUFFIXES, decode_office
from extractors.readers import PdfLine, check_zip, cn_numeral, decode_docx, decode_pdf, rejoin_lines
from schemas import Speech

# The decoding API, wherever its parts live (Word and PDF: extractors.readers).
__all__ = [
    "MAX_FILE_BYTES",
    "MAX_PDF_PAGES",
    "MAX_TEXT_CHARS",
    "MAX_UNZIPPED_BYTES",
    "SUFFIXES",
    "DecodeError",
    "Decoded",
    "PdfLine",
    "check_zip",
    "cn_numeral",
    "decode_bytes",
    "decode_docx",
    "decode_file",
    "decode_pdf",
    "guess_title",
    "guess_year",
    "normalize_newlines",
    "read_file_bytes",
    "read_speech",
    "rejoin_lines",
    "speech_from_bytes",
    "strip_markdown_headings",
]

TEXT_SUFFIXES = {".txt", ".md"}
SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf", ".ofd"} | set(OFFICE_SUFFIXES)


# ---------------------------------------------------------------- plain text

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Bytes no UTF-8 or GB18030 text contains (tab, newlines, form feed and ESC aside).
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def rare_han_ratio(text: str) -> float:
    """Share of CJK characters outside GB2312. Speeches use almost none (0.0 on every
    speech in corpus/); UTF-8 bytes misread as GB18030 give ≈ 0.67."""
    han = [c for c in text if ord(c) >= 0x2E80]
    if not han:
        return 0.0
    rare = 0
    for c in han:
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
    return rare / len(han)


def _check_plausible(text: str, enc: str) -> None:
    if "\x00" in text:
        raise DecodeError("binary", f"NUL characters after decoding as {enc}: not a text file")
    if len(_CONTROL.findall(text[:20000])) > 20:
        raise DecodeError("binary", f"control characters after decoding as {enc}: not a text file")
    if enc == "gb18030" and rare_han_ratio(text) > 0.05:
        raise DecodeError(
            "encoding",
            "not valid UTF-8, and as GB18030 it gives garbled characters: mixed or unknown encoding",
        )


def decode_bytes(raw: bytes) -> Decoded:
    """Decode a text file: a BOM first (UTF-8/UTF-16), then UTF-8, then GB18030 (⊃ GBK)."""
    sha = hashlib.sha256(raw).hexdigest()
    if not raw.strip(b" \t\r\n\x00\x0c") or not raw.strip():
        raise DecodeError("empty", "empty file, no text")
    boms = [enc for bom, enc in _BOMS if raw.startswith(bom)]
    if not boms and len(_CONTROL_BYTES.findall(raw[:65536])) > 2:
        raise DecodeError("binary", "control bytes (NUL, …) and no UTF-16 byte-order mark: not a text file")
    utf8_valid_up_to = 0
    for enc in boms or ["utf-8", "gb18030"]:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError as exc:
            if enc == "utf-8":
                utf8_valid_up_to = exc.start
            if exc.reason.startswith(("unexpected end", "incomplete", "truncated")) or (
                enc == "utf-16" and len(raw) % 2
            ):
                if enc == "gb18030" and rare_han_ratio(raw[: exc.start].decode(enc, "replace")) > 0.05:
                    raise _mixed(utf8_valid_up_to) from None  # UTF-8 misread as GB18030, not a cut
                raise DecodeError(
                    "truncated", f"the file ends inside a character ({enc}): cut off or still being copied"
                ) from None
            continue
        _check_plausible(text, enc)
        text = normalize_newlines(text)
        if not text.strip():
            raise DecodeError("empty", "the file has only whitespace")
        return Decoded(text, enc, sha)
    if utf8_valid_up_to >= 64:
        raise _mixed(utf8_valid_up_to)
    raise DecodeError("encoding", "not UTF-8, UTF-16 (with BOM) or GB18030 text")


def _mixed(utf8_bytes: int) -> DecodeError:
    where = f" (UTF-8 up to byte {utf8_bytes:,}, then not)" if utf8_bytes else ""
    return DecodeError(
        "encoding", f"mixed encodings{where}: parts were saved as UTF-8, parts as GBK: save it in one"
    )


def strip_markdown_headings(text: str) -> str:
    """`## 一、总体要求` → `一、总体要求`: heading hashes would hide the outline markers."""
    return re.sub(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+", "", text)


# ---------------------------------------------------------------- any file


def decode_file(raw: bytes, suffix: str) -> Decoded:
    """Dispatch on the file's suffix; raise DecodeError for anything unusable."""
    suffix = suffix.lower()
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(len(raw))
    if suffix == ".docx":
        decoded = decode_docx(raw)
    elif suffix == ".pdf":
        try:
            decoded = decode_pdf(raw)
        except DecodeError as exc:
            if exc.kind == "corrupt-pdf" and b"/Encrypt" in raw:
                raise DecodeError(
                    "encrypted", "the PDF is password-protected: send it without the password"
                ) from None
            if exc.kind != "no-text-layer":
                raise
            from extractors.ocr import decode_scanned_pdf

            decoded = decode_scanned_pdf(raw)
    elif suffix in OFFICE_SUFFIXES:
        decoded = decode_office(raw, suffix)
    elif suffix == ".ofd":
        from extractors.ofd import decode_ofd

        decoded = decode_ofd(raw)
    else:
        decoded = decode_bytes(raw)
        if suffix == ".md":
            decoded = Decoded(strip_markdown_headings(decoded.text), decoded.encoding, decoded.sha256)
    if len(decoded.text) > MAX_TEXT_CHARS:
        raise DecodeError(
            "too-large",
            f"{len(decoded.text):,} characters of text (limit {MAX_TEXT_CHARS:,}): not one speech",
        )
    return decoded


_YEAR = re.compile(r"(19[4-9]\d|20\d\d)\s*年")
_NAME_PREFIX = re.compile(r"^[\d_\-\s.]+")


# `今天我们召开全市政府系统党的建设工作会议`: the meeting named (not `一个座谈会`, `这次会议`)
_MEETING = re.compile(
    r"今天[，,]?(?:我们)?(?:在这里)?(?:召开|举行)(?:了)?([^，。；：\n一这]{4,40}?(?:会议|大会|座谈会))"
)


_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")  # `各位代表：\u200d` is still an address
_GENERIC_TITLES = ("政府工作报告", "工作报告", "报告", "讲话")


def guess_title(text: str, fallback: str) -> str:
    """The first short line of the header; else, when the speech opens by naming its meeting
    (`今天我们召开全市…工作会议`), `在…会议上的讲话`, or by `报告政府工作`, `政府工作报告`;
    else the file name (without a numeric prefix)."""
    lines = [x for x in (_INVISIBLE.sub("", y).strip() for y in text.split("\n")) if x]
    for i, line in enumerate(lines[:1]):
        if len(line) <= 60 and not line.endswith(("：", ":", "！", "!", "。")):
            # `政府工作报⏎告`: a title's last character pushed onto a line of its own
            if i + 1 < len(lines) and len(lines[i + 1]) == 1 and "\u4e00" <= lines[i + 1] <= "\u9fff":
                line += lines[i + 1]
            return line
    meeting = _MEETING.search(text[:300])
    if meeting:
        return f"在{meeting.group(1)}上的讲话"
    if "报告政府工作" in text[:200]:  # `我代表国务院，向大会报告政府工作`
        return "政府工作报告"
    return _NAME_PREFIX.sub("", fallback) or fallback


def guess_year(text: str, name: str) -> int | None:
    """The speech's year: from the file name, else the first year in its opening lines."""
    for hay in (name, text[:400]):
        m = re.search(r"(?<!\d)(19[4-9]\d|20\d\d)(?!\d)", hay)
        if m:
            return int(m.group(1))
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


def speech_from_bytes(raw: bytes, name: str, source: str) -> tuple[Speech, str]:
    """Decode `raw` (named `name`, for its suffix and title/year hints) into a Speech and its text."""
    decoded = decode_file(raw, Path(name).suffix)
    stem = Path(name).stem
    year = guess_year(decoded.text, name)
    title = decoded.title or guess_title(decoded.text, stem)
    if title in _GENERIC_TITLES and year:
        title = f"{year}年{title}"  # every year has its 政府工作报告: the year tells them apart
    speech = Speech(
        source=source,
        sha256=decoded.sha256,
        title=title,
        encoding=decoded.encoding,
        chars=len(decoded.text),
        year=year,
        page_confidence=None if decoded.page_confidence is None else list(decoded.page_confidence),
    )
    return speech, decoded.text


def _too_large(size: int) -> DecodeError:
    return DecodeError(
        "too-large",
        f"{size / 2**20:.1f} MB (limit {MAX_FILE_BYTES // 2**20} MB, ≥ 25× the longest speech)",
    )


def read_file_bytes(path: Path) -> bytes:
    """The bytes of a speech file: a regular file, at most MAX_FILE_BYTES (checked before reading).

    A FIFO, device or socket is refused (`not-a-file`) without blocking on it: it is
    opened non-blocking and checked on the open descriptor. OSError propagates.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise DecodeError("not-a-file", "not a regular file (a FIFO, device or socket): nothing to read")
        if st.st_size > MAX_FILE_BYTES:
            raise _too_large(st.st_size)
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(len(raw))
    return raw


def read_speech(path: Path, source: str | None = None) -> tuple[Speech, str]:
    """Read a speech file; returns its Speech record and the decoded text.

    OSError (unreadable, vanished) propagates: it may succeed on retry. DecodeError
    means the content is unusable and retrying the same bytes cannot help.
    """
    return speech_from_bytes(read_file_bytes(path), path.name, source or str(path))


def corpus_reader(corpus: Path) -> Callable[[str, str | None], tuple[str, str]]:
    """`read(source, root)` → (sha256, decoded text) of the file `source` of the corpus at `root`
    (default: `corpus`): what `store.corrections.ensure_text` checks against a stored version."""

    def read(source: str, root: str | None = None) -> tuple[str, str]:
        speech, text = read_speech(Path(root or corpus) / source, source=source)
        return speech.sha256, text

    return read

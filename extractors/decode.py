"""Bytes → text. Every offset in the project indexes the text this module returns.

`.txt`/`.md` are decoded here (BOM, UTF-8, then GB18030 with a plausibility check); for
`.docx` and `.pdf` the "decoded text" is the text extractors.readers builds (one
paragraph a line),
so `text == decoded[char_start:char_end]` holds for every format. Anything that
cannot be read raises `DecodeError`, whose message starts with a short kind
(`empty:`, `binary:`, `too-large:` …) the ingest report groups by.
"""

from __future__ import annotations

import hashlib
import re
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
from extractors.readers import PdfLine, check_zip, cn_numeral, decode_docx, decode_pdf, rejoin_lines
from schemas import Speech

# The decoding API, wherever its parts live (Word and PDF: extractors.readers).
__all__ = [
    "MAX_FILE_BYTES",
    "MAX_PDF_PAGES",
    "MAX_TEXT_CHARS",
    "MAX_UNZIPPED_BYTES",
    "SUFFIXES",
    "UNSUPPORTED",
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
    "read_speech",
    "rejoin_lines",
    "speech_from_bytes",
    "strip_markdown_headings",
]

TEXT_SUFFIXES = {".txt", ".md"}
SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf"}
# Office formats an office may drop that we cannot read: reported, not silently skipped.
UNSUPPORTED = {".doc": "Word 97-2003", ".wps": "WPS", ".rtf": "RTF", ".odt": "OpenDocument"}


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
    for enc in boms or ["utf-8", "gb18030"]:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError as exc:
            if exc.reason.startswith(("unexpected end", "incomplete", "truncated")) or (
                enc == "utf-16" and len(raw) % 2
            ):
                raise DecodeError(
                    "truncated", f"the file ends inside a character ({enc}): cut off or still being copied"
                ) from None
            continue
        _check_plausible(text, enc)
        text = normalize_newlines(text)
        if not text.strip():
            raise DecodeError("empty", "the file has only whitespace")
        return Decoded(text, enc, sha)
    raise DecodeError("encoding", "not UTF-8, UTF-16 (with BOM) or GB18030 text")


def strip_markdown_headings(text: str) -> str:
    """`## 一、总体要求` → `一、总体要求`: heading hashes would hide the outline markers."""
    return re.sub(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+", "", text)


# ---------------------------------------------------------------- any file


def decode_file(raw: bytes, suffix: str) -> Decoded:
    """Dispatch on the file's suffix; raise DecodeError for anything unusable."""
    suffix = suffix.lower()
    if suffix in UNSUPPORTED:
        raise DecodeError(
            "unsupported", f"{UNSUPPORTED[suffix]} files ({suffix}) cannot be read: save as .docx"
        )
    if len(raw) > MAX_FILE_BYTES:
        raise DecodeError(
            "too-large",
            f"{len(raw) / 2**20:.1f} MB (limit {MAX_FILE_BYTES // 2**20} MB, ≥ 25× the longest speech)",
        )
    if suffix == ".docx":
        decoded = decode_docx(raw)
    elif suffix == ".pdf":
        decoded = decode_pdf(raw)
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


def guess_title(text: str, fallback: str) -> str:
    """The first short line of the header; else, when the speech opens by naming its meeting
    (`今天我们召开全市…工作会议`), `在…会议上的讲话`, or by `报告政府工作`, `政府工作报告`;
    else the file name (without a numeric prefix)."""
    for line in text.split("\n"):
        line = line.strip()
        if line and len(line) <= 60 and not line.endswith(("：", ":", "！", "。")):
            return line
        if line:
            break
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
    speech = Speech(
        source=source,
        sha256=decoded.sha256,
        title=decoded.title or guess_title(decoded.text, stem),
        encoding=decoded.encoding,
        chars=len(decoded.text),
        year=guess_year(decoded.text, name),
    )
    return speech, decoded.text


def read_speech(path: Path, source: str | None = None) -> tuple[Speech, str]:
    """Read a speech file; returns its Speech record and the decoded text.

    OSError (unreadable, vanished) propagates: it may succeed on retry. DecodeError
    means the content is unusable and retrying the same bytes cannot help.
    """
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DecodeError(
            "too-large",
            f"{size / 2**20:.1f} MB (limit {MAX_FILE_BYTES // 2**20} MB, ≥ 25× the longest speech)",
        )
    return speech_from_bytes(path.read_bytes(), path.name, source or str(path))


def corpus_reader(corpus: Path) -> Callable[[str, str | None], tuple[str, str]]:
    """`read(source, root)` → (sha256, decoded text) of the file `source` of the corpus at `root`
    (default: `corpus`): what `store.corrections.ensure_text` checks against a stored version."""

    def read(source: str, root: str | None = None) -> tuple[str, str]:
        speech, text = read_speech(Path(root or corpus) / source, source=source)
        return speech.sha256, text

    return read

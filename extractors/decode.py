"""Bytes → text. Every offset in the project indexes the text this module returns."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from schemas import Speech


class DecodeError(ValueError):
    """The bytes are not a text we can read (empty, binary, unknown encoding)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    sha256: str


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(raw: bytes) -> Decoded:
    """Decode a text file: BOMs first, then UTF-8, then GB18030 (a superset of GBK)."""
    sha = hashlib.sha256(raw).hexdigest()
    if not raw.strip():
        raise DecodeError("empty file")
    candidates = [enc for bom, enc in _BOMS if raw.startswith(bom)] or ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise DecodeError(f"binary content (NUL characters after decoding as {enc})")
        return Decoded(normalize_newlines(text), enc, sha)
    raise DecodeError("not UTF-8, UTF-16 (with BOM) or GB18030 text")


_YEAR = re.compile(r"(19[4-9]\d|20\d\d)\s*年")


def guess_title(text: str, fallback: str) -> str:
    for line in text.split("\n"):
        line = line.strip()
        if line and len(line) <= 60 and not line.endswith(("：", ":", "！")):
            return line
        if line:
            break
    return fallback


def guess_year(text: str, name: str) -> int | None:
    """The speech's year: from the file name, else the first year in its opening lines."""
    for hay in (name, text[:400]):
        m = re.search(r"(?<!\d)(19[4-9]\d|20\d\d)(?!\d)", hay)
        if m:
            return int(m.group(1))
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


def read_speech(path: Path, source: str | None = None) -> tuple[Speech, str]:
    """Read a speech file; returns its Speech record and the decoded text."""
    decoded = decode_bytes(path.read_bytes())
    speech = Speech(
        source=source or str(path),
        sha256=decoded.sha256,
        title=guess_title(decoded.text, path.stem),
        encoding=decoded.encoding,
        chars=len(decoded.text),
        year=guess_year(decoded.text, path.name),
    )
    return speech, decoded.text

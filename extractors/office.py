"""Old office files (.doc, .wps, .rtf, .odt) → .docx through LibreOffice, then read as `.docx`.

LibreOffice (`soffice --headless --convert-to docx`) is the converter: Debian's
`libreoffice-writer-nogui`, not a Python package. It starts in ≈ 1-3 s, so a batch of
files is converted by one `soffice` process (`converted_batch`, used by the flow), not
one a file; each run gets its own throw-away profile folder (two runs at once never
share one) and a time limit, after which the whole process group is killed. A batch
that timed out is retried file by file, so one file that hangs LibreOffice costs only
itself. The `.docx` it writes is read by `extractors.readers.decode_docx` (numbering
rendered, tables row by row); the decoded text and its offsets are that reading.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

from extractors.decoded import MAX_FILE_BYTES, Decoded, DecodeError
from extractors.readers import decode_docx

# The formats LibreOffice reads for us, by suffix. WPS Office's `.wps` is Word 97's
# binary format under another name (LibreOffice also reads Microsoft Works' `.wps`).
OFFICE_SUFFIXES = {".doc": "Word 97-2003", ".wps": "WPS", ".rtf": "RTF", ".odt": "OpenDocument"}
INSTALL_HINT = (
    "install LibreOffice (Debian: apt-get install libreoffice-writer-nogui; `make test` does it), "
    "or save as .docx"
)
# One file converts in ≈ 0.3 s once LibreOffice is up (≈ 1-3 s to start with a new profile);
# a file still converting after this is taken to hang LibreOffice.
START_S = 60.0
PER_FILE_S = 30.0


def soffice() -> str | None:
    """The LibreOffice binary: `SPEECHTASKS_SOFFICE`, else `soffice`/`libreoffice` on PATH."""
    return os.environ.get("SPEECHTASKS_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")


def _run(binary: str, inputs: list[Path], outdir: Path, profile: Path, timeout: float) -> bool:
    """One `soffice --convert-to docx` over `inputs`; False when killed at its time limit."""
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(outdir),
        *map(str, inputs),
    ]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        proc.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # soffice.bin is a child of the soffice script
        proc.wait()
        return False


def convert_to_docx(
    files: Mapping[str, tuple[str, bytes]], timeout: float | None = None
) -> dict[str, bytes | DecodeError]:
    """Convert office files to .docx with one LibreOffice process.

    `files` maps a key (the flow uses the sha256) to (suffix, raw bytes); the result maps
    each key to the .docx bytes, or to the DecodeError saying why there are none.
    `timeout` is the limit for one file (default START_S + PER_FILE_S); a batch gets
    START_S + PER_FILE_S a file, and the files a killed batch left unconverted get one try each.
    """
    binary = soffice()
    if binary is None:
        err = DecodeError("unsupported", f"{len(files)} office file(s) need LibreOffice: {INSTALL_HINT}")
        return dict.fromkeys(files, err)
    results: dict[str, bytes | DecodeError] = {}
    one = timeout if timeout is not None else START_S + PER_FILE_S
    with tempfile.TemporaryDirectory(prefix="speechtasks-office-") as tmp:
        root = Path(tmp)
        names = {key: f"f{i}{suffix.lower()}" for i, (key, (suffix, _)) in enumerate(files.items())}
        (root / "in").mkdir()
        for key, (_, raw) in files.items():
            (root / "in" / names[key]).write_bytes(raw)

        def attempt(keys: list[str], limit: float) -> bool:
            run = root / f"run{len(list(root.glob('run*')))}"  # a fresh profile: a killed one stays locked
            finished = _run(
                binary, [root / "in" / names[k] for k in keys], run / "out", run / "profile", limit
            )
            for key in keys:
                docx = run / "out" / (Path(names[key]).stem + ".docx")
                if docx.is_file() and docx.stat().st_size > 0:
                    results[key] = docx.read_bytes()
                elif finished:
                    suffix = files[key][0].lower()
                    what = OFFICE_SUFFIXES.get(suffix, suffix)
                    results[key] = DecodeError(
                        f"corrupt-{suffix.lstrip('.')}",
                        f"LibreOffice cannot read this {what} file: damaged or not one",
                    )
                elif len(keys) == 1:
                    results[key] = DecodeError(
                        "timeout", f"LibreOffice did not finish converting it in {limit:.0f} s (killed)"
                    )
            return finished

        if not attempt(list(files), one if len(files) == 1 else START_S + PER_FILE_S * len(files)):
            for key in [k for k in files if k not in results]:  # the batch was killed: one at a time
                attempt([key], one)
    return results


# Conversions done ahead for the batch being extracted, by the raw file's sha256.
_ready: dict[str, bytes | DecodeError] = {}


@contextlib.contextmanager
def converted_batch(paths: Iterable[Path]) -> Iterator[None]:
    """Convert the batch's office files with one LibreOffice run; `decode_office` then finds them.

    Unreadable or oversized files are left to `decode_office`, which reports them.
    """
    files: dict[str, tuple[str, bytes]] = {}
    for path in paths:
        if path.suffix.lower() not in OFFICE_SUFFIXES:
            continue
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
            raw = path.read_bytes()
        except OSError:
            continue
        files[hashlib.sha256(raw).hexdigest()] = (path.suffix, raw)
    if len(files) > 1 and soffice() is not None:
        _ready.update(convert_to_docx(files))
    try:
        yield
    finally:
        for key in files:
            _ready.pop(key, None)


def decode_office(raw: bytes, suffix: str) -> Decoded:
    """An office file's text, as its LibreOffice .docx reads; `encoding` is the format (`doc`, `wps` …)."""
    sha = hashlib.sha256(raw).hexdigest()
    suffix = suffix.lower()
    if not raw.strip(b"\x00 \t\r\n"):
        raise DecodeError("empty", f"empty {suffix} file, no text")
    docx = _ready.get(sha)
    if docx is None:
        docx = convert_to_docx({sha: (suffix, raw)})[sha]
    if isinstance(docx, DecodeError):
        raise docx
    try:
        decoded = decode_docx(docx)
    except DecodeError as exc:
        if exc.kind != "corrupt-docx":
            raise
        raise DecodeError(
            f"corrupt-{suffix.lstrip('.')}", f"LibreOffice's .docx of it is unreadable: {exc}"
        ) from None
    return replace(decoded, encoding=suffix.lstrip("."), sha256=sha)

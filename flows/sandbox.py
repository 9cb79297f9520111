"""Reading the formats that can blow up under a time and memory budget (plain functions).

A `.txt`/`.md` is decoded in this process: its decoding is linear in its size, and
the size is capped before reading. A `.docx` or `.pdf` is parsed by libraries
(lxml, pdfminer) whose cost depends on the structure inside, so those are decoded in
one long-lived worker process, started on the first such file of a run (≈ 0.5 s;
not a process per file), with its address space capped (`MEMORY_BYTES`). A file
whose decoding takes longer than `FILE_SECONDS` is recorded as `timeout` and the
worker is replaced; one that exhausts the memory cap as `too-large`. A stop request
(flows/stopping.py) kills the worker at once: the file is left for the next run.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import threading
from typing import Any

from extractors.decode import DecodeError, speech_from_bytes
from flows.stopping import Interrupted, on_stop, stop_requested
from schemas import Speech

GUARDED = {".docx", ".pdf"}
# The longest real file here decodes in under 3 s (a 40-page PDF ≈ 2 s); a 300-page
# PDF, the page limit, ≈ 15 s. A scan is OCR'd page by page (≈ 9 s a page on 2 cores,
# extractors.ocr), so a PDF's budget allows the 60 scanned pages OCR accepts.
# Override with SPEECHTASKS_FILE_SECONDS (every guarded format).
FILE_SECONDS = {".docx": 120.0, ".pdf": 900.0}
# Address space of the worker: ≈ 0.3 GB is used on a real speech, but onnxruntime (OCR)
# reserves ≈ 2.5 GB of address space for a page, so the cap is set well above that.
MEMORY_BYTES = 6 * 1024**3


def file_seconds(suffix: str = ".docx") -> float:
    default = FILE_SECONDS.get(suffix, FILE_SECONDS[".docx"])
    try:
        return float(os.environ.get("SPEECHTASKS_FILE_SECONDS", default))
    except ValueError:
        return default


def _ran_out_of_memory(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _serve(conn: Any, memory: int) -> None:
    """The worker: decode each (raw, name, source) it is sent; reply ("ok", …) or ("error", kind, detail)."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    while True:
        try:
            raw, name, source = conn.recv()
        except (EOFError, OSError):  # the run ended (or was killed): so does the worker
            return
        try:
            speech, text = speech_from_bytes(raw, name, source)
            reply: tuple[Any, ...] = ("ok", speech.model_dump(), text)
        except DecodeError as exc:
            if _ran_out_of_memory(exc):  # a reader wrapped the MemoryError (pdfminer does)
                reply = ("error", "too-large", f"reading it needs more than {memory // 2**30} GB of memory")
            else:
                reply = ("error", exc.kind, str(exc).removeprefix(f"{exc.kind}: "))
        except MemoryError:
            reply = ("error", "too-large", f"reading it needs more than {memory // 2**30} GB of memory")
        except Exception as exc:  # a reader bug on odd input: reported as the reader's failure
            reply = ("error", "extract-failed", f"{type(exc).__name__}: {exc}")
        del raw
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("error", "too-large", "its text does not fit in the memory budget"))


class GuardedReader:
    """One worker process, used by one file at a time (batches on threads share it)."""

    def __init__(self, memory: int = MEMORY_BYTES) -> None:
        self.memory = memory
        self._lock = threading.Lock()
        self._proc: Any = None
        self._conn: Any = None

    def _start(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # forking a threaded process is unsafe
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child, self.memory), daemon=True, name="speechtasks-reader")
        proc.start()
        child.close()
        self._proc, self._conn = proc, parent

    def kill(self) -> None:
        """End the worker now (a stop request, a timeout, or the end of the process)."""
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if proc is not None:
            with contextlib.suppress(Exception):
                proc.kill()
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()
        if proc is not None:
            with contextlib.suppress(Exception):
                proc.join(5)

    def decode(self, raw: bytes, name: str, source: str, seconds: float | None = None) -> tuple[Speech, str]:
        seconds = file_seconds(os.path.splitext(name)[1].lower()) if seconds is None else seconds
        with self._lock:
            if stop_requested():
                raise Interrupted(source)
            if self._proc is None or not self._proc.is_alive():
                self.kill()
                self._start()
            conn = self._conn
            try:
                conn.send((raw, name, source))
                ready = conn.poll(seconds)
                reply = conn.recv() if ready else None
            except Exception:  # EOF, or the pipe closed under us by a stop request (kill)
                reply = ("died",)
            if stop_requested():
                self.kill()
                raise Interrupted(source)
            if reply is None:
                self.kill()
                raise DecodeError("timeout", f"reading it took longer than {seconds:g} s")
            if reply[0] == "died":
                self.kill()
                raise DecodeError("too-large", "the reader ran out of its memory budget on it")
        if reply[0] == "error":
            raise DecodeError(reply[1], reply[2])
        return Speech.model_validate(reply[1]), reply[2]


_reader = GuardedReader()
on_stop(_reader.kill)
atexit.register(_reader.kill)


def decode_guarded(raw: bytes, name: str, source: str) -> tuple[Speech, str]:
    """`speech_from_bytes`, with .docx/.pdf decoded in the budgeted worker."""
    if os.path.splitext(name)[1].lower() in GUARDED:
        return _reader.decode(raw, name, source)
    return speech_from_bytes(raw, name, source)

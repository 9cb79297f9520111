"""Timing and memory helpers: medians of repeats, percentiles, peak RSS of a child process."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear between closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class ProcPeak:
    pid: int
    role: str  # "main", "worker" (extraction process), "prefect-server", "other"
    peak_mb: float  # VmHWM


@dataclass(frozen=True)
class ChildRun:
    """One child process tree: wall time and memory, sampled from /proc every 50 ms."""

    wall_s: float
    returncode: int
    procs: tuple[ProcPeak, ...]
    tree_peak_mb: float  # the largest sum of VmRSS over the tree seen at one sample
    stdout: str
    stderr: str

    def peak(self, *roles: str) -> float:
        """The largest VmHWM among processes of these roles (all when none given)."""
        return max((p.peak_mb for p in self.procs if not roles or p.role in roles), default=0.0)

    @property
    def main_peak_mb(self) -> float:
        return self.peak("main")

    @property
    def ingest_peak_mb(self) -> float:
        """The largest process doing our work: the command itself or an extraction worker."""
        return self.peak("main", "worker")


def _status(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(("VmHWM:", "VmRSS:")):
                    out[line.split(":")[0]] = int(line.split()[1])
    except OSError:
        pass
    return out


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids += [int(k) for k in fh.read().split()]
    except OSError:
        pass
    return kids


def _role(pid: int, root: int) -> str:
    if pid == root:
        return "main"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "other"
    if "uvicorn" in cmd or ("prefect" in cmd and "server" in cmd):
        return "prefect-server"
    if "multiprocessing" in cmd or "spawn_main" in cmd:
        return "worker"
    return "other"


def run_child(cmd: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path = ROOT) -> ChildRun:
    """Run `cmd`, sampling the VmHWM/VmRSS of it and its descendants every 50 ms."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-child-{os.getpid()}.out"
    err_path = out_path.with_suffix(".err")
    with out_path.open("w") as out, err_path.open("w") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env, cwd=cwd)
        peaks: dict[int, list[Any]] = {}  # pid -> [role, VmHWM kB]
        tree_peak = [0]
        done = threading.Event()

        def poll() -> None:
            while not done.is_set():
                todo, total = [proc.pid], 0
                while todo:
                    pid = todo.pop()
                    st = _status(pid)
                    if st:
                        entry = peaks.setdefault(pid, [_role(pid, proc.pid), 0])
                        entry[1] = max(entry[1], st.get("VmHWM", 0))
                        total += st.get("VmRSS", 0)
                    todo += _children(pid)
                tree_peak[0] = max(tree_peak[0], total)
                done.wait(0.05)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        returncode = proc.wait()
        wall = time.perf_counter() - start
        done.set()
        poller.join()
    result = ChildRun(
        wall_s=wall,
        returncode=returncode,
        procs=tuple(ProcPeak(pid, role, kb / 1024) for pid, (role, kb) in peaks.items()),
        tree_peak_mb=tree_peak[0] / 1024,
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
    )
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return result


def clear_content_caches(package: str = "extractors", min_size: int = 16) -> int:
    """Empty the `lru_cache`s of `package` that hold per-text results (maxsize ≥ `min_size`).

    Repeats re-extract the same files; without this, the second repeat would time
    cache hits. Small caches (lexicon, segmenter, cue tables: set-up, not per-text
    work) are kept, as a long-running process keeps them.
    """
    cleared = 0
    for name, module in list(sys.modules.items()):
        if module is None or not (name == package or name.startswith(package + ".")):
            continue
        for obj in list(vars(module).values()):
            params = getattr(obj, "cache_parameters", None)
            if callable(params) and hasattr(obj, "cache_clear"):
                size = params().get("maxsize")
                if size is None or size >= min_size:
                    obj.cache_clear()
                    cleared += 1
    return cleared

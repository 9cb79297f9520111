"""What bounds a missed target: pyinstrument over the work, functions ranked by time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pyinstrument import Profiler
from pyinstrument.frame import Frame


@dataclass(frozen=True)
class FunctionTime:
    function: str
    where: str  # file:line
    seconds: float
    share: float  # of the profiled total


def _walk(frame: Frame, ancestors: frozenset[tuple[str, str]]) -> Iterator[tuple[Frame, bool]]:
    """Every real frame, and whether it is the outermost call of its function on its stack."""
    key = (frame.function, f"{frame.file_path_short}:{frame.line_no}")
    yield frame, key not in ancestors
    inner = ancestors | {key}
    for child in frame.children:
        if not child.is_synthetic:
            yield from _walk(child, inner)


def profile_top(
    work: Callable[[], Any], *, n: int = 10, inclusive_filter: str = ""
) -> tuple[list[FunctionTime], list[FunctionTime]]:
    """Run `work` under pyinstrument; the top `n` functions by self time, and by inclusive
    time among functions whose file path contains `inclusive_filter` (e.g. "extractors/").
    Only the calling thread is sampled (pyinstrument): work in a task runner's threads
    shows as the wait for it."""
    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        work()
    finally:
        profiler.stop()
    root = profiler.last_session.root_frame()
    if root is None:
        return [], []
    total = root.time or 1e-9
    own: dict[tuple[str, str], float] = defaultdict(float)
    incl: dict[tuple[str, str], float] = defaultdict(float)
    for frame, outermost in _walk(root, frozenset()):
        key = (frame.function, f"{frame.file_path_short}:{frame.line_no}")
        if (frame.file_path_short or "").startswith("<thread>"):
            continue  # a thread's root: its "own" time is the profiler's, not the code's
        own[key] += frame.time - sum(c.time for c in frame.children if not c.is_synthetic)
        if outermost and inclusive_filter in (frame.file_path or ""):
            incl[key] += frame.time

    def top(table: dict[tuple[str, str], float]) -> list[FunctionTime]:
        ranked = sorted(table.items(), key=lambda kv: kv[1], reverse=True)[:n]
        return [FunctionTime(fn, where, s, s / total) for (fn, where), s in ranked]

    return top(own), top(incl)

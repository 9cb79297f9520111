"""(a) Extraction speed per MB against two floors, measured in this process.

- extraction: `extractors.extract_file` on each file (read, decode, parse);
- segmentation floor: read + decode + a bare `jieba.lcut` of the same text;
- I/O floor: read + decode + one regex pass (the outline markers) over the text.

Each round runs the three over the same files in rotated order; a round's ratios
compare numbers measured seconds apart, and the report takes the median round.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.measure import clear_content_caches, log, median, timed

_MARKERS = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|第[一二三四五六七八九十]{1,3}[，、])",
    re.M,
)


@dataclass(frozen=True)
class ExtractionResult:
    files: int
    mb: float
    rounds: int
    errors: int
    requirements: int
    extract_s_per_mb: float
    jieba_s_per_mb: float
    io_s_per_mb: float
    ratio_jieba: float  # median over rounds of extract / jieba
    ratio_io: float  # median over rounds of extract / io


def sample(paths: list[Path], mb: float) -> list[Path]:
    """The first files of the corpus adding up to at least `mb` megabytes."""
    out: list[Path] = []
    size = 0
    for p in paths:
        out.append(p)
        size += p.stat().st_size
        if size >= mb * 1e6:
            break
    return out


def run_extraction(paths: list[Path]) -> tuple[int, int]:
    from extractors import extract_file

    errors = requirements = 0
    for p in paths:
        try:
            requirements += len(extract_file(p, source=p.name).requirements)
        except Exception:
            errors += 1
    return errors, requirements


def run_jieba(paths: list[Path]) -> int:
    import jieba

    return sum(len(jieba.lcut(p.read_bytes().decode("utf-8"))) for p in paths)


def run_io(paths: list[Path]) -> int:
    return sum(len(_MARKERS.findall(p.read_bytes().decode("utf-8"))) for p in paths)


def measure_extraction(paths: list[Path], rounds: int) -> ExtractionResult:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    mb = sum(p.stat().st_size for p in paths) / 1e6
    errors, requirements = run_extraction(paths[:3])  # warm-up: imports, lexicons, page cache
    run_jieba(paths)
    run_io(paths)
    kinds: dict[str, Callable[[], object]] = {
        "extract": lambda: run_extraction(paths),
        "jieba": lambda: run_jieba(paths),
        "io": lambda: run_io(paths),
    }
    order = list(kinds)
    times: dict[str, list[float]] = {k: [] for k in kinds}
    for r in range(rounds):
        for kind in order[r % 3 :] + order[: r % 3]:
            clear_content_caches()
            seconds, value = timed(kinds[kind])
            times[kind].append(seconds)
            if kind == "extract":
                errors, requirements = value  # type: ignore[misc]
        log(
            f"(a) round {r + 1}/{rounds}: extract {times['extract'][-1]:.2f}s, "
            f"jieba {times['jieba'][-1]:.2f}s, io {times['io'][-1]:.3f}s over {mb:.1f} MB"
        )
    return ExtractionResult(
        files=len(paths),
        mb=mb,
        rounds=rounds,
        errors=errors,
        requirements=requirements,
        extract_s_per_mb=median(times["extract"]) / mb,
        jieba_s_per_mb=median(times["jieba"]) / mb,
        io_s_per_mb=median(times["io"]) / mb,
        ratio_jieba=median([e / j for e, j in zip(times["extract"], times["jieba"], strict=True)]),
        ratio_io=median([e / i for e, i in zip(times["extract"], times["io"], strict=True)]),
    )

"""bench/RESULTS.md, written from the measurements (never by hand)."""

from __future__ import annotations

import os
import platform
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.measure import ROOT
from bench.profile import FunctionTime


@dataclass
class Row:
    measurement: str
    value: str
    target: str = "—"
    ok: bool | None = None  # None: no target, reported only

    @property
    def verdict(self) -> str:
        return "—" if self.ok is None else ("pass" if self.ok else "**miss**")


@dataclass
class Report:
    title: str
    settings: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)

    def add(self, measurement: str, value: str, target: str = "—", ok: bool | None = None) -> None:
        self.rows.append(Row(measurement, value, target, ok))

    def section(self, heading: str, lines: list[str]) -> None:
        self.sections.append((heading, lines))

    def misses(self) -> list[Row]:
        return [r for r in self.rows if r.ok is False]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _git() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        return head + (" (with uncommitted changes in the working tree)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine_lines(load_start: tuple[float, float, float]) -> list[str]:
    load_end = os.getloadavg()
    return [
        f"- date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
        f"- cores: {os.cpu_count()}, CPU: {_cpu_model()}, memory: {_mem_total()}",
        f"- python {platform.python_version()} ({platform.system()} {platform.release()})",
        f"- code: git {_git()}",
        f"- load average (1/5/15 min) at start {'/'.join(f'{x:.1f}' for x in load_start)}, "
        f"at end {'/'.join(f'{x:.1f}' for x in load_end)}: the machine is shared, so every "
        "figure is a median of repeats and every ratio compares runs made in the same bench process",
    ]


def function_table(title: str, rows: list[FunctionTime]) -> list[str]:
    if not rows:
        return []
    return [
        f"{title}:",
        "",
        "| function | where | seconds | share |",
        "|---|---|---:|---:|",
        *(f"| `{r.function}` | `{r.where}` | {r.seconds:.2f} | {r.share:.0%} |" for r in rows),
        "",
    ]


def render(report: Report, load_start: tuple[float, float, float]) -> str:
    out = [
        f"# {report.title}",
        "",
        "Written by `python -m bench` (`make bench`); do not edit by hand. See bench/__main__.py for",
        "what each line measures.",
        "",
        "## Machine",
        "",
        *machine_lines(load_start),
        "",
        "## Settings",
        "",
        *report.settings,
        "",
        "## Results",
        "",
        "| measurement | value | target | result |",
        "|---|---|---|---|",
        *(f"| {r.measurement} | {r.value} | {r.target} | {r.verdict} |" for r in report.rows),
        "",
    ]
    for heading, lines in report.sections:
        out += [f"## {heading}", "", *lines, ""]
    return "\n".join(out).rstrip() + "\n"

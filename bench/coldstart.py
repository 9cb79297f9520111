"""(f) Cold start: what a new `speechtasks` process costs before and around its work.

- cold extract: `speechtasks extract SEED --format json` in a new process, its CPU time
  (user + sys of the child), median of `runs`;
- the extraction itself: the same file extracted and dumped as JSON in this (warm)
  process, per-text caches emptied before each repeat, median of `runs`;
- the ratio of the two: what starting a process costs, in extractions;
- `speechtasks --help` in a new process, median of `runs`;
- first use: one cold extract with an empty cache folder (the dictionary cache of
  extractors/cache.py is built on the way).

CPU time, not wall time: the machine is shared, and a loaded core stretches the wall
clock of a child without changing the work it does. Run alone:
`python -m bench.coldstart [--runs N]`.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.measure import ROOT, clear_content_caches, log, median

SEED = ROOT / "corpus" / "000_party_building_city_gov.txt"
TARGETS = {"cold_extract_cpu_s": 1.5, "help_cpu_s": 0.5}


def exe() -> str:
    return str(Path(sys.executable).parent / "speechtasks")


def child_cpu(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """user + sys seconds of one child process (and anything it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def extraction_cpu(path: Path) -> float:
    """CPU seconds of extracting `path` and dumping it as JSON in this process, warm."""
    from extractors import extract_file

    clear_content_caches()
    start = time.process_time()
    extract_file(path, source=str(path)).to_json()
    return time.process_time() - start


def bytecode_compiled() -> bool:
    """Whether the installed packages carry bytecode (`make install` compiles it)."""
    spec = importlib.util.find_spec("spacy")
    origin = spec.origin if spec else None
    return bool(origin) and Path(importlib.util.cache_from_source(origin)).exists()  # type: ignore[arg-type]


@dataclass(frozen=True)
class ColdStart:
    runs: int
    extract_cpu_s: float  # median, new process
    extraction_cpu_s: float  # median, warm process
    help_cpu_s: float  # median, new process
    first_use_cpu_s: float  # one run, empty cache folder
    bytecode: bool

    @property
    def ratio(self) -> float:
        return self.extract_cpu_s / self.extraction_cpu_s


def measure_coldstart(runs: int = 7, seed: Path = SEED) -> ColdStart:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    extract = [exe(), "extract", str(seed), "--format", "json"]
    child_cpu(extract, env)  # the user's dictionary cache exists from here on
    with tempfile.TemporaryDirectory() as empty:
        first = child_cpu(extract, {**env, "SPEECHTASKS_CACHE_DIR": empty})
    cold, helps = [], []
    for _ in range(runs):  # alternated, so both see the same load
        cold.append(child_cpu(extract, env))
        helps.append(child_cpu([exe(), "--help"], env))
    extraction_cpu(seed)  # warm up: dictionaries, lexicon, pipeline
    own = [extraction_cpu(seed) for _ in range(runs)]
    result = ColdStart(
        runs=runs,
        extract_cpu_s=median(cold),
        extraction_cpu_s=median(own),
        help_cpu_s=median(helps),
        first_use_cpu_s=first,
        bytecode=bytecode_compiled(),
    )
    log(
        f"(f) cold extract {', '.join(f'{c:.2f}' for c in cold)} s CPU; --help "
        f"{', '.join(f'{h:.2f}' for h in helps)} s; extraction {', '.join(f'{o:.3f}' for o in own)} s"
    )
    return result


def lines(c: ColdStart, seed: Path = SEED) -> list[str]:
    return [
        f"`speechtasks extract {seed.relative_to(ROOT)} --format json` in a new process: "
        f"{c.extract_cpu_s:.2f} s CPU (user + sys, median of {c.runs}); the extraction itself "
        f"(extract + JSON in a warm process, per-text caches emptied): {c.extraction_cpu_s * 1000:.0f} ms; "
        f"so a cold command costs {c.ratio:.0f}× its extraction. `speechtasks --help`: "
        f"{c.help_cpu_s:.2f} s CPU. The very first extract on a machine (empty cache folder: jieba's "
        f"tables are read the slow way and cached): {c.first_use_cpu_s:.2f} s CPU.",
        "",
        "Installed packages carry bytecode: "
        + ("yes" if c.bytecode else "**no** (a venv made without `make install`: every import compiles)")
        + ".",
    ]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.coldstart", description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=7, help="repeats of each measurement (default 7)")
    args = p.parse_args(argv)
    c = measure_coldstart(args.runs)
    print("\n".join(lines(c)))
    ok = c.extract_cpu_s <= TARGETS["cold_extract_cpu_s"] and c.help_cpu_s <= TARGETS["help_cpu_s"]
    print(
        f"targets: cold extract ≤ {TARGETS['cold_extract_cpu_s']} s, --help ≤ {TARGETS['help_cpu_s']} s: "
        + ("met" if ok else "missed")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`python -m bench.formats`: the dev scores of speeches read from other formats, and OCR speed.

The seed and two dev speeches are copied into .doc, .wps, OFD and scanned PDFs (150 and
300 dpi) by real tools (scripts/make_format_fixtures.py: LibreOffice, pdftoppm, img2pdf,
easyofd), into bench/out/formats/files/PRINT/ (git-ignored; made when missing), in two
prints: `indented`, as an office prints a 讲话稿 (GB/T 9704: body paragraphs with a
two-character first-line indent, justified), and `unindented`, the .txt as LibreOffice
imports it (a paragraph a line, indented only where the .txt has leading spaces: the seed
does, 101 and 103 do not). Each format of each print gets a folder of NAME.<ext> + NAME.gold.json and is scored with `evaluation.score_folder`,
the code behind `speechtasks eval`, against the .txt's scores. OCR speed is the median
seconds a page over every scanned page, timed during those evals (the engine's call on
a rendered page; the first one also loads the models).
Results: bench/FORMATS.md. OCR of the twelve scans takes ≈ 15 minutes on two cores.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.measure import ROOT, log

DEV = ROOT.parent / "shared" / "eval" / "dev"
SPEECHES = ("000_party_building_city_gov", "101_speech_zhutijiaoyu_2023", "103_speech_tuopin_zuotanhui_2020")
FILES = ROOT / "bench" / "out" / "formats" / "files"
FORMATS = {".doc": ".doc", ".wps": ".wps", ".ofd": ".ofd", "scan 300 dpi": ".scan300.pdf",
           "scan 150 dpi": ".scan150.pdf"}  # fmt: skip
# print name → make_format_fixtures.py's --print
PRINTS = {"indented": "gbt9704", "unindented": "plain"}
KEYS = ("req_f1", "actor_f1", "specific_f1", "path_acc", "deadline_acc", "section_kind_acc", "grounded")


def ensure_files(dev: Path, printed: str) -> None:
    files = FILES / printed
    missing = [n for n in SPEECHES for ext in FORMATS.values() if not (files / f"{n}{ext}").exists()]
    if missing:
        log(f"making the {printed} copies ({len(missing)} missing) with scripts/make_format_fixtures.py")
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "make_format_fixtures.py"), "--out", str(files),
             "--print", PRINTS[printed], *(str(dev / f"{n}.txt") for n in SPEECHES)],
            check=True,
        )  # fmt: skip


def gold_dir(dev: Path, ext: str, root: Path, printed: str = "") -> Path:
    """A folder of NAME<ext> + NAME.gold.json, as `speechtasks eval` reads (`printed`: which print)."""
    d = root / printed / ext.strip(".").replace(".", "_")
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    for n in SPEECHES:
        src = dev / f"{n}.txt" if ext == ".txt" else FILES / printed / f"{n}{ext}"
        shutil.copyfile(src, d / f"{n}{'.pdf' if ext.endswith('.pdf') else ext}")
        shutil.copyfile(dev / f"{n}.gold.json", d / f"{n}.gold.json")
    return d


@contextlib.contextmanager
def timed_pages(times: list[tuple[float, float]]) -> Iterator[None]:
    """Record (wall, CPU) seconds of every page OCR'd meanwhile (the engine's call on one rendered
    page). CPU time counts every thread of the process: on a shared machine it is the steadier figure."""
    from extractors import ocr

    real = ocr.read_boxes

    def timed(image: Any) -> list[ocr.Box]:
        t, c = time.perf_counter(), time.process_time()
        try:
            return real(image)
        finally:
            times.append((time.perf_counter() - t, time.process_time() - c))

    ocr.read_boxes = timed
    try:
        yield
    finally:
        ocr.read_boxes = real


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.formats", description=__doc__.split("\n\n")[0])
    p.add_argument("--dev", type=Path, default=DEV, help="the dev gold folder (NAME.txt + NAME.gold.json)")
    p.add_argument("--results", type=Path, default=ROOT / "bench" / "FORMATS.md")
    p.add_argument("--skip-ocr", action="store_true", help="only .txt, .doc, .wps and .ofd")
    p.add_argument("--print", dest="prints", choices=PRINTS, action="append", help="only this print")
    args = p.parse_args(argv)
    from evaluation import prf, score_folder

    prints = args.prints or list(PRINTS)
    for printed in prints:
        ensure_files(args.dev, printed)
    runs = [(".txt", ".txt", "")] + [
        (f"{printed} {name}", ext, printed)
        for printed in prints
        for name, ext in FORMATS.items()
        if not (args.skip_ocr and ext.endswith(".pdf"))
    ]
    rows: dict[str, dict] = {}
    seconds: dict[str, float] = {}
    page_times: dict[str, list[tuple[float, float]]] = {}
    per_speech: dict[str, dict[str, tuple[float, float]]] = {}
    for name, ext, printed in runs:
        d = gold_dir(args.dev, ext, FILES.parent / "gold", printed)
        t = time.perf_counter()
        with timed_pages(times := page_times.setdefault(name, [])):
            scores = score_folder(d)
        seconds[name] = time.perf_counter() - t
        rows[name] = scores.totals()
        per_speech[name] = {
            sp: (prf(c["tp"], c["fp"], c["fn"])[2], prf(c["a_tp"], c["a_fp"], c["a_fn"])[2])
            for sp, c in scores.per_speech.items()
        }
        for speech, why in scores.failed.items():
            log(f"{name} {speech} FAILED: {why}")
        log(f"{name}: " + ", ".join(f"{k} {rows[name][k]}" for k in KEYS) + f" ({seconds[name]:.1f} s)")
    times = [t for ts in page_times.values() for t, _ in ts]
    cpu = [c for ts in page_times.values() for _, c in ts]
    lines = [
        "# Other formats: dev scores and OCR speed",
        "",
        "`python -m bench.formats` (bench/formats.py). The seed and two dev speeches "
        f"({', '.join(SPEECHES)}) copied by scripts/make_format_fixtures.py (LibreOffice 7.4 .doc/.wps/PDF, "
        "pdftoppm + img2pdf scans with page 2 turned 1.5°, easyofd's PDF → OFD), each scored against the "
        "dev gold with `evaluation.score_folder` (`speechtasks eval`), in two prints: **indented**, as an "
        "office prints a 讲话稿 (GB/T 9704: A4, 16 pt on 29 pt lines, justified, every body paragraph "
        "with a two-character first-line indent, title centred; `--print gbt9704`), and **unindented**, the "
        ".txt as LibreOffice imports it (a paragraph a line, left-aligned; the seed's .txt has leading "
        "spaces, 101 and 103 have none, so nothing but line ends and markers shows their paragraphs; "
        "`--print plain`).",
        "",
        "| format | " + " | ".join(KEYS) + " | failed | seconds |",
        "|---|" + "---|" * (len(KEYS) + 2),
        *(
            f"| {name} | " + " | ".join(str(r[k]) for k in KEYS) + f" | {r['failed']} | {seconds[name]:.1f} |"
            for name, r in rows.items()
        ),
    ]
    lines += [
        "",
        "Per speech, req_f1 / actor_f1:",
        "",
        "| format | " + " | ".join(SPEECHES) + " |",
        "|---|" + "---|" * len(SPEECHES),
        *(
            f"| {name} | "
            + " | ".join(f"{r[sp][0]:.3f} / {r[sp][1]:.3f}" if sp in r else "failed" for sp in SPEECHES)
            + " |"
            for name, r in per_speech.items()
        ),
    ]
    if times:
        lines += [
            "",
            f"OCR (rapidocr, PP-OCRv6 small, onnxruntime): {len(times)} pages, median "
            f"**{statistics.median(times):.1f} s a page** wall clock (min {min(times):.1f}, max "
            f"{max(times):.1f}; "
            + ", ".join(f"{k} {statistics.median(t for t, _ in v):.1f} s" for k, v in page_times.items() if v)
            + f"), **{statistics.median(cpu):.1f} CPU-seconds a page** ("
            + ", ".join(f"{k} {statistics.median(c for _, c in v):.1f}" for k, v in page_times.items() if v)
            + f"): the engine's call on a rendered page, {os.cpu_count()} cores shared with other jobs "
            f"(load average {os.getloadavg()[0]:.1f} at the end); on an idle 2-core machine a page "
            "takes about its CPU-seconds / 2.",
        ]
    args.results.write_text("\n".join(lines) + "\n", "utf-8")
    log(f"results in {args.results}")


if __name__ == "__main__":
    main()

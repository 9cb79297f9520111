"""Extract every speech in the given folders in one process: errors, grounding, and the
requirement count per file (JSON), to compare runs before and after a rule change.

    .venv/bin/python scripts/corpus_counts.py OUT.json ../shared/pool ../shared/corpus ../shared/eval/dev
    .venv/bin/python scripts/corpus_counts.py --compare BEFORE.json AFTER.json

The compare prints files whose counts or section kinds changed, then every requirement
line (path, heading start, actor categories, deadline) that changed, to be read.
"""

from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

from extractors import extract_file
from extractors.decode import read_speech
from schemas import Requirement

SUFFIXES = {".txt", ".md", ".docx", ".pdf"}


def _task(r: Requirement) -> str:
    """One requirement as a line to read in a diff: path, heading start, actors, deadline."""
    actors = ",".join(sorted({a.category.value for a in r.actors}))
    return f"{r.path} {r.heading[:24]} [{actors}] {r.deadline or '-'}"


def counts(folders: list[Path]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.suffix not in SUFFIXES:
                continue
            key = f"{folder.name}/{path.name}"
            try:
                ex = extract_file(path)
                _, text = read_speech(path)
            except Exception as exc:
                out[key] = {"error": f"{type(exc).__name__}: {exc}"}
                continue
            reqs = ex.requirements
            out[key] = {
                "requirements": len(reqs),
                "sections": [s.kind.value for s in ex.sections],
                "ungrounded": sum(r.text != text[r.char_start : r.char_end] for r in reqs),
                "paths": [r.path for r in reqs],
                "tasks": [_task(r) for r in reqs],
            }
    return out


def compare(before: dict, after: dict) -> None:
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key, {}), after.get(key, {})
        if "error" in a or a.get("ungrounded"):
            print(f"!! {key}: {a}")
        nb, na = b.get("requirements"), a.get("requirements")
        if nb != na or b.get("sections") != a.get("sections"):
            print(
                f"{key}: {nb} -> {na}  kinds {''.join(k[:2] for k in b.get('sections', []))} -> "
                f"{''.join(k[:2] for k in a.get('sections', []))}"
            )
        tb, ta = b.get("tasks", []), a.get("tasks", [])
        if tb != ta:
            print(f"== {key}")
            for line in difflib.unified_diff(tb, ta, lineterm="", n=0):
                if not line.startswith(("---", "+++", "@@")):
                    print(f"  {line}")


def main() -> None:
    if sys.argv[1] == "--compare":
        compare(*(json.loads(Path(p).read_text()) for p in sys.argv[2:4]))
        return
    result = counts([Path(p) for p in sys.argv[2:]])
    Path(sys.argv[1]).write_text(json.dumps(result, ensure_ascii=False, indent=0))
    errors = sum("error" in r for r in result.values())
    ungrounded = sum(r.get("ungrounded", 0) for r in result.values())
    total = sum(r.get("requirements", 0) for r in result.values())
    print(f"{len(result)} files, {errors} errors, {total} requirements, {ungrounded} ungrounded")


if __name__ == "__main__":
    main()

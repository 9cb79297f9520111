"""Where the extraction differs from the gold: per dev speech, sections whose kind is wrong,
gold requirements missed, predicted ones that match no gold, wrong paths, actor categories
and deadlines.

    .venv/bin/python scripts/dev_diff.py ../shared/eval/dev [NAME_PART ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from evaluation.score import _find, squash
from extractors import extract_file


def main() -> None:
    gold_dir = Path(sys.argv[1])
    only = sys.argv[2:]
    for gpath in sorted(gold_dir.glob("*.gold.json")):
        name = gpath.name[: -len(".gold.json")]
        if only and not any(o in name for o in only):
            continue
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        pred = extract_file(gold_dir / f"{name}.txt").model_dump(mode="json")
        print(f"=== {name}")
        secs = pred["sections"]
        used: set[int] = set()
        for g in gold.get("sections", []):
            i = _find(g["anchor"], secs, used, ("heading", "text"))
            if i is None:
                print(f"  SECTION MISSING {g['kind']:9} {g['anchor']}")
                continue
            used.add(i)
            if secs[i]["kind"] != g["kind"]:
                print(
                    f"  SECTION KIND {secs[i]['path']} pred={secs[i]['kind']} gold={g['kind']} {g['anchor']}"
                )
        preds = pred["requirements"]
        used = set()
        for g in gold["requirements"]:
            i = _find(g["anchor"], preds, used, ("text", "heading"))
            if i is None:
                print(f"  MISSED {g['path']:8} {g['anchor']}")
                continue
            used.add(i)
            p = preds[i]
            if p["path"] != g["path"]:
                print(f"  PATH   pred={p['path']:8} gold={g['path']:8} {g['anchor']}")
            got = sorted({a["category"] for a in p["actors"]})
            if got != sorted(g["actors"]):
                print(f"  ACTORS {p['path']} pred={','.join(got)} gold={','.join(sorted(g['actors']))}")
            if squash(p.get("deadline")) != squash(g.get("deadline")):
                print(f"  DEADLINE {p['path']} pred={p.get('deadline')} gold={g.get('deadline')}")
        for i, p in enumerate(preds):
            if i not in used:
                print(f"  EXTRA  {p['path']:8} {squash(p['heading'])[:40]}")


if __name__ == "__main__":
    main()

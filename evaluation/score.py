"""Score extractions against gold files the way `eval/score.py` does (ANNOTATION.md §5).

A predicted requirement matches a gold one when the gold anchor (white space
removed on both sides) occurs within the first 40 characters of the predicted
text or heading. Totals are micro-averaged over speeches.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractors import extract_text
from extractors.decode import DecodeError, read_speech

DEFAULT = "all_units"
ANCHOR_WINDOW = 40
_WS = re.compile(r"\s+")


def squash(s: str | None) -> str:
    return _WS.sub("", s or "")


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _find(anchor: str, candidates: list[dict], used: set[int], fields: tuple[str, ...]) -> int | None:
    key = squash(anchor)
    for i, cand in enumerate(candidates):
        if i not in used and any(0 <= squash(cand.get(f)).find(key) <= ANCHOR_WINDOW for f in fields):
            return i
    return None


def _categories(req: dict) -> set[str]:
    return {a["category"] if isinstance(a, dict) else a for a in req.get("actors") or []}


def score_speech(gold: dict, pred: dict, source: str | None) -> Counter[str]:
    """Raw counts for one speech (tp/fp/fn, actor counts, path/deadline/section hits)."""
    c: Counter[str] = Counter()
    preds = pred.get("requirements") or []
    used: set[int] = set()
    pairs = []
    for g in gold["requirements"]:
        i = _find(g["anchor"], preds, used, ("text", "heading"))
        if i is not None:
            used.add(i)
            pairs.append((g, preds[i]))
    c.update(gold=len(gold["requirements"]), pred=len(preds), tp=len(pairs))
    c["fp"] += len(preds) - len(pairs)
    c["fn"] += len(gold["requirements"]) - len(pairs)
    for g, p in pairs:
        gs, ps = set(g["actors"]), _categories(p)
        c.update(a_tp=len(gs & ps), a_fp=len(ps - gs), a_fn=len(gs - ps))
        gs, ps = gs - {DEFAULT}, ps - {DEFAULT}
        c.update(s_tp=len(gs & ps), s_fp=len(ps - gs), s_fn=len(gs - ps))
        c["exact"] += gs == ps
        c["path_ok"] += str(p.get("path", "")) == g["path"]
        c["dl_ok"] += squash(p.get("deadline")) == squash(g.get("deadline"))
    sec_used: set[int] = set()
    psecs = pred.get("sections") or []
    c["sections"] += len(gold.get("sections", []))
    for g in gold.get("sections", []):
        i = _find(g["anchor"], psecs, sec_used, ("heading", "text"))
        if i is not None:
            sec_used.add(i)
            c["sec_ok"] += psecs[i].get("kind") == g["kind"]
    if source is not None:
        for p in preds:
            s, e = p.get("char_start"), p.get("char_end")
            if isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(source):
                c["grounded"] += squash(source[s:e]) == squash(p.get("text"))
    return c


@dataclass(frozen=True)
class Scores:
    per_speech: dict[str, Counter[str]]
    failed: dict[str, str]

    def totals(self) -> dict[str, Any]:
        t: Counter[str] = Counter()
        for row in self.per_speech.values():
            t.update(row)
        p, r, f = prf(t["tp"], t["fp"], t["fn"])
        ap, ar, af = prf(t["a_tp"], t["a_fp"], t["a_fn"])
        sp, sr, sf = prf(t["s_tp"], t["s_fp"], t["s_fn"])
        if t["tp"] == 0:  # nothing matched: actor scores are undefined, not perfect
            ap = ar = af = sp = sr = sf = 0.0
        m = max(t["tp"], 1)
        return {
            "speeches": len(self.per_speech), "gold": t["gold"], "pred": t["pred"],
            "req_p": round(p, 4), "req_r": round(r, 4), "req_f1": round(f, 4),
            "actor_p": round(ap, 4), "actor_r": round(ar, 4), "actor_f1": round(af, 4),
            "specific_p": round(sp, 4), "specific_r": round(sr, 4), "specific_f1": round(sf, 4),
            "actor_exact": round(t["exact"] / m, 4),
            "end_to_end": round(t["exact"] / max(t["gold"], 1), 4),
            "path_acc": round(t["path_ok"] / m, 4),
            "deadline_acc": round(t["dl_ok"] / m, 4),
            "section_kind_acc": round(t["sec_ok"] / max(t["sections"], 1), 4),
            "grounded": round(t["grounded"] / max(t["pred"], 1), 4),
            "failed": len(self.failed),
        }  # fmt: skip


def _load_source(path: Path) -> str | None:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc).replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            continue
    return None


def _speeches(gold_dir: Path, only: str | None) -> Iterable[tuple[str, Path, Path]]:
    for gpath in sorted(gold_dir.glob("*.gold.json")):
        name = gpath.name.removesuffix(".gold.json")
        if only and only not in name:
            continue
        txt = next((p for p in gold_dir.glob(name + ".*") if not p.name.endswith(".gold.json")), None)
        if txt is not None:
            yield name, gpath, txt


def score_folder(
    gold_dir: Path, only: str | None = None, on_speech: Callable[[str], None] | None = None
) -> Scores:
    """Extract every NAME.txt beside a NAME.gold.json in `gold_dir` and score it.

    The speech may be in any format the decoder reads (NAME.docx, NAME.doc, NAME.ofd, a
    scanned NAME.pdf …); offsets are checked against the .txt file itself, or, for other
    formats, against the text decoded from it.
    """
    rows: dict[str, Counter[str]] = {}
    failed: dict[str, str] = {}
    for name, gpath, txt in _speeches(gold_dir, only):
        if on_speech:
            on_speech(name)
        gold = json.loads(gpath.read_text("utf-8"))
        decoded: str | None = None
        try:
            speech, decoded = read_speech(txt, source=str(txt))
            pred = extract_text(decoded, speech).model_dump(mode="json")
        except (DecodeError, OSError, ValueError) as exc:  # a failed speech scores as nothing found
            failed[name] = str(exc)[:300]
            pred = {}
        rows[name] = score_speech(gold, pred, _load_source(txt) if txt.suffix == ".txt" else decoded)
    return Scores(rows, failed)

"""Screenshots the README shows are taken by the tests; a stale one is regenerated and fails the test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

TOLERANCE = 48  # a pixel counts as changed when its difference (0-255, luminance) is above this
SHARE = 0.01  # a screenshot differs materially when more than this share of its pixels changed


def material_difference(new: Path, old: Path) -> str | None:
    """Why `new` differs materially from `old` (None when it does not)."""
    from PIL import Image, ImageChops

    if not old.exists():
        return "missing"
    a, b = Image.open(new).convert("RGB"), Image.open(old).convert("RGB")
    if a.size != b.size:
        return f"size {b.size} → {a.size}"
    histogram = ImageChops.difference(a, b).convert("L").histogram()
    share = sum(histogram[TOLERANCE + 1 :]) / (a.width * a.height)
    return f"{share:.1%} of its pixels changed" if share > SHARE else None


def keep_current(shot: Path, committed: Path) -> None:
    """Copy `shot` over `committed` when that is missing, asked for (SPEECHTASKS_UPDATE_SCREENSHOT=1)
    or stale; a stale one also fails the test, so the new screenshot gets committed."""
    why = material_difference(shot, committed)
    if why is None:
        return
    committed.parent.mkdir(exist_ok=True)
    shutil.copyfile(shot, committed)
    if why != "missing" and not os.environ.get("SPEECHTASKS_UPDATE_SCREENSHOT"):
        pytest.fail(f"{committed.name} was stale ({why}): regenerated it; commit the new file")

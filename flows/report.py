"""Persisting outcomes and reporting a run (plain functions, no Prefect)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from extractors.repeats import demands
from flows.work import Outcome
from store import record_error, save_extraction


@dataclass
class FileRow:
    file: str
    status: str  # stored | unchanged | error
    requirements: int = 0
    by_category: str = ""
    reason: str = ""
    review_path: str | None = None  # the review page of the stored version
    review_error: str = ""  # why its page was not written


@dataclass
class RunSummary:
    run_id: int
    files_seen: int
    files_new: int
    requirements_new: int = 0
    requirements_repeated: int = 0  # of requirements_new, those linked to an earlier one (issue 16)
    errors: list[tuple[str, str]] = field(default_factory=list)
    by_category: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    files: list[FileRow] = field(default_factory=list)
    workers: int = 1
    flow_run_id: str | None = None
    runner: str = "thread"
    review_dir: str | None = None  # None: review pages switched off


def persist(
    db: Database, run_id: int, outcome: Outcome, summary: RunSummary, link_repeats: bool = True
) -> FileRow:
    """Store one outcome: a speech in one transaction, or one `ingest_errors` row. With
    `link_repeats` its requirements are linked to the earlier ones asking the same."""
    f = outcome.file
    if outcome.result is None:
        reason = outcome.error or "unknown error"
        record_error(db, run_id, f.source, outcome.sha256, reason)
        summary.errors.append((f.source, reason))
        row = FileRow(f.source, "error", reason=reason)
    else:
        keys = demands(outcome.result) if link_repeats else None
        saved = save_extraction(db, outcome.result, f.source, review_path=outcome.review_path, demands=keys)
        cats = Counter(a.category.value for r in outcome.result.requirements for a in r.actors)
        page = outcome.review_path
        if saved.new:
            summary.requirements_new += saved.requirements
            summary.requirements_repeated += saved.repeats
        elif page:
            # These bytes are stored under another source (a copy of a speech): that row
            # keeps its own page, and the one written for this file would be an orphan.
            if db["speeches"].get(saved.speech_id)["review_path"] != page:
                Path(page).unlink(missing_ok=True)
            page = None
        row = FileRow(
            f.source,
            "stored" if saved.new else "unchanged",
            saved.requirements,
            ", ".join(f"{c} {n}" for c, n in cats.most_common()),
            review_path=page,
            review_error=outcome.review_error or "",
        )
    summary.files.append(row)
    return row


def page_link(path: str) -> str:
    """A markdown link to a review page: a file:// URI, the file's name as its text."""
    p = Path(path)
    name = p.name.replace("|", "/").replace("[", "(").replace("]", ")")
    return f"[{name}]({p.as_uri()})"


def report_markdown(s: RunSummary) -> str:
    lines = [
        f"# speechtasks run {s.run_id}",
        "",
        f"- files seen: {s.files_seen}, new or changed: {s.files_new}"
        + (f" (extracted by {s.workers} processes)" if s.workers > 1 else "")
        + (f" (task runner: {s.runner})" if s.runner != "thread" else ""),
        f"- requirements stored this run: {s.requirements_new}"
        + f" ({s.requirements_repeated} of them repeat an earlier requirement)",
        f"- errors: {len(s.errors)}",
        "",
        "| category | active requirements |",
        "|---|---|",
        *(f"| {c} | {n} |" for c, n in s.by_category.items()),
        "",
        "| stored | count |",
        "|---|---|",
        *(f"| {k} | {n} |" for k, n in s.totals.items()),
    ]
    if s.errors:
        lines += ["", "## Files not stored", "", "| file | reason |", "|---|---|"]
        lines += [f"| {f} | {r.replace('|', '/')} |" for f, r in s.errors]
    pages = [r for r in s.files if r.status == "stored" and (r.review_path or r.review_error)]
    if s.review_dir and pages:
        lines += ["", "## Review pages", "", f"In `{s.review_dir}` (links are file:// URIs).", ""]
        lines += ["| file | review page |", "|---|---|"]
        for r in pages:
            page = page_link(r.review_path) if r.review_path else f"not written: {r.review_error}"
            lines.append(f"| {r.file.replace('|', '/')} | {page.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def report_table(s: RunSummary) -> list[dict[str, Any]]:
    """One row a processed file: the table artifact."""
    return [
        {
            "file": r.file,
            "status": r.status,
            "requirements": r.requirements,
            "by_category": r.by_category,
            "reason": r.reason,
            "review_page": r.review_path or (f"not written: {r.review_error}" if r.review_error else ""),
        }
        for r in s.files
    ]

"""Persisting outcomes and reporting a run (plain functions, no Prefect)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from extractors.repeats import demands
from flows.work import Outcome
from store import DEFAULT_CORPUS, record_error, save_extraction


@dataclass
class FileRow:
    file: str
    status: str  # stored | unchanged | error
    requirements: int = 0
    by_category: str = ""
    reason: str = ""
    review_path: str | None = None  # the review page of the stored version
    review_error: str = ""  # why its page was not written
    copy_of: str = ""  # the source of this corpus that holds the same bytes (a copy)


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
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old, new) sources moved

    @property
    def copies(self) -> list[tuple[str, str]]:
        """(copy, original) of the files stored this run whose bytes another source holds."""
        return [(r.file, r.copy_of) for r in self.files if r.copy_of]


def persist(
    db: Database,
    run_id: int,
    outcome: Outcome,
    summary: RunSummary,
    corpus: int = DEFAULT_CORPUS,
    link_repeats: bool = True,
) -> FileRow:
    """Store one outcome: a speech of `corpus` in one transaction, or one `ingest_errors` row.
    With `link_repeats` its requirements are linked to the earlier ones asking the same."""
    f = outcome.file
    if outcome.result is None:
        reason = outcome.error or "unknown error"
        record_error(db, run_id, f.source, outcome.sha256, reason)
        summary.errors.append((f.source, reason))
        row = FileRow(f.source, "error", reason=reason)
    else:
        keys = demands(outcome.result) if link_repeats else None
        saved = save_extraction(
            db, outcome.result, f.source, review_path=outcome.review_path, corpus=corpus, demands=keys
        )
        cats = Counter(a.category.value for r in outcome.result.requirements for a in r.actors)
        page = outcome.review_path
        if saved.new:
            summary.requirements_new += saved.requirements
            summary.requirements_repeated += saved.repeats
        elif page:
            # This version was stored meanwhile (another run): that row keeps its own page,
            # and the one written now would be an orphan.
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
            copy_of=saved.copy_of or "",
        )
    summary.files.append(row)
    return row


def run_line(s: RunSummary) -> str:
    """One line a run, for a terminal watching `serve`: when, files new, stored, errors."""
    stored = sum(r.status == "stored" for r in s.files)
    extra = f"; renamed {len(s.renamed)}" if s.renamed else ""
    extra += f"; copies {len(s.copies)}" if s.copies else ""
    return (
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S} run {s.run_id}: {s.files_seen} files, "
        f"{s.files_new} new, {stored} stored ({s.requirements_new} requirements), {len(s.errors)} errors{extra}"
    )


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
    if s.renamed:
        lines += ["", "## Renamed (history kept)", "", "| from | to |", "|---|---|"]
        lines += [f"| {old.replace('|', '/')} | {new.replace('|', '/')} |" for old, new in s.renamed]
    if s.copies:
        lines += ["", "## Copies (stored as their own sources)", "", "| file | same bytes as |", "|---|---|"]
        lines += [f"| {c.replace('|', '/')} | {o.replace('|', '/')} |" for c, o in s.copies]
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
            "copy_of": r.copy_of,
            "review_page": r.review_path or (f"not written: {r.review_error}" if r.review_error else ""),
        }
        for r in s.files
    ]

"""Persisting outcomes and reporting a run (plain functions, no Prefect)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from extractors.ocr import LOW_CONFIDENCE, low_pages
from extractors.repeats import demands
from flows.work import Outcome, render_page, write_page
from store import DEFAULT_CORPUS, record_error, repeats_of, save_extraction
from store.write import SaveResult, set_review_path, speech_id


@dataclass
class FileRow:
    file: str
    status: str  # stored | unchanged | error | skipped
    requirements: int = 0
    by_category: str = ""
    reason: str = ""
    review_path: str | None = None  # the review page of the stored version
    review_error: str = ""  # why its page was not written
    low_ocr_pages: str = ""  # a scan's pages read under LOW_CONFIDENCE: "2 (0.71), 5 (0.83)"
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
    skipped: list[tuple[str, str]] = field(default_factory=list)  # not read this run: nothing recorded
    stopped: str | None = None  # why the run stopped before the end (a signal, a full disk)
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
    if outcome.skipped:
        summary.skipped.append((f.source, outcome.skipped))
        row = FileRow(f.source, "skipped", reason=outcome.skipped)
    elif outcome.result is None:
        reason = outcome.error or "unknown error"
        record_error(db, run_id, f.source, outcome.sha256, reason)
        summary.errors.append((f.source, reason))
        row = FileRow(f.source, "error", reason=reason)
    else:
        # the keys come with the outcome (computed where it was extracted); else computed here
        keys = (outcome.demands or demands(outcome.result)) if link_repeats else None
        saved = save_extraction(db, outcome.result, f.source, corpus=corpus, demands=keys)
        cats = Counter(a.category.value for r in outcome.result.requirements for a in r.actors)
        page, why = None, None
        if saved.new:
            summary.requirements_new += saved.requirements
            summary.requirements_repeated += saved.repeats
            if outcome.text is not None and outcome.pages_dir:
                page, why = review_page(db, outcome, saved)
        row = FileRow(
            f.source,
            "stored" if saved.new else "unchanged",
            saved.requirements,
            ", ".join(f"{c} {n}" for c, n in cats.most_common()),
            review_path=page,
            review_error=(why or "") if saved.new else "",
            low_ocr_pages=", ".join(
                f"{n} ({c:.2f})" for n, c in low_pages(outcome.result.speech.page_confidence)
            ),
            copy_of=saved.copy_of or "",
        )
    summary.files.append(row)
    return row


def review_page(db: Database, outcome: Outcome, saved: SaveResult) -> tuple[str | None, str | None]:
    """Render and write a stored speech's review page, its path recorded with the speech; (the
    page's path, None) or (None, why not). Called once the speech and its links are committed, so
    the page says which requirements were asked before (曾部署) and a full disk costs the page, not
    the speech; a version stored meanwhile (another run) keeps its own page."""
    from review import also_asked_links

    assert outcome.result is not None and outcome.text is not None and outcome.pages_dir
    also = also_asked_links(repeats_of(db, list(saved.ids.values())), saved.ids) if saved.repeats else None
    html, why = render_page(outcome.text, outcome.result, also)
    if html is None:
        return None, why
    sid = speech_id(outcome.result.speech.sha256)
    page, why = write_page(Path(outcome.pages_dir), outcome.file.source, sid, html)
    if page:
        set_review_path(db, saved.speech_id, page)
    return page, why


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
    if s.stopped:
        lines += ["", f"**Stopped early:** {s.stopped}"]
    if s.renamed:
        lines += ["", "## Renamed (history kept)", "", "| from | to |", "|---|---|"]
        lines += [f"| {old.replace('|', '/')} | {new.replace('|', '/')} |" for old, new in s.renamed]
    if s.copies:
        lines += ["", "## Copies (stored as their own sources)", "", "| file | same bytes as |", "|---|---|"]
        lines += [f"| {c.replace('|', '/')} | {o.replace('|', '/')} |" for c, o in s.copies]
    if s.errors:
        lines += ["", "## Files not stored", "", "| file | reason |", "|---|---|"]
        lines += [f"| {f} | {r.replace('|', '/')} |" for f, r in s.errors]
    low = [r for r in s.files if r.low_ocr_pages]
    if low:
        lines += ["", f"## Scanned pages read with low OCR confidence (under {LOW_CONFIDENCE})", ""]
        lines += ["Check these pages against the scan: the text stored is what OCR read.", ""]
        lines += ["| file | pages (confidence) |", "|---|---|"]
        lines += [f"| {r.file.replace('|', '/')} | {r.low_ocr_pages} |" for r in low]
    if s.skipped:
        lines += ["", "## Files left for the next run", "", "| file | why |", "|---|---|"]
        lines += [f"| {f.replace('|', '/')} | {r.replace('|', '/')} |" for f, r in s.skipped]
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
            "low_ocr_pages": r.low_ocr_pages,
        }
        for r in s.files
    ]

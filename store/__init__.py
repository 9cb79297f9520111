"""The SQLite task database, written and read only through this package (sqlite-utils)."""

from store.corpora import DEFAULT_CORPUS, corpus_id, corpus_root, move_source
from store.db import open_db
from store.export import LEDGER_COLUMNS, ledger_rows, write_csv, write_json, write_xlsx
from store.lookup import UnknownSpeech, resolve_speech
from store.migrations import migrate
from store.queries import (
    BadCursor,
    TaskPage,
    counts,
    failed_versions,
    known_versions,
    query_tasks,
    requirements_by_category,
    task_filter,
    task_page,
)
from store.repeats import repeated_tasks, repeats_of
from store.search import search_requirements
from store.write import (
    SaveResult,
    finish_run,
    record_error,
    save_extraction,
    set_tracking,
    start_run,
    sync_actor_labels,
)

__all__ = [
    "DEFAULT_CORPUS",
    "LEDGER_COLUMNS",
    "BadCursor",
    "SaveResult",
    "TaskPage",
    "UnknownSpeech",
    "corpus_id",
    "corpus_root",
    "counts",
    "failed_versions",
    "finish_run",
    "known_versions",
    "ledger_rows",
    "migrate",
    "move_source",
    "open_db",
    "query_tasks",
    "record_error",
    "repeated_tasks",
    "repeats_of",
    "requirements_by_category",
    "resolve_speech",
    "save_extraction",
    "search_requirements",
    "set_tracking",
    "start_run",
    "sync_actor_labels",
    "task_filter",
    "task_page",
    "write_csv",
    "write_json",
    "write_xlsx",
]

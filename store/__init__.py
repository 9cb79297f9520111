"""The SQLite task database, written and read only through this package (sqlite-utils)."""

from store.db import open_db
from store.queries import counts, known_versions, query_tasks, requirements_by_category
from store.write import SaveResult, finish_run, record_error, save_extraction, start_run, sync_actor_labels

__all__ = [
    "SaveResult",
    "counts",
    "finish_run",
    "known_versions",
    "open_db",
    "query_tasks",
    "record_error",
    "requirements_by_category",
    "save_extraction",
    "start_run",
    "sync_actor_labels",
]

"""Chinese full-text search over requirement headings and text, for words of any length.

FTS5's `trigram` tokenizer indexes every three characters, so it finds terms of
three or more characters (巡察整改) fast but never a one- or two-character word
(书记, 巡察); `LIKE` on the FTS table finds nothing for Chinese either. So a term
of three or more characters goes through the index and a shorter one through
`instr()` on the base table. Every term is a bound parameter: quotes,
`; DROP TABLE` and FTS operators are just text.
"""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

TRIGRAM = 3


def search_terms(text: str) -> list[str]:
    """The words the user typed: split on ASCII and full-width spaces."""
    return text.replace("\u3000", " ").split()


def fts_phrase(term: str) -> str:
    """`term` as one FTS5 phrase, so operators and quotes inside it are literal."""
    return '"' + term.replace('"', '""') + '"'


def term_condition(term: str, alias: str = "r") -> tuple[str, list[Any]]:
    """SQL that is true when requirement `alias` contains `term`, and its parameters."""
    if len(term) >= TRIGRAM:
        return (
            f"{alias}.rowid in (select rowid from requirements_fts where requirements_fts match ?)",
            [fts_phrase(term)],
        )
    return (
        f"(instr(lower({alias}.heading), lower(?)) > 0 or instr(lower({alias}.text), lower(?)) > 0)",
        [term, term],
    )


def search_sql(text: str) -> tuple[str, list[Any]]:
    """`select id from requirements` matching every term of `text` (all requirements when empty)."""
    parts: list[str] = []
    params: list[Any] = []
    for term in search_terms(text):
        sql, args = term_condition(term)
        parts.append(sql)
        params += args
    return f"select r.id from requirements r where {' and '.join(parts) or '1'}", params


def search_requirements(db: Database, text: str, *, include_superseded: bool = False) -> list[dict[str, Any]]:
    """Requirements containing every word of `text`, in speech order."""
    sql, params = search_sql(text)
    status = "" if include_superseded else "and r.status = 'active'"
    rows = db.query(
        f"""select r.id, s.source, r.path, r.heading, r.status from requirements r
            join speeches s on s.id = r.speech_id
            where r.id in ({sql}) {status} order by s.source, r.char_start""",
        params,
    )
    return list(rows)

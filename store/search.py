"""Chinese full-text search over requirement headings and text, for words of any length.

Two FTS5 indexes narrow the rows, and `instr()` on the real text decides, so a result
is exactly a requirement whose heading or text contains every word (ASCII letters in
any case):

- a word of three or more characters (巡察整改) goes through `requirements_fts`, whose
  `trigram` tokenizer indexes every three characters;
- a word of one or two characters (书记, 巡察, 书), which trigram never finds, goes
  through `requirements_bigrams`, which indexes every two characters: a two-character
  word is one token (`"书记"`), a one-character word the prefix of one (`"书"*`);
- a short word with punctuation or spaces in it (`书，`) has no index: `instr()` alone.

`LIKE` on the FTS tables finds nothing for Chinese. Every word is a bound parameter:
quotes, `; DROP TABLE` and FTS operators are just text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

TRIGRAM = 3
TRIGRAM_TABLE = "requirements_fts"
BIGRAM_TABLE = "requirements_bigrams"


def bigrams(text: str | None) -> str:
    """`text` as its overlapping two-character pieces, space-separated, the last character alone
    at the end: every character starts a piece. The Python twin of `store.migrations.bigrams_sql`."""
    text = text or ""
    return " ".join(text[i : i + 2] for i in range(len(text)))


def search_terms(text: str) -> list[str]:
    """The words the user typed: split on ASCII and full-width spaces."""
    return text.replace("\u3000", " ").split()


def fts_phrase(term: str) -> str:
    """`term` as one FTS5 phrase, so operators and quotes inside it are literal."""
    return '"' + term.replace('"', '""') + '"'


@dataclass(frozen=True)
class Index:
    """The FTS5 query that finds (at least) every requirement containing a word."""

    table: str
    match: str

    def rowids(self) -> str:
        """SQL selecting the candidates' rowids; one parameter, `match`."""
        return f"select rowid from {self.table} where {self.table} match ?"


def index_for(term: str) -> Index | None:
    """The index for `term`, or None when only a scan can find it.

    The bigram table's tokenizer (unicode61) splits on punctuation and spaces, so a
    short word finds its pieces there only when it is letters and digits throughout.
    """
    if len(term) >= TRIGRAM:
        return Index(TRIGRAM_TABLE, fts_phrase(term))
    if all(c.isalnum() for c in term):
        return Index(BIGRAM_TABLE, fts_phrase(term) + ("*" if len(term) == 1 else ""))
    return None


def contains_sql(term: str, alias: str = "r") -> tuple[str, list[Any]]:
    """SQL true when requirement `alias` contains `term` (ASCII letters in any case), and its parameters.

    SQLite's `lower()` changes ASCII letters only, so a word without them needs no copy of
    the text lowered: `instr()` on the text itself gives the same answer, faster.
    """
    if any("a" <= c <= "z" for c in term.lower() if c.isascii()):
        return (
            f"(instr(lower({alias}.heading), lower(?)) > 0 or instr(lower({alias}.text), lower(?)) > 0)",
            [term, term],
        )
    return f"(instr({alias}.heading, ?) > 0 or instr({alias}.text, ?) > 0)", [term, term]


def term_condition(term: str, alias: str = "r") -> tuple[str, list[Any]]:
    """SQL that is true when requirement `alias` contains `term`, and its parameters."""
    index = index_for(term)
    contains, params = contains_sql(term, alias)
    if index is None:
        return contains, params
    return f"({alias}.rowid in ({index.rowids()}) and {contains})", [index.match, *params]


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
    """Requirements containing every word of `text`, in speech order (every match: see
    `store.query_tasks(search=…, limit=…)` for a page of active tasks)."""
    sql, params = search_sql(text)
    status = "" if include_superseded else "and r.status = 'active'"
    rows = db.query(
        f"""select r.id, s.source, r.path, r.heading, r.status from requirements r
            join speeches s on s.id = r.speech_id
            where r.id in ({sql}) {status} order by s.source, r.char_start, r.id""",
        params,
    )
    return list(rows)

"""The actor lexicon (ANNOTATION.md §3) as data: aliases, unit-name rules and subject cues.

The default ships as `extractors/data/actors.toml`. An office extends it with a file of
the same shape (only the parts it changes), named by `lexicon_path=` (the CLI's
`--lexicon`) or the `SPEECHTASKS_LEXICON` environment variable. Its aliases are added
to (or re-assign) the default ones; its rules and cue words are added to the default's.
"""

from __future__ import annotations

import os
import re
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from schemas import ActorCategory

ENV_VAR = "SPEECHTASKS_LEXICON"
# One character (要, 市, 党) is inside countless words: as an alias it would tag them all.
MIN_ALIAS_CHARS = 2


class LexiconError(ValueError):
    """An office lexicon that cannot be used: one line naming the file, the line and the problem."""


class CategorySpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str | None = None
    aliases: list[str] = Field(default_factory=list)
    note: str | None = None


class UnitRule(BaseModel):
    """A named unit recognised by its shape (`市…局`, `…集团`): one regex, one category."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: ActorCategory
    pattern: str
    by_head: bool = Field(
        default=False, description="a name that ends in an alias takes its category (县委巡察办 → 巡察办)"
    )
    note: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return v


class SubjectCues(BaseModel):
    """Words the subject rule (extractors/actors.py) reads; lists merge by union."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    triggers: list[str] = Field(default_factory=list, description="directive words after a subject")
    not_triggers: list[str] = Field(
        default_factory=list, description="words that contain a trigger but are none (要求, 重要)"
    )
    adverbs: list[str] = Field(
        default_factory=list, description="may stand between a subject and its trigger"
    )
    governors: list[str] = Field(
        default_factory=list, description="before a mention in its clause: object, steered or framed"
    )
    saying: list[str] = Field(default_factory=list, description="verbs of saying after a subject")
    future: list[str] = Field(default_factory=list, description="commitments (将), not directives")
    duty_nouns: list[str] = Field(default_factory=list, description="`是 X 的职责` assigns X")
    subject_followers: list[str] = Field(
        default_factory=list, description="may follow a subject though jieba tags them nouns (肩负, 间)"
    )
    reflexives: list[str] = Field(
        default_factory=list, description="自身/自己: the word after them decides (党组自身建设)"
    )
    pivots: list[str] = Field(
        default_factory=list, description="verbs whose object is the next directive's subject (要求我们必须)"
    )
    not_actors: list[str] = Field(
        default_factory=list, description="words that contain an alias but name no actor (总书记)"
    )
    qualifiers: list[str] = Field(default_factory=list, description="may stand between 的 and a mention")
    modifier_followers: list[str] = Field(
        default_factory=list, description="after a mention, make it a modifier (国家各项政策)"
    )
    field_heads: list[str] = Field(
        default_factory=list,
        description="`…、国有企业、…等领域`: a `等` list closed by these names fields, not actors",
    )
    copulas: list[str] = Field(default_factory=list, description="是: `X 是 <role>，要…` makes X the topic")
    roles: list[str] = Field(
        default_factory=list, description="after `X 是`, name X as the one responsible (第一责任人, 责任主体)"
    )
    assigning: list[str] = Field(
        default_factory=list, description="triggers that make `由 X …` an assignment (由 X 牵头)"
    )
    shared_heads: list[str] = Field(
        default_factory=list, description="heads one list shares (审计、监察、财政部门 → 审计部门 …)"
    )
    assignment_labels: list[str] = Field(
        default_factory=list,
        description="`牵头单位：X；责任单位：Y`: a label before a colon that assigns the units after it",
    )


class LexiconFile(BaseModel):
    """One TOML file: the default or an office's addition."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str | None = None
    note: str | None = None
    categories: dict[ActorCategory, CategorySpec] = Field(default_factory=dict)
    rules: list[UnitRule] = Field(default_factory=list)
    subject: SubjectCues = Field(default_factory=SubjectCues)


class Lexicon(BaseModel):
    """The merged lexicon the extractors use. Hashable by identity, built once per file set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    aliases: dict[str, ActorCategory]
    labels: dict[ActorCategory, str]
    rules: tuple[UnitRule, ...]
    subject: SubjectCues
    sources: tuple[str, ...]

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    def aliases_of(self, category: ActorCategory) -> list[str]:
        return [a for a, c in self.aliases.items() if c is category]


def _read(path: Path | None) -> LexiconFile:
    if path is None:
        raw = resources.files("extractors.data").joinpath("actors.toml").read_text("utf-8")
        return LexiconFile.model_validate(tomllib.loads(raw))
    return read_office_file(Path(path))


def _line_of(raw: str, loc: tuple[object, ...], value: object) -> int:
    """The line (1-based) a validation error points at: its keys followed in order, then its value."""
    lines = raw.splitlines()
    at = 0
    needles = [str(k) for k in loc if isinstance(k, str) and not k.startswith("[")]
    if isinstance(value, str) and value:
        needles.append(f'"{value}"' if f'"{value}"' in raw else f"'{value}'")
    for needle in needles:
        word = re.compile(rf"(?<![\w\u4e00-\u9fff]){re.escape(needle)}(?![\w\u4e00-\u9fff])")
        hit = next((i for i in range(at, len(lines)) if word.search(lines[i])), None)
        if hit is not None:
            at = hit
    return at + 1


def _problem(err: dict[str, object]) -> str:
    loc = ".".join(str(k) for k in err["loc"] if k != "[key]")  # type: ignore[union-attr]
    msg = str(err["msg"])
    if err.get("type") == "enum":
        msg = f"unknown category {err['input']!r}; one of {', '.join(c.value for c in ActorCategory)}"
    return f"{loc}: {msg}" if loc else msg


def read_office_file(path: Path) -> LexiconFile:
    """An office's lexicon file, validated; LexiconError (`FILE:LINE: problem`) if it cannot be used."""
    try:
        raw = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read the lexicon: {exc}") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        where = f":{m.group(1)}" if m else f":{len(raw.splitlines()) or 1}"  # "at end of document"
        raise LexiconError(f"{path}{where}: TOML syntax error: {str(exc).split(' (at')[0]}") from None
    try:
        office = LexiconFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        line = _line_of(raw, tuple(err["loc"]), err.get("input"))
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise LexiconError(f"{path}:{line}: {_problem(err)}{more}") from None
    for code, spec in office.categories.items():
        for alias in spec.aliases:
            if len(alias.strip()) < MIN_ALIAS_CHARS:
                line = _line_of(raw, ("categories", code.value, "aliases"), alias)
                raise LexiconError(
                    f"{path}:{line}: categories.{code.value}.aliases: {alias!r} is shorter than "
                    f"{MIN_ALIAS_CHARS} characters: it would match inside countless words"
                )
    return office


def check_lexicon(lexicon_path: str | Path | None = None) -> None:
    """Raise LexiconError when the office lexicon (`lexicon_path`, else $SPEECHTASKS_LEXICON) is unusable.

    Called before a run touches any file: a bad configuration is never recorded as a
    failure of a file's bytes.
    """
    chosen = lexicon_path if lexicon_path is not None else os.environ.get(ENV_VAR) or None
    if chosen is None:
        return
    path = Path(chosen).expanduser()
    if not path.is_file():
        raise LexiconError(f"{path}: no such lexicon file")
    load_lexicon(path)


def merge(base: LexiconFile, *extras: LexiconFile, sources: tuple[str, ...] = ()) -> Lexicon:
    aliases: dict[str, ActorCategory] = {}
    labels: dict[ActorCategory, str] = {}
    rules: list[UnitRule] = []
    cues: dict[str, list[str]] = {name: [] for name in SubjectCues.model_fields}
    for part in (base, *extras):
        for code, spec in part.categories.items():
            if spec.label:
                labels[code] = spec.label
            for alias in spec.aliases:
                alias = alias.strip()
                if alias:
                    aliases[alias] = code  # a later file re-assigns an alias it repeats
        rules.extend(part.rules)
        for name in cues:
            for word in getattr(part.subject, name):
                if word not in cues[name]:
                    cues[name].append(word)
    return Lexicon(
        aliases=aliases,
        labels=labels,
        rules=tuple(rules),
        subject=SubjectCues(**cues),
        sources=sources,
    )


def load_lexicon(lexicon_path: str | Path | None = None) -> Lexicon:
    """The default lexicon merged with an office's file.

    The office file is `lexicon_path` when given, else `$SPEECHTASKS_LEXICON` when set.
    The result is cached per file (and its modification time), so call it freely.
    """
    chosen = lexicon_path if lexicon_path is not None else os.environ.get(ENV_VAR) or None
    if chosen is None:
        return _load(None, 0.0)
    path = Path(chosen).expanduser().resolve()
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read the lexicon: {exc.strerror or exc}") from None
    return _load(str(path), mtime)


@lru_cache(maxsize=8)
def _load(path: str | None, _mtime: float) -> Lexicon:
    base = _read(None)
    if path is None:
        return merge(base, sources=("default",))
    return merge(base, _read(Path(path)), sources=("default", path))

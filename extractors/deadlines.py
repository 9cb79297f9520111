"""Deadlines (ANNOTATION.md §4): the bounding time phrase as written, and its date.

A requirement's deadline is the first time phrase of its own span that bounds work,
else the first of its parent's own text (one level), else none. Framing words are not
part of the phrase (到2030年 → 2030年, 从今年起 → 今年, 用三年左右的时间 → 三年左右的时间).
A phrase that dates a situation, an amount, the past, a programme's or an event's name
bounds nothing. The cue words are data: extractors/data/deadlines.toml.
"""

from __future__ import annotations

import calendar
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from extractors.directives import is_work_verb, sentence_asks
from extractors.text import Span
from extractors.tokens import tagged_tokens
from schemas import DeadlineBasis

_SENTENCE_END = "。！？!?；;\n"
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}


class DeadlineCues(BaseModel):
    """extractors/data/deadlines.toml, validated."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str | None = None
    note: str | None = None
    phrases: list[str]
    named_periods: list[str] = Field(default_factory=list)
    seasons: list[str] = Field(default_factory=list)
    framing_before: list[str] = Field(default_factory=list)
    framing_after: list[str] = Field(default_factory=list)
    not_before: list[str] = Field(default_factory=list)
    not_after: list[str] = Field(default_factory=list)
    figure_clause: list[str] = Field(default_factory=list)
    past_markers: list[str] = Field(default_factory=list)
    year_openers: list[str] = Field(default_factory=list)
    bounding_before: list[str] = Field(default_factory=list)
    bounding_after: list[str] = Field(default_factory=list)
    level_words: list[str] = Field(default_factory=list)
    level_modals: list[str] = Field(default_factory=list)
    frame_verbs: list[str] = Field(default_factory=list)
    frame_object: str = "(?!)"
    amount_clause: str = "(?!)"
    object_openers: list[str] = Field(default_factory=list)
    disposal: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class _Compiled:
    cues: DeadlineCues
    phrase: re.Pattern[str]
    named_period: re.Pattern[str]
    season: re.Pattern[str]
    framing_before: tuple[str, ...]


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    raw = resources.files("extractors.data").joinpath("deadlines.toml").read_text("utf-8")
    cues = DeadlineCues.model_validate(tomllib.loads(raw))
    return _Compiled(
        cues=cues,
        phrase=re.compile("|".join(f"(?:{p})" for p in [*cues.phrases, *cues.named_periods, *cues.seasons])),
        named_period=_alternatives(cues.named_periods),
        season=_alternatives(cues.seasons),
        framing_before=tuple(sorted(cues.framing_before, key=len, reverse=True)),
    )


def _alternatives(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)")


def _sentence(text: str, start: int, end: int, area: Span) -> tuple[int, int]:
    s = start
    while s > area.start and text[s - 1] not in _SENTENCE_END:
        s -= 1
    e = end
    while e < area.end and text[e] not in _SENTENCE_END:
        e += 1
    return s, e


def _in_quotes(text: str, s: int, start: int) -> bool:
    before = text[s:start]
    return before.count("“") > before.count("”") or before.count("《") > before.count("》")


def _bounds_work(text: str, m: re.Match[str], area: Span, year: int | None) -> bool:
    c = _compiled().cues
    phrase, start, end = m.group(), m.start(), m.end()
    s, e = _sentence(text, start, end, area)
    after = text[end:e]
    for word in c.framing_after:
        if after.startswith(word):
            after = after[len(word) :]
            break
    before = text[s:start]
    framed = False
    for word in _compiled().framing_before:
        if before.endswith(word):
            before, framed = before[: -len(word)], True
            break
    not_after = tuple(c.not_after)
    if (
        after.startswith(tuple(c.not_before))
        or before.endswith(not_after)
        or text[s:start].endswith(not_after)
    ):
        return False  # 今年是开局之年, 今年预算…, 比2020年增长, 三年行动
    if before.endswith(tuple(c.frame_verbs)) and re.match(c.frame_object, after):
        return False  # 做好今年工作，要…: a frame, as 新的一年 is
    clause = re.split(r"[，,：:；;。]", text[end:e], maxsplit=1)[0]
    if _clause_before(text, start, s).lstrip().startswith(tuple(c.object_openers)) and "的" in clause:
        return False  # 对计划上半年开工但尚未开工的14个项目，…: the phrase describes the object
    if any(w in clause for w in c.figure_clause):
        return False  # 今年经济社会发展主要预期目标是：… dates figures, not work
    if _allocates(clause):
        return False  # 全年安排市级重点项目320个, 今年安排30亿元建设资金: an amount, dated
    if (
        not clause
        and not before.strip()
        and _past_act(re.split(r"[，,：:；;]", after.lstrip("，,"), maxsplit=1)[0])
    ):
        return False  # 今年，镇党委研究确定了…思路，…: the phrase dates a past act
    if (
        not framed
        and any(w in clause for w in c.level_words)
        and not any(w in _clause_around(text, start, end, s, e) for w in [*c.level_modals, "把"])
    ):
        return False  # 全年粮食播种面积稳定在85万亩以上: an indicator's level, dated (把…稳定在: work)
    if _in_quotes(text, s, start):
        return False  # a name: “2025年…行动”, 《…2035年远景目标纲要》
    bound_then_work = (
        bool(_BOUND_END.search(phrase))
        and _work_verb_first(after)
        # 去年我们在汛前准备上下了功夫: a past marker before the phrase in its clause
        and not any(w in _clause_before(text, start, s) for w in c.past_markers)
    )
    if (
        not bound_then_work
        and any(w in text[s:e] for w in c.past_markers)
        and (
            not sentence_asks(text[s:e])
            or any(w in _clause_around(text, start, end, s, e) for w in c.past_markers)
        )
    ):
        return (
            False  # 2021年，我们已经提拔…; 已进入汛前准备的关键时期 (对已签约项目，要…年底前开工: a demand)
        )
    resolved = resolve_deadline(phrase, year)
    if year and resolved and resolved.year < year:
        return False  # a year before the speech's own is history
    # 汛前完成检修 bounds work; 做好汛前各项准备 names the preparations (an attribute)
    if _compiled().season.fullmatch(phrase):
        return after.startswith(tuple(c.year_openers)) or _verb_next(after)
    # 办好二〇〇八年奥运会, 1999年将在昆明举办的…: a bare year names or dates an event
    # unless framed (到2030年) or opening a clause of work (2030年，…  2030年要…).
    if re.fullmatch(r"[\d\s]+年|[一二三四五六七八九〇零○]{4}年", phrase):
        return framed or after.startswith(tuple(c.year_openers))
    return True


def _allocates(clause: str) -> bool:
    """The clause allocates an amount (`amount_clause`), its subject, if any, nouns only."""
    m = re.search(_compiled().cues.amount_clause, clause)
    if m is None:
        return False
    subject = m.groupdict().get("subject") or ""
    return all(tag.startswith("n") for _w, tag in tagged_tokens(subject))


def _verb_next(after: str) -> bool:
    """A verb comes next (`投入使用`, an idiom jieba tags a noun, counts), and not one of an
    attribute (`汛前准备的关键时期`) or a noun coordinated with another (`做好汛前准备和信访
    维稳工作`)."""
    toks = list(tagged_tokens(after[:10]))
    return (
        bool(toks)
        and is_work_verb(*toks[0])
        and (len(toks) < 2 or toks[1][0] not in ("的", "和", "与", "及", "、"))
    )


def _work_verb_first(after: str) -> bool:
    """`6月底前实现已签约项目开工率…`: a verb of work right after a bound, so a past marker
    later in the clause (已签约) is an attribute, not a statement of what was done."""
    toks = list(tagged_tokens(after[:8]))
    # `6月底前把去年兑现不到位的资金全部兑付到位`: 把 puts the object first, the verb follows it
    return bool(toks) and (is_work_verb(*toks[0]) or toks[0][0] in _compiled().cues.disposal)


def _work_next(after: str) -> bool:
    """A verb or an adverb comes next (`今年再减少…`, `今年新增…`), not a subject."""
    toks = list(tagged_tokens(after[:6]))
    return bool(toks) and toks[0][1].startswith(("v", "d"))


def _past_act(clause: str) -> bool:
    """A verb with the aspect particle 了 (`镇党委研究确定了…`): the clause tells what was done."""
    toks = list(tagged_tokens(clause))
    return any(w == "了" and k > 0 and is_work_verb(*toks[k - 1]) for k, (w, _t) in enumerate(toks))


_CLAUSE_MARKS = "，,；;：:"
_BOUND_END = re.compile(r"(?:前|底|末|内)$")  # 年底前, 6月底, 年末, 年内: a phrase that bounds by its form


def _clause_start(text: str, start: int, s: int) -> int:
    """Where the clause holding offset `start` begins, within the sentence that starts at s."""
    return max(s, *(text.rfind(mark, s, start) + 1 for mark in _CLAUSE_MARKS))


def _clause_before(text: str, start: int, s: int) -> str:
    """The words of the phrase's clause before it, within the sentence that starts at s."""
    return text[_clause_start(text, start, s) : start]


def _clause_around(text: str, start: int, end: int, s: int, e: int) -> str:
    """The clause (between commas) that holds text[start:end], within the sentence s..e."""
    right = [i for i in (text.find(mark, end, e) for mark in _CLAUSE_MARKS) if i >= 0]
    return text[_clause_start(text, start, s) : min(right, default=e)]


def _strength(text: str, m: re.Match[str], area: Span) -> int:
    """2 when the phrase visibly bounds work (完成全年…目标, 年底前, 到2030年, 今年要…), else 1."""
    c = _compiled().cues
    before = text[max(area.start, m.start() - 4) : m.start()]
    after = text[m.end() : min(area.end, m.end() + 6)]
    if _BOUND_END.search(m.group()) or any(w in before for w in c.bounding_before):
        return 2
    s, _ = _sentence(text, m.start(), m.end(), area)
    if not text[s : m.start()].strip() and (after.startswith(tuple(c.year_openers)) or _work_next(after)):
        # 今后五年，一定要…; 今年要…; 今年再减少…: opening the sentence, it bounds what
        # follows (not `今年县政府确定的十件实事，…`: there it dates what the sentence names)
        return 2
    return 2 if any(w in after for w in c.bounding_after) else 1


def _first_in(text: str, area: Span, year: int | None) -> str | None:
    """Of several phrases, the first that visibly bounds the work, else the first."""
    found = [
        m
        for m in _compiled().phrase.finditer(text, area.start, area.end)
        if _bounds_work(text, m, area, year)
    ]
    if not found:
        return None
    # A named period (“十五五”时期) gives way to a date that bounds as visibly (到2030年).
    return max(
        found,
        key=lambda m: (
            _strength(text, m, area),
            not _compiled().named_period.fullmatch(m.group()),
            -m.start(),
        ),
    ).group()


def find_deadline(
    text: str, span: Span, parent_own: Span | None, year: int | None
) -> tuple[str | None, date | None, DeadlineBasis | None]:
    """The phrase bounding the span's work (else its parent's own text's), its date, and
    how the date was derived."""
    for area in (span, parent_own):
        if area is None:
            continue
        phrase = _first_in(text, area, year)
        if phrase:
            return phrase, *resolve(phrase, year)
    return None, None, None


def _number(s: str) -> int | None:
    s = re.sub(r"\s", "", s)
    if s.isdigit():
        return int(s)
    if s and all(ch in _CN_DIGITS for ch in s):  # 一九八五 digit by digit
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))
    tens = re.fullmatch(r"([一二三四五六七八九]?)十([一二三四五六七八九]?)", s)
    if tens:  # 十, 十二, 二十
        return (_CN_DIGITS.get(tens.group(1), 1) if tens.group(1) else 1) * 10 + (
            _CN_DIGITS[tens.group(2)] if tens.group(2) else 0
        )
    return None


def _month_end(y: int, month: int) -> date:
    return date(y, month, calendar.monthrange(y, month)[1])


def resolve_deadline(phrase: str, year: int | None) -> date | None:
    """The last day the phrase allows, where the phrase and the speech's year fix it."""
    return resolve(phrase, year)[0]


def resolve(phrase: str, year: int | None) -> tuple[date | None, DeadlineBasis | None]:
    """The last day the phrase allows and how it was derived (both None where nothing fixes it).

    A count of years (今后五年, 三年内, 三年左右的时间) runs from the speech's year, that
    year the first: 今后五年 in a 2016 report is 2016–2020. The speech's date is not
    known, only its year, so a count of months (三个月内, 半年内) gets no date.
    """
    p = re.sub(r"\s", "", phrase)
    m = re.match(r"(\d{4}|[一二三四五六七八九〇零○]{4})年", p)
    if m:
        y = _number(m.group(1))
        if y is None:
            return None, None
        return (_month_end(y, 6) if "上半年" in p else date(y, 12, 31)), DeadlineBasis.as_written
    m = _FIVE_YEAR_PLAN.match(p)
    if m:  # the Nth five-year plan from the 3rd (1966–1970) on ends in 1955 + 5N (14th: 2021–2025)
        n = _number(m.group(1))
        return (date(1955 + 5 * n, 12, 31), DeadlineBasis.as_written) if n else (None, None)
    if not year:
        return None, None
    m = _YEAR_COUNT.fullmatch(p)
    if m:
        n = _number(m.group(1))
        return (date(year + n - 1, 12, 31), DeadlineBasis.years_from_speech_year) if n else (None, None)
    due = _in_speech_year(p, year)
    return due, (DeadlineBasis.speech_year if due else None)


_FIVE_YEAR_PLAN = re.compile(r"[“\"](十[一二三四五六七八九])五[”\"]")

# 今后五年, 未来三年内, 近两年, 三年内, 两年之内, 三年左右的时间 (用 already dropped): a count of years.
_YEAR_COUNT = re.compile(
    r"(?:今后|未来|近)?的?([一二三四五六七八九十两]{1,3}|\d{1,2})个?年(?:左右)?的?(?:时间)?(?:内|之内)?"
)


def _in_speech_year(p: str, year: int) -> date | None:
    if p.startswith("本世纪"):
        return date((year // 100 + 1) * 100, 12, 31) if p == "本世纪末" else None
    y = year + 1 if p.startswith("明年") else year
    m = re.search(r"([\d一二三四五六七八九十]{1,3})月(\d{1,2})日", p)
    if m and (month := _number(m.group(1))) and 1 <= month <= 12:
        day = min(int(m.group(2)), calendar.monthrange(y, month)[1])
        return date(y, month, day)
    m = re.search(r"([\d一二三四五六七八九十]{1,3})月", p)
    if m and (month := _number(m.group(1))) and 1 <= month <= 12:
        if re.search(r"月(?:底|末|份)", p):
            return _month_end(y, month)
        return _month_end(y, month - 1) if month > 1 else date(y - 1, 12, 31)  # 6月前: by May's end
    m = re.search(r"([一二三四1-4])季度", p)
    if m:
        return _month_end(y, 3 * (_number(m.group(1)) or 4))
    if "上半年" in p:
        return _month_end(y, 6)
    if p.startswith(("今年", "明年", "年底", "年内", "全年", "下半年")):
        return date(y, 12, 31)
    return None

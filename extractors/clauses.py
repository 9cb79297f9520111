"""One clause of a directive sentence: its words, its directive triggers, its mentions judged.

The subject rule of ANNOTATION.md §3 at clause level, for extractors/actors.py: a
mention is no subject when it is only a modifier (`政府工作`, `企业的改革`, `我们的…`),
an object or a steered party (`对X`, `支持X`, `发挥X…作用`), a speaker (`我们讲…`) or
a future commitment (`我们将…`). The cue words are data: `[subject]` of
extractors/data/actors.toml, compiled once per lexicon (`cues`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from extractors.lexicon import Lexicon
from extractors.nlp import Mention, get_nlp
from schemas import ActorCategory

SENTENCE_END = "。！？!?；;\n"
CLAUSE_END = "，,：:"
# Between two coordinated mentions: a conjunction, maybe a qualifier of the second.
CONNECTOR = re.compile(
    r"^(?:和|与|及|及其|以及|、|同|或|或者|，?尤其是|，?特别是|，?包括|，?乃至)"
    r"(?:所有|一切|全体|广大|全国|有关|相关|有条件的|其|各)?$"
)
_NOUNISH = ("n", "vn", "f", "s")  # a following word with these tags makes a mention a modifier
_BARE_GOVERNMENT = ("政府", "人民政府")
# Subjects that may be only described (a place, a kind of enterprise) rather than addressed.
_PLACES_AND_KINDS = (ActorCategory.lower_government, ActorCategory.enterprises_institutions)


def coordinated(text: str, a: Mention, b: Mention) -> bool:
    """Is b coordinated with a (b follows a)? A conjunction between them (各级政府及其有关部门),
    or nothing: two distributive units in a row (各乡镇各部门) or 党委政府 (a party
    committee and the government beside it); 全市各乡镇 is a qualifier and a unit."""
    gap = text[a.end : b.start]
    if gap:
        return CONNECTOR.match(gap) is not None
    if a.text.startswith("各") and b.text.startswith("各"):
        return True
    return a.category is ActorCategory.party_committee and b.text in _BARE_GOVERNMENT


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int


class Cues:
    """The lexicon's subject cues, compiled once per lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        s = lexicon.subject
        self.triggers = re.compile(
            "|".join(sorted((re.escape(t) for t in s.triggers if "…" not in t), key=len, reverse=True))
        )
        self.not_triggers = tuple(s.not_triggers)
        self.adverbs = set(s.adverbs)
        self.governors = set(s.governors)
        self.saying = set(s.saying)
        self.future = set(s.future)
        # 是X的职责 assigns; 是X的一项任务 only describes.
        self.duty = re.compile(
            r"的(?![一两几])[\u4e00-\u9fa5]{0,4}?(?:" + "|".join(map(re.escape, s.duty_nouns)) + ")"
        )
        self.subject_followers = set(s.subject_followers)
        self.reflexives = set(s.reflexives)
        self.pivots = set(s.pivots)
        self.shared_heads = tuple(s.shared_heads)
        self.qualifiers = set(s.qualifiers)
        self.modifier_followers = set(s.modifier_followers)
        self.field_list = re.compile(
            r"(?:、[^、，,。；;：:！？]{1,12})*等[\u4e00-\u9fa5]{0,2}?(?:"
            + "|".join(map(re.escape, s.field_heads or ["(?!)"]))
            + ")"
        )
        self.copulas = set(s.copulas)
        self.roles = tuple(s.roles)
        self.assigning = tuple(s.assigning)
        self._containing: dict[str, tuple[tuple[str, int], ...]] = {}

    def containing(self, word: str) -> tuple[tuple[str, int], ...]:
        """The not-triggers that contain a trigger word, with each offset of it in them."""
        hit = self._containing.get(word)
        if hit is None:
            hit = tuple((nt, k) for nt in self.not_triggers for k in range(len(nt)) if nt.startswith(word, k))
            self._containing[word] = hit
        return hit


@lru_cache(maxsize=4)
def cues(lexicon: Lexicon) -> Cues:
    return Cues(lexicon)


def _valid_trigger(
    text: str, pos: int, end: int, word: str, cues: Cues, clause_start: int, is_verb: Callable[[str], bool]
) -> bool:
    """Is the trigger at `pos` a directive, not part of 要求/重要/负责人, 不要 or a noun phrase?"""
    if any(text.startswith(nt, pos - k) for nt, k in cues.containing(word)):
        return False
    after = pos + len(word)
    if after >= end or text[after] in CLAUSE_END + SENTENCE_END:
        # 勇于负责， : intransitive, no task follows; 由县住建局牵头， assigns the work after
        # it; 负主体责任 and 负总责 name the duty themselves.
        to = re.search(r"对[^，,]*$", text[clause_start:pos])
        return (
            (word in cues.assigning and "由" in text[clause_start:pos])
            or (word.startswith("负") and len(word) > 2)
            or (word == "负责" and to is not None and _answers_for_work(to.group()))
        )
    if text.startswith("的", after):
        return False  # 党政一把手负总责的责任制: a noun phrase
    # `我们应当做的`, `必须坚持的原则是`: the trigger sits inside a noun phrase.
    if re.match(r"[\u4e00-\u9fa5]{1,6}?的[\u4e00-\u9fa5]{0,3}(?:是|[，,])", text[after:end]):
        return False
    # `有他必须遵守的义务`: trigger + verb + 的 + a short noun to the clause's end.
    rel = re.match(r"([\u4e00-\u9fa5]{1,4}?)的([^，,。；;！？]{0,8})$", text[after:end])
    if rel and is_verb(rel.group(1)) and not cues.triggers.search(rel.group(2)):
        return False
    # `比我们的预料要好得多`: a comparison, no task.
    if word == "要" and "比" in text[clause_start:pos]:
        return False
    # `向/对 X 负责`: being accountable to someone is no task.
    to = re.search(r"[向对][^，,]*$", text[clause_start:pos]) if word == "负责" else None
    return to is None or _answers_for_work(to.group())


def _answers_for_work(before: str) -> bool:
    """`对本单位安全生产工作全面负责`: 对 names the work one answers for, a split 负责
    like `对…负主体责任` (ANNOTATION.md §3), not someone one is accountable to."""
    return before.startswith("对") and re.search(r"工作|任务|事项", before) is not None


def _triggers(
    text: str, start: int, end: int, mentions: list[Mention], cues: Cues, is_verb: Callable[[str], bool]
) -> list[int]:
    inside = [(m.start, m.end) for m in mentions]
    out = []
    for m in cues.triggers.finditer(text, start, end):
        if any(s <= m.start() < e for s, e in inside):
            continue  # 负责干部: a word of the mention itself
        if _valid_trigger(text, m.start(), end, m.group(), cues, start, is_verb):
            out.append(m.start())
    return out


def _words(text: str, start: int, end: int, lexicon: Lexicon) -> list[_Word]:
    out, pos = [], start
    for w in get_nlp(lexicon).words(text[start:end]):
        out.append(_Word(w, pos, pos + len(w)))
        pos += len(w)
    return out


class Clause:
    """One comma-delimited clause: its mentions judged, its directive triggers."""

    def __init__(self, text: str, start: int, end: int, mentions: list[Mention], lexicon: Lexicon) -> None:
        self.text, self.start, self.end, self.lexicon = text, start, end, lexicon
        self.cues = cues(lexicon)
        self.nlp = get_nlp(lexicon)
        # Words are needed around mentions only: up to a few past the last one.
        self.words = _words(text, start, min(end, mentions[-1].end + 8), lexicon) if mentions else []
        self.triggers = _triggers(text, start, end, mentions, self.cues, self._ends_in_verb)
        whole = [w for m in mentions if (w := self._whole_word(m)) is not None and not self._in_title(m)]
        listed: list[Mention] = []
        for m in whole:
            *pieces, head = self._shared_head(m)
            listed.extend(p for p in pieces if not _overlaps(p, whole))
            listed.append(head)
        self.mentions = sorted(listed, key=lambda m: m.start)
        self.resets_carry = False

    def _in_title(self, m: Mention) -> bool:
        """《党委（党组）落实…规定》: words of a title name no actor."""
        before = self.text[self.start : m.start]
        return before.count("《") > before.count("》")

    def _shared_head(self, m: Mention) -> list[Mention]:
        """审计、监察、财政部门: each listed word shares the head (审计部门, 监察部门 …)."""
        head = next((h for h in self.cues.shared_heads if m.text.endswith(h)), None)
        if head is None:
            return [m]
        aliases = self.lexicon.aliases
        if m.text == head:  # jieba cut 财政/部门: the word before is the head's modifier
            w = next((w for w in self.words if w.end == m.start), None)
            opens = w is not None and not self.text[self.start : w.start].strip("各有关相")
            if (
                w is not None
                and re.fullmatch(r"[\u4e00-\u9fa5]{2,4}", w.text)
                # 执法部门要…: a clause-initial modifier names the unit, whatever its tag
                and (not self._is_verb(w.text) or self.nlp.tag(w.text) == "vn" or opens)
            ):
                m = Mention(aliases.get(w.text + head, m.category), w.text + head, w.start, m.end)
        if m.text == head and self.text[self.start : m.start].endswith("等"):
            return self._listed_with_deng(m, head)
        listed = re.search(r"((?:[\u4e00-\u9fa5]{2,4}、)+)$", self.text[self.start : m.start])
        if listed is None or m.text == head:
            return [m]
        out, pos = [], m.start - len(listed.group(1))
        for piece in listed.group(1).split("、")[:-1]:
            bare = re.sub(r"^(?:各级|各|有关|相关)", "", piece)
            at = pos + len(piece) - len(bare)
            out.append(Mention(aliases.get(bare + head, m.category), bare, at, at + len(bare)))
            pos += len(piece) + 1
        return [*out, m]

    def _listed_with_deng(self, m: Mention, head: str) -> list[Mention]:
        """发改、财政、自然资源等部门: each listed word with the head, and the head itself."""
        listed = re.search(
            r"(?:^|[，,：:])((?:[\u4e00-\u9fa5]{2,6}、)*[\u4e00-\u9fa5]{2,6})等$",
            self.text[self.start : m.start],
        )
        if listed is None:
            return [m]
        out, pos = [], self.start + listed.start(1)
        for piece in listed.group(1).split("、"):
            out.append(
                Mention(self.lexicon.aliases.get(piece + head, m.category), piece, pos, pos + len(piece))
            )
            pos += len(piece) + 1
        return [*out, m]

    def _whole_word(self, m: Mention) -> Mention | None:
        """The mention as a word: 商业部门 (a kind of 部门) grows to the word; 企业家 is none."""
        for w in self.words:
            if w.start <= m.start and m.end <= w.end and (w.end - w.start) > (m.end - m.start):
                if w.text in self.lexicon.aliases or self.nlp.tag(w.text) == "x":
                    return m
                if w.end == m.end:
                    return Mention(m.category, w.text, w.start, w.end)
                return None
        for w in self.words:
            if w.start < m.end < w.end and w.text not in self.lexicon.aliases and self.nlp.tag(w.text) != "x":
                return None  # 党领导人民: jieba reads 领导/人民, not 领导人
            if (
                w.start < m.start < w.end
                and w.text not in self.lexicon.aliases
                and self.nlp.tag(w.text) != "x"
            ):
                return None  # 健全党委: jieba reads 健全/党委, not 全党
        if m.text not in self.lexicon.aliases:
            # A unit rule matched from a verb on (发展企业集团): the name starts after it.
            for w in self.words:
                if m.start <= w.start and w.end < m.end and w.start == m.start and self._is_verb(w.text):
                    m = Mention(m.category, self.text[w.end : m.end], w.end, m.end)
        return m

    def _ends_in_verb(self, piece: str) -> bool:
        words = self.nlp.words(piece)
        return bool(words) and self.nlp.tag(words[-1]).startswith("v")

    def _word_at(self, pos: int) -> _Word | None:
        i = bisect_left([w.start for w in self.words], pos)
        return self.words[i] if i < len(self.words) and self.words[i].start == pos else None

    def _next_word(self, pos: int) -> _Word | None:
        return next((w for w in self.words if w.start >= pos), None)

    def _directly_before_trigger(self, m: Mention) -> bool:
        """Only adverbs stand between the mention and a trigger (要求我们必须…)."""
        pos = m.end
        while pos < self.end:
            if pos in self.triggers:
                return True
            w = self._word_at(pos) or self._next_word(pos)
            if w is None or w.text not in self.cues.adverbs:
                return False
            pos = w.end
        return False

    def is_duty(self, m: Mention) -> bool:
        """`是 X 的职责`: X is assigned as by a trigger."""
        hit = self.cues.duty.match(self.text, m.end, self.end)
        if hit is None:
            return False
        # 是各级政府的职责 / 我们的主要任务，就是… / 政府的责任是…
        return "是" in self.text[self.start : m.start] or bool(
            re.match(r"[，,]?就?是", self.text[hit.end() : hit.end() + 3])
        )

    def blocked(self, m: Mention, mentions: list[Mention]) -> bool:
        """Is the mention no subject: a modifier, qualifier, object, steered, speaker or future?"""
        if self.is_duty(m):
            return False
        tail = self._group_tail(m, mentions)
        if self.text.startswith("的", tail.end) and not self.is_duty(tail):
            return True  # 企业的改革, 我们的同志, [各级政府及其有关部门]的负责干部
        if any(self._qualifies(m, o) and not coordinated(self.text, m, o) for o in mentions):
            return True  # 全市政府系统各级党委, 市政府各位副市长: a qualifier of the next mention
        if self.cues.field_list.match(self.text, tail.end, self.end):
            return True  # 工程建设、国有企业、惠农资金等领域: a field named, not who acts
        if self._relative_subject(tail):
            return True  # 县政府确定的十件实事，每一件都要…: the subject of a `…的` attributive
        if tail is not m and any(
            o.start == tail.end and not coordinated(self.text, tail, o) for o in mentions
        ):
            return True  # 各乡镇、各部门主要负责同志: owners listed before the role
        if self._topic(m, mentions):
            return True  # 社区是…防线，要…: a topic that names no one responsible
        nxt = self._next_word(m.end)
        listed = any(o.start == m.end for o in mentions)  # 各乡镇各部门: coordinated, no qualifier
        if nxt is not None and nxt.start == m.end and m.end not in self.triggers and not listed:
            word = nxt.text
            if word in self.cues.saying:
                self.resets_carry = True
                return True
            if word in self.cues.future or (word in self.cues.adverbs and self._future_after(nxt.end)):
                self.resets_carry = True
                return True
            if word in self.cues.reflexives:  # 党组自身建设: the word after decides
                nxt = self._next_word(nxt.end) or nxt
                word = nxt.text
            if word not in self.cues.subject_followers and self.nlp.tag(word).startswith(_NOUNISH):
                return True  # 政府工作, 领导班子内部: the mention modifies a noun
            if self._is_verb(word) and nxt.end in self.triggers:
                return True  # 企业改制要…: the subject is an activity (国有企业改革要…)
            if word in self.cues.pivots and word not in self.cues.copulas:
                return True  # 中共中央号召…要: the one who asks, not the one asked
            if word in self.cues.modifier_followers and not any(o.start == nxt.end for o in mentions):
                return True  # 国家各项惠民政策…要: the mention modifies the noun phrase
        # 工业部门正在兴建的骨干企业, 党的地方组织…的领导成员也要: the mention sits in a
        # modifier of the trigger's real subject (a locative 在…的…中 frame aside).
        nxt_trigger = next((t for t in self.triggers if t >= m.end), None)
        limit = self.end if nxt_trigger is None else nxt_trigger
        if any(
            tail.end <= o.start < limit
            and "的" in self.text[tail.end : o.start]
            # 各乡镇主要负责同志是本辖区…工作的第一责任人: after a copula, 的 modifies the
            # predicate noun, not the mention (a topic that acts, `_topic`)
            and not self._copula_between(tail.end, o.start)
            for o in mentions
        ):
            return True
        if nxt_trigger is not None:
            between = self.text[tail.end : nxt_trigger]
            if "的" in between and not re.match(r"[在于从对同]", between):
                return True
        prefix = [w for w in self.words if w.end <= m.start and not _covered(w, mentions)]
        if any(w.text in self.cues.copulas for w in prefix) and not self._directly_before_trigger(m):
            return True  # 城市是人民的城市: a predicate noun (关键是各级政府要… aside)
        if any(w.text in self.cues.governors for w in prefix) and not self._assigned_by_you(m, prefix):
            return True
        edge = m.start
        while m.text.endswith(self.cues.shared_heads) and prefix and prefix[-1].end == edge:
            if self.nlp.tag(prefix[-1].text) != "vn":
                break
            edge = prefix.pop().start  # 应急管理部门, 行政审批部门: verbal nouns before 部门 name it
        # A verb before the mention makes it an object, unless a relative clause ends
        # in 的 right before it (亏损的企业), or a pivot verb makes it the subject of a
        # trigger that follows directly (要求我们必须…, 关键是各级政府要…).
        last_de = max((i for i, w in enumerate(prefix) if w.text == "的"), default=-1)
        if any(w.text not in self.cues.qualifiers for w in prefix[last_de + 1 :]):
            last_de = -1  # 落后于发达的资本主义国家: 的 is no relative clause's end here
        tail_words = prefix[last_de + 1 :]
        verbs = [
            w.text
            for i, w in enumerate(tail_words)
            if (self._is_verb(w.text) and w.text not in self.cues.qualifiers)
            # 印发了: an aspect particle marks a verb whatever jieba's tag says
            or (i + 1 < len(tail_words) and tail_words[i + 1].text in ("了", "着", "过"))
        ]
        if not verbs:
            return False
        return not (verbs[-1] in self.cues.pivots and self._directly_before_trigger(m))

    def _qualifies(self, m: Mention, o: Mention) -> bool:
        """o follows m directly, or past a qualifier only (市政府|各位|副市长)."""
        return o.start == m.end or (o.start > m.end and self.text[m.end : o.start] in self.cues.qualifiers)

    def _relative_subject(self, tail: Mention) -> bool:
        """The mention (or its coordinated group) is the subject of verbs that close with
        `的` before a noun: it sits in a `X 确定的 N` attributive, and N, not X, is what the
        clause (or the next one) is about. Adverbs may stand among the verbs (`县政府研究确定的`);
        a valid trigger ends the search (`我们要进行…的努力` is a directive)."""
        pos, verbs = tail.end, 0
        while pos < self.end:
            if pos in self.triggers:
                return False  # 我们要进行坚持不懈的努力: a directive, whatever follows
            w = self._word_at(pos)
            if w is None:
                return False
            if w.text == "的":
                return verbs > 0 and w.end < self.end
            if self._is_verb(w.text):
                verbs += 1
            elif w.text not in self.cues.adverbs:
                return False
            pos = w.end
        return False

    def _copula_between(self, start: int, end: int) -> bool:
        return any(start <= w.start and w.end <= end and w.text in self.cues.copulas for w in self.words)

    def _topic(self, m: Mention, mentions: list[Mention]) -> bool:
        """Is the mention a place or a kind of unit described by `X（都）是 Y`? Then the work
        after it is the speaker's (`社区是…第一道防线，要…`, `各类市场主体都是…建设者，要…平等
        对待`). People and bodies carry into the next clause (`一把手是第一责任人，要…`,
        `网格员是…“前哨”，要…`, 我们党是…，必须… of ANNOTATION.md §3), and so does a place or
        unit that Y names as the one responsible (`企业是…责任主体，必须…`: a role word ending
        the clause; `城市是人民的城市` names no one). 是 before a trigger (关键是各级政府要) is
        no topic."""
        if any(o.start >= m.end and coordinated(self.text, m, o) for o in mentions):
            return False  # 各级干部特别是领导干部: 特别是 joins, no 是 of a topic
        w = self._next_word(m.end)
        while w is not None and w.text in self.cues.adverbs:
            w = self._next_word(w.end)
        if w is None or w.text not in self.cues.copulas:
            return False
        if any(t >= w.end for t in self.triggers) or m.category not in _PLACES_AND_KINDS:
            return False
        rest = self.text[w.end : self.end].rstrip("”’\"'」』")
        return not any(rest.endswith(r) for r in self.cues.roles)

    def _assigned_by_you(self, m: Mention, prefix: list[_Word]) -> bool:
        """`由县住建局牵头，…配合`: 由 names who leads or answers for the work (the
        noun phrase `由地方政府负责…的新体制` aside)."""
        governors = [w for w in prefix if w.text in self.cues.governors]
        if [w.text for w in governors] != ["由"] or prefix[-1] is not governors[-1]:
            return False
        t = next((t for t in self.triggers if t >= m.end), None)
        if t is None or not self._directly_before_trigger(m):
            return False
        word = next((w for w in self.cues.assigning if self.text.startswith(w, t)), None)
        if word is None:
            return False
        # 由县财政局负责保障的资金要…: the 由-phrase modifies a later subject.
        de = self.text.find("的", t, self.end)
        return de < 0 or not any(o > de for o in self.triggers)

    def _is_verb(self, word: str) -> bool:
        tag = self.nlp.tag(word)
        if tag.startswith("v"):
            return True
        # jieba's tags for some set phrases are noise (建立健全 → nr): ask their first word.
        return tag in ("nr", "x", "l", "i") and len(word) > 2 and self.nlp.tag(word[:2]).startswith("v")

    def own_predicate(self) -> bool:
        """这就决定了我们必须…: a verb before the trigger means the clause has its own
        subject and predicate, so an earlier clause's subject does not carry into it."""
        if not self.triggers:
            return False
        words = self.words or _words(self.text, self.start, self.triggers[0], self.lexicon)
        return any(w.end <= self.triggers[0] and self._is_verb(w.text) for w in words)

    def _group_tail(self, m: Mention, mentions: list[Mention]) -> Mention:
        """The last mention coordinated with m (各级政府及其有关部门 → 有关部门)."""
        tail = m
        for o in mentions:
            if o.start >= tail.end and coordinated(self.text, tail, o):
                tail = o
        return tail

    def _future_after(self, pos: int) -> bool:
        w = self._word_at(pos)
        return w is not None and w.text in self.cues.future


def _overlaps(x: Mention, mentions: list[Mention]) -> bool:
    return any(x.start < m.end and m.start < x.end for m in mentions)


def _covered(w: _Word, mentions: list[Mention]) -> bool:
    return any(m.start <= w.start and w.end <= m.end for m in mentions)

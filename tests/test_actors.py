"""Responsible actors (ANNOTATION.md §3), on real sentences; expectations checked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.actors import assign_actors, explicit_subjects
from extractors.text import Span
from schemas import ActorCategory, Basis

A = ActorCategory
SENTENCES = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "actor_sentences.dev.json"


def explicit(sentence: str) -> set[ActorCategory]:
    return {a.category for a in explicit_subjects(sentence, Span(0, len(sentence)))}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # coordinated subjects; 各级 distributes over the bare 政府
        (
            "各级党委和政府要关心和爱护广大劳动群众，切实把党和国家相关政策措施落实到位。",
            {A.party_committee, A.lower_government},
        ),
        (
            "各部门、各企业和全体社会成员，都要为不断提高我国产品质量而努力。",
            {A.department, A.enterprises_institutions, A.all_units},
        ),
        ("各级政府及其工作人员要带头严格遵守宪法和法律。", {A.lower_government, A.cadres}),
        # 尤其是 / 特别是 join a subject
        ("各级各部门尤其是“一把手”要扛起责任。", {A.all_units, A.principal}),
        ("全党同志特别是领导干部都要讲党性、重品行、作表率。", {A.cadres}),
        # a subject after its steered object in the next clause
        (
            "各级政府要积极帮助企业分离社会职能，企业要努力增加资金积累。",
            {A.lower_government, A.enterprises_institutions},
        ),
        # the subject carries over commas within one sentence
        ("我们党处于执政地位，必须经得起执政的考验。", {A.all_units}),
        (
            "高等学校有一支强大的科技队伍，应当在完成教学任务的同时，引导他们主动与经济建设相结合。",
            {A.enterprises_institutions},
        ),
        # 是 X 的职责
        ("维护社会治安，是各级政府的重要职责。", {A.lower_government}),
        # 各地各部门 as one collective, apart as two
        ("各地各部门要把思想和行动统一到会议精神上来。", {A.all_units}),
        ("各地区、各部门一定要从全局出发。", {A.lower_government, A.department}),
        ("各单位要严格执行财经纪律。", {A.department}),
        ("所有政府机关及其工作人员都必须认真执行国家的法律、法规和政策。", {A.department, A.cadres}),
        ("全党同志要坚决维护党的集中统一。", {A.cadres}),
        # the speaker's own government
        ("政府要依法接受市人大及其常委会的监督。", {A.all_units}),
        ("国务院和各级地方政府要起模范带头作用。", {A.all_units, A.lower_government}),
        # a qualifier adds no category
        ("全市政府系统各级党委（党组）要落实主体责任。", {A.party_committee}),
        ("这些法律颁布以后，我们的各级政府工作人员要切实维护，坚决执行。", {A.cadres}),
        # named units by their shape
        ("市数据局要牵头建设公共数据平台。", {A.department}),
        ("冶金、机械、化工等重工业部门，要在增加生产的同时，着重提高质量。", {A.department}),
        ("各级审计、监察、财政部门都要加强监督检查。", {A.discipline_supervision, A.department}),
        (
            "主要领导要牵头抓总，分管领导要履职到位，其他班子成员要对分管部门党的建设负责。",
            {A.principal, A.leadership_member},
        ),
        ("班子成员间日常接触最多，相互了解情况，要切实用好批评与自我批评这个武器。", {A.leadership_member}),
        ("党委（党组）书记要履行第一责任人职责。", {A.principal}),
        ("各县（市、区）要抓好属地责任落实。", {A.lower_government}),
    ],
)
def test_explicit_subjects(sentence: str, expected: set[ActorCategory]) -> None:
    assert explicit(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "要切实加强对“一把手”的监督。",  # an object
        "加强对班子成员和下一级党组织书记的监督管理。",  # an object
        "支持龙头企业牵头组建任务型创新联合体。",  # steered
        "鼓励民营企业参与国家重大战略实施。",  # steered
        "发挥政府和国企带头清欠作用，加快完善长效机制。",  # 发挥 X 带头作用
        "对此，我们将高度重视，切实加以解决。",  # a future commitment
        "市委还将出台具体办法。",  # a future commitment
        "我们讲整顿，就是要把现有企业坚决整顿好。",  # under a verb of saying
        "我们不要急于求成。",  # 不要 is no trigger
        "各级政府应该关心群众疾苦。",  # 应该 is no trigger
        "我们必须坚持的原则是，以按劳分配为主体。",  # the trigger is inside a noun phrase
        "乡镇集体企业的改革要积极稳妥地进行。",  # an activity is no actor
        "国有企业改革要取得新的突破。",  # an activity is no actor
        "人民群众要积极参与。",  # matches no category
        "领导班子内部的年龄结构，要注意梯次配备。",  # the subject is the structure
        "我们要求各地区、各部门在原有基础上节约用电。",  # 要求 is no trigger; they are its object
        "中央办公厅印发了《党委（党组）落实全面从严治党主体责任规定》，必须认真抓好贯彻落实。",  # a title
    ],
)
def test_no_explicit_subject(sentence: str) -> None:
    assert explicit(sentence) == set()


def test_assignment_carries_its_evidence() -> None:
    text = "二、抓好落实\n一是压实责任。各级党委（党组）要落实主体责任。"
    (a,) = explicit_subjects(text, Span(7, len(text)))
    assert (a.category, a.basis, a.mention) == (A.party_committee, Basis.explicit, "各级党委（党组）")
    assert text[a.char_start : a.char_start + len(a.mention)] == "各级党委（党组）"


def test_inherited_from_the_parents_own_text() -> None:
    text = "各级政府要重点抓好三件事：一是稳就业，扩大就业容量；二是保民生，兜牢底线。"
    parent_own = Span(0, text.index("一是"))
    child = Span(text.index("一是"), text.index("二是"))
    actors = assign_actors(text, child, parent_own)
    assert [(a.category, a.basis, a.mention) for a in actors] == [
        (A.lower_government, Basis.inherited, "各级政府")
    ]
    assert actors[0].char_start == 0


def test_own_subject_wins_over_the_parents() -> None:
    text = "各级政府要重点抓好三件事：一是企业要稳岗位；二是保民生。"
    parent_own = Span(0, text.index("一是"))
    child = Span(text.index("一是"), text.index("二是"))
    assert {a.category for a in assign_actors(text, child, parent_own)} == {A.enterprises_institutions}


def test_default_when_nobody_is_named() -> None:
    text = "抓好三件事：一是稳就业；二是保民生。"
    parent_own = Span(0, text.index("一是"))
    child = Span(text.index("一是"), text.index("二是"))
    assert [
        (a.category, a.basis, a.mention, a.char_start) for a in assign_actors(text, child, parent_own)
    ] == [(A.all_units, Basis.default, None, None)]


def test_inheritance_is_one_level_only() -> None:
    # The grandparent names 各级政府; the parent's own text names nobody: default.
    text = "各级政府要抓好以下工作。（一）稳增长。一是扩大内需；二是稳定外需。"
    parent_own = Span(text.index("（一）"), text.index("一是"))
    child = Span(text.index("一是"), text.index("二是"))
    assert [a.basis for a in assign_actors(text, child, parent_own)] == [Basis.default]


def test_two_requirements_of_one_text() -> None:
    # Each span finds the mentions of its own sentences, at their places in the text.
    text = "一是各级政府要稳就业。二是企业要稳岗位。"
    first = assign_actors(text, Span(0, 10), None)
    second = assign_actors(text, Span(10, len(text)), None)
    assert [a.category for a in first] == [A.lower_government]
    assert [a.category for a in second] == [A.enterprises_institutions]
    assert second[0].char_start == text.index("企业")


@pytest.mark.skipif(not SENTENCES.exists(), reason="shared eval data not present")
def test_dev_sentences_micro_f1_floor() -> None:
    """The actor rule on its own, over 255 real sentences (annotators agree at 0.976)."""
    tp = fp = fn = 0
    for item in json.loads(SENTENCES.read_text("utf-8")):
        gold = set(item["categories"])
        pred = {c.value for c in explicit(item["sentence"])}
        tp, fp, fn = tp + len(pred & gold), fp + len(pred - gold), fn + len(gold - pred)
    assert 2 * tp / (2 * tp + fp + fn) >= 0.95

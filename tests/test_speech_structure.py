"""The structure of leaders' speeches and reports (ANNOTATION.md §1–2), one failure class a test:
the top level of a speech without `一、`, targets against tasks, paragraph items beside an inline
list, the send-off, stance sections, lists of reasons, invisible characters and hard wraps."""

from __future__ import annotations

from extractors.pipeline import extract_text
from schemas import Speech


def extract(text: str):
    speech = Speech(source="t.txt", sha256="0", title="t", encoding="utf-8", chars=len(text), year=2026)
    return extract_text(text, speech)


def reqs(text: str) -> list[tuple[str, str]]:
    return [(r.path, r.heading) for r in extract(text).requirements]


def kinds(text: str) -> list[tuple[str, str]]:
    return [(s.path, s.kind.value) for s in extract(text).sections]


# -- 8. invisible and odd characters ------------------------------------------------

_PLAIN = (
    "同志们：\n"
    "今天召开全县安全生产工作会议，我讲三点意见。\n"
    "一、今年重点工作\n"
    "（一）压实安全责任\n"
    "各乡镇要落实属地管理责任。\n"
    "各部门要落实监管责任。\n"
    "（二）抓好隐患排查\n"
    "要开展拉网式排查，做到不留死角。\n"
)


def test_invisible_characters_never_change_the_outline_and_offsets_index_the_text():
    odd = (
        "同志们：\u200d\n"
        "\u3000\u3000今天召开全县安全生产工作会议，我讲三点意见。\n"
        "\ufeff一、今年重点工作\n"
        "\u00a0\u00a0（一）压实安全\u200b责任\n"
        "各乡镇要落实属地\u200b管理责任。\n"
        "各部门要落实监管责任。\u200d\n"
        "（二）\u200b抓好隐患排查\n"
        "要开展拉网式排查，做到不留死角。\n"
    )
    plain = extract(_PLAIN)
    assert [(r.path, r.heading) for r in plain.requirements] == [
        ("1.1.1", "各乡镇要落实属地管理责任。"),
        ("1.1.2", "各部门要落实监管责任。"),
        ("1.2", "抓好隐患排查"),
    ]
    got = extract(odd)
    assert [(r.path, r.heading) for r in got.requirements] == [
        (r.path, r.heading) for r in plain.requirements
    ]
    assert [(s.path, s.kind) for s in got.sections] == [(s.path, s.kind) for s in plain.sections]
    for r in got.requirements:
        assert r.text == odd[r.char_start : r.char_end]
    assert got.requirements[0].text == "各乡镇要落实属地\u200b管理责任。"
    assert [[a.category for a in r.actors] for r in got.requirements] == [
        [a.category for a in r.actors] for r in plain.requirements
    ]


# -- 4. the send-off ------------------------------------------------------------------


def test_a_long_send_off_after_the_last_group_is_no_item_even_with_directives():
    text = (
        "同志们：\n"
        "一、今年重点工作\n"
        "（一）抓好项目建设。要加快重大项目开工。\n"
        "（二）加强作风建设。各级干部要转变作风，深入基层。\n"
        "同志们！回望来路，我们县从一个贫困县成长为全省发展先进县，靠的是一代又一代人的接续奋斗。\n"
        "面对新的形势和任务，全县党员干部必须增强忧患意识，保持昂扬斗志。\n"
        "事业发展需要年轻干部接续奋斗。全县上下都要关心年轻干部成长。\n"
        "让我们更加紧密地团结起来，为谱写高质量发展新篇章而努力奋斗！\n"
    )
    assert reqs(text) == [("1.1", "抓好项目建设。"), ("1.2", "加强作风建设。")]


def test_a_one_paragraph_send_off_that_ends_in_an_exclamation_is_no_item():
    text = (
        "同志们：\n"
        "一、做好今年工作\n"
        "第一，稳定粮食生产。各乡镇要落实播种面积。\n"
        "第二，抓好防汛备汛。水利部门要排查隐患。\n"
        "同志们！任务艰巨，时间紧迫。我们要坚定信心、顽强拼搏，夺取全年工作的全面胜利！\n"
    )
    assert reqs(text) == [("1.1", "稳定粮食生产。"), ("1.2", "抓好防汛备汛。")]

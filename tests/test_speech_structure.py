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

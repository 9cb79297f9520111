"""The outline parser (ANNOTATION.md §1): marker families, depth by nesting, real-world text."""

from __future__ import annotations

import re
from pathlib import Path

from extractors import extract_text
from extractors.decode import read_speech
from extractors.outline import Node, parse_outline
from extractors.text import paragraphs


def _path(node: Node) -> str:
    parts = []
    while node.parent is not None:
        parts.append(str(node.index))
        node = node.parent
    return ".".join(reversed(parts))


def nodes(text: str) -> list[tuple[str, str]]:
    """(path, marker) of every enumerated node, in document order."""
    root = parse_outline(text).root
    return [(_path(n), n.marker) for n in root.walk() if n.parent is not None]


def test_numbered_families_nest_section_group_item():
    text = (
        "同志们：\n"
        "一、工作回顾\n过去一年取得了成绩。\n"
        "二、重点工作\n"
        "（一）加强党建。\n"
        "第一，要压实责任。\n一是书记要带头。\n二是班子要配合。\n"
        "第二，要严格监督。\n"
        "（二）推进发展。\n"
        "1.抓项目。要加快建设。\n2.抓招商。要优化环境。\n"
    )
    assert nodes(text) == [
        ("1", "一、"),
        ("2", "二、"),
        ("2.1", "（一）"),
        ("2.1.1", "第一，"),
        ("2.1.1.1", "一是"),
        ("2.1.1.2", "二是"),
        ("2.1.2", "第二，"),
        ("2.2", "（二）"),
        ("2.2.1", "1."),
        ("2.2.2", "2."),
    ]


def test_same_family_at_two_depths():
    text = (
        "一、过去一年\n一是经济增长了。\n二是民生改善了。\n"
        "二、今年工作\n第一，抓好改革。\n一是深化国企改革。\n二是优化营商环境。\n"
    )
    assert nodes(text) == [
        ("1", "一、"),
        ("1.1", "一是"),
        ("1.2", "二是"),
        ("2", "二、"),
        ("2.1", "第一，"),
        ("2.1.1", "一是"),
        ("2.1.2", "二是"),
    ]


def test_item_families_at_two_depths():
    # 一要 under a group, then （1） and ① under it; 1、 directly under a section.
    text = (
        "一、重点工作\n（一）抓作风。\n一要纠治四风。\n（1）要查摆问题。\n（2）要整改到位。\n"
        "二要惩治腐败。\n①要严查案件。\n②要追缴赃款。\n"
        "二、工作要求\n1、要加强领导。\n2、要强化督查。\n"
    )
    assert nodes(text) == [
        ("1", "一、"),
        ("1.1", "（一）"),
        ("1.1.1", "一要"),
        ("1.1.1.1", "（1）"),
        ("1.1.1.2", "（2）"),
        ("1.1.2", "二要"),
        ("1.1.2.1", "①"),
        ("1.1.2.2", "②"),
        ("2", "二、"),
        ("2.1", "1、"),
        ("2.2", "2、"),
    ]


def test_part_sequence_words_and_half_width_brackets():
    text = (
        "第一部分 回顾\n过去一年取得了成绩。\n"
        "第二部分 任务\n(一)抓改革。\n首先，要深化改革。\n其次，要扩大开放。\n最后，要抓好落实。\n"
        "(二)抓民生。\n要办好实事。\n"
    )
    assert nodes(text) == [
        ("1", "第一部分"),
        ("2", "第二部分"),
        ("2.1", "(一)"),
        ("2.1.1", "首先，"),
        ("2.1.2", "其次，"),
        ("2.1.3", "最后，"),
        ("2.2", "(二)"),
    ]


def test_dash_list_and_groups_side_by_side_are_numbered_together():
    text = (
        "一、主要目标任务\n实现上述目标，必须做到：\n"
        "——更加注重创新。要强化科技。\n——更加注重协调。要统筹城乡。\n"
        "推动高质量发展，必须集中攻坚。\n"
        "（一）聚焦创新，发展新质生产力。要加强研发。\n（二）聚焦开放，畅通经济循环。要扩大开放。\n"
    )
    assert nodes(text) == [("1", "一、"), ("1.1", "——"), ("1.2", "——"), ("1.3", "（一）"), ("1.4", "（二）")]


def test_unnumbered_headings_are_sections_when_the_speech_opens_with_one():
    text = (
        "各位代表！\n我代表国务院作报告。\n"
        "过去五年的工作\n五年来取得了显著成绩。\n"
        "今后的任务\n今后五年要完成以下任务。\n"
        "一、发展农业\n要稳定粮食生产。\n二、发展工业\n要加快技术改造。\n"
        "结束语\n各位代表！\n让我们团结奋斗！\n"
    )
    assert nodes(text) == [("1", ""), ("2", ""), ("2.1", "一、"), ("2.2", "二、"), ("3", "")]


def test_full_width_digits_and_indentation():
    text = "一、重点工作\n\u3000\u3000１．要抓项目。\n\xa0\xa0２．要抓招商。\n"
    assert nodes(text) == [("1", "一、"), ("1.1", "１．"), ("1.2", "２．")]


def test_lone_first_is_prose_not_a_list():
    text = "首先，我代表党中央向大家问好。\n今天请大家来座谈。\n"
    assert nodes(text) == []


def test_front_matter_before_the_address_is_left_out():
    text = (
        "2026年政府工作报告\n——2026年1月在省人民代表大会上\n省长 某某\n各位代表：\n一、回顾\n取得了成绩。\n"
    )
    assert nodes(text) == [("1", "一、")]


def test_address_lines_are_not_paragraphs():
    text = "同志们：\n今天开会。\n各位代表！\n要抓好落实。\n"
    assert [text[p.start : p.end] for p in paragraphs(text)] == ["今天开会。", "要抓好落实。"]


def test_hard_wrapped_lines_join_into_one_paragraph_with_exact_offsets():
    body = "要加快建设现代化产业体系推动传统产业转型升级培育壮大新兴产业和未来产业" * 2 + "。"
    wrapped = "\n".join(body[i : i + 20] for i in range(0, len(body), 20))
    text = "一、重点工作\n" + "\n\n".join([wrapped] * 4) + "\n"
    paras = paragraphs(text)
    assert len(paras) == 5  # the heading line and four wrapped paragraphs
    for p in paras[1:]:
        assert text[p.start : p.end].replace("\n", "") == body


def test_unnumbered_section_headings_with_a_comma():
    """The seed speech with its `一、` `二、` `三、` taken off: its headings
    (`充分肯定成绩，进一步增强…信心和决心`) carry a comma and run past 25 characters, yet
    they are the sections, and the requirements keep the paths of the numbered text."""
    speech, text = read_speech(
        Path(__file__).resolve().parent.parent / "corpus" / "000_party_building_city_gov.txt"
    )
    bare = re.sub(r"^(\s*)[一二三]、", r"\1", text, flags=re.M)
    assert bare != text and "一、" not in bare.split("\n")[2]
    numbered, unnumbered = extract_text(text, speech), extract_text(bare, speech)
    assert [s.kind.value for s in unnumbered.sections] == ["review", "problems", "tasks"]
    assert unnumbered.sections[0].heading == "充分肯定成绩，进一步增强抓好政府系统党的建设工作的信心和决心"
    assert [r.path for r in unnumbered.requirements] == [r.path for r in numbered.requirements]
    assert len(unnumbered.requirements) == 11
    for r in unnumbered.requirements:
        assert bare[r.char_start : r.char_end] == r.text


def test_markdown_headings_and_bold_markers():
    """An office's .md file: `## 一、…` sections and `**一是…。**` bold items give the
    same requirements as the plain text, each span starting at its marker."""
    speech, text = read_speech(
        Path(__file__).resolve().parent.parent / "corpus" / "000_party_building_city_gov.txt"
    )
    md = re.sub(r"^\s*([一二三]、)", r"## \1", text, flags=re.M)
    md = re.sub(r"^(\s*)([一二三四五][是要][^。]*。)", r"\1**\2**", md, flags=re.M)
    assert md.count("**一是") == 3 and md.count("## ") == 3
    plain, marked = extract_text(text, speech), extract_text(md, speech)

    def key(x):
        return [(r.path, r.heading, sorted(a.category.value for a in r.actors)) for r in x.requirements]

    assert key(marked) == key(plain)
    assert [s.kind.value for s in marked.sections] == ["review", "problems", "tasks"]
    for r in marked.requirements:
        assert md[r.char_start : r.char_end] == r.text
        assert r.text[:2] in {"一是", "二是", "三是", "四是", "五是", "一要", "二要", "三要"}

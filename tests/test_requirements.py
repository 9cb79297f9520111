"""Requirements (ANNOTATION.md §2): which units are requirements, their paths and headings."""

from __future__ import annotations

from pathlib import Path

from extractors.pipeline import extract_text
from schemas import Speech

SEED = Path(__file__).resolve().parent.parent / "corpus" / "000_party_building_city_gov.txt"


def extract(text: str):
    speech = Speech(source="t.txt", sha256="0", title="t", encoding="utf-8", chars=len(text), year=2026)
    return extract_text(text, speech)


def reqs(text: str) -> list[tuple[str, str]]:
    return [(r.path, r.heading) for r in extract(text).requirements]


def test_seed_speech_has_its_eleven_requirements():
    text = SEED.read_text(encoding="utf-8")
    assert reqs(text) == [
        ("3.1.1", "管党治党主体责任要“扛”起来。"),
        ("3.1.2", "党组自身建设要“实”起来。"),
        ("3.1.3", "党内法规执行要“严”起来。"),
        ("3.1.4", "基层组织建设要“强”起来。"),
        ("3.1.5", "党建问效问责要“硬”起来。"),
        ("3.2.1", "驰而不息纠治“四风”。"),
        ("3.2.2", "保持惩治腐败高压态势。"),
        ("3.2.3", "强化干事创业正向激励。"),
        ("3.3.1", "既定发展目标要坚决完成。"),
        ("3.3.2", "风险防控要全面加强。"),
        ("3.3.3", "民生保障要守好兜牢。"),
    ]


def test_items_are_the_leaves_and_own_text_is_not_a_requirement():
    text = (
        "一、重点工作\n"
        "第一，要压实责任。全市上下要把党建放在首位。\n"
        "一是书记要带头。书记要亲自抓。\n"
        "二是班子要配合。班子成员要分工负责。\n"
        "第二，要严格监督。\n"
        "一要查摆问题。\n二要整改到位。\n"
    )
    assert reqs(text) == [
        ("1.1.1", "书记要带头。"),
        ("1.1.2", "班子要配合。"),
        ("1.2.1", "查摆问题。"),
        ("1.2.2", "整改到位。"),
    ]


def test_paragraphs_are_items_and_a_heading_alone_is_not():
    text = (
        "一、今年重点工作\n"
        "（一）扩大内需\n"
        "提振消费。要实施专项行动。\n"
        "扩大投资。要加快项目建设。\n"
        "（二）深化改革，激发活力。要推进国企改革。\n"
        "优化营商环境。要清理不合理规定。\n"
    )
    assert reqs(text) == [
        ("1.1.1", "提振消费。"),
        ("1.1.2", "扩大投资。"),
        ("1.2.1", "深化改革，激发活力。"),
        ("1.2.2", "优化营商环境。"),
    ]


def test_a_one_paragraph_group_is_itself_the_requirement():
    text = (
        "三、2026年重点工作\n今年要重点抓好以下工作。\n"
        "（一）巩固经济向好势头。要扩大内需，稳定外贸。\n"
        "（二）推动科技创新\n要加快构建创新生态。\n"
    )
    assert reqs(text) == [("1.1", "巩固经济向好势头。"), ("1.2", "推动科技创新")]


def test_a_paragraph_that_asks_for_nothing_keeps_its_place():
    text = (
        "一、重点工作\n（一）推进统一\n"
        "港澳回归以来，实践日益丰富。\n"
        "要全面准确贯彻方针。\n"
        "统一是历史的必然，就一定能够实现。\n"
        "我们郑重呼吁，早日结束敌对状态。\n"
    )
    assert reqs(text) == [("1.1.2", "要全面准确贯彻方针。"), ("1.1.4", "我们郑重呼吁，早日结束敌对状态。")]


def test_inline_enumeration_hangs_under_its_paragraph():
    text = (
        "一、重点工作\n（一）深化改革\n"
        "要推进财税改革。\n"
        "企业改革的基本任务，一是转换经营机制；二是进行战略性改组；三是加强管理。要坚定信心。\n"
        "（二）抓好三件事：一是稳就业；二是保民生。\n"
    )
    assert reqs(text) == [
        ("1.1.1", "要推进财税改革。"),
        ("1.1.2.1", "转换经营机制；"),
        ("1.1.2.2", "进行战略性改组；"),
        ("1.1.2.3", "加强管理。"),
        ("1.2.1", "稳就业；"),
        ("1.2.2", "保民生。"),
    ]


def test_a_list_on_its_own_lines_after_a_lead_in_hangs_under_it():
    text = (
        "一、重点工作\n（一）增强获得感\n"
        "加强民生建设。要做好就业工作。\n"
        "加强文化建设。要保护文化遗产。\n"
        "今年要再办好一批民生实事。\n"
        "1.医疗卫生方面。要减轻生育费用。\n"
        "2.养老帮困方面。要新增护理床位。\n"
        "（二）加强政府建设\n要全面加强政治建设。\n"
    )
    assert reqs(text) == [
        ("1.1.1", "加强民生建设。"),
        ("1.1.2", "加强文化建设。"),
        ("1.1.3.1", "医疗卫生方面。"),
        ("1.1.3.2", "养老帮困方面。"),
        ("1.2", "加强政府建设"),
    ]


def test_review_items_are_not_requirements():
    text = (
        "一、过去一年工作回顾\n一年来，我们主要做了以下工作。\n"
        "一是加强宏观调控。经济增长了5%。\n二是深化改革开放。出台了一批改革举措。\n"
        "二、今年重点工作\n（一）扩大内需。要实施提振消费行动。\n"
    )
    assert reqs(text) == [("2.1", "扩大内需。")]


def test_addresses_and_closing_paragraphs_are_not_requirements():
    text = (
        "各位代表：\n现在我代表政府作报告。\n"
        "一、今年重点工作\n（一）加强自身建设\n"
        "要依法行政。\n"
        "各位代表！\n"
        "我们要全力支持国防建设。\n"
        "各位代表，走在前列使命在肩。我们要持续加强自身建设。\n"
        "各位代表，奋斗创造历史。让我们团结奋斗！\n"
    )
    assert reqs(text) == [
        ("1.1.1", "要依法行政。"),
        ("1.1.2", "我们要全力支持国防建设。"),
        ("1.1.3", "走在前列使命在肩。"),
    ]


def test_sub_heading_lines_head_the_paragraph_below():
    text = (
        "一、今年主要工作\n（一）促进开放\n"
        "稳步扩大制度型开放。\n"
        "研究提升贸易便利化水平的措施，推动缩减跨境服务贸易负面清单，加快建设国际化营商环境，"
        "扩大电信、医疗等领域开放，支持企业拓展国际市场，全面提升贸易投资自由化便利化水平。\n"
        "激发经营主体活力。\n"
        "加大国资国企改革力度，在人事、考核激励等方面推出若干改革举措，支持民营企业参与重大项目建设，"
        "破除各类市场准入障碍，完善政企沟通机制，依法保护企业家合法权益和企业产权。\n"
    )
    assert reqs(text) == [("1.1.1", "稳步扩大制度型开放。"), ("1.1.2", "激发经营主体活力。")]


def test_hard_wrapped_requirement_keeps_exact_offsets():
    # four different paragraphs (a paragraph repeating the one before it is a copy, no item)
    bodies = [
        f"要加快建设现代化产业体系推动{field}转型升级培育壮大新兴产业和未来产业" * 2 + "。"
        for field in ("传统产业", "制造业", "服务业", "农业")
    ]
    wrapped = ["\n".join(body[i : i + 20] for i in range(0, len(body), 20)) for body in bodies]
    text = "一、重点工作\n（一）建设产业体系\n" + "\n\n".join(wrapped) + "\n"
    result = extract(text)
    assert [r.path for r in result.requirements] == ["1.1.1", "1.1.2", "1.1.3", "1.1.4"]
    for r, body in zip(result.requirements, bodies, strict=True):
        assert r.text == text[r.char_start : r.char_end]
        assert r.heading == body
        assert "\n" in r.text


def test_measures_are_the_directive_sentences():
    text = "一、重点工作\n（一）抓好党建。党的建设十分重要。要强化书记责任。要健全考核机制。\n"
    (req,) = extract(text).requirements
    assert req.measures == ["要强化书记责任。", "要健全考核机制。"]


def test_items_opened_by_an_ordinal_and_zhua_are_enumerated():
    # a township's 年度部署 of `一抓…，促…。` paragraphs (held-out am): the section's own
    # paragraph is no requirement, each 抓 paragraph is an item
    text = (
        "同志们：\n\n一、全年重点工作\n\n今年，镇党委确定了“三抓三促”的思路，大家要一项一项抓落实。\n\n"
        "一抓招商引资，促项目落地。镇招商办要主动上门招商，每季度至少外出招商一次。\n\n"
        "二抓农田水利，促粮食增产。各村要在汛前完成塘堰清淤，确保灌溉用水。\n\n"
        "三抓平安建设，促社会稳定。镇综治中心要推动矛盾纠纷就地化解。\n"
    )
    assert reqs(text) == [
        ("1.1", "招商引资，促项目落地。"),
        ("1.2", "农田水利，促粮食增产。"),
        ("1.3", "平安建设，促社会稳定。"),
    ]


def test_label_lines_under_a_lists_last_member_stay_with_it():
    # `责任领导：…；责任单位：…` lines under each project of a list after its lead-in
    # (held-out al): the last project's lines are its own, the paragraph after stays an item
    text = (
        "同志们：\n\n一、盯住重点项目\n\n（一）攻坚滞后项目。下面两个项目必须集中力量攻坚：\n\n"
        "1.城东污水处理厂项目。要在8月底前完成设备安装。\n责任领导：副县长王强；责任单位：县住建局。\n\n"
        "2.县体育馆项目。要在9月底前完成主体封顶。\n责任领导：副县长李明；责任单位：县文旅局、城关镇。\n\n"
        "对这两个项目，县重点项目服务中心要实行周调度。\n\n（二）抓好新开工项目。县发改委要逐个排查未开工原因。\n"
    )
    out = extract(text).requirements
    assert [r.path for r in out] == ["1.1.1.1", "1.1.1.2", "1.1.2", "1.2"]
    last = out[1]
    assert last.text.endswith("责任单位：县文旅局、城关镇。")
    assert {a.category.value for a in last.actors} == {"leadership_member", "department", "lower_government"}


def test_spoken_parts_named_as_things_and_a_transcripts_sign_off():
    # `第一个事，…` parts of a transcript (held-out ap); `好，我就讲这些。` ends the send-off
    text = (
        "同志们：\n\n今天主要调度一下招商工作。下面，我讲两个事。\n\n"
        "第一个事，要把招商引资抓在手上。\n\n各乡镇主要负责同志要亲自带队外出招商。\n\n"
        "第二个事，要在项目落地上下真功夫。\n\n县发改委要在5月底前梳理签约未开工项目。\n\n"
        "同志们，招商没有捷径可走。希望大家把压力变成动力，确保二季度有一个明显起色。好，我就讲这些。\n"
    )
    out = extract(text)
    assert [(s.path, s.heading) for s in out.sections] == [
        ("1", "要把招商引资抓在手上。"),
        ("2", "要在项目落地上下真功夫。"),
    ]
    # each part is one paragraph under its heading line: the part is the requirement (§2)
    assert [(r.path, r.heading) for r in out.requirements] == [
        ("1", "要把招商引资抓在手上。"),
        ("2", "要在项目落地上下真功夫。"),
    ]

"""Section kinds (ANNOTATION.md §1): heading cues, plans by coverage, body signals."""

from __future__ import annotations

from extractors.pipeline import extract_text
from schemas import Speech


def kinds(text: str) -> list[tuple[str, str]]:
    speech = Speech(source="t.txt", sha256="0", title="t", encoding="utf-8", chars=len(text), year=2026)
    return [(s.heading, s.kind.value) for s in extract_text(text, speech).sections]


def test_heading_cues_name_the_kind():
    text = (
        "同志们：\n"
        "一、充分肯定成绩\n过去一年取得了显著成效。\n"
        "二、敢于正视问题\n一是有的部门责任落实不到位。\n二是有的干部作风不实。\n"
        "三、认清形势\n当前国际形势复杂。\n"
        "四、总体要求和政策取向\n今年要坚持稳中求进。\n"
        "五、重点工作\n（一）扩大内需。要实施提振消费行动。\n"
    )
    assert kinds(text) == [
        ("充分肯定成绩", "review"),
        ("敢于正视问题", "problems"),
        ("认清形势", "situation"),
        ("总体要求和政策取向", "targets"),
        ("重点工作", "tasks"),
    ]


def test_a_part_that_conveys_a_higher_meeting_is_no_tasks_part():
    # 传达 then 贯彻意见 (held-out an): the meeting's demands are quoted, not the speaker's
    text = (
        "同志们：\n\n一、全省安全生产工作会议主要精神\n\n会议指出，当前安全生产形势依然严峻复杂。\n\n"
        "会议要求，各市要压紧压实安全生产责任，要深入开展隐患排查整治，要加强应急值守。\n\n"
        "二、我市贯彻落实意见\n\n（一）压实责任。各县（市、区）要落实属地管理责任。\n"
    )
    assert kinds(text) == [("全省安全生产工作会议主要精神", "situation"), ("我市贯彻落实意见", "tasks")]
    speech = Speech(source="t.txt", sha256="0", title="t", encoding="utf-8", chars=len(text))
    assert [r.path for r in extract_text(text, speech).requirements] == ["2.1"]


def test_a_plan_section_is_tasks_when_work_items_carry_most_of_it():
    work = "要加快建设现代化产业体系，推动传统产业改造升级，培育壮大新兴产业。"
    principles = "“十五五”时期经济社会发展的总体要求是：坚持稳中求进工作总基调，坚持新发展理念。"
    text = (
        "一、“十五五”时期主要目标任务\n" + principles + "\n"
        "（一）发展新质生产力。" + work * 3 + "\n（二）扩大内需。" + work * 3 + "\n"
        "二、“十五五”时期总体要求和目标任务\n" + principles * 6 + "\n"
        "（一）发展新质生产力。" + work + "\n"
    )
    assert kinds(text) == [
        ("“十五五”时期主要目标任务", "tasks"),
        ("“十五五”时期总体要求和目标任务", "targets"),
    ]


def test_the_body_decides_without_a_heading_cue():
    text = (
        "一、改革开放的历史进程\n"
        "三十年来，我们取得了举世瞩目的成就，经济总量增长了十倍，人民生活显著改善。"
        "过去的成绩来之不易，我们积累了宝贵经验。\n"
        "二、走和平发展道路\n"
        "当今世界正处在大变革之中，和平与发展仍然是时代主题，国际形势总体稳定，"
        "世界各国相互依存，全球性挑战增多。\n"
        "三、关于经济体制改革\n"
        "要深化国有企业改革。要加快建立市场体系。必须健全宏观调控。\n"
    )
    assert kinds(text) == [
        ("改革开放的历史进程", "review"),
        ("走和平发展道路", "situation"),
        ("关于经济体制改革", "tasks"),
    ]


def test_a_closing_heading_makes_a_closing_section():
    text = (
        "各位代表！\n我代表政府作报告。\n"
        "过去五年的工作\n五年来取得了显著成绩。\n"
        "今后的任务\n今后五年要完成以下任务。\n一、发展农业\n要稳定粮食生产。\n"
        "结束语\n各位代表！\n让我们团结奋斗！\n"
    )
    assert kinds(text) == [("过去五年的工作", "review"), ("今后的任务", "tasks"), ("结束语", "closing")]


def _section_lines(path, heading: str) -> list[str]:
    """The lines of a real speech from `heading` to the next section marker or address."""
    lines = [ln.strip() for ln in path.read_text("utf-8").split("\n")]
    start = lines.index(heading)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(("五、", "各位代表")))
    return lines[start:end]


# Part three of the 17th party congress report (2007): the guiding idea and four
# principles, each an enumerated `――必须坚持…` paragraph (first sentences as printed).
SCIENTIFIC_OUTLOOK = (
    "三、深入贯彻落实科学发展观\n"
    "科学发展观，第一要义是发展，核心是以人为本，基本要求是全面协调可持续，根本方法是统筹兼顾。\n"
    "――必须坚持把发展作为党执政兴国的第一要务。发展，对于全面建设小康社会、加快推进社会主义现代化，"
    "具有决定性意义。\n"
    "――必须坚持以人为本。全心全意为人民服务是党的根本宗旨，党的一切奋斗和工作都是为了造福人民。\n"
    "――必须坚持全面协调可持续发展。要按照中国特色社会主义事业总体布局，全面推进经济建设、政治建设、"
    "文化建设、社会建设。\n"
    "――必须坚持统筹兼顾。要正确认识和妥善处理中国特色社会主义事业中的重大关系。\n"
)


def test_a_list_of_principles_is_targets_though_its_heading_has_a_work_verb():
    """`落实` names tasks in most headings; a section whose parts are mostly `必须坚持…`
    sets principles (ANNOTATION.md §1 `targets`), and none of its parts is a requirement."""
    speech = Speech(source="t.txt", sha256="0", title="t", encoding="utf-8", chars=0, year=2007)
    result = extract_text(SCIENTIFIC_OUTLOOK, speech)
    assert [(s.heading, s.kind.value) for s in result.sections] == [("深入贯彻落实科学发展观", "targets")]
    assert result.requirements == []


def test_a_work_section_with_one_principle_among_its_groups_stays_tasks():
    """Shanghai 2026, part four: `（一）坚持政治引领…` is one group of four."""
    from tests.conftest import ROOT

    lines = _section_lines(ROOT / "corpus" / "015_gwr_2026_shanghai.txt", "四、深入推进政府治理创新")
    assert [ln[:3] for ln in lines[2:]] == ["（一）", "（二）", "（三）", "（四）"]
    assert kinds("\n".join(lines) + "\n") == [("深入推进政府治理创新", "tasks")]


def test_a_principles_list_under_a_strong_tasks_heading_stays_tasks():
    body = SCIENTIFIC_OUTLOOK.replace("三、深入贯彻落实科学发展观", "三、今后五年的主要任务")
    assert kinds(body) == [("今后五年的主要任务", "tasks")]

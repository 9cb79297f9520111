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


def test_an_address_opened_paragraph_stressing_the_work_stays_an_item_before_the_send_off():
    # held-out s 4.5: `同志们，我再强调一下，…县应急管理局要…` goes on with the last part's work (§2);
    # the send-off is the paragraph after it.
    text = (
        "同志们：\n下面，我讲两点意见。\n"
        "一、认清形势\n当前汛期临近，防汛形势严峻复杂。\n"
        "二、压实责任\n"
        "各乡镇党委书记要切实扛起第一责任人责任，亲自部署、亲自检查。\n"
        "县直有关部门要按照职责分工，各司其职、密切配合。\n"
        "同志们，我再强调一下，值班值守决不能出任何纰漏。县应急管理局要每天抽查各乡镇值班情况，发现脱岗的立即通报。\n"
        "同志们，防汛工作责任重于泰山。希望大家以高度负责的态度，坚决打赢防汛这场硬仗！\n"
    )
    assert [p for p, _ in reqs(text)] == ["2.1", "2.2", "2.3"]


# -- 1. speech structure --------------------------------------------------------------


def test_a_speech_without_sections_markers_takes_its_first_list_as_sections():
    # The opening (with its own 一是 list of results) is no section; `第一，…第三，` are.
    text = (
        "同志们：\n"
        "这次集中整治开展以来，取得了明显成效。\n"
        "一是作风明显转变。干部下基层多了。\n"
        "二是群众满意度提高了。\n"
        "下面，我讲三点意见。\n"
        "第一，必须把整治成果巩固好。各级党委要建立长效机制。\n"
        "整治工作不能一阵风。要坚持常态长效，防止反弹回潮。\n"
        "第二，必须把基层减负落到实处。\n"
        "要精简文件会议，严控督查检查考核数量。\n"
        "第三，必须把责任压实。纪检监察机关要加强监督检查。\n"
    )
    got = extract(text)
    assert [(s.path, s.marker, s.kind.value) for s in got.sections] == [
        ("1", "第一，", "tasks"),
        ("2", "第二，", "tasks"),
        ("3", "第三，", "tasks"),
    ]
    assert [(r.path, r.heading) for r in got.requirements] == [
        ("1.1", "必须把整治成果巩固好。"),
        ("1.2", "整治工作不能一阵风。"),
        ("2", "必须把基层减负落到实处。"),  # a heading line and one paragraph: the part itself
        ("3", "必须把责任压实。"),
    ]


def test_parts_named_as_questions_are_sections():
    text = (
        "同志们：\n"
        "今天我讲两个问题。\n"
        "第一个问题，关于今年的成绩\n"
        "一年来，全县经济增长了百分之六，完成了各项目标任务。\n"
        "第二个问题，关于下一步工作\n"
        "（一）抓好春耕生产。各乡镇要抓紧备足农资。\n"
        "（二）抓好招商引资。商务局要牵头制定招商计划。\n"
    )
    got = extract(text)
    assert [(s.path, s.marker, s.kind.value) for s in got.sections] == [
        ("1", "第一个问题，", "review"),
        ("2", "第二个问题，", "tasks"),
    ]
    assert [(r.path, r.heading) for r in got.requirements] == [
        ("2.1", "抓好春耕生产。"),
        ("2.2", "抓好招商引资。"),
    ]


# -- 2. targets against tasks --------------------------------------------------------


def test_a_plan_whose_lists_name_goals_is_targets_and_one_of_work_is_tasks():
    goals = (
        "一、“十五五”时期主要目标任务\n"
        "今后五年，我们将重点推动以下方面实现突破。\n"
        "一是产业升级实现新突破。制造业增加值占比达到30%左右。\n"
        "二是城乡融合实现新突破。城镇化率提高到65%。\n"
        "三是生态建设取得重大进展。森林覆盖率保持在60%以上。\n"
    )
    work = (
        goals.replace("一是产业升级实现新突破。", "一是加快产业升级。")
        .replace("二是城乡融合实现新突破。", "二是推进城乡融合。")
        .replace("三是生态建设取得重大进展。", "三是加强生态建设。")
    )
    assert kinds(goals) == [("1", "targets")]
    assert reqs(goals) == []
    assert kinds(work) == [("1", "tasks")]
    assert reqs(work) == [("1.1", "加快产业升级。"), ("1.2", "推进城乡融合。"), ("1.3", "加强生态建设。")]


def test_a_goals_and_requirements_part_that_is_mostly_demands_is_tasks():
    text = (
        "一、准确把握这次活动的目标要求\n"
        "第一，抓好理论学习。各级党组织要组织党员干部读原著、学原文，领导干部要带头讲党课。\n"
        "第二，抓好调查研究。要围绕群众急难愁盼问题开展调研，形成调研报告。\n"
        "第三，抓好整改落实。要建立问题清单，逐项整改销号。\n"
    )
    assert kinds(text) == [("1", "tasks")]
    assert reqs(text) == [("1.1", "抓好理论学习。"), ("1.2", "抓好调查研究。"), ("1.3", "抓好整改落实。")]


# -- 5. stance sections ---------------------------------------------------------------


def test_a_stance_section_is_situation_and_one_that_demands_is_tasks():
    stance = (
        "一、推进祖国和平统一大业\n"
        "“一国两制”是完全正确的，具有强大生命力。\n"
        "我们将坚定不移地贯彻“一国两制”方针，全力支持特别行政区政府依法施政。\n"
        "坚持一个中国原则，是两岸关系和平发展的政治基础。\n"
        "两岸同胞是血脉相连的命运共同体。\n"
        "祖国完全统一就一定能够实现。\n"
    )
    assert kinds(stance) == [("1", "situation")]
    assert reqs(stance) == []
    demands = (
        "一、推进祖国和平统一大业\n"
        "我们要全面准确贯彻“一国两制”方针。\n"
        "我们要持续推进两岸交流合作，深化经济合作。\n"
        "坚持一个中国原则，是两岸关系和平发展的政治基础。\n"
        "我们要切实保护台湾同胞权益。\n"
    )
    assert kinds(demands) == [("1", "tasks")]


# -- a line broken inside a word (issue 17) -----------------------------------------


def test_a_line_broken_inside_a_word_continues_its_paragraph_and_a_heading_line_does_not():
    typed = (
        "一、今年重点工作\n"
        "（一）稳定金融运行\n"
        "要保持货币供应量和社会融资规模合理增长，按照货币流通规律适当控制信贷规模，防止物价大起大落。\n"
        "要加强金融监管，防范化解金融风险。\n"
    )
    broken = typed.replace("适当控制", "适当控\n制")
    assert (
        reqs(broken)
        == reqs(typed)
        == [
            (
                "1.1.1",
                "要保持货币供应量和社会融资规模合理增长，按照货币流通规律适当控制信贷规模，防止物价大起大落。",
            ),
            ("1.1.2", "要加强金融监管，防范化解金融风险。"),
        ]
    )
    first = extract(broken).requirements[0]
    assert first.text == broken[first.char_start : first.char_end]
    assert "控\n制" in first.text
    # A heading line, and a paragraph whose 。 was lost, stay apart from the line below.
    text = (
        "一、今年重点工作\n"
        "（一）大力发展农业生产和加强基础设施建设，以保持国民经济的持续稳定增长\n"
        "要稳定粮食播种面积，加强农田水利建设。\n"
        "（二）抓好工业生产\n"
        "今年工业生产要保持稳定增长，企业经济效益要明显提高\n"
        "要继续抓好企业整顿，提高产品质量。\n"
    )
    assert reqs(text) == [
        ("1.1", "大力发展农业生产和加强基础设施建设，以保持国民经济的持续稳定增长"),
        ("1.2.1", "今年工业生产要保持稳定增长，企业经济效益要明显提高"),
        ("1.2.2", "要继续抓好企业整顿，提高产品质量。"),
    ]


def test_notes_after_the_speech_are_a_section_of_kind_other_with_no_requirements():
    text = (
        "一、今年重点工作\n"
        "（一）抓好“两重”建设。要加快推进重大项目。\n"
        "（二）实施“三个一批”。各地要抓好项目谋划。\n"
        "名词解释\n"
        "1.“两重”：国家重大战略实施和重点领域安全能力建设。\n"
        "2.“三个一批”：谋划一批、开工一批、建成一批。\n"
    )
    got = extract(text)
    assert [(s.path, s.heading, s.kind.value) for s in got.sections] == [
        ("1", "今年重点工作", "tasks"),
        ("2", "名词解释", "other"),
    ]
    assert [(r.path, r.heading) for r in got.requirements] == [
        ("1.1", "抓好“两重”建设。"),
        ("1.2", "实施“三个一批”。"),
    ]
    notes = got.sections[1]
    assert text[notes.char_start : notes.char_end].startswith("名词解释\n1.")


# -- 3. paragraph items beside an inline list -----------------------------------------


def test_paragraphs_carrying_inline_lists_lead_them_and_the_other_paragraphs_stay_items():
    text = (
        "一、今年重点工作\n"
        "（一）扩大有效需求\n"
        "要保持宏观政策连续性稳定性，增强针对性有效性。\n"
        "实施更加积极的财政政策。一是合理安排赤字规模。今年赤字率拟按3%左右安排。\n"
        "这样安排主要考虑到财政收支矛盾仍然突出。\n"
        "二是优化财政支出结构，加大民生投入。\n"
        "实施适度宽松的货币政策。一要保持流动性合理充裕。\n"
        "二要引导金融机构加大对小微企业的支持。\n"
        "积极扩大居民消费。要落实带薪休假制度，培育消费热点。\n"
        "着力优化投资结构。各级政府投资要集中保重点。\n"
    )
    assert reqs(text) == [
        ("1.1.1", "要保持宏观政策连续性稳定性，增强针对性有效性。"),
        ("1.1.2.1", "合理安排赤字规模。"),
        ("1.1.2.2", "优化财政支出结构，加大民生投入。"),
        ("1.1.3.1", "保持流动性合理充裕。"),
        ("1.1.3.2", "引导金融机构加大对小微企业的支持。"),
        ("1.1.4", "积极扩大居民消费。"),
        ("1.1.5", "着力优化投资结构。"),
    ]
    first = extract(text).requirements[1]
    assert (
        first.text
        == "一是合理安排赤字规模。今年赤字率拟按3%左右安排。\n这样安排主要考虑到财政收支矛盾仍然突出。"
    )


def test_in_a_section_without_groups_a_paragraph_with_an_inline_list_keeps_the_lead_in_list_apart():
    text = (
        "一、“十五五”发展的主要考虑\n"
        "“十五五”时期是夯实基础、全面发力的关键时期。\n"
        "提出这些目标，主要考虑：一是战略机遇叠加，我们要抢抓机遇。二是责任使命在肩，必须挑起大梁。\n"
        "规划明确的重点任务，落实中要把握三个方面：\n"
        "一是聚力发展新质生产力。要加快科技攻关。\n"
        "二是聚力深化改革开放。要持续优化营商环境。\n"
        "三是聚力增进民生福祉。要办好民生实事。\n"
    )
    assert [(p, h) for p, h in reqs(text)] == [
        ("1.2.1", "战略机遇叠加，我们要抢抓机遇。"),
        ("1.2.2", "责任使命在肩，必须挑起大梁。"),
        ("1.3.1", "聚力发展新质生产力。"),
        ("1.3.2", "聚力深化改革开放。"),
        ("1.3.3", "聚力增进民生福祉。"),
    ]


# -- 6. lists that name reasons or principles -----------------------------------------


def test_a_list_of_reasons_inside_an_item_is_no_list_of_requirements():
    text = (
        "一、今年重点工作\n"
        "（一）推进县域经济发展\n"
        "各乡镇要把发展县域经济摆在突出位置。之所以这样强调，第一，县域是经济发展的基本单元；"
        "第二，县域经济是全县发展的短板；第三，群众增收的潜力在县域。\n"
        "各部门要加强协调配合。一要建立联席会议制度；二要定期通报工作进展。\n"
    )
    assert reqs(text) == [
        ("1.1.1", "各乡镇要把发展县域经济摆在突出位置。"),
        ("1.1.2.1", "建立联席会议制度；"),
        ("1.1.2.2", "定期通报工作进展。"),
    ]


# -- held-out speeches g–i (tests/data/heldout_speeches), one class a test -------------


def test_a_problems_word_as_the_object_of_work_heads_a_tasks_section():
    # `聚焦短板` names the problems the work is about; most of the text asks (§1).
    text = (
        "同志们：\n下面，我讲两点意见。\n"
        "一、客观分析存在的突出问题\n"
        "对照先进地区，我区还存在不少差距。一是审批环节多、时限长。二是涉企检查过多过频。\n"
        "二、聚焦短板，全力打造一流营商环境\n"
        "（一）规范涉企执法检查。各执法部门要全面推行“双随机、一公开”监管，严格控制检查频次。"
        "对同一企业的多项检查，原则上要合并进行。区司法局要加强行政执法监督，9月底前完成涉企行政执法案卷评查。\n"
        "（二）强化惠企政策兑现。各部门要全面梳理惠企政策，编制政策清单，主动推送到企业。"
        "区财政局要优化资金拨付流程，确保奖补资金及时足额兑现。\n"
    )
    assert kinds(text) == [("1", "problems"), ("2", "tasks")]
    assert [p for p, _ in reqs(text)] == ["2.1", "2.2"]


def test_an_inline_list_of_dated_work_opens_items():
    # Each member opens with its date (`3月底前…`, `上半年…`): the work comes after it.
    text = (
        "同志们：\n下面，我讲一点意见。\n"
        "一、全力打造一流营商环境\n"
        "（一）提升政务服务效能。区行政审批局要牵头，重点抓好三件事：一是3月底前全面推行企业开办“一日办结”；"
        "二是上半年实现高频政务服务事项“跨省通办”；三是年内建成区级政务服务中心“综合窗口”。\n"
        "（二）规范涉企执法检查。各执法部门要严格控制检查频次。\n"
    )
    got = extract(text).requirements
    assert [(r.path, r.deadline) for r in got] == [
        ("1.1.1", "3月底前"),
        ("1.1.2", "上半年"),
        ("1.1.3", "年内"),
        ("1.2", None),
    ]


def test_a_titled_group_beside_groups_with_items_has_paragraph_items():
    # `3.` is a group like `1.` and `2.` (they have `（1）` items); its title stands alone,
    # so each paragraph under it is an item (§2), not one requirement.
    text = (
        "同志们：\n下面，我讲一点意见。\n"
        "一、突出重点，全面提升组织工作质量\n"
        "1. 建设高素质干部队伍\n"
        "（1）树立正确用人导向。各级党委（党组）要坚持新时代好干部标准。\n"
        "（2）加强年轻干部培养。市委组织部要制定年轻干部培养计划。\n"
        "2. 深入实施人才强市战略\n"
        "要聚焦主导产业发展需求，完善人才引进、培养、使用、评价、激励机制，打造近悦远来的人才生态。\n"
        "各级党委（党组）书记要当好人才工作的“第一责任人”，企事业单位要落实人才工作主体责任。\n"
    )
    assert [p for p, _ in reqs(text)] == ["1.1.1", "1.1.2", "1.2.1", "1.2.2"]


def test_paragraphs_after_a_groups_last_list_stay_its_items():
    # dev 026 (2010 report), shortened: the list hangs under its lead paragraph; the
    # paragraphs after its last member are items of the group (§2), not part of `三是`.
    text = (
        "各位代表：\n现在，我代表国务院，向大会报告政府工作。\n"
        "一、2010年主要任务\n"
        "（一）全面实施科教兴国战略和人才强国战略\n"
        "教育、科技和人才，是国家强盛、民族振兴的基石，也是综合国力的重要体现。\n"
        "优先发展教育事业。强国必先强教。只有一流的教育，才能培养一流人才，建设一流国家。\n"
        "一是推进教育改革。要解放思想，大胆突破，勇于创新，鼓励试验。\n"
        "二是促进义务教育均衡发展。在合理布局的基础上，加快推进中西部农村初中校舍改造。\n"
        "三是继续加强职业教育。以就业为目标，整合教育资源，改进教学方式。\n"
        "大力发展科学技术。要认真贯彻自主创新的方针，全面推进创新型国家建设。\n"
        "加快人才资源开发。人才是第一资源。要统筹推进各类人才队伍建设。\n"
    )
    # the first paragraph asks nothing: no item, its place kept (1.1.1)
    assert [p for p, _ in reqs(text)] == ["1.1.2.1", "1.1.2.2", "1.1.2.3", "1.1.3", "1.1.4"]


def test_a_paragraph_repeating_the_text_before_it_is_no_item_of_its_own():
    # dev 026: the source has `四是…` inline after `三是…` and then the same text again on
    # its own line; the copy gives no item, and the paragraphs after keep their numbers.
    item4 = "四是加强风险管理，提高金融监管有效性。探索建立宏观审慎管理制度，防范各类金融风险。"
    text = (
        "各位代表：\n现在，我代表国务院，向大会报告政府工作。\n"
        "一、2010年主要任务\n"
        "（一）提高宏观调控水平\n"
        "要继续实施积极的财政政策和适度宽松的货币政策，保持政策的连续性和稳定性。\n"
        "继续实施适度宽松的货币政策。一是保持货币信贷合理充裕。\n"
        "二是优化信贷结构。落实有保有控的信贷政策。\n"
        "三是积极扩大直接融资。完善多层次资本市场体系。" + item4 + "\n" + item4 + "\n"
        "积极扩大居民消费需求。继续提高农民收入、企业退休人员基本养老金。\n"
    )
    assert [p for p, _ in reqs(text)] == ["1.1.1", "1.1.2.1", "1.1.2.2", "1.1.2.3", "1.1.2.4", "1.1.3"]


def test_an_inline_first_next_last_sequence_opens_items():
    # held-out p: `首先，…；其次，…；最后，…` inside a paragraph item are its list (§1 item
    # markers), `最后` closing the numbered words.
    text = (
        "同志们：\n下面，我讲一点意见。\n"
        "一、聚焦关键环节，加快建设区域科技创新中心\n"
        "要着力强化企业创新主体地位。首先，要实施高新技术企业倍增计划，市科技局要建立高新技术企业培育库；"
        "其次，要支持龙头企业牵头组建创新联合体，承担重大科技攻关任务；最后，要落实研发费用加计扣除等政策，"
        "市税务局要确保政策应享尽享。\n"
        "要着力集聚创新人才。各县（市、区）要落实人才引进政策，为高层次人才提供住房、子女入学等保障。\n"
    )
    assert [p for p, _ in reqs(text)] == ["1.1.1", "1.1.2", "1.1.3", "1.2"]


def test_a_heading_on_why_work_matters_is_situation_though_it_names_the_work():
    # held-out q: `充分认识抓好基层党建的重要性` explains why; 抓好 names what it is about. A body
    # of few demands keeps it `situation` (§1: what most of the text does).
    text = (
        "同志们：\n下面，我讲两点意见。\n"
        "一、提高政治站位，充分认识抓好基层党建的重要性\n"
        "基层党组织是党在农村全部工作和战斗力的基础。从去年的考核情况看，全镇基层党建工作总体向好，"
        "但也存在一些村党组织引领作用不强、党员教育管理松散等问题。对此，我们必须高度重视，切实加以解决。\n"
        "二、突出工作重点，全面提升基层党建质量\n"
        "各村党支部书记要认真履行第一责任人职责，带头学习、带头攻坚。\n"
    )
    assert kinds(text) == [("1", "situation"), ("2", "tasks")]


def test_an_inline_list_whose_items_open_with_adjectives_used_as_verbs_opens_items():
    # held-out t 2.5: `稳定粮食生产`, `壮大集体经济` are work (jieba tags 稳定, 壮大 as adjectives),
    # so the inline list inside a `1、` item is its list of requirements (§1, §2).
    text = (
        "同志们：\n下面，我讲一个方面。\n"
        "一、突出重点，抓好今年各项工作\n"
        "1、全力抓好农业生产。要守牢粮食安全底线，重点做好两项工作：一是稳定生猪生产，"
        "能繁母猪存栏保持在3万头左右；二是壮大特色产业，培育茶叶、中药材等富民产业。\n"
        "2、扎实推进城市更新。县住建局要加快老旧小区改造。\n"
    )
    assert reqs(text) == [
        ("1.1.1", "稳定生猪生产，能繁母猪存栏保持在3万头左右；"),
        ("1.1.2", "壮大特色产业，培育茶叶、中药材等富民产业。"),
        ("1.2", "扎实推进城市更新。"),
    ]


def test_a_part_on_risks_and_lessons_told_in_the_past_tense_is_situation_not_review():
    # held-out s 1: no heading cue; a spoken part on risks, stakes and a lesson (`去年…发生了
    # 一起…`) uses `了` without results: it explains why the work matters (§1 situation).
    text = (
        "同志们：\n下面，我讲两点意见。\n"
        "一、安全生产这根弦，一刻也不能放松\n"
        "我们县矿山多、危化企业多，历来是事故易发、高发地区，风险隐患不容忽视。去年，邻市发生了一起"
        "尾矿库溃坝事故，造成了重大人员伤亡，教训极其深刻。有的同志存在麻痹思想和侥幸心理，"
        "以为事故离我们很远，这是十分危险的，一旦出了事就晚了。\n"
        "二、突出重点，抓好隐患排查\n"
        "县应急管理局要牵头开展尾矿库专项检查。\n"
    )
    assert kinds(text) == [("1", "situation"), ("2", "tasks")]


def test_groups_named_as_things_to_do_are_groups_of_paragraph_items():
    # held-out u: `第一件事：…` heads a group (§1 group markers, like `第一，`); its paragraphs
    # are items, and the section's own text before it is no item.
    text = (
        "同志们：\n下面，我讲一点意见。\n"
        "一、聚焦重点，抓好今年“两件事”\n"
        "今年全镇上下要集中精力抓好“两件事”。\n"
        "第一件事：发展壮大村级集体经济。\n"
        "各村要因村施策发展物业经济，年底前所有村集体经济收入达到15万元以上。\n"
        "镇农经站要加强对村级集体资产的监督管理。\n"
        "第二件事：持续改善农村人居环境。\n"
        "各村要落实“门前三包”责任制，每月开展一次评比。\n"
    )
    assert [p for p, _ in reqs(text)] == ["1.1.1", "1.1.2", "1.2"]


def test_a_list_after_a_lead_in_hangs_under_it_and_a_paragraph_after_the_list_stays_an_item():
    # held-out w 2.2: lead-in ⏎ `1.…2.…` ⏎ a paragraph with a subject of its own: the list
    # hangs under its lead-in and the paragraph after it is an item of the group (§2), not part
    # of `2.`.
    text = (
        "同志们：\n下面，我讲一点意见。\n"
        "一、聚焦关键环节，打造一流营商环境\n"
        "（一）着力降低企业经营成本\n"
        "要认真落实各项减税降费政策。重点抓好以下两项工作：\n"
        "1.全面推行惠企政策“免申即享”。县财政局要梳理各类惠企资金政策。\n"
        "2.降低企业要素成本。县发改委要清理规范水电气接入环节收费。\n"
        "各乡镇要结合本地实际，出台降低企业成本的具体措施。\n"
        "（二）着力维护公平竞争的市场秩序\n"
        "县市场监管局要牵头开展妨碍公平竞争的政策措施清理。\n"
    )
    assert [p for p, _ in reqs(text)] == ["1.1.1.1", "1.1.1.2", "1.1.2", "1.2"]


def test_a_heading_demanding_awareness_of_the_situation_over_statements_is_situation():
    # held-out v 1: `形势逼人，必须增强…紧迫感` demands an awareness; its body explains the
    # situation (rank, neighbours, chances) and asks for little (§1: what most of the text does).
    text = (
        "同志们：\n下面，我讲两句话。\n"
        "第一句话：形势逼人，必须增强抓发展的紧迫感\n"
        "我们县的经济总量在全市排第八位，与周边县区的差距还在拉大。周边县区都在铆足劲往前赶，"
        "去年一年就引进了好几个大项目。从自身看，高铁通了，区位条件明显改善，机遇就在眼前。\n"
        "第二句话：目标已定，必须拿出抓落实的硬举措\n"
        "县发改委要建立重点项目周调度制度。各乡镇要落实招商任务。\n"
    )
    assert kinds(text) == [("1", "situation"), ("2", "tasks")]


def test_a_heading_on_the_situation_and_tasks_one_faces_is_situation():
    # held-out aa 1: in `形势任务` 任务 names the situation's demands, not a tasks part; the
    # quoted 一是…三是 list of what to recognise is then no list of requirements (§1, §2).
    text = (
        "同志们：\n下面，我讲两点意见。\n"
        "一、深刻把握安全生产面临的形势任务\n"
        "去年全县安全生产形势总体平稳，但事故隐患依然存在。我们要深刻认识到：一是风险隐患还没有彻底消除；"
        "二是安全生产的责任不能有丝毫松懈；三是麻痹思想一旦出现就会酿成大祸。对此，各级党组织和广大党员干部"
        "一定要保持清醒头脑，把安全生产工作不断引向深入。\n"
        "二、突出重点，抓好隐患排查整治\n"
        "县应急管理局要牵头开展安全生产大检查。\n"
    )
    assert kinds(text) == [("1", "situation"), ("2", "tasks")]
    assert [p for p, _ in reqs(text)] == ["2"]

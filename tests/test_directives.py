"""Does a sentence ask for something? (extractors/directives.py, ANNOTATION.md §2)

A paragraph item that asks for nothing — it only looks back, states a fact, a stance,
confidence or a wish — is no requirement; a directive to our side, concrete work, an
appeal or the speaker's commitment to work keeps it. The sentences are real ones from
corpus/ and the dev speeches; each expected value was read against the guide by hand.
"""

from __future__ import annotations

import pytest

from extractors.directives import (
    asks_for_something,
    directive_sentences,
    names_work,
    one_speech,
    sentence_asks,
)
from extractors.text import Span

# A modal (要 / 必须 / 务必) and then, past adverbs, a verb: a directive.
DIRECTIVES = [
    # a repeated measure (一件一件) after the modal says how the work is done (heldout_speeches/aq)
    "今年的十件民生实事，已经在县政府工作报告中作了安排，必须一件一件抓落实，确保年底前全部完成。",
    "我们必须加强基础工业和基础设施的建设，否则经济发展没有后劲。",
    "全国各方要认真做好思想教育工作、卫生技术工作和幼儿保健工作，使广大群众自觉自愿地和安全有效地实行计划生育。",
    "全市政府系统务必把巡视巡察和专项督查整改工作做深做实，切实提高党组自身建设水平。",
    "要在全社会大力弘扬劳动精神，提倡通过诚实劳动来实现人生的梦想、改变自己的命运。",
    "党的自身建设也必须进行改革，以适应改革开放的新形势。",
    # 深化改革: jieba reads one abbreviation (tag j) that opens with a listed verb (深化)
    "必须全面深化改革，坚持和完善基本经济制度，建立现代产权制度，基本建成法治政府。",
]

# A modal jieba glues to its neighbour: a junk dictionary phrase (要带头), words its HMM
# makes up (督查室要 → 室要, 要树牢), still a modal and a verb (tokens.py `_unglued`).
GLUED = [
    "各级领导干部要带头做坚持原则、严守纪律、维护大局、加强团结的模范。",  # pool/cpc14
    "党员领导干部首先是高级干部要带头学好用好。",  # pool/cpc14
    "市委督查室要加强跟踪督办，对推进不力的及时通报。",  # tests/data/heldout_speeches/f
    "各级领导干部要树牢正确政绩观，力戒形式主义、官僚主义，把更多精力放在抓落实上。",
]

# A modal and an idiom that is a verb: jieba tags 落实 an adjective (贯彻落实) and reads a
# verb and its object as one idiom (解放思想).
IDIOMS = [
    "我们要认真贯彻落实第十次全国对口支援新疆工作会议精神，发挥好援受双方两个积极性。",  # pool/新疆 2026
    "我国改革已进入攻坚阶段，必须进一步解放思想，全面深化经济体制改革。",  # pool/2013
    "切实加强和改进各条战线特别是学校的思想政治工作；",  # pool/1987: 特别是 joins, no 是 of a topic
    # 会同 (jieba: a noun) opens the work (heldout_speeches/n)
    "市应急管理局要会同有关部门，建立重大事故隐患动态清零机制，对排查出的重大隐患实行挂牌督办。",
    # 会同 glued to the level of the next unit's name (jieba: 会同县, a county) is a verb (heldout_speeches/ag)
    "县交通运输局要会同县城管局，加强对建筑渣土运输车辆的管理。",
    # 当好 (a trigger of ANNOTATION.md §3) is a verb though jieba tags it an adverb (heldout_speeches/u)
    "各社区党组织书记要当好居民的“贴心人”，把群众的事当成自己的事。",
    # 牢记 (jieba: a noun) and 弘扬 (jieba: a person's name) after a modal are verbs
    # (heldout_speeches/ak; corpus/015 上海 2026)
    "我们要始终牢记人民政府前面的“人民”二字，加快建设人民满意的服务型政府。",
    "我们要大力弘扬驰而不息的龙马精神，始终保持万马奔腾的闯劲干劲。",
    # 指导 (jieba: a noun) and 跟上 (jieba: a locative) after a modal (heldout_speeches/ap)
    "县委宣传部要指导县融媒体中心开设招商引资专栏。",
    "另外，宣传也要跟上。",
    "各乡镇主要负责同志要亲自带队外出招商。",  # 带队/n
]

# A clause opened by a work verb: work to do, no modal needed.
WORK = [
    # … after the date that bounds it (heldout_speeches/i)
    "3月底前全面推行企业开办“一日办结”；",
    "上半年实现高频政务服务事项“跨省通办”；",
    "加强事中事后监管，优化公共服务流程。",
    "完善农业支持政策，促进农业发展方式加快转变。",
    "加强工商行政管理和物价管理，严格执行市场管理法规，形成正常的市场秩序。",
]

# The speaker's own commitment to work (我们将…) keeps a paragraph (directives.toml).
COMMITMENTS = [
    "我们将营造更加公平、更为透明、更可预期的投资环境，中国要始终成为富有吸引力的外商投资热土。",
    "我们将继续高举和平、发展、合作、共赢的旗帜，践行中国特色大国外交理念，维护国家主权、安全、发展利益。",
    "对执行不力、落实不好、问题突出的，我们将坚决亮黄牌、掏红牌。",
]

# Appeals ask whoever they name (希望…, 号召…).
APPEALS = [
    "希望我国广大知识分子充分发挥自身优势，勇于担当、敢于创新，服务社会、报效人民，努力作出新的更突出的贡献。",
    "希望我国广大青年充分展现自己的抱负和激情，胸怀理想、锤炼品格，脚踏实地、艰苦奋斗，不断书写奉献青春的时代篇章。",
]

# Past results (…了, 已经…), statements (…，是…), outlooks (必将, 就一定能够): nothing asked.
NOTHING_ASKED = [
    "通过这些相互访问，发展了我国同各国的友好合作关系。",
    "我们已经在实行对外开放这个基本国策中取得了重大成就。",
    "中共中央印发了新的《中国共产党党组工作条例》，为新形势下加强和改进党组工作提供了遵循。",
    "召开了七次全会和一次全国代表会议，就一系列重大问题及时作出正确决策，有力地推进了改革和开放。",
    "勇立潮头、引领创新，是广大知识分子应有的品格。",
    "九年来的成就，是全国各族人民团结奋斗的结果。",
    "在我们这样一个人口众多的发展中国家，这将是非常了不起的成就。",
    "我们坚定地相信，建设有中国特色的社会主义的道路，必将越走越宽广！",
    "只要我们万众一心，共克时艰，就一定能够实现全年经济社会发展目标。",
    # a verb's phrase as the subject of 是, and a condition stated (dev 026)
    "改善民生是经济发展的根本目的。",
    "没有先进文化的发展，没有全民族文明素质的提高，就不可能真正实现现代化。",
    # seeing and judging (应该看到, 就要看), a failing named (不担当不作为): dev 105
    "应该看到，在党长期执政条件下，各种弱化党的先进性、损害党的纯洁性的因素无时不有。",
    "不担当不作为，不仅成不了事，而且注定坏事、贻误大事。",
    # what can be (应该而且一定能够): confidence, no work (pool/cpc19)
    "当代中国共产党人和中国人民应该而且一定能够担负起新的文化使命，在实践创造中进行文化创造。",
    # a point of view (从…看) frames what the next clause states (heldout_speeches/n)
    "从近期全国发生的几起重大事故看，事故背后往往暴露出安全责任悬空、隐患排查走过场等问题。",
    # a time phrase of looking back is no date of work
    "五年来，我国经济实力显著增强。",  # pool/gwr_national_2006
    # a forecast (预计) reports figures, it asks for none (heldout_speeches/f)
    "预计全年地区生产总值增长5.8%，规上工业增加值增长7.1%，固定资产投资增长6.5%，城乡居民收入稳步增长。",
    # … dated, its later clauses too (pool/gwr_national_1982, the verbs made plain)
    "五年内预计农民建设住宅二十五亿平方米，在农村建设公共福利设施三亿平方米。",
]


@pytest.mark.parametrize("sentence", DIRECTIVES + GLUED + IDIOMS + WORK + COMMITMENTS + APPEALS)
def test_sentences_that_ask(sentence):
    assert sentence_asks(sentence) is True


@pytest.mark.parametrize("sentence", NOTHING_ASKED)
def test_sentences_that_ask_for_nothing(sentence):
    assert sentence_asks(sentence) is False


@pytest.mark.parametrize(
    ("sentence", "asks"),
    [
        (
            "我国高等教育已有一定的规模，在今后的一段时期内，发展的重点是提高教育质量，调整层次和结构，而不是扩大学校规模和增加学校数量。",
            True,
        ),
        ("科技、教育、文化工作的根本任务，是提高全民族的思想道德素质、科学文化素质和创新能力。", True),
        ("这次大会的中心任务是加快和深化改革。", True),
        # `更重要的是 + verb`: the pseudo-cleft names work, past a statement (`…是重要的`)
        ("进口必要的成套设备是重要的，更重要的是引进先进的制造技术和工艺。", True),
        ("现在，最重要的是走好第二步。", True),
        ("历史交给我们的任务是伟大而艰巨的。", False),  # 是 + an adjective: a statement
        ("增加进口的重点，是短缺的资源性产品、高新技术和关键技术设备。", False),  # 是 + things
    ],
)
def test_the_agenda_names_work_when_a_verb_follows(sentence, asks):
    """`重点是 / 根本任务是 + verb` names the work to do; followed by anything else it does not."""
    assert sentence_asks(sentence) is asks


@pytest.mark.parametrize(
    "sentence",
    ["今年工作的重点是进一步。", "今年工作的重点是进一步", "重点是切实", "重点是"],
)
def test_a_sentence_ending_in_adverbs_after_the_agenda_asks_for_nothing(sentence):
    """Regression: only adverbs after 重点是 (a sentence cut short, as OCR leaves it) raised
    IndexError, which failed the whole speech's extraction."""
    assert sentence_asks(sentence) is False


def test_directive_sentences_of_a_paragraph_are_the_ones_that_ask():
    past = NOTHING_ASKED[1]
    work = DIRECTIVES[0]
    text = "　　" + past + work
    spans = directive_sentences(text, Span(2, len(text)))
    assert [text[s.start : s.end] for s in spans] == [work]
    assert asks_for_something(text, Span(2, len(text)))
    assert not asks_for_something(text, Span(2, 2 + len(past)))


def test_within_one_speech_each_sentence_keeps_its_answer():
    text = NOTHING_ASKED[0] + DIRECTIVES[1] + NOTHING_ASKED[0]
    outside = directive_sentences(text, Span(0, len(text)))
    with one_speech():
        first = directive_sentences(text, Span(0, len(text)))
        again = directive_sentences(text, Span(0, len(text)))
    assert first == again == outside
    assert len(outside) == 1


# Statements, results and nouns that look like demands (ANNOTATION.md §2: a paragraph
# that states a fact, a stance or a result asks for nothing).
LOOK_LIKE_DEMANDS = [
    # a modal inside `是 … 的 + noun`: the attributive names a thing
    "这是新时期党的建设必须解决的最重大的课题。",
    "这是在农村工作中必须牢固确立的一条重要指导思想。",
    "干净是从政必须坚守的底线，干事是我们应尽的本分。",
    "保持国际收支平衡和人民币汇率稳定，是必须坚持的方针。",
    "这是需要长期努力才能实现的。",
    # `X 是 … 的` closing a clause: a statement or a stance
    "调整、改革、整顿、提高四方面的任务是互相联系、互相促进的，但是调整是目前国民经济全局的关键。",
    "在全面改革的深刻变革中，保持安定团结是非常必要的，也是很不容易的。",
    "根据目前我国经济的发展情况和趋势，实现这个目标是完全可能的。",
    "凡是有利于统一的主张，我们都是支持的；",
    # a subject of its own, then 取得 + a result: a result reported
    "推进户籍制度改革，出台居住证制度，加强城镇基础设施建设，新型城镇化取得新成效。",
    "全面完成优化营商环境58条改革举措，十大攻坚任务取得明显成效。",
    "重视科技强军，国防科研取得一批重要成果，后勤保障能力不断提高。",
    "坚持不懈夯实农业基础，防灾减灾和综合生产能力稳步提高，乡村全面振兴取得新成效。",
    # 希望 as a noun (the object of 把, after 的): no appeal
    "党和人民总是把自己的最大希望，寄托在代表未来的蓬勃向上的青年身上。",
    "努力发扬马克思主义的科学精神和创造活力，振奋起全民族探索创新的勇气，是我们的理论和事业不断发展的希望所在。",
]

# Demands that share those words: they keep asking.
STILL_DEMANDS = [
    # jieba joins 要 to the verb (要念, a noun); after the subject it is modal + verb
    "我们要念之再三、铭之肺腑，多谋民生之利，多解民生之忧。",
    # 是…的 inside a condition; the main clause demands
    "对来自知识分子的意见和批评，只要出发点是好的，就要热忱欢迎，对的就要积极采纳。",
    # 就是要 + an object: the modal is the predicate, not inside an attributive
    "我们讲整顿，就是要把现有企业特别是一部分目前管理混乱的企业坚决整顿好。",
    # 取得 without a subject of its own (a preposition opens the clause): work to do
    "集中必要的力量，在基础研究的优势领域取得进展。",
    # a past result, then a modal: the directive wins
    "近年来，各级人大的工作取得了很大进展，今后应继续完善人大及其常委会的各项职能，加强立法工作和法律监督。",
    "我们希望台湾当局顺应民心，认清形势，积极响应《告台湾同胞书》的号召，为台湾早日归回祖国，共同发展四个现代化的建国大业，做出宝贵的贡献。",
]


@pytest.mark.parametrize("sentence", LOOK_LIKE_DEMANDS)
def test_statements_results_and_nouns_ask_for_nothing(sentence):
    assert sentence_asks(sentence) is False


@pytest.mark.parametrize("sentence", STILL_DEMANDS)
def test_demands_sharing_those_words_still_ask(sentence):
    assert sentence_asks(sentence) is True


def test_a_glued_modal_is_cut_off_but_real_words_stay_whole():
    from extractors.tokens import tagged_tokens

    words = [
        w
        for w, _tag in tagged_tokens(
            "各级领导干部要带头落实，市委督查室要督办。治国之要在于安民，主要任务是需要的。"
        )
    ]
    assert words[3:5] == ["要", "带头"]
    assert "室" in words and words[words.index("室") + 1] == "要"
    for real in ("之要", "主要", "需要"):
        assert real in words


@pytest.mark.parametrize(
    "item",
    [
        # building verbs jieba reads as names (新建/ns, 续建/nr) open a list's items (heldout_speeches/ak)
        "新建社区嵌入式养老服务设施30处。",
        "续建城区污水管网28公里。",
    ],
)
def test_an_item_opened_by_a_building_verb_names_work(item):
    assert names_work(item, Span(0, len(item)))

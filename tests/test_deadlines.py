"""Deadlines (ANNOTATION.md §4): the phrase as written, framing dropped, and its date."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.deadlines import find_deadline, resolve, resolve_deadline
from extractors.text import Span
from schemas import DeadlineBasis

AS_WRITTEN, SPEECH_YEAR, YEARS = (
    DeadlineBasis.as_written,
    DeadlineBasis.speech_year,
    DeadlineBasis.years_from_speech_year,
)


def deadline(text: str, year: int | None = 2025) -> tuple[str | None, date | None]:
    phrase, due, _basis = find_deadline(text, Span(0, len(text)), None, year)
    return phrase, due


@pytest.mark.parametrize(
    ("text", "phrase", "due"),
    [
        ("到2030年，基本建成现代化产业体系。", "2030年", date(2030, 12, 31)),
        ("力争到2027年底前全面完成改造任务。", "2027年底前", date(2027, 12, 31)),
        # full-width digits (GBK-era and OCR texts): the phrase as written, the same date
        ("到２０３０年，基本建成现代化产业体系。", "２０３０年", date(2030, 12, 31)),
        ("各地要在６月底前报送实施方案。", "６月底前", date(2025, 6, 30)),
        ("从今年起，全面推行零基预算改革。", "今年", date(2025, 12, 31)),
        ("今年要办好十件民生实事。", "今年", date(2025, 12, 31)),
        ("年底前完成全部老旧小区改造。", "年底前", date(2025, 12, 31)),
        ("各县（市、区）要在6月底前报送实施方案。", "6月底前", date(2025, 6, 30)),
        ("一季度要实现开门红。", "一季度", date(2025, 3, 31)),
        ("上半年要完成项目签约。", "上半年", date(2025, 6, 30)),
        ("努力完成全年就业目标任务。", "全年", date(2025, 12, 31)),
        # a count of years runs from the speech's year (2025), that year the first
        (
            "中央提出，要用三年左右的时间，使大多数国有大中型亏损企业摆脱困境。",
            "三年左右的时间",
            date(2027, 12, 31),
        ),
        ("在今后五年内，要努力创造条件，逐步理顺政府同企事业单位的关系。", "今后五年内", date(2029, 12, 31)),
        ("凡是长期亏损的企业，都必须在今后一年内扭亏为盈。", "今后一年内", date(2025, 12, 31)),
        ("两年内基本完成城镇棚户区改造。", "两年内", date(2026, 12, 31)),
        # 已 in an attributive (已签约项目) of a demand is no statement of the past
        # (tests/data/heldout_speeches/a)
        (
            "对已签约项目，要逐一明确开工时间节点，确保签约项目年底前开工率达到70%以上。",
            "年底前",
            date(2025, 12, 31),
        ),
        # a named period as written (ANNOTATION.md §4); a five-year plan ends in its fifth year
        ("“十五五”时期，要加快建设现代化产业体系。", "“十五五”时期", date(2030, 12, 31)),
        ("过渡期内，要严格落实摘帽不摘责任的要求。", "过渡期内", None),
        # a date gives the bound before a named period that bounds as visibly (dev 016)
        ("“十五五”时期主要目标任务。到2030年，经济实力大幅跃升。", "2030年", date(2030, 12, 31)),
        # a season the work must precede (held-out o, b): as written, no date
        ("县农业农村局要健全监测预警体系，汛前完成农田水利设施检修。", "汛前", None),
        # a count of months needs the speech's date, which is not known: no date
        ("三个月内把新部委组建起来并投入运行。", "三个月内", None),
        # holidays and yearly events the work must precede, as written (held-out r, s)
        ("端午节前，各乡镇要完成一次河道清障。", "端午节前", None),
        ("县教育局要抓紧推进校舍改造，春季开学前全部投入使用。", "春季开学前", None),
        ("各村要在入冬前完成危房排查。", "入冬前", None),
        # the current quarter and a named season of work (held-out s)
        ("县住建局要本季度完成全部燃气管道排查。", "本季度", None),
        ("今冬明春，各乡镇要集中开展一次清理整治。", "今冬明春", None),
        # … written with 到来/来临 and 之前 (held-out z)
        ("镇自然资源所要在汛期来临之前完成隐患点核查。", "汛期来临之前", None),
        # a season before an idiom jieba tags a noun (投入使用) still bounds it (held-out ab)
        ("县教育局要加快新建学校建设，确保秋季开学前投入使用。", "秋季开学前", None),
        # a bound and then work: 已 in the work's object (已签约项目) is no statement of the past (held-out ac)
        (
            "县住建局要逐一梳理手续办理情况，9月底前实现已签约项目开工率达到80%以上。",
            "9月底前",
            date(2025, 9, 30),
        ),
        # a repeated measure after 必须 still asks, so 已经 in the sentence's first clause is no
        # statement of the past (held-out aq)
        (
            "今年的十件民生实事，已经在县政府工作报告中作了安排，必须一件一件抓落实，确保年底前全部完成。",
            "年底前",
            date(2025, 12, 31),
        ),
        # a modal before 安排: a demand bounded by the year, no amount dated (held-out ar)
        ("今年要安排资金3亿元，用于老旧小区改造。", "今年", date(2025, 12, 31)),
        # … and 把 before the work: 去年 dates its object, not the work (held-out ap)
        (
            "县财政局要在6月底前把去年兑现不到位的优惠政策资金全部兑付到位。",
            "6月底前",
            date(2025, 6, 30),
        ),
    ],
)
def test_the_bounding_phrase_and_its_date(text: str, phrase: str, due: date | None) -> None:
    assert deadline(text) == (phrase, due)


@pytest.mark.parametrize(
    "text",
    [
        "今年是“十五五”开局之年。",  # dates a situation
        "今年预算安排教育支出增长5%。",  # dates an amount
        "今年中央预算内投资拟安排7350亿元。",  # a planned amount (ANNOTATION.md §4: 今年拟安排…亿元)
        "今年就业形势依然严峻，工作上不能有丝毫松懈。",  # dates a situation
        "全力做好汛前各项准备。",  # a season in a name of work (an attribute), no bound
        "当前已进入汛前准备的关键时期，各乡镇要抓紧抓实各项准备工作。",  # dates a situation
        "深入实施制造业三年行动，推动产业升级。",  # a programme's name
        "办好二〇〇八年奥运会、残奥会和二〇一〇年世博会。",  # dates in names of events
        "2021年，我们已经提拔使用驻村干部XX人。",  # what was done
        "人均地区生产总值比2020年翻一番。",  # a comparison
        "要长期坚持，推动作风建设常态化长效化。",  # ongoing words
        "贯彻落实《2035年远景目标纲要》。",  # a title
        # the year's work named as a frame, as 新的一年 is (held-out t; pool 山西, 广西 2026)
        "做好今年工作，关键在于狠抓落实。",
        "全面做好明年的工作，必须坚持稳中求进。",
        "抓好今年的“三农”工作，关键在人。",  # held-out u
        "防汛工作，重在汛前准备。",  # names the work (held-out z), no bound
        "各乡镇要做好汛前准备和安全生产工作。",  # a season naming a noun beside another (held-out ab)
        "三季度工作任务重、时间紧，各部门一定要增强紧迫感。",  # dates a situation (held-out ab)
        # an indicator's level, dated: no bound on work (held-out t, w)
        "全年粮食播种面积稳定在120万亩以上。",
        "全年制造业贷款增速不低于各项贷款平均增速。",
        # an amount allocated, dated (ANNOTATION.md §4: 今年拟安排…亿元): held-out ak, pool 2006
        "实施重大项目攻坚行动，全年安排市级重点项目320个，年度计划投资860亿元。",
        "国家今年再安排30亿元国债资金，重点支持煤矿瓦斯综合治理和利用的科技攻关试点工程。",
        # … with the allocated things named before 安排 (held-out ar)
        "积极扩大有效投资。今年省级重点项目安排1600个、年度计划投资1.2万亿元。",
        # the phrase describes the object the clause puts first (held-out al)
        "对计划上半年开工但尚未开工的14个项目，要逐个排查原因。",
        # the year's work named after 对, as after 做好 (held-out an)
        "市委农村工作会议对今年工作作出了全面部署，我们要认真抓好贯彻落实。",
        # the phrase dates a past act (held-out am; pool 1984, 2006)
        "今年，镇党委研究确定了“六抓六促”的工作思路，全镇上下要紧扣这个思路抓落实。",
        "近几年，我们在安全生产方面采取了一系列措施，取得了一定成效。",
    ],
)
def test_no_deadline(text: str) -> None:
    assert deadline(text) == (None, None)


def test_inherited_from_the_parents_own_text() -> None:
    text = "今年要办好十件实事：一是新建改建城乡道路；二是新增托位。"
    parent_own = Span(0, text.index("一是"))
    child = Span(text.index("一是"), text.index("二是"))
    assert find_deadline(text, child, parent_own, 2024) == ("今年", date(2024, 12, 31), SPEECH_YEAR)


def test_own_phrase_wins_over_the_parents() -> None:
    text = "今年要办好十件实事：一是6月底前完成道路改造；二是新增托位。"
    parent_own = Span(0, text.index("一是"))
    child = Span(text.index("一是"), text.index("二是"))
    assert find_deadline(text, child, parent_own, 2024) == ("6月底前", date(2024, 6, 30), SPEECH_YEAR)


def test_the_phrase_that_bounds_the_work_wins() -> None:
    text = "要充分认识今年就业工作的极端重要性，努力完成全年就业目标任务。"
    assert deadline(text, 2021) == ("全年", date(2021, 12, 31))


def test_a_bound_wins_over_a_year_that_dates_what_the_sentence_names() -> None:
    # 今年 opens the sentence but dates the projects it names (held-out t 2.4)
    text = "今年市政府确定的八项重点工程，每一项都要有专班推进。市交通局要加快东环路建设，确保年内通车。"
    assert deadline(text) == ("年内", date(2025, 12, 31))


def test_without_the_speech_year_relative_phrases_stay_text() -> None:
    assert deadline("年底前完成全部改造。", None) == ("年底前", None)
    assert deadline("在今后五年内，要理顺关系。", None) == ("今后五年内", None)
    assert deadline("到2030年，基本建成。", None) == ("2030年", date(2030, 12, 31))


@pytest.mark.parametrize(
    ("phrase", "year", "due"),
    [
        ("1 9 9 8 年", None, date(1998, 12, 31)),  # spaced digits of older reports
        ("一九八五年", None, date(1985, 12, 31)),
        ("本世纪末", 1998, date(2000, 12, 31)),
        ("明年", 2025, date(2026, 12, 31)),
        ("3月31日前", 2025, date(2025, 3, 31)),
        ("三季度末", 2025, date(2025, 9, 30)),
        # the 13th five-year plan: 今后五年 in the 2016 work report is 2016–2020
        ("今后五年", 2016, date(2020, 12, 31)),
        ("未来三年", 2025, date(2027, 12, 31)),
        ("十年内", 2002, date(2011, 12, 31)),
        ("两年之内", 2016, date(2017, 12, 31)),
        ("今后五年", None, None),
        ("半年内", 2025, None),
        ("近几年", 2025, None),
    ],
)
def test_resolve(phrase: str, year: int | None, due: date | None) -> None:
    assert resolve_deadline(phrase, year) == due


@pytest.mark.parametrize(
    ("phrase", "year", "due", "basis"),
    [
        ("2030年", 2025, date(2030, 12, 31), AS_WRITTEN),
        ("2027年底前", None, date(2027, 12, 31), AS_WRITTEN),
        ("一九八五年", 1983, date(1985, 12, 31), AS_WRITTEN),
        ("今年", 2025, date(2025, 12, 31), SPEECH_YEAR),
        ("6月底前", 2025, date(2025, 6, 30), SPEECH_YEAR),
        ("明年", 2025, date(2026, 12, 31), SPEECH_YEAR),
        ("本世纪末", 1998, date(2000, 12, 31), SPEECH_YEAR),
        ("今后五年", 2016, date(2020, 12, 31), YEARS),
        ("三年左右的时间", 1998, date(2000, 12, 31), YEARS),  # 三年脱困, 1998–2000
        ("三个月内", 2025, None, None),
        ("年底前", None, None, None),
    ],
)
def test_the_basis_says_how_the_date_was_derived(phrase, year, due, basis) -> None:
    assert resolve(phrase, year) == (due, basis)


def test_a_requirement_gets_the_basis_of_its_deadline(tmp_path) -> None:
    from extractors import extract_file

    speech = tmp_path / "2016_report.txt"
    speech.write_text(
        "政府工作报告\n一、今后五年的主要目标任务\n（一）今后五年，要全面建成小康社会。\n"
        "（二）要在两年内基本完成棚户区改造。\n（三）要在年底前完成全部改造。\n",
        "utf-8",
    )
    result = extract_file(speech)
    assert result.speech.year == 2016
    got = {r.heading: (r.deadline, r.deadline_date, r.deadline_basis) for r in result.requirements}
    assert got == {
        "今后五年，要全面建成小康社会。": ("今后五年", date(2020, 12, 31), YEARS),
        "要在两年内基本完成棚户区改造。": ("两年内", date(2017, 12, 31), YEARS),
        "要在年底前完成全部改造。": ("年底前", date(2016, 12, 31), SPEECH_YEAR),
    }
    (first,) = [r for r in result.model_dump(mode="json")["requirements"] if r["path"] == "1.1"]
    assert (first["deadline_date"], first["deadline_basis"]) == ("2020-12-31", "years_from_speech_year")

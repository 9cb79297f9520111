"""A floor on speeches the rules were not written for (issue 13).

tests/data/heldout_speeches/ holds three work-meeting speeches in the genre, each with a
different structure (a county secretary's `一、`/`（一）`/`一是` speech with paragraph
groups; a mayor's `第一，…第五，` speech with inline `一要…三要` lists after the part's
own text; a `第X个问题` speech with a `目标要求` part of `——` goals). Their gold was
written by hand from ANNOTATION.md before the extractor was run on them. The first run
scored req_f1 1.0, specific_f1 0.95, deadline_acc 0.75.

A second set (d–f, written in the next session, gold before the first run): a county
discipline-commission plenary speech (`（一）` groups of paragraphs, `首先…最后` items), a
flood-control meeting (`1.` items under a lead-in, an inline `一要…四要` list) and an
economic-work speech with unnumbered headings. First run: req_f1 0.933, specific_f1 0.930,
actor_f1 0.885, section_kind_acc 0.9 (modals jieba glued to a neighbour, 县…指挥部各成员单位,
official names with 和, 预计 forecasts read as work); after general fixes 1.0 / 1.0 / 1.0.
A third set (g–i: `1.`/`（1）` groups beside a titled group of paragraphs, a `第一，…第三，`
township speech, a district speech with `聚焦短板` tasks, dated inline items and `——`
items) first scored req_f1 0.765, specific_f1 0.909; after general fixes 1.0 / 1.0. A fourth
(j–l: `——` items under `一要`, `第一，` groups with an inline list, `一要…三要` as the
outermost level) scored 1.0 on every metric at its first run, with no change; so did m, a
county government work report (review groups, targets paragraph, `（一）` groups of paragraphs).
n (a long safety speech: an inline `一是…三是` list after `重点是：` beside paragraph items,
`第一，…第三，` items) first scored req_f1 0.947, specific_f1 0.952, kinds 0.667 (`要会同` read
as a noun, `从…看，` read as work, 各县（市、区）党委和政府 as one unit); after general fixes 1.0.
o–p (`第一部分` parts with `１．` items, an inline `首先，…其次，…最后，` list) first scored
req_f1 0.909, deadline_acc 0.9 (the word sequence not read inline, `汛前` not a deadline).
q (a township party-building speech: an inline list of the section's three topics, then a
paragraph on each) first scored 1.0 but section_kind_acc 0.667 (`充分认识抓好…的重要性` read
as tasks by its 抓好); after the fix 1.0.

r–t (written longer, 2,500–2,600 characters each, in styles not in a–q: a city plenary with
`一是` lists inside `（一）` paragraphs and a part's own text that feeds inheritance; a county
forest-fire transcript with `一要` paragraph items, `同志们，` interjections and `我再强调一下`
paragraphs; a county government plenary with `第一个方面` parts, `1、` items, `牵头单位：…；责任单位：…`
lines and an opening that reviews results with its own `一是` list) first scored req_f1 0.933,
specific_f1 0.956, actor_f1 0.952, deadline_acc 0.80, section_kind_acc 0.90: holidays and
seasons as bounds (清明节前, 秋季开学前, 本季度, 今冬明春), `做好今年工作` as a frame, labelled
division-of-labour lines, the subject of a `…的` attributive, village posts and utilities as
actors, adjectives used as verbs (稳定粮食生产) in an inline list, `同志们，我再说一遍，…` read as
the send-off, a part on risks and lessons read as a review. After general fixes all 1.0 but
one deadline (`全年粮食播种面积稳定在…` dates an indicator), fixed with batch u–w.

u–w (2,400–2,500 characters: a township speech of `第一件事：` groups, a county 三干会
transcript of `第一句话：` parts with `首先…最后` items and role owners as subjects, a city
speech with `一是` paragraphs ending in `（牵头单位：…）` and a `1.` list after a lead-in beside
a paragraph item) first scored req_f1 0.909, specific_f1 0.911, actor_f1 0.907, deadline_acc
0.914, section_kind_acc 0.90, path_acc 0.771 (against the gold as first written; one label,
w 2.4.2's all_units, was my error and corrected after the run). Causes: `第一件事` not a
marker, 当好 and a township's 站所 unknown, a paragraph after a lead-in's list read as part of
its last member, labels in brackets, 人民银行市分行, a year dating an indicator's level,
`形势逼人，必须增强…紧迫感` read as tasks. After general fixes: req_f1 1.0, specific_f1 0.966;
left: three subjects the rules take and the gold does not (`企业办一件事要跑好几趟`, a subject
carried past `这个任务不是摆样子的`, debtors inside `…拖欠中小企业的账款，要…`).

x–z (2,200–2,500 characters: a district safety speech hard-wrapped at 34 characters as copied
from a PDF, with a `——` list and an `附件` of `牵头单位` lines; a city 平安建设 speech with `一要`
paragraph items closed by `总之，…` and an inline `（1）…（3）` list; a township flood-control
speech whose top level is `（一）…（四）`) first scored req_f1 1.0, specific_f1 0.950, actor_f1
0.926, deadline_acc 0.90, section_kind_acc 1.0, path_acc 0.95 (the path misses were my gold's:
two paragraphs whose order changed when the text was lengthened; corrected). Causes: centres
and offices (综治中心, 党政办), 政法干警, 值班干部 unknown; 汛期来临之前 not a bound and
`重在汛前准备` read as one. After the fixes all 1.0 but one deadline (`今年…发案数要同比下降
10%以上`: the gold reads a dated target figure; the dev gold counts `今年再提高10%` as a bound,
so no rule was added).

aa–ac (a county 党风廉政 speech nested `一、`→`（一）`→`一是`→`——` with a quoted `一是` list
in its situation part; a city 常务会议 讲话提纲 of `1.` groups with `（1）` items on their own
lines; a county speech of unnumbered `关于…` parts: targets, problems of `比如` examples, then
an inline `一是…四是` list beside paragraph items) first scored req_f1 0.966, specific_f1 0.971,
actor_f1 0.962, deadline_acc 0.860, section_kind_acc 0.889 (one label, ac 3.1.3's deadline,
corrected after the run to the dev gold's reading of `…，是今年…的头号工程`). Causes: `形势任务`
read as a tasks heading (and its quoted list as requirements), 各区 and 建设企业 unknown,
`市政府各位副市长` read as the government, 投入使用 (a noun to jieba) after a season,
`做好汛前准备和…工作`, `已签约` in a bound's work read as the past, `二季度工作任务重` as a bound.
After the fixes all 1.0.

ad, af (shorter, 1,250–1,300 characters: a village party secretary's speech to villagers'
representatives whose outermost list is `一是…五是` paragraphs, each a one-paragraph section,
closed by an address-opened call and a greeting; a district speech typed with half-width
punctuation and full-width digits) first scored req_f1 1.0, specific_f1 0.944, actor_f1 0.923,
deadline_acc 1.0, section_kind_acc 1.0: only the village supervision committee (村监委会) was
unknown.

ag (a county transcript on 督察整改 whose last part ends with `最后，我再强调两点：一是…二是…`
beside paragraph items) first scored req_f1 0.947, specific_f1 1.0, deadline_acc 1.0,
section_kind_acc 1.0: one paragraph item lost because jieba reads `要会同县城管局` as 会同县 (a
county's name); fixed for any work verb glued to a unit's level.

ah (a county transcript whose parts are `首先，…`/`其次，…`/`最后，…` heading lines) first scored
req_f1 1.0, specific_f1 0.941, deadline_acc 1.0, section_kind_acc 1.0: `县直各包联部门` unknown.

ai–ak (2,100–2,900 characters: a mayor's 经济运行调度会 with a review, a problems part of `一是`
paragraphs, `（一）` groups that are one paragraph of `要…，要…，要…` chains beside a group of two
paragraphs and a titled group; a county 警示教育大会 speech whose first part reviews cases
(`第一个案例，…`) before directives, `（1）…（3）` lines under a `一是` lead-in and a part of
paragraphs that each open with `要`; a city government work report with review groups, a targets
part, `（一）` groups titled on their own line, a `1.…3.` 民生实事 list after its lead-in and a
政府自身建设 part of paragraphs) first scored req_f1 0.967, specific_f1 0.985, actor_f1 0.987,
path_acc 1.0, deadline_acc 0.966, section_kind_acc 1.0. Causes: 新建 (jieba: a place name) opening
a list item, 牢记 (jieba: a noun) after 我们要, `全年安排…项目320个` (an amount) read as a bound,
国有企业 inside `…、国有企业、…等领域` read as a subject. After general fixes all 1.0.

al–an (1,400–2,200 characters: a county 项目建设推进会 whose `（一）` lead-in carries a `1.…4.` project
list, each project followed by a `责任领导：…；责任单位：…` line, then a paragraph after the list, an
inline `一要…三要` group and a titled group; a township 年度工作会议 of `一抓…，促…。` … `六抓` paragraphs
with a part of paragraphs after; a 副书记 conveying a city meeting (`会议指出/强调/要求，…`) before
the county's 贯彻意见) first scored req_f1 0.939, specific_f1 0.960, actor_f1 0.951, path_acc 0.774,
deadline_acc 0.903, section_kind_acc 0.889. Causes: `一抓` not a marker; the last project's label
line read as a paragraph after the list (its owners lost, the next item's number shifted); named
towns (临港镇) and 经开区管委会 unknown; the conveyed part read as tasks (its quoted demands as
requirements); `对计划上半年开工…的14个项目` (a phrase describing the object), `对今年工作作出了…部署`
(the year's work named) and `今年，镇党委研究确定了…` (a past act) read as bounds. After general
fixes all 1.0.

ao–ap (a district government work report whose 民生实事 part is a lead-in and a `1.…5.` list at
section level beside titled groups of paragraphs; a county 招商引资 transcript, 根据录音整理, whose
parts are `第一个事，…` lines over spoken paragraphs, closed by `好，我就讲这些。`) first scored req_f1
0.824, specific_f1 1.0, actor_f1 1.0, path_acc 1.0, deadline_acc 1.0, section_kind_acc 0.625: the
report scored 1.0; the transcript lost everything because `第一个事` was no marker. After that fix,
further misses: the send-off not found (`我就讲这些`), 指导/跟上/带队 (jieba: noun, locative,
noun) after 要, `6月底前把去年…兑付到位` (去年 inside 把's object) read as the past. After general fixes
req_f1 0.952; left: two paragraphs of statements read as asking (`…，今年招商引资任务是签约项目60个`,
a target read as `任务是 + verb`; `靠什么吸引企业？只能靠服务、靠环境` answering a rhetorical question).

aq–ar (3,000 characters each: a county secretary at a 三级干部大会 whose `一、` parts' own text
carries directives (`各乡镇、县直各部门要…`) over `（一）` groups, some one paragraph (inheriting
that text's subjects), some paragraphs mixing `要…` with figures and rhetorical questions, one a
paragraph of only facts and a question, left out of the numbering; a provincial 政府工作报告
excerpt: a `过去一年…` review, `今年经济社会发展的主要预期目标是：…`, `（一）` groups of paragraphs
each opening with a heading sentence, `我们要…`, `年内`, `到2027年`, a 政府自身建设 part) first
scored req_f1 1.0, specific_f1 1.0, actor_f1 1.0, path_acc 1.0, deadline_acc 0.926,
section_kind_acc 1.0. Causes: `必须一件一件抓落实` (a repeated measure after the modal) not read
as asking, so `已经…作了安排` earlier in the sentence made its `年底前` the past; `今年省级重点项目
安排1600个` (the allocated things named before 安排) read as a bound. After general fixes all 1.0.

The floors sit a little below what the extractor reaches now, so a regression on unseen
speeches shows here.
"""

from __future__ import annotations

from pathlib import Path

from evaluation import score_folder

HELDOUT = Path(__file__).resolve().parent / "data" / "heldout_speeches"


def test_heldout_speeches_keep_their_floor() -> None:
    scores = score_folder(HELDOUT)
    t = scores.totals()
    assert (t["speeches"], t["gold"], t["failed"]) == (43, 435, 0)
    assert t["grounded"] == 1.0
    assert t["req_f1"] >= 0.98, t
    assert t["path_acc"] >= 0.98, t
    assert t["section_kind_acc"] >= 0.97, t
    assert t["actor_f1"] >= 0.98, t
    assert t["specific_f1"] >= 0.98, t
    assert t["deadline_acc"] >= 0.95, t

"""The actor lexicon as data: every alias is found in a sentence, rules, an office's file."""

from __future__ import annotations

import pytest

from extractors.actors import assign_actors
from extractors.lexicon import ENV_VAR, LexiconError, load_lexicon
from extractors.nlp import get_nlp
from extractors.text import Span
from schemas import ActorCategory, Basis

LEXICON = load_lexicon(None)


def mentions(sentence: str) -> list[tuple[str, ActorCategory]]:
    return [(m.text, m.category) for m in get_nlp(LEXICON).find_mentions(sentence)]


def categories(sentence: str, lexicon=None) -> set[ActorCategory]:
    return {a.category for a in assign_actors(sentence, Span(0, len(sentence)), None, lexicon=lexicon)}


def test_every_category_has_a_label_and_aliases() -> None:
    for category in ActorCategory:
        assert LEXICON.labels[category]
        assert LEXICON.aliases_of(category), category


@pytest.mark.parametrize(("alias", "category"), sorted(LEXICON.aliases.items()))
def test_every_alias_is_found_inside_a_sentence(alias: str, category: ActorCategory) -> None:
    assert (alias, category) in mentions(f"会上强调，{alias}要抓好落实。")


def test_mentions_a_segmenter_would_split_are_found() -> None:
    found = mentions("党委（党组）书记要履行第一责任，各县（市、区）要抓好落实。")
    assert ("党委（党组）书记", ActorCategory.principal) in found
    assert ("各县（市、区）", ActorCategory.lower_government) in found


def test_longest_mention_wins_an_overlap() -> None:
    # 全市政府系统 contains 市政府; 全党同志 contains 全党.
    assert mentions("全市政府系统要带头。") == [("全市政府系统", ActorCategory.all_units)]
    assert mentions("全党同志要团结。") == [("全党同志", ActorCategory.cadres)]


@pytest.mark.parametrize(
    ("sentence", "unit", "category"),
    [
        ("由市发改委牵头，制定实施方案。", "市发改委", ActorCategory.department),
        ("县农业农村局要加强指导。", "县农业农村局", ActorCategory.department),
        ("区行政审批中心要优化流程。", "区行政审批中心", ActorCategory.department),
        ("会议要求，国家电网公司要保障供电。", "国家电网公司", ActorCategory.enterprises_institutions),
    ],
)
def test_named_units_by_their_suffix(sentence: str, unit: str, category: ActorCategory) -> None:
    assert (unit, category) in mentions(sentence)


def test_a_sentence_alone_has_the_mentions_the_whole_text_gives_it() -> None:
    # Actors match only the sentences they read. A unit rule that looks behind the
    # sentence's start (。华能电力集团) still sees the mark before it: the sentence's own
    # slice would give only 集团.
    text = "各部门要抓好落实。华能电力集团要带头，市财政局负责保障。"
    nlp = get_nlp(LEXICON)
    start = text.index("华能")
    alone = nlp.find_mentions(text, start, len(text))
    assert alone == [m for m in nlp.find_mentions(text) if m.start >= start]
    assert [(m.text, m.category, m.start) for m in alone] == [
        ("华能电力集团", ActorCategory.enterprises_institutions, start),
        ("市财政局", ActorCategory.department, text.index("市财政局")),
    ]


def test_words_that_only_contain_an_alias_are_no_mention() -> None:
    # 总书记 contains 书记, 发展中国家 contains 国家: neither is one of our actors.
    assert mentions("习近平总书记强调，发展中国家要加强合作。") == []


def test_an_office_adds_a_unit(tmp_path) -> None:
    office = tmp_path / "office.toml"
    office.write_text(
        '[categories.department]\naliases = ["区块链专班", "市数据局"]\n'
        '[categories.cadres]\naliases = ["楼栋长"]\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon(office)
    assert lexicon.aliases["区块链专班"] is ActorCategory.department
    assert lexicon.aliases["党支部"] is ActorCategory.grassroots_party  # the default stays
    assert categories("区块链专班要在年底前完成平台建设。", lexicon) == {ActorCategory.department}
    assert categories("楼栋长要及时上报情况。", lexicon) == {ActorCategory.cadres}
    # without the office's file the unit is nobody: the default applies
    assert categories("区块链专班要在年底前完成平台建设。") == {ActorCategory.all_units}


def test_an_office_file_from_the_environment(tmp_path, monkeypatch) -> None:
    office = tmp_path / "office.toml"
    office.write_text('[categories.department]\naliases = ["市数据局"]\n', encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(office))
    lexicon = load_lexicon()
    assert "市数据局" in lexicon.aliases
    assignment = assign_actors("市数据局要牵头建设公共数据平台。", Span(0, 16), None, lexicon=lexicon)
    assert [(a.category, a.mention, a.basis) for a in assignment] == [
        (ActorCategory.department, "市数据局", Basis.explicit)
    ]


def test_an_office_can_reassign_an_alias(tmp_path) -> None:
    office = tmp_path / "office.toml"
    office.write_text('[categories.grassroots_party]\naliases = ["党组织"]\n', encoding="utf-8")
    assert load_lexicon(office).aliases["党组织"] is ActorCategory.grassroots_party


def test_a_bad_office_file_is_refused(tmp_path) -> None:
    office = tmp_path / "office.toml"
    office.write_text('[categories.mayors]\naliases = ["市长"]\n', encoding="utf-8")
    with pytest.raises(LexiconError, match=r"office\.toml:1: categories\.mayors: unknown category 'mayors'"):
        load_lexicon(office)

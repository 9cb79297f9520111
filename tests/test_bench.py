"""bench/corpus.py: the synthetic corpus is deterministic, the size asked for, and real text.

No timings here: measurements belong to `make bench` (bench/RESULTS.md).
"""

from __future__ import annotations

import re
from pathlib import Path

from bench.corpus import build_corpus, cn_numeral, load_pool, split_speech, synth_texts

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TOP = re.compile(r"^[一二三四五六七八九十]{1,3}、")
SENTENCE = re.compile(r"[^。！？；]+[。！？；]")


def test_cn_numerals():
    assert [cn_numeral(n) for n in (1, 9, 10, 12, 20, 23)] == ["一", "九", "十", "十二", "二十", "二十三"]


def test_split_speech_cuts_at_top_level_markers_in_sequence():
    text = "各位代表：\n开场。\n一、回顾\n过去一年。\n三、不是下一节\n二、任务\n（一）抓落实。\n"
    preamble, sections = split_speech(text)
    assert preamble == ("各位代表：", "开场。")
    assert [s.heading for s in sections] == ["回顾", "任务"]
    assert sections[0].body == ("过去一年。", "三、不是下一节")
    assert sections[1].body == ("（一）抓落实。",)


def test_build_corpus_writes_the_requested_count_deterministically(tmp_path):
    first = build_corpus(tmp_path / "a", 12, source=CORPUS, seed=3)
    again = build_corpus(tmp_path / "b", 12, source=CORPUS, seed=3)
    other = build_corpus(tmp_path / "c", 12, source=CORPUS, seed=4)
    assert len(first) == 12
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]
    assert len({p.read_bytes() for p in first}) == 12  # every file is new work


def test_a_smaller_corpus_is_a_prefix_of_a_larger_one():
    pool = load_pool(CORPUS)
    assert synth_texts(pool, 5, seed=9) == synth_texts(pool, 10, seed=9)[:5]


def test_every_paragraph_is_real_text_and_sections_are_renumbered():
    pool = load_pool(CORPUS)
    real = pool.paragraphs()
    fillers = set(pool.fillers)
    for text in synth_texts(pool, 8, seed=5):
        tops = [line for line in text.splitlines() if TOP.match(line)]
        assert [t.split("、", 1)[0] for t in tops] == [cn_numeral(i + 1) for i in range(len(tops))]
        for line in text.splitlines():
            body = TOP.sub("", line)
            if body in real:
                continue
            # a real paragraph with one real sentence appended (to keep texts distinct)
            head = next((p for p in real if body.startswith(p) and body[len(p) :] in fillers), None)
            assert head is not None, line[:40]


def test_fillers_are_real_sentences_without_list_markers():
    pool = load_pool(CORPUS)
    text = "".join(p.read_text("utf-8") for p in CORPUS.glob("*.txt"))
    assert pool.fillers
    for sentence in pool.fillers[:200]:
        assert sentence in text
        assert not re.search(r"[一二三四五六七八九十][是要、]", sentence)


def test_mean_size_follows_mean_bytes():
    pool = load_pool(CORPUS)
    texts = synth_texts(pool, 40, seed=1, mean_bytes=20_000)
    mean = sum(len(t.encode()) for t in texts) / len(texts)
    assert 10_000 < mean < 40_000
    assert all(SENTENCE.search(t) for t in texts)

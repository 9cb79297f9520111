"""Hard-wrapped text (PDF/OCR/plain-text exports): paragraphs rejoined, offsets exact.

The texts are real speeches of corpus/ re-wrapped here at a fixed width, the way an
export breaks its lines: the wrapped speech must give the requirements of the speech
as typed, with `text == decoded[char_start:char_end]`.
"""

from __future__ import annotations

import unicodedata
from itertools import pairwise
from pathlib import Path

from extractors.text import display_width


def test_display_width_counts_wide_and_ambiguous_characters_twice():
    assert display_width("") == 0
    assert display_width("GDP 5%") == 6
    assert display_width("一、总体要求") == 12
    assert display_width("“稳”的态势巩固延续…") == 22  # quotes and ellipsis are set full width
    assert display_width("增长5.2%，") == 2 * 2 + 4 + 2
    assert display_width("　　各位代表") == 12  # full-width indentation
    assert display_width("𠀀😀𐌀") == 2 + 2 + 1  # past the BMP: wide, wide, narrow


def test_display_width_agrees_with_unicodedata_on_a_real_speech(seed_path):
    for line in seed_path.read_text("utf-8").split("\n"):
        expected = sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in line)
        assert display_width(line) == expected


# ---------------------------------------------------------------- re-wrapping real text

import pytest  # noqa: E402

from extractors import extract_file  # noqa: E402
from extractors.markers import inline_list  # noqa: E402
from extractors.text import flat, paragraphs  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SHANGHAI = CORPUS / "015_gwr_2026_shanghai.txt"
REPORT_2016 = CORPUS / "012_gwr_national_2016.txt"


def rewrap(text: str, width: int, indent: str = "") -> str:
    """Each line of `text` broken at `width` full-width characters (2 × width columns),
    its first line indented by `indent`, as a fixed-width export lays a paragraph out."""
    out: list[str] = []
    for line in text.split("\n"):
        rest = line.strip()
        if not rest:
            continue
        current, used = indent, display_width(indent)
        for c in rest:
            if used + display_width(c) > 2 * width and current.strip():
                out.append(current)
                current, used = "", 0
            current += c
            used += display_width(c)
        out.append(current)
    return "\n".join(out) + "\n"


def typed_paragraphs(text: str) -> list[str]:
    return [flat(text[p.start : p.end]) for p in paragraphs(text)]


def outline_of(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    result = extract_file(path)
    return (
        [(s.path, s.kind.value) for s in result.sections],
        [(r.path, r.heading) for r in result.requirements],
    )


@pytest.mark.parametrize("indent", ["\u3000\u3000", "  "], ids=["full-width", "two-spaces"])
@pytest.mark.parametrize("width", [30, 36, 40])
def test_indented_wrapped_report_gives_the_requirements_of_the_typed_one(tmp_path, width, indent):
    typed = SHANGHAI.read_text("utf-8")
    path = tmp_path / SHANGHAI.name
    path.write_text(rewrap(typed, width, indent), "utf-8")
    assert outline_of(path) == outline_of(SHANGHAI)
    wrapped = path.read_text("utf-8")
    result = extract_file(path)
    assert len(result.requirements) > 40
    assert all(wrapped[r.char_start : r.char_end] == r.text for r in result.requirements)
    assert sum("\n" in r.text for r in result.requirements) > 20  # wraps inside, kept as written


@pytest.mark.parametrize("width", [30, 36, 40])
def test_indented_wrapped_paragraphs_are_the_typed_paragraphs(width):
    typed = SHANGHAI.read_text("utf-8")
    assert typed_paragraphs(rewrap(typed, width, "\u3000\u3000")) == typed_paragraphs(typed)


def _at_margin(indent: str = "") -> tuple[str, int]:
    """A paragraph of the Shanghai report and a width at which its last line ends its
    sentence exactly at the margin (the case a width alone cannot tell apart)."""
    for line in SHANGHAI.read_text("utf-8").split("\n"):
        para = line.strip()
        if not para.endswith("。") or display_width(para) != 2 * len(para):
            continue
        for width in range(30, 41):
            if len(para) > 2 * width and (len(para) + display_width(indent) // 2) % width == 0:
                return para, width
    raise AssertionError("no paragraph ends at the margin")


def test_a_paragraph_ending_at_the_margin_stops_before_an_indented_line():
    """The paragraph's last line is full and ends with 。: only the indentation of the
    next line tells that a new paragraph starts there."""
    para, width = _at_margin("\u3000\u3000")
    text = rewrap(f"{para}\n" * 4, width, "\u3000\u3000")
    assert {display_width(line) for line in text.splitlines()} == {2 * width}  # every line full
    assert typed_paragraphs(text) == [para] * 4


def test_a_wrapped_line_opening_with_an_inline_marker_stays_in_its_indented_paragraph():
    """`。` at the margin, then `三是…` opens the next line, flush left: the list goes on
    inside the paragraph (a new paragraph would stand indented)."""
    para = next(line for line in REPORT_2016.read_text("utf-8").split("\n") if "今年将采取三项举措" in line)
    width = next(
        w
        for w in range(20, 50)
        if any(
            a.endswith("。") and b.startswith(("二是", "三是"))
            for a, b in pairwise(rewrap(para, w, "\u3000\u3000").split("\n"))
        )
    )
    text = rewrap(f"{para}\n" * 3, width, "\u3000\u3000")
    assert typed_paragraphs(text) == [para] * 3


def test_without_indentation_a_marker_line_after_a_sentence_end_at_the_margin_starts_anew():
    para, width = _at_margin()
    group = "（二）全力推进国际科技创新中心建设"
    text = rewrap(f"{para}\n{group}\n" * 3, width)
    assert {display_width(line) for line in text.splitlines()[:3]} == {2 * width}
    assert typed_paragraphs(text) == [para, group] * 3


def test_blank_lines_separate_wrapped_paragraphs():
    para, width = _at_margin()
    text = "\n".join([rewrap(para, width)] * 4)  # a blank line between the paragraphs
    assert typed_paragraphs(text) == [para] * 4


def test_a_marker_split_by_a_hard_wrap_still_opens_an_inline_item():
    para = next(line for line in REPORT_2016.read_text("utf-8").split("\n") if "今年将采取三项举措" in line)
    cut = para.index("一是") + 1
    text = para[:cut] + "\n" + para[cut:]
    items = inline_list(text, 0, len(text))
    assert [text[m.start : m.end] for m in items] == ["一\n是", "二是", "三是"]
    assert text[items[0].end :].startswith("全面实施营改增")


def test_without_indentation_a_short_opening_sentence_after_the_margin_starts_anew():
    """Hainan 2026 opens each work paragraph with a short topic sentence (`稳步扩大制度型
    开放。`); inside its paragraphs sentences run longer. After a paragraph that ends at the
    margin, a line opening with such a sentence starts a paragraph; plain text runs on."""
    hainan = (CORPUS / "019_gwr_2026_hainan.txt").read_text("utf-8").split("\n")
    start = hainan.index("三、2026年主要工作")
    end = next(i for i in range(start + 1, len(hainan)) if hainan[i].startswith("四、"))
    work = [line.strip() for line in hainan[start:end] if line.strip()]
    topic = next(i for i, line in enumerate(work) if line.startswith("稳步扩大制度型开放。"))
    para, width = _at_margin()
    typed = [*work[:topic], para, *work[topic:]]
    assert typed_paragraphs(rewrap("\n".join(typed), width)) == typed


def test_typed_text_without_blank_lines_is_not_read_as_wrapped():
    # held-out n without its blank lines: its headings (一、…, （一）…) happen to share a
    # width of about 30 columns, but its paragraphs run to 260: no margin, every line a
    # paragraph, the same requirements as the typed text.
    typed = Path(__file__).parent / "data" / "heldout_speeches" / "n_city_anquan_long.txt"
    text = typed.read_text("utf-8")
    packed = "\n".join(line for line in text.split("\n") if line.strip())
    lines = [flat(line) for line in packed.split("\n")]
    assert [flat(packed[p.start : p.end]) for p in paragraphs(packed)] == lines[:2] + lines[
        3:
    ]  # 同志们： alone
    from extractors.pipeline import extract_text
    from schemas import Speech

    def paths(t: str) -> list[str]:
        speech = Speech(source="n.txt", sha256="0", title="n", encoding="utf-8", chars=len(t), year=2026)
        return [r.path for r in extract_text(t, speech).requirements]

    assert paths(packed) == paths(text)

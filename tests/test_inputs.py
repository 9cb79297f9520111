"""Input formats and encodings: real files made here, the seed speech's 11 requirements each time.

Pure extraction, no Prefect. The PDF is built with reportlab's built-in Adobe CJK
font (STSong-Light, not embedded: pdfminer maps it through its bundled CMaps), so a
Chinese text layer can be made offline.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from extractors import extract_file
from extractors.decode import PdfLine, decode_bytes, read_speech, rejoin_lines

SEED_PARAS_CACHE: dict[str, list[str]] = {}


def seed_text(seed_path: Path) -> str:
    return seed_path.read_text("utf-8")


def seed_paragraphs(seed_path: Path) -> list[str]:
    return [line.strip() for line in seed_text(seed_path).split("\n") if line.strip()]


def headings(path: Path) -> list[str]:
    result = extract_file(path)
    return [r.heading for r in result.requirements]


def assert_offsets_hold(path: Path) -> None:
    result = extract_file(path)
    _, text = read_speech(path)
    assert all(text[r.char_start : r.char_end] == r.text for r in result.requirements)


@pytest.fixture
def reference(seed_path) -> list[str]:
    found = headings(seed_path)
    assert len(found) == 11
    return found


@pytest.mark.parametrize(
    ("encoding", "recorded"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
def test_text_in_every_common_encoding_gives_the_same_11_requirements(
    tmp_path, seed_path, reference, encoding, recorded
):
    text = seed_text(seed_path).replace("\xa0", " ")  # GBK has no NBSP; the others keep it
    path = tmp_path / "speech.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))  # Windows line endings, too
    result = extract_file(path)
    assert result.speech.encoding == recorded
    assert [r.heading for r in result.requirements] == reference
    assert_offsets_hold(path)


def test_markdown_heading_hashes_do_not_hide_the_outline(tmp_path, seed_path, reference):
    lines = seed_text(seed_path).split("\n")
    md = "\n".join(
        "## " + ln.strip() if ln.strip().startswith(("一、", "二、", "三、")) else ln for ln in lines
    )
    path = tmp_path / "speech.md"
    path.write_text(md, "utf-8")
    assert headings(path) == reference


def test_docx_paragraphs_give_the_same_11_requirement_headings(tmp_path, seed_path, reference):
    document = docx.Document()
    document.add_paragraph("关于全市政府系统党的建设工作的讲话", style="Title")
    for para in seed_paragraphs(seed_path):
        document.add_paragraph(para)
    path = tmp_path / "2021_讲话.docx"
    document.save(path)
    result = extract_file(path)
    assert result.speech.encoding == "docx"
    assert result.speech.title == "关于全市政府系统党的建设工作的讲话"
    assert result.speech.year == 2021  # from the file name
    assert [r.heading for r in result.requirements] == reference
    assert_offsets_hold(path)


NUMBERING_XML = (
    "<w:numbering {}>"
    '<w:abstractNum w:abstractNumId="7">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
    "</w:abstractNum>"
    '<w:num w:numId="7"><w:abstractNumId w:val="7"/></w:num>'
    "</w:numbering>"
)


def test_docx_word_numbering_is_rendered_as_the_markers_it_shows(tmp_path):
    """Word's automatic numbers are not in the run text: `一、` and `（一）` must be rebuilt."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for child in parse_xml(NUMBERING_XML.format(nsdecls("w"))):
        numbering.append(child)

    def numbered(text: str, level: int) -> None:
        p = document.add_paragraph(text)
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="7"/></w:numPr>')
        )

    numbered("总体要求", 0)
    numbered("坚持稳中求进。", 1)
    numbered("坚持系统观念。", 1)
    numbered("重点任务", 0)
    numbered("扩大内需。", 1)
    path = tmp_path / "numbered.docx"
    document.save(path)
    _, text = read_speech(path)
    assert text.split("\n")[:5] == [
        "一、总体要求",
        "（一）坚持稳中求进。",
        "（二）坚持系统观念。",
        "二、重点任务",
        "（一）扩大内需。",
    ]


def build_pdf(
    paragraphs: list[str],
    title: str,
    header: str | None = None,
    indent: float = 24,
    space: float = 0,
    line_chars: int | None = None,
) -> bytes:
    """A justified, first-line-indented CJK PDF with page numbers, as Word exports it (with a
    running head on every page, or paragraphs set apart by space instead of an indent)."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle(
        "body",
        fontName="STSong-Light",
        fontSize=12,
        leading=18,
        firstLineIndent=indent,
        spaceAfter=space,
        wordWrap="CJK",
        alignment=TA_JUSTIFY,
    )

    def page_number(canvas, _doc) -> None:
        canvas.setFont("STSong-Light", 10)
        canvas.drawString(290, 30, f"— {canvas.getPageNumber()} —")
        if header:
            canvas.drawString(72, 800, header)

    buf = io.BytesIO()
    # a column of line_chars characters (the frame pads each side by 6 pt)
    margin = (595.27 - 12 * line_chars - 12) / 2 - 0.5 if line_chars else 72
    doc = SimpleDocTemplate(buf, title=title, leftMargin=margin, rightMargin=margin)
    doc.build([Paragraph(p, style) for p in paragraphs], onFirstPage=page_number, onLaterPages=page_number)
    return buf.getvalue()


def test_pdf_text_layer_rejoined_gives_the_same_11_requirement_headings(tmp_path, seed_path, reference):
    paras = seed_paragraphs(seed_path)
    path = tmp_path / "speech.pdf"
    path.write_bytes(build_pdf(paras, "全市政府系统党的建设工作会议讲话"))
    speech, text = read_speech(path)
    assert speech.encoding == "pdf"
    assert speech.title == "全市政府系统党的建设工作会议讲话"
    assert text.strip().split("\n") == paras  # hard-wrapped lines and page numbers gone
    assert headings(path) == reference
    assert_offsets_hold(path)


def test_a_running_head_on_every_page_is_not_read_as_text(tmp_path, seed_path):
    paras = seed_paragraphs(seed_path)
    path = tmp_path / "speech.pdf"
    path.write_bytes(build_pdf(paras, "讲话", header="全市政府系统党的建设工作会议材料"))
    _, text = read_speech(path)
    assert text.strip().split("\n") == paras


def test_paragraphs_set_apart_by_space_not_by_an_indent_are_told_apart(tmp_path, seed_path):
    # No indent, lines of 32 characters: the heading "一、充分肯定成绩…决心" (32) fills its line,
    # only the space after it says that it ended; and a sentence ending at a line's end does not
    # end its paragraph.
    paras = seed_paragraphs(seed_path)
    assert len(paras[2]) == 32
    path = tmp_path / "speech.pdf"
    path.write_bytes(build_pdf(paras, "讲话", indent=0, space=9, line_chars=32))
    _, text = read_speech(path)
    assert text.strip().split("\n") == paras


def test_rejoin_without_geometry_uses_sentence_ends_and_markers():
    lines = [
        "一、充分肯定成绩",  # a heading: the next line opens... no marker, but no sentence end either
        "过去一年，全市政府系统以习近平新时代中国特色社会主义思想为指导，全面贯彻党的基本理",
        "论、基本路线、基本方略。",
        "（一）管党治党主体责任要“扛”起来。",
        "二要强化党委（党组）书记第一责任人职责，",
        "做到重要工作亲自部署。",
        "— 3 —",
    ]
    assert rejoin_lines(lines).split("\n") == [
        "一、充分肯定成绩过去一年，全市政府系统以习近平新时代中国特色社会主义思想为指导，全面贯彻党的基本理论、基本路线、基本方略。",
        "（一）管党治党主体责任要“扛”起来。",
        "二要强化党委（党组）书记第一责任人职责，做到重要工作亲自部署。",
    ]


def test_rejoin_with_geometry_keeps_a_short_heading_apart_and_joins_wrapped_sentences():
    full, short, left = 500.0, 300.0, 72.0
    lines = [
        PdfLine("一、充分肯定成绩", left + 24, short),  # short line: a heading of its own
        PdfLine("过去一年，全市政府系统坚持以人民为中心。党的建设", left + 24, full),
        PdfLine("全面加强，作风建设持续深入推进。", left, short),  # continuation, then ends
        PdfLine("我们也要清醒地看到，", left + 24, full),
        PdfLine("一是主体责任落实不到位。", left, short),  # a marker after a full line: wrapped
    ]
    assert rejoin_lines(lines).split("\n") == [
        "一、充分肯定成绩",
        "过去一年，全市政府系统坚持以人民为中心。党的建设全面加强，作风建设持续深入推进。",
        "我们也要清醒地看到，一是主体责任落实不到位。",
    ]


def test_title_and_year_come_from_the_header_or_the_file_name(tmp_path):
    path = tmp_path / "019_gwr_2026_hainan.txt"
    path.write_text("政府工作报告\n——2026年1月在海南省人民代表大会上\n各位代表：\n", "utf-8")
    speech, _ = read_speech(path)
    # every year has its 政府工作报告: a generic title takes the speech's year
    assert (speech.title, speech.year) == ("2026年政府工作报告", 2026)
    # pool/gwr_national_2017: the title's last character on a line of its own
    broken = tmp_path / "gwr_national_2017.txt"
    broken.write_text("政府工作报\n告\n——2017年3月5日在第十二届全国人民代表大会第五次会议上\n", "utf-8")
    assert read_speech(broken)[0].title == "2017年政府工作报告"
    # pool/gwr_national_2015: no title line; an address with a zero-width joiner is no title
    untitled = tmp_path / "gwr_national_2015.txt"
    untitled.write_text("各位代表：\u200d\n现在，我代表国务院，向大会报告政府工作，请予审议。\n", "utf-8")
    assert read_speech(untitled)[0].title == "2015年政府工作报告"
    plain = tmp_path / "003_讲话.txt"
    plain.write_text("同志们：\n今天开会。\n", "utf-8")
    speech, _ = read_speech(plain)
    assert (speech.title, speech.year) == ("讲话", None)


def test_utf8_bom_is_recorded_and_not_part_of_the_text():
    decoded = decode_bytes("一、总体要求\n".encode("utf-8-sig"))
    assert (decoded.encoding, decoded.text) == ("utf-8-sig", "一、总体要求\n")


def test_the_scan_looks_for_exactly_the_suffixes_decode_reads_or_reports():
    from extractors.decode import SUFFIXES
    from flows.scan import SCANNED

    assert SUFFIXES == SCANNED

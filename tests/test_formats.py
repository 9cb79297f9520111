"""The formats an office really has: .doc and .wps (LibreOffice), OFD (ofdkit), scanned PDFs (OCR).

The files in tests/fixtures/formats/ were made from the seed speech by real tools
(scripts/make_format_fixtures.py --tests): LibreOffice saved it as .doc and .wps and
printed it to PDF, easyofd turned that PDF into an OFD, pdftoppm + img2pdf made pages 2
(turned 1.5°) and 1 scans (150 dpi, black and white). county.pdf and county.ofd are a
held-out test speech whose .txt has no paragraph indents, printed by LibreOffice and
turned into an OFD by easyofd. Expectations come from the .txt files.
"""

from __future__ import annotations

import math
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from extractors import extract_file, ocr, office
from extractors.decode import DecodeError, read_speech
from extractors.readers import PdfLine

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
SEED = Path(__file__).resolve().parent.parent / "corpus" / "000_party_building_city_gov.txt"
COUNTY = Path(__file__).parent / "data" / "heldout_speeches" / "a_county_secretary_yingshang.txt"
needs_soffice = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice (soffice) not installed")


def seed_paragraphs() -> list[str]:
    return [line.strip() for line in SEED.read_text("utf-8").split("\n") if line.strip()]


def read_speech_bytes(raw: bytes, path: Path) -> tuple:
    path.write_bytes(raw)
    return read_speech(path)


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


# ---------------------------------------------------------------- paragraphs from printed lines


@pytest.mark.parametrize("name", ["county.pdf", "county.ofd"])
def test_a_speech_printed_without_paragraph_indents_reads_back_as_its_paragraphs(name):
    """No indent and no space between paragraphs: only where a line stops says that a paragraph
    ended. Inside a paragraph a line may end on `。` or `；` and the next begin without a marker;
    that is no paragraph end."""
    _, text = read_speech(FIXTURES / name)
    want = [line.strip() for line in COUNTY.read_text("utf-8").split("\n") if line.strip()]
    got = text.split("\n")[:-1]
    if name.endswith(".ofd"):  # easyofd puts a quote mark a character off at times
        want, got = ([re.sub(r"[\s“”]", "", p) for p in x] for x in (want, got))
        assert [p[:12] for p in got] == [p[:12] for p in want]
    else:
        assert got == want


# ---------------------------------------------------------------- .doc / .wps


@needs_soffice
@pytest.mark.parametrize("name", ["seed.doc", "seed.wps"])
def test_a_doc_or_wps_reads_as_the_speech_it_was_saved_from(name):
    speech, text = read_speech(FIXTURES / name)
    assert speech.encoding == name.split(".")[1]
    assert text.split("\n")[:-1] == seed_paragraphs()  # one paragraph a line, nothing lost or added


@needs_soffice
def test_a_doc_gives_the_requirements_of_the_txt_grounded_in_its_own_text(tmp_path):
    want = extract_file(SEED)
    got = extract_file(FIXTURES / "seed.doc")
    assert [(r.path, squash(r.heading)) for r in got.requirements] == [
        (r.path, squash(r.heading)) for r in want.requirements
    ]
    _, text = read_speech(FIXTURES / "seed.doc")
    assert all(text[r.char_start : r.char_end] == r.text for r in got.requirements)


@needs_soffice
def test_a_batch_of_office_files_is_converted_by_one_libreoffice_run(monkeypatch, tmp_path):
    from flows.scan import CorpusFile
    from flows.work import extract_batch

    runs = []
    real_run = office._run
    monkeypatch.setattr(office, "_run", lambda *a, **k: runs.append(a[1]) or real_run(*a, **k))
    for name in ("seed.doc", "seed.wps"):
        shutil.copy(FIXTURES / name, tmp_path)
    (tmp_path / "broken.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    shutil.copy(SEED, tmp_path / "seed.txt")
    names = ["seed.doc", "seed.txt", "broken.doc", "seed.wps"]
    outcomes = extract_batch([CorpusFile(tmp_path / n, n, None) for n in names])
    # three office files (the .txt is left alone), one LibreOffice run
    assert len(runs) == 1 and sorted(p.suffix for p in runs[0]) == [".doc", ".doc", ".wps"]
    assert [o.result.speech.encoding if o.result else o.error.split(":")[0] for o in outcomes] == [
        "doc",
        "utf-8",
        "corrupt-doc",
        "wps",
    ]
    assert len(outcomes[0].result.requirements) == len(outcomes[1].result.requirements) == 11


def test_without_libreoffice_a_doc_is_unsupported_with_the_install_hint(monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    with pytest.raises(DecodeError) as err:
        read_speech(FIXTURES / "seed.doc")
    assert err.value.kind == "unsupported"
    assert "apt-get install libreoffice-writer-nogui" in str(err.value)


def test_a_converter_that_hangs_is_killed_at_its_time_limit(monkeypatch, tmp_path):
    hang = tmp_path / "soffice"
    hang.write_text("#!/bin/sh\nsleep 300\n")
    hang.chmod(0o755)
    monkeypatch.setenv("SPEECHTASKS_SOFFICE", str(hang))
    monkeypatch.setattr(office, "START_S", 1.0)
    monkeypatch.setattr(office, "PER_FILE_S", 0.5)
    files = {"a": (".doc", b"\xd0\xcf\x11\xe0 one"), "b": (".wps", b"\xd0\xcf\x11\xe0 two")}
    started = time.monotonic()
    results = office.convert_to_docx(files)
    # the batch (1 + 2 × 0.5 s) is killed, then each file gets its own 1.5 s and is killed
    assert time.monotonic() - started < 15
    for key in files:
        assert isinstance(results[key], DecodeError) and results[key].kind == "timeout"
        assert str(results[key]) == "timeout: LibreOffice did not finish converting it in 2 s (killed)"


# ---------------------------------------------------------------- OFD


def test_an_ofd_reads_as_the_speech_its_pdf_was_made_from():
    speech, text = read_speech(FIXTURES / "seed.ofd")
    assert speech.encoding == "ofd"
    got = [squash(line) for line in text.split("\n")[:-1]]
    want = [squash(p) for p in seed_paragraphs()]
    assert len(got) == len(want)  # paragraphs rebuilt from the line positions: none split or merged
    # every outline heading is its own paragraph, as in the .txt
    for heading in ("一、充分肯定成绩", "二、敢于正视问题", "三、勇于担当作为", "第一，要强化政治责任"):
        assert sum(line.startswith(heading) for line in got) == 1
    # easyofd drops the glyph positions inside a run: quotes in another font can land a
    # character off, the characters themselves are all there
    assert sorted("".join(got)) == sorted("".join(want))


def test_an_ofd_gives_the_requirements_of_the_txt():
    want = extract_file(SEED)
    got = extract_file(FIXTURES / "seed.ofd")
    assert [r.path for r in got.requirements] == [r.path for r in want.requirements]
    _, text = read_speech(FIXTURES / "seed.ofd")
    assert all(text[r.char_start : r.char_end] == r.text for r in got.requirements)


def test_without_ofdkit_an_ofd_is_unsupported_with_the_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "ofdkit", None)
    with pytest.raises(DecodeError, match=r"^unsupported: .*pip install 'speechtasks\[ofd\]'"):
        read_speech(FIXTURES / "seed.ofd")


def test_eval_scores_a_speech_in_another_format_against_its_decoded_text(tmp_path):
    from evaluation import score_folder

    gold = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dev"
    if not (gold / "000_party_building_city_gov.gold.json").exists():
        pytest.skip("no dev gold beside the checkout")
    shutil.copy(gold / "000_party_building_city_gov.gold.json", tmp_path)
    shutil.copy(FIXTURES / "seed.ofd", tmp_path / "000_party_building_city_gov.ofd")
    totals = score_folder(tmp_path).totals()
    assert (totals["speeches"], totals["failed"]) == (1, 0)
    assert totals["grounded"] == 1.0  # offsets checked against the OFD's decoded text


# ---------------------------------------------------------------- scanned PDF (OCR)


def test_rotated_line_boxes_are_straightened_and_read_in_order():
    """Three lines of a page turned 2°: boxes given out of order, one line cut in two pieces."""
    a = math.radians(2)

    def box(text: str, x: float, y: float, w: float, h: float = 30) -> ocr.Box:
        def turn(px: float, py: float) -> tuple[float, float]:
            return (px * math.cos(a) - py * math.sin(a), px * math.sin(a) + py * math.cos(a))

        return ocr.Box(text, 0.99, (turn(x, y), turn(x + w, y), turn(x + w, y + h), turn(x, y + h)))

    boxes = [
        box("二、工作要求", 200, 300, 400),  # indented two characters, short
        box("一是压实责任。", 100, 200, 500),  # a full line in two pieces
        box("各级党委要抓落实，", 640, 200, 460),
        box("同志们：", 100, 100, 200),
    ]
    lines = ocr.page_lines(boxes)
    assert [ln.text for ln in lines] == ["同志们：", "一是压实责任。各级党委要抓落实，", "二、工作要求"]
    # straightened, in the page's frame: text left edge 0, right edge 1000
    assert [round(ln.x0) for ln in lines] == [0, 0, 100]
    assert [round(ln.x1) for ln in lines] == [200, 1000, 500]
    assert all(isinstance(ln, PdfLine) for ln in lines)


def test_quote_marks_read_the_wrong_way_round_are_turned_back():
    # as OCR read the seed's 3.1.3 and 3.2.1 at 150 dpi
    assert ocr.fix_quotes("三是党内法规执行要“严“起来。") == "三是党内法规执行要“严”起来。"
    assert ocr.fix_quotes('一要驰而不息纠治“四风"。作风建设') == "一要驰而不息纠治“四风”。作风建设"
    assert ocr.fix_quotes("坚持“书记抓、抓书记”，履行“一岗双责“") == "坚持“书记抓、抓书记”，履行“一岗双责”"
    # an odd number: which one is wrong is anyone's guess, so nothing changes
    assert ocr.fix_quotes("“一把手“履职到不到位”") == "“一把手“履职到不到位”"


def test_signs_read_half_width_beside_chinese_characters_are_made_full_width():
    # as OCR read the seed at 150 dpi (a half-width bracket hides the actor 党委（党组）)
    assert (
        ocr.fix_punctuation("各级党委(党组）要加强对所管理的领导干部")
        == "各级党委（党组）要加强对所管理的领导干部"
    )
    assert ocr.fix_punctuation("行动的统一?最根本的就是") == "行动的统一？最根本的就是"
    # Western numbers and words keep theirs
    assert (
        ocr.fix_punctuation("查处1,000起，GDP(国内生产总值)与(GDP)")
        == "查处1,000起，GDP（国内生产总值）与(GDP)"
    )


@pytest.mark.skipif(not ocr.available(), reason="the ocr extra is not installed")
def test_a_scanned_page_is_read_by_ocr_into_paragraphs():
    # Read as a run reads it: in the budgeted reader process (flows/sandbox.py), whose
    # memory cap must leave room for onnxruntime (a 2 GB cap made OCR fail with bad_alloc).
    from flows.sandbox import decode_guarded

    path = FIXTURES / "seed_page2.scan150.pdf"
    speech, text = decode_guarded(path.read_bytes(), path.name, path.name)
    assert speech.encoding == "ocr:rapidocr"
    assert len(speech.page_confidence) == 1 and speech.page_confidence[0] > 0.95
    paragraphs = text.split("\n")[:-1]
    # the page starts mid-paragraph and ends mid-paragraph; between, whole paragraphs of the seed
    want = [squash(p) for p in seed_paragraphs()]
    heading = squash("三、勇于担当作为，进一步推进政府系统党的建设高质量发展")
    assert heading in want and heading in [squash(p) for p in paragraphs]
    inner = [squash(p) for p in paragraphs[1:-1]]
    assert len(inner) == 11
    start = want.index(inner[0])
    same = sum(a == b for a, b in zip(inner, want[start : start + len(inner)], strict=True))
    assert same >= 7  # the rest differ by a quote mark or two (“ read as ”)
    for got, expected in zip(inner, want[start : start + len(inner)], strict=True):
        assert len(got) == len(expected)


@pytest.mark.skipif(not ocr.available(), reason="the ocr extra is not installed")
def test_a_scanned_page_is_read_whole_and_into_the_paragraphs_of_the_txt():
    """Page 1 of the seed: rapidocr's line direction classifier turned its 25th line 180° and
    read it as "：局局局", whose 4 characters across the page made the widest "character" and
    hid every indent. Read upright, the page gives the seed's paragraphs."""
    speech, text = read_speech(FIXTURES / "seed_page1.scan150.pdf")
    assert speech.page_confidence[0] > 0.95
    assert "深入推进，全年市政府印发规范性文件同比减少" in squash(text)
    paragraphs = [squash(p) for p in text.split("\n")[:-1]]
    want = [squash(p) for p in seed_paragraphs()]
    assert len(paragraphs) == 13  # 12 whole paragraphs, the 13th goes on over the page
    assert [len(p) for p in paragraphs[:12]] == [len(p) for p in want[:12]]
    assert sum(a == b for a, b in zip(paragraphs, want[:12], strict=False)) >= 11  # ×× read for xx
    assert want[12].startswith(paragraphs[12][:20])


@pytest.mark.skipif(not ocr.available(), reason="the ocr extra is not installed")
def test_a_page_scanned_upside_down_is_read_turned_back(tmp_path):
    import io

    import pypdfium2

    pdf = pypdfium2.PdfDocument(FIXTURES / "seed_page1.scan150.pdf")
    pdf[0].set_rotation(180)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    speech, text = read_speech_bytes(buf.getvalue(), tmp_path / "upside_down.pdf")
    assert speech.page_confidence[0] > 0.95  # read again turned back: the upside-down reading scored 0.62
    paragraphs = [squash(p) for p in text.split("\n")[:-1]]
    want = [squash(p) for p in seed_paragraphs()]
    assert [len(p) for p in paragraphs[:12]] == [len(p) for p in want[:12]]


def test_without_the_ocr_extra_a_scan_is_unsupported_with_the_install_hint(monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(DecodeError, match=r"^unsupported: the PDF has no text layer .*speechtasks\[ocr\]"):
        read_speech(FIXTURES / "seed_page2.scan150.pdf")


def test_low_confidence_pages_are_named_in_the_run_report(seed_path):
    from flows.report import RunSummary, persist, report_markdown, report_table
    from flows.scan import CorpusFile
    from flows.work import Outcome
    from store import open_db

    result = extract_file(seed_path, source="scan.pdf")
    result = result.model_copy(
        update={"speech": result.speech.model_copy(update={"page_confidence": [0.99, 0.62, None, 0.89]})}
    )
    db = open_db(":memory:")
    summary = RunSummary(run_id=1, files_seen=1, files_new=1)
    row = persist(
        db, 1, Outcome(CorpusFile(seed_path, "scan.pdf", result.speech.sha256), result, None), summary
    )
    assert row.low_ocr_pages == "2 (0.62), 4 (0.89)"
    assert "| scan.pdf | 2 (0.62), 4 (0.89) |" in report_markdown(summary)
    assert report_table(summary)[0]["low_ocr_pages"] == "2 (0.62), 4 (0.89)"
    assert next(db["speeches"].rows)["page_confidence"] == "[0.99, 0.62, null, 0.89]"

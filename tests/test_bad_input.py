"""Bad input never stops the run: each kind is a clear `DecodeError`, then an `ingest_errors` row.

The first tests are pure (no Prefect): one per kind of bad file, made here for real.
The flow test drops all of them beside a good speech into one corpus.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from extractors import extract_file
from extractors.decode import MAX_FILE_BYTES, MAX_UNZIPPED_BYTES, DecodeError, read_speech
from extractors.office import soffice

SEED_LINE = "一、总体要求\n（一）坚持稳中求进。各地区各部门要认真贯彻落实。\n"


def write_empty(d: Path) -> Path:
    (p := d / "empty.txt").write_bytes(b"")
    return p


def write_whitespace(d: Path) -> Path:
    (p := d / "blank.txt").write_bytes(b" \r\n\t\n   \n")
    return p


def write_binary(d: Path) -> Path:
    (p := d / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    return p


def write_truncated(d: Path) -> Path:
    raw = SEED_LINE.encode("utf-8")
    (p := d / "cut.txt").write_bytes(raw[:-5])  # ends inside a 3-byte character
    return p


def write_mixed(d: Path) -> Path:
    half = "各地区各部门要认真贯彻落实党中央决策部署。" * 20
    (p := d / "mixed.txt").write_bytes(half.encode("utf-8") + half.encode("gb18030"))
    return p


def write_huge(d: Path) -> Path:
    line = "各地区各部门要认真贯彻落实党中央决策部署，确保各项任务落到实处。\n".encode()
    (p := d / "huge.txt").write_bytes(line * (20 * 2**20 // len(line) + 1))  # 20 MB
    return p


def write_corrupt_docx(d: Path) -> Path:
    (p := d / "broken.docx").write_bytes(b"PK\x03\x04 this is not really a zip archive" * 10)
    return p


def write_truncated_docx(d: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("一、总体要求")
    buf = io.BytesIO()
    document.save(buf)
    (p := d / "halfcopied.docx").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    return p


def write_zip_bomb_docx(d: Path) -> Path:
    """A real docx package whose document.xml truly unpacks to more than the limit."""
    document = docx.Document()
    document.add_paragraph("一、总体要求")
    buf = io.BytesIO()
    document.save(buf)
    p = d / "bomb.docx"
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info))
        with dst.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b" " * 2**20
            for _ in range(MAX_UNZIPPED_BYTES // 2**20 + 16):
                fh.write(chunk)
    return p


def write_image_only_pdf(d: Path) -> Path:
    from reportlab.pdfgen import canvas

    p = d / "scan.pdf"
    c = canvas.Canvas(str(p))
    for i in range(40):  # a "scanned page": shapes, no text layer
        c.rect(50 + i * 10, 100 + i * 15, 200, 8, fill=1)
    c.showPage()
    c.save()
    return p


def write_doc(d: Path) -> Path:
    (p := d / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    return p


def write_encrypted_pdf(d: Path) -> Path:
    from reportlab.pdfgen import canvas

    p = d / "locked.pdf"
    c = canvas.Canvas(str(p), encrypt="secret")  # a user password: nothing opens without it
    c.drawString(72, 720, "Work report")
    c.showPage()
    c.save()
    return p


def write_long_scan(d: Path) -> Path:
    """A PDF with no text layer and more pages than OCR takes (each page one drawn shape)."""
    from reportlab.pdfgen import canvas

    from extractors.ocr import MAX_OCR_PAGES

    p = d / "scan_of_a_book.pdf"
    c = canvas.Canvas(str(p))
    for _ in range(MAX_OCR_PAGES + 1):
        c.rect(72, 72, 400, 600)
        c.showPage()
    c.save()
    return p


def write_ofd_without_text(d: Path) -> Path:
    """The seed's OFD (easyofd's) with its text objects taken out: pages with no text layer."""
    src = Path(__file__).parent / "fixtures" / "formats" / "seed.ofd"
    p = d / "scanned.ofd"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(p, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith("Content.xml"):
                data = re.sub(rb"<ofd:TextObject\b.*?</ofd:TextObject>", b"", data, flags=re.S)
            zout.writestr(info, data)
    return p


BAD = {
    "empty": (write_empty, "empty"),
    "whitespace": (write_whitespace, "empty"),
    "binary": (write_binary, "binary"),
    "truncated": (write_truncated, "truncated"),
    "mixed": (write_mixed, "encoding"),
    "huge": (write_huge, "too-large"),
    "corrupt-docx": (write_corrupt_docx, "corrupt-docx"),
    "truncated-docx": (write_truncated_docx, "corrupt-docx"),
    "zip-bomb": (write_zip_bomb_docx, "zip-bomb"),
    "image-only-pdf": (write_image_only_pdf, "no-text-layer"),
    "doc": (write_doc, "corrupt-doc" if soffice() else "unsupported"),
    "encrypted-pdf": (write_encrypted_pdf, "encrypted"),
    "long-scan": (write_long_scan, "too-large"),
    "ofd-without-text": (write_ofd_without_text, "no-text-layer"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_kind_of_bad_file_is_a_clear_decode_error(tmp_path, name):
    make, kind = BAD[name]
    path = make(tmp_path)
    with pytest.raises(DecodeError) as err:
        read_speech(path)
    assert err.value.kind == kind
    assert str(err.value).startswith(f"{kind}: ")


def test_the_size_limit_is_checked_before_reading(tmp_path):
    path = write_huge(tmp_path)
    assert path.stat().st_size > MAX_FILE_BYTES
    with pytest.raises(DecodeError, match=r"too-large: 20\.0 MB \(limit 10 MB"):
        read_speech(path)


def test_structureless_prose_is_a_speech_with_no_requirements_not_an_error(tmp_path):
    path = tmp_path / "prose.txt"
    path.write_text("今天天气很好，我们一起去公园散步，看到了很多花。\n大家都很开心。\n", "utf-8")
    result = extract_file(path)
    assert result.requirements == []
    assert result.speech.chars > 0


@pytest.mark.flow
def test_a_corpus_full_of_bad_files_still_stores_the_good_one(prefect_harness, tmp_path, seed_path):
    from flows.ingest import ingest_corpus
    from store import open_db

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(seed_path, corpus / seed_path.name)
    (corpus / "prose.txt").write_text("今天天气很好，我们一起去公园散步。\n", "utf-8")
    (corpus / "~$draft.docx").write_bytes(b"owner lock")  # Word's lock file: ignored
    (corpus / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # ignored
    bad = {make(corpus).name: kind for make, kind in BAD.values()}
    db_path = tmp_path / "tasks.db"

    first = ingest_corpus(corpus=corpus, db_path=db_path)
    assert first.files_seen == len(bad) + 2
    assert {f: r.split(":")[0] for f, r in first.errors} == bad
    db = open_db(db_path)
    rows = {r["source"]: r for r in db["ingest_errors"].rows}
    assert set(rows) == set(bad)
    for name, row in rows.items():
        assert row["sha256"] == hashlib.sha256((corpus / name).read_bytes()).hexdigest()
    stored = {r["source"]: r["id"] for r in db["speeches"].rows}
    assert set(stored) == {seed_path.name, "prose.txt"}
    assert db["requirements"].count_where("speech_id = ?", [stored[seed_path.name]]) == 11
    assert db["requirements"].count_where("speech_id = ?", [stored["prose.txt"]]) == 0

    # The same bytes failed for good: not retried, not re-recorded every run.
    second = ingest_corpus(corpus=corpus, db_path=db_path)
    assert (second.files_new, second.errors) == (0, [])
    assert db["ingest_errors"].count == len(bad)
    # A fixed file (new bytes) is processed; --retry-failed tries the old failures again.
    (corpus / "empty.txt").write_text(SEED_LINE, "utf-8")
    third = ingest_corpus(corpus=corpus, db_path=db_path, retry_failed=True)
    assert third.files_new == len(bad)
    assert "empty.txt" not in dict(third.errors)
    assert len(third.errors) == len(bad) - 1


def test_a_file_that_vanished_is_a_transient_read_failure_retried_next_run(tmp_path, fresh_db):
    from flows.scan import CorpusFile, failed_versions, new_files
    from flows.work import extract_one
    from store import record_error, start_run

    gone = CorpusFile(tmp_path / "gone.txt", "gone.txt", "ab" * 32)
    outcome = extract_one(gone)
    assert outcome.transient
    assert outcome.error.startswith("read-failed: ")
    run_id = start_run(fresh_db)
    record_error(fresh_db, run_id, "gone.txt", gone.sha256, outcome.error)
    record_error(fresh_db, run_id, "empty.txt", "cd" * 32, "empty: empty file, no text")
    assert failed_versions(fresh_db) == {"cd" * 32}  # read failures are not final
    unread = CorpusFile(tmp_path / "locked.txt", "locked.txt", None)  # could not even be hashed
    assert new_files([gone, unread], set(), failed_versions(fresh_db)) == [gone, unread]

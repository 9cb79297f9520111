"""Make the other-format copies of speeches with real tools, for tests and bench/formats.py.

Two prints of a speech:
  plain     the .txt imported by LibreOffice as text (UTF-8): a paragraph a line, no first-line
            indent unless the .txt has leading spaces, left-aligned, LibreOffice's default page
  gbt9704   printed as an office prints a 讲话稿 (GB/T 9704-2012, 公文格式): the .txt laid out
            as a flat ODF document (.fodt) that LibreOffice opens: A4, type area 156 × 225 mm,
            三号 (16 pt) body on a fixed 29 pt line (22 lines a page, 27 characters a
            line: the standard's 28 needs its 仿宋 font, not installed here), justified,
            every body paragraph (headings too) with a first-line indent of two characters
            (32 pt, a real paragraph indent, carried into the .doc), the title (a first
            line with no closing punctuation) centred in 二号 (22 pt), the 称谓 (`同志们：`)
            flush left; no blank paragraphs, leading spaces of the .txt dropped

For each NAME.txt given, in either print:
  NAME.doc            LibreOffice (`soffice --convert-to "doc:MS Word 97"`)
  NAME.wps            LibreOffice saving the .doc as .wps (its MS Word 97 filter: WPS Office's .wps
                      is that binary format; LibreOffice writes no other .wps)
  NAME.pdf            LibreOffice's PDF export of the .doc (the "printed" speech, with a text layer)
  NAME.scan150.pdf    that PDF rasterised by pdftoppm (grey, 150 dpi), page 2 turned 1.5°,
  NAME.scan300.pdf    JPEG (quality 75) pages put into an image-only PDF by img2pdf; the same at 300 dpi
  NAME.ofd            easyofd's PDF → OFD writer (`OFD().pdf2ofd(pdf, optional_text=True)`: text objects)

Needs: LibreOffice (`soffice`), poppler-utils (`pdftoppm`), img2pdf (Debian packages:
`apt-get install libreoffice-writer-nogui poppler-utils img2pdf fonts-wqy-microhei`), Pillow
(in .venv), and uv, which runs easyofd (with PyMuPDF) in a throw-away environment.

  .venv/bin/python scripts/make_format_fixtures.py --out DIR [--print gbt9704] FILE.txt ...
  .venv/bin/python scripts/make_format_fixtures.py --tests   # the committed tests/fixtures/formats/

`--tests` makes, under tests/fixtures/formats/, the seed's .doc, .wps and .ofd, two of its
pages scanned (page 2, turned 1.5°, and page 1; 150 dpi, black and white: fax-mode scans,
≈ 100 KB each), and a held-out test speech whose .txt has no paragraph indents, printed by
LibreOffice (county.pdf: paragraphs told by where lines end alone) and its OFD (county.ofd).
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "000_party_building_city_gov.txt"
COUNTY = ROOT / "tests" / "data" / "heldout_speeches" / "a_county_secretary_yingshang.txt"
TEST_DIR = ROOT / "tests" / "fixtures" / "formats"
EASYOFD = "easyofd==20260427"
ROTATED_PAGE = 2
ROTATION_DEG = 1.5

_OFD_WRITER = """
import sys
from easyofd.ofd import OFD
from loguru import logger
logger.remove()
src, dst = sys.argv[1], sys.argv[2]
open(dst, "wb").write(OFD().pdf2ofd(open(src, "rb").read(), optional_text=True))
"""


PRINTS = ("plain", "gbt9704")
_STOPS = "。！？：；…”’）)》」』"
_SALUTATION = re.compile(r"^\S{1,12}[：:]$")
_FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls>
 <style:font-face style:name="CJK" svg:font-family="'WenQuanYi Micro Hei'"
  xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:line-height="29pt" fo:margin-top="0pt" fo:margin-bottom="0pt"/>
  <style:text-properties style:font-name="CJK" style:font-name-asian="CJK" fo:font-size="16pt"
   style:font-size-asian="16pt" fo:language="zh" fo:country="CN" style:language-asian="zh"
   style:country-asian="CN"/>
 </style:default-style>
 <style:style style:name="Body" style:family="paragraph">
  <style:paragraph-properties fo:text-indent="32pt" fo:text-align="justify"/>
 </style:style>
 <style:style style:name="Salutation" style:family="paragraph">
  <style:paragraph-properties fo:text-indent="0pt" fo:text-align="start"/>
 </style:style>
 <style:style style:name="Title" style:family="paragraph">
  <style:paragraph-properties fo:text-align="center" fo:line-height="36pt"
   fo:margin-bottom="29pt"/>
  <style:text-properties fo:font-size="22pt" style:font-size-asian="22pt"/>
 </style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="A4">
  <style:page-layout-properties fo:page-width="210mm" fo:page-height="297mm"
   fo:margin-top="37mm" fo:margin-bottom="35mm" fo:margin-left="28mm" fo:margin-right="26mm"/>
 </style:page-layout>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="A4"/></office:master-styles>
<office:body><office:text>
{paragraphs}
</office:text></office:body>
</office:document>
"""


def gbt9704_fodt(text: str) -> str:
    """The speech as a flat ODF text document laid out per GB/T 9704 (see the module's notes)."""
    lines = [line.strip(" \t\u00a0\u3000") for line in text.splitlines()]
    lines = [line for line in lines if line]
    paragraphs = []
    for i, line in enumerate(lines):
        if i == 0 and len(line) <= 40 and line[-1] not in _STOPS:
            style = "Title"
        elif _SALUTATION.match(line):
            style = "Salutation"
        else:
            style = "Body"
        paragraphs.append(f'<text:p text:style-name="{style}">{html.escape(line, quote=False)}</text:p>')
    return _FODT.format(paragraphs="\n".join(paragraphs))


def run(*cmd: str, timeout: float = 300, cwd: Path | None = None) -> None:
    done = subprocess.run(
        cmd, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=cwd
    )
    if done.returncode:
        sys.exit(f"{cmd[0]} failed ({done.returncode}):\n{done.stderr[-2000:]}")


def soffice(profile: Path, *args: str) -> None:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        sys.exit("soffice not found: apt-get install libreoffice-writer-nogui")
    run(binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", *args)


def office_copies(txts: list[Path], out: Path, work: Path, layout: str = "plain") -> None:
    """NAME.doc, NAME.wps and NAME.pdf for every NAME.txt, by LibreOffice, in the print `layout`."""
    profile = work / "lo-profile"
    if layout == "gbt9704":
        sources = []
        for t in txts:
            (fodt := work / "fodt" / f"{t.stem}.fodt").parent.mkdir(exist_ok=True)
            fodt.write_text(gbt9704_fodt(t.read_text("utf-8")), "utf-8")
            sources.append(fodt)
        soffice(profile, "--convert-to", "doc:MS Word 97", "--outdir", str(out), *map(str, sources))
    else:
        soffice(
            profile, "--infilter=Text (encoded):UTF8,LF,,,", "--convert-to", "doc:MS Word 97",
            "--outdir", str(out), *map(str, txts),
        )  # fmt: skip
    docs = [out / f"{t.stem}.doc" for t in txts]
    soffice(profile, "--convert-to", "wps:MS Word 97", "--outdir", str(out), *map(str, docs))
    soffice(profile, "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out), *map(str, docs))


def scan(
    pdf: Path, dest: Path, dpi: int, work: Path, pages: tuple[int, int] | None = None, fax: bool = False
) -> None:
    """Rasterise `pdf` (pdftoppm, grey), turn page ROTATED_PAGE by ROTATION_DEG, img2pdf the pages."""
    from PIL import Image

    stem = work / f"{pdf.stem}-{dpi}"
    span = ["-f", str(pages[0]), "-l", str(pages[1])] if pages else []
    run("pdftoppm", "-r", str(dpi), "-gray", "-png", *span, str(pdf), str(stem))
    images = []
    for png in sorted(work.glob(f"{stem.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        page = int(png.stem.rsplit("-", 1)[1])
        im = Image.open(png).convert("L")
        if page == ROTATED_PAGE:
            im = im.rotate(-ROTATION_DEG, resample=Image.Resampling.BICUBIC, fillcolor=255)
        if fax:
            target = png.with_suffix(".bw.png")
            im.point(lambda v: 255 if v > 160 else 0).convert("1").save(target, dpi=(dpi, dpi))
        else:
            target = png.with_suffix(".jpg")
            im.save(target, quality=75, dpi=(dpi, dpi))
        images.append(str(target))
    run("img2pdf", "-o", str(dest), *images)


def ofd(pdf: Path, dest: Path) -> None:
    """easyofd's PDF → OFD (text objects), run by uv in a throw-away environment.

    easyofd assembles the package in `./test` of the current folder: it runs in a fresh one.
    """
    with tempfile.TemporaryDirectory(prefix="easyofd-") as cwd:
        run(
            "uv", "run", "--quiet", "--no-project", "--with", EASYOFD,
            "python", "-c", _OFD_WRITER, str(pdf.resolve()), str(dest.resolve()), cwd=Path(cwd),
        )  # fmt: skip


def make(txts: list[Path], out: Path, layout: str = "plain") -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="format-fixtures-") as tmp:
        work = Path(tmp)
        office_copies(txts, out, work, layout)
        for t in txts:
            pdf = out / f"{t.stem}.pdf"
            for dpi in (150, 300):
                scan(pdf, out / f"{t.stem}.scan{dpi}.pdf", dpi, work)
            ofd(pdf, out / f"{t.stem}.ofd")
            print(f"{t.stem} ({layout} print): .doc .wps .pdf .scan150.pdf .scan300.pdf .ofd in {out}")


def make_test_fixtures() -> None:
    TEST_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="format-fixtures-") as tmp:
        work = Path(tmp)
        seed = work / "seed.txt"
        shutil.copyfile(SEED, seed)
        office_copies([seed], work, work)
        for ext in (".doc", ".wps"):
            shutil.copyfile(work / f"seed{ext}", TEST_DIR / f"seed{ext}")
        ofd(work / "seed.pdf", TEST_DIR / "seed.ofd")
        page = (ROTATED_PAGE, ROTATED_PAGE)
        scan(work / "seed.pdf", TEST_DIR / "seed_page2.scan150.pdf", 150, work, pages=page, fax=True)
        scan(work / "seed.pdf", TEST_DIR / "seed_page1.scan150.pdf", 150, work, pages=(1, 1), fax=True)
        county = work / "county.txt"
        shutil.copyfile(COUNTY, county)
        office_copies([county], work, work)
        shutil.copyfile(work / "county.pdf", TEST_DIR / "county.pdf")
        ofd(work / "county.pdf", TEST_DIR / "county.ofd")
    for p in sorted(TEST_DIR.iterdir()):
        print(f"{p.relative_to(ROOT)}: {p.stat().st_size:,} bytes")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("txt", nargs="*", type=Path, help="speeches (.txt) to copy into the other formats")
    p.add_argument("--out", type=Path, help="folder for the copies")
    p.add_argument(
        "--print", dest="layout", choices=PRINTS, default="plain",
        help="plain: the text as LibreOffice imports it; gbt9704: as an office prints it (GB/T 9704)",
    )  # fmt: skip
    p.add_argument(
        "--tests", action="store_true", help="(re)make the committed fixtures in tests/fixtures/formats/"
    )
    args = p.parse_args(argv)
    if args.tests:
        make_test_fixtures()
    if args.txt:
        if args.out is None:
            p.error("--out is needed with speech files")
        make([t.resolve() for t in args.txt], args.out.resolve(), args.layout)
    if not args.tests and not args.txt:
        p.error("nothing to do: give speeches with --out, or --tests")


if __name__ == "__main__":
    main()

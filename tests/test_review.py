"""The review page: the speech with its requirements, actors and deadlines marked (review/)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from screenshots import keep_current

from extractors import extract_text
from extractors.decode import read_speech
from review import render_review, write_review_page
from review.markup import Span, events
from schemas import ActorAssignment, Extraction, Requirement, Section, Speech

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = ROOT / "docs" / "review.png"
VOID = {"meta", "input", "br", "img", "hr", "link"}


@pytest.fixture(scope="module")
def seed() -> tuple[str, Extraction]:
    speech, text = read_speech(ROOT / "corpus" / "000_party_building_city_gov.txt")
    return text, extract_text(text, speech)


class _Page(HTMLParser):
    """Checks tag balance and collects the speech text shown in `.speech-text` blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, inside speech text, generated chrome)
        self.errors: list[str] = []
        self.speech_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        names = dict(attrs)
        inside, gen = self.stack[-1][1:] if self.stack else (False, False)
        inside = inside or "speech-text" in (names.get("class") or "").split()
        self.stack.append((tag, inside, gen or "data-gen" in names))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][1] and not self.stack[-1][2]:
            self.speech_text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def test_crossing_spans_give_nested_events():
    text = "一二三四五六"
    spans = [Span(0, 4, "req", 0), Span(2, 6, "actor", 2), Span(3, 5, "deadline", 3)]
    out, stack = [], []
    for ev in events(text, 0, len(text), spans):
        if ev.op == "open":
            stack.append(ev.span)
        elif ev.op == "close":
            assert stack.pop() is ev.span  # always closes the innermost open span
        else:
            out.append(ev.text)
    assert not stack
    assert "".join(out) == text
    firsts = [ev.span.kind for ev in events(text, 0, len(text), spans) if ev.op == "open" and ev.first]
    assert sorted(firsts) == ["actor", "deadline", "req"]  # each span has exactly one first piece


def test_speech_text_is_escaped_not_markup():
    text = "一、总体要求\n一是<script>alert('x')</script>要抓好A&B工作，各部门<b>负责</b>。\n"
    start = text.index("一是")
    end = text.index("\n", start)
    mention = text.index("各部门")
    speech = Speech(
        source="<x>&.txt", sha256="0" * 64, title="<i>标题</i> & 讲话", encoding="utf-8", chars=len(text)
    )
    req = Requirement(
        id="r1",
        path="1.1",
        label="一、一是",
        heading="<script>alert('x')</script>要抓好A&B工作",
        text=text[start:end],
        char_start=start,
        char_end=end,
        actors=[
            ActorAssignment(category="department", mention="各部门", basis="explicit", char_start=mention)
        ],
    )
    section = Section(
        path="1", marker="一、", heading="总体要求", kind="tasks", char_start=0, char_end=len(text) - 1
    )
    html = render_review(text, Extraction(speech=speech, sections=[section], requirements=[req]))
    assert "<script>alert" not in html and "<b>负责" not in html and "<i>标题" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "A&amp;B" in html and "&lt;i&gt;标题&lt;/i&gt; &amp; 讲话" in html
    assert html.count("<script") == 1  # only the page's own script
    page = parse(html)
    assert not page.errors
    assert re.sub(r"\s", "", "".join(page.speech_text)) == re.sub(r"\s", "", text)


def test_seed_page_is_well_formed_and_keeps_every_character(seed):
    text, extraction = seed
    html = render_review(text, extraction)
    page = parse(html)
    assert not page.errors and not page.stack
    assert re.sub(r"\s", "", "".join(page.speech_text)) == re.sub(r"\s", "", text)
    assert len(extraction.requirements) == 11
    for req in extraction.requirements:
        assert f'id="req-{req.path}"' in html and f'href="#req-{req.path}"' in html
    assert "http://" not in html and "https://" not in html  # self-contained: nothing to fetch


def test_write_review_page_and_show_command(seed, tmp_path, monkeypatch):
    import webbrowser

    from typer.testing import CliRunner

    from cli.main import app

    text, extraction = seed
    out = write_review_page(tmp_path / "pages" / "seed.html", text, extraction)
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    page = tmp_path / "shown.html"
    seed_file = ROOT / "corpus" / "000_party_building_city_gov.txt"
    # a database of its own (none), not whatever speechtasks.db the working folder holds
    no_db = ["--db", str(tmp_path / "none.db")]
    result = CliRunner().invoke(app, ["show", str(seed_file), "--html", str(page), *no_db])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(page)
    assert 'data-path="3.3.1"' in page.read_text("utf-8")
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", opened.append)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["show", str(seed_file), "--open", *no_db])
    assert result.exit_code == 0, result.output
    assert opened == [(tmp_path / "000_party_building_city_gov.review.html").as_uri()]


def test_section_headers_show_chinese_kinds_not_codes(seed):
    text, extraction = seed
    html = render_review(text, extraction)
    headers = re.findall(r'<h2 class="sec-kind">(.*?)</h2>', html, re.S)
    assert len(headers) == 3
    shown = [re.sub(r"<[^>]+>", "", h) for h in headers]
    assert [h.split("·")[0].strip() for h in shown] == ["回顾成绩", "查摆问题", "工作任务"]
    assert not any(re.search(r"[A-Za-z]", h) for h in shown)  # no `review`, `tasks` for clerks


def test_the_seed_page_shows_the_speech_title_not_its_file_name(seed):
    text, extraction = seed
    assert extraction.speech.title == "在全市政府系统党的建设工作会议上的讲话"  # from its opening line
    html = render_review(text, extraction)
    assert "<h1>在全市政府系统党的建设工作会议上的讲话</h1>" in html
    assert "<title>核对：在全市政府系统党的建设工作会议上的讲话</title>" in html
    assert "party_building_city_gov</h1>" not in html


def _in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's /usr/bin/chromium (scripts/ensure_chromium.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def seed_url(seed, tmp_path_factory) -> str:
    text, extraction = seed
    return write_review_page(tmp_path_factory.mktemp("page") / "seed.review.html", text, extraction).as_uri()


@pytest.mark.browser
def test_seed_page_in_headless_chromium(seed, seed_url, browser, tmp_path):
    _text, extraction = seed
    paths = [r.path for r in extraction.requirements]
    context = browser.new_context(viewport={"width": 1000, "height": 600}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(seed_url)
    assert page.locator("mark.req").count() == 11
    for path in paths:
        label = page.locator(f'mark.req[id="req-{path}"] > .req-label')
        assert label.inner_text().strip() == path
        assert label.is_visible()
    for req in extraction.requirements:  # actors with no mention in the span: tags on the requirement
        defaults = [a for a in req.actors if a.basis.value == "default"]
        chips = page.locator(f'mark.req[id="req-{req.path}"] > .actor-tag.default')
        assert chips.count() == len(defaults)
    mention = page.locator('mark.req[data-path="3.3.1"] u.actor.explicit[data-category="department"]')
    assert mention.inner_text() == "经济指标部门"
    tag = mention.evaluate("el => getComputedStyle(el, '::after').content")
    assert tag == '"职能部门"'

    target = 'mark.req[id="req-3.3.1"]'
    assert not _in_viewport(page, target)
    page.locator('.ledger a.jump[data-path="3.3.1"]').click()
    page.wait_for_function(
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }",
        arg=target,
        timeout=5000,
    )
    assert _in_viewport(page, target)

    # The README screenshot: the end of a set-apart section, then the tasks section.
    page.set_viewport_size({"width": 1280, "height": 960})
    page.evaluate("document.querySelector('section.sec[data-kind=tasks]').scrollIntoView()")
    page.evaluate("window.scrollBy(0, -140); document.querySelector('.ledger').scrollTop = 0")
    shot = tmp_path / "review.png"
    page.screenshot(path=str(shot))
    keep_current(shot, SCREENSHOT)  # fails when docs/review.png is stale (and regenerates it)
    context.close()


@pytest.mark.browser
def test_actor_tags_are_readable_at_phone_width(seed_url, browser):
    phone = browser.new_page(viewport={"width": 375, "height": 700})
    phone.goto(seed_url)
    mention = phone.locator('mark.req[data-path="3.3.1"] u.actor.explicit[data-category="department"]')
    size = mention.evaluate("el => parseFloat(getComputedStyle(el, '::after').fontSize)")
    assert size >= 12  # was 9.9 px (.62rem)
    chip = phone.locator("mark.req > .actor-tag").first
    assert chip.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 12
    ledger_tag = phone.locator('.ledger .row[data-path="3.1.1"] .actor-tag').first
    assert ledger_tag.evaluate("el => parseFloat(getComputedStyle(el).fontSize)") >= 12
    phone.close()


@pytest.mark.browser
def test_on_a_phone_the_ledger_leads_back_to_the_text(seed, browser, tmp_path):
    text, extraction = seed
    # Phone width, with a long unbroken source path (as a deep absolute path would be).
    long_source = "/srv/policy-office/" + "speech_archive_" * 6 + "000_party_building_city_gov.txt"
    speech = extraction.speech.model_copy(update={"source": long_source})
    phone_page = tmp_path / "phone.review.html"
    write_review_page(phone_page, text, extraction.model_copy(update={"speech": speech}))
    phone = browser.new_page(viewport={"width": 375, "height": 700})
    phone.goto(phone_page.as_uri())
    assert long_source in phone.inner_text("header")
    assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # The 台账 comes first on a phone; deep in it, the bar at the bottom leads to the text and back.
    phone.locator('.ledger .row[data-path="3.3.3"]').scroll_into_view_if_needed()
    to_text = phone.locator('.jumpbar a[href="#speech"]')
    assert to_text.is_visible() and to_text.inner_text() == "原文"
    to_text.click()
    phone.wait_for_function(
        "() => Math.abs(document.getElementById('speech').getBoundingClientRect().top) < 5"
    )
    to_ledger = phone.locator('.jumpbar a[href="#ledger"]')
    assert to_ledger.is_visible()
    to_ledger.click()
    phone.wait_for_function(
        "() => Math.abs(document.getElementById('ledger').getBoundingClientRect().top) < 5"
    )
    phone.emulate_media(media="print")
    assert phone.evaluate("getComputedStyle(document.querySelector('.ledger')).position") == "static"
    assert not phone.locator(".jumpbar").is_visible()  # not printed
    phone.close()

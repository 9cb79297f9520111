"""The review app end to end, as a clerk uses it: headless Chromium on the app, then `speechtasks run`
(nothing new, then the file edited elsewhere), and the corrections seen by `tasks`, `export`, gold files."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from screenshots import keep_current
from typer.testing import CliRunner

from cli.main import app as cli

pytestmark = [pytest.mark.browser, pytest.mark.flow]
ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "000_party_building_city_gov.txt"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
SCREENSHOT = ROOT / "docs" / "review-app.png"
TOKEN = "clerk-test-token"
# A directive in the review section (part 1), which the extractor leaves out; the clerk adds it.
MISSED = "全市政府系统要深入学习贯彻习近平总书记关于党的建设重要论述，不断深化思想认识"
SELECT = """needle => {
  for (const box of document.querySelectorAll('.speech-text')) {
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    let t;
    while ((t = walker.nextNode())) {
      const i = t.data.indexOf(needle);
      if (i < 0) continue;
      const range = document.createRange();
      range.setStart(t, i);
      range.setEnd(t, i + needle.length);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      document.getElementById('speech').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
      return true;
    }
  }
  return false;
}"""


class Served:
    """The review app on a free loopback port, in a thread (uvicorn, as `speechtasks review` runs it)."""

    def __init__(self, db_path: Path, corpus: Path) -> None:
        import uvicorn

        from web import create_app

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(
            create_app(db_path, corpus, TOKEN), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def run(corpus: Path, db_path: Path) -> str:
    out = CliRunner().invoke(cli, ["run", "--corpus", str(corpus), "--db", str(db_path), "--no-review-pages"])
    assert out.exit_code == 0, out.output
    return out.output


def row(page, path: str):
    return page.locator(f'.row[data-path="{path}"]')


def tags(page, path: str) -> set[str]:
    return set(row(page, path).locator("dd.actors .actor-tag").all_inner_texts())


def open_speech(page, base: str) -> None:
    page.goto(base + "/")
    page.locator("tbody a").first.click()
    page.wait_for_selector(".ledger")


def assert_persisted(page) -> None:
    assert tags(page, "3.1.2") == {"一把手", "职能部门"}
    assert "rejected" in row(page, "3.3.3").get_attribute("class")
    assert "rejected" in page.locator('mark.req[id="req-3.3.3"]').get_attribute("class")
    assert "confirmed" in row(page, "3.1.1").get_attribute("class")
    assert tags(page, "1.1") == {"全体"} and "added" in row(page, "1.1").get_attribute("class")
    added = page.locator('mark.req[id="req-1.1"]').evaluate(
        "m => Array.from(m.childNodes).filter(n => !(n.dataset && 'gen' in n.dataset)).map(n => n.textContent).join('')"
    )
    assert added == MISSED  # the selection's exact text, at its place in the speech
    assert page.locator("#checked-count").inner_text() == "1"


def test_a_clerk_checks_the_seed_and_the_corrections_last(prefect_harness, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's /usr/bin/chromium (scripts/ensure_chromium.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    from openpyxl import load_workbook

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    db_path = tmp_path / "speechtasks.db"
    run(corpus, db_path)

    with Served(db_path, corpus) as base, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 960}, reduced_motion="reduce")
        page.goto(f"{base}/?token={TOKEN}")  # the address `speechtasks review` prints: logs in
        assert "已登录" in page.inner_text("h1")
        open_speech(page, base)
        page.fill("#reviewer", "王科员")
        page.dispatch_event("#reviewer", "change")

        # 3.1.2's actors: not 全体 but the 一把手 and the departments
        edit = row(page, "3.1.2").locator("details.edit")
        edit.locator("summary").click()
        edit.locator('input[value="all_units"]').uncheck()
        edit.locator('input[value="principal"]').check()
        edit.locator('input[value="department"]').check()
        with page.expect_navigation():
            edit.locator('button[type="submit"]').click()
        # 3.3.3 is not a requirement
        with page.expect_navigation():
            row(page, "3.3.3").locator(".act.reject").click()
        # a missed requirement, by selecting its text
        assert page.evaluate(SELECT, MISSED)
        panel = page.locator("#add-panel")
        assert panel.is_visible() and page.inner_text("#sel-text") == MISSED
        panel.locator('input[name="path"]').fill("1.1")
        panel.locator('input[value="all_units"]').check()
        with page.expect_navigation():
            panel.locator('button[type="submit"]').click()
        # 3.1.1 checked
        with page.expect_navigation():
            row(page, "3.1.1").locator(".act.confirm").click()
        assert page.inner_text("#app-status") == ""

        page.reload()
        assert_persisted(page)
        history = row(page, "3.1.2").locator("details.history")
        history.locator("summary").click()
        assert "王科员 责任主体：全体 → 职能部门、一把手" in history.inner_text()
        history.locator("summary").click()  # closed again: its time would change the screenshot

        # The README's screenshot: 台账 with the clerk's marks.
        page.evaluate(
            "document.querySelector('section.sec[data-kind=tasks]').scrollIntoView(); window.scrollBy(0, -60)"
        )
        page.evaluate("document.querySelector('.ledger').scrollTop = 0")
        shot = tmp_path / "review-app.png"
        page.screenshot(path=str(shot))
        keep_current(shot, SCREENSHOT)

        assert re.search(r"new or changed this run\s*│\s*0\s*│", run(corpus, db_path))  # nothing new
        # the file edited elsewhere: a line at the top moves every offset
        edited = SEED.read_text("utf-8").replace("同志们：\n", "同志们：\n（根据录音整理）\n", 1)
        (corpus / SEED.name).write_text(edited, "utf-8")
        run(corpus, db_path)
        open_speech(page, base)
        assert "（根据录音整理）" in page.inner_text("#speech")  # the new version
        assert_persisted(page)
        browser.close()

    runner = CliRunner()
    out = runner.invoke(cli, ["tasks", "--db", str(db_path), "--format", "json"])
    tasks = {t["path"]: t for t in json.loads(out.stdout)}
    assert tasks["3.1.2"]["actor_categories"] == "department,principal"
    assert "3.3.3" not in tasks and len(tasks) == 11
    assert tasks["1.1"]["actor_categories"] == "all_units"
    assert (tasks["3.1.1"]["tracking_status"], tasks["3.1.1"]["path"]) == ("open", "3.1.1")
    xlsx = tmp_path / "台账.xlsx"
    out = runner.invoke(cli, ["export", "--db", str(db_path), "--xlsx", str(xlsx)])
    assert out.exit_code == 0, out.output
    sheet = load_workbook(xlsx).active
    header = [c.value for c in sheet[1]]
    ledger = {
        r[header.index("章节")]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert ledger["3.1.2"]["责任主体"] == "主要负责人（“一把手”）；职能部门"
    assert ledger["3.1.1"]["已核对"] == "是" and "3.3.3" not in ledger
    assert ledger["1.1"]["任务内容"] == MISSED

    gold = tmp_path / "gold"
    out = runner.invoke(
        cli, ["corrections", "export", "--gold", str(gold), "--db", str(db_path), "--corpus", str(corpus)]
    )
    assert out.exit_code == 0, out.output
    check = ROOT.parent / "shared" / "eval" / "check_gold.py"
    if check.exists():
        ok = subprocess.run([sys.executable, str(check), str(gold)], capture_output=True, text=True)
        assert ok.returncode == 0 and ok.stdout.strip() == "1 gold files ok", ok.stdout
    out = runner.invoke(cli, ["eval", str(gold), "--json"])
    totals = json.loads(out.stdout.strip().splitlines()[-1])
    assert (totals["gold"], totals["pred"], totals["req_p"], totals["req_r"]) == (11, 11, 0.9091, 0.9091)

"""web/: the review app through a real HTTP test client (FastAPI's TestClient): pages, API, tokens."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app as cli
from extractors import extract_text
from extractors.decode import read_speech
from review import render_review
from store import open_db, save_extraction, sync_actor_labels

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "000_party_building_city_gov.txt"
TOKEN = "t0ken-for-tests"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def seed():
    speech, text = read_speech(SEED, source=SEED.name)
    return text, extract_text(text, speech)


@pytest.fixture
def served(seed, tmp_path):
    """A database with the seed stored, its corpus, and a test client of the app over them."""
    from web import create_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    db_path = tmp_path / "tasks.db"
    db = open_db(db_path)
    sync_actor_labels(db)
    save_extraction(db, seed[1], SEED.name)
    db.close()
    client = TestClient(create_app(db_path, corpus, TOKEN))
    return client, db_path, {r.path: r.id for r in seed[1].requirements}, seed[1].speech.sha256[:16]


def corrections_count(db_path: Path) -> int:
    db = open_db(db_path)
    try:
        return db["corrections"].count
    finally:
        db.close()


def fix(client, rid: str, headers=BEARER, **body):
    return client.post(f"/api/requirements/{rid}/corrections", json={"who": "王", **body}, headers=headers)


def test_the_list_shows_each_speech_with_its_counts(served):
    client, _, rid, sid = served
    assert fix(client, rid["3.1.1"], check="confirmed").status_code == 200
    assert fix(client, rid["3.3.3"], check="rejected").status_code == 200
    page = client.get("/")
    assert page.status_code == 200
    row = re.search(rf'<tr data-speech="{sid}">(.*?)</tr>', page.text, re.S).group(1)
    assert f'<a href="/speeches/{sid}">在全市政府系统党的建设工作会议上的讲话</a>' in row
    cells = re.findall(r'<td class="n[^"]*">(\d+)</td>', row)
    assert cells == ["1", "10", "1", "1", "0"]  # version, tasks, confirmed, not a requirement, added


def test_the_app_serves_the_same_review_page_with_the_clerks_controls(served, seed):
    client, _, _, sid = served
    page = client.get(f"/speeches/{sid}")
    assert page.status_code == 200
    static = render_review(*seed)

    def speech(html: str) -> str:
        return html[html.index('<main class="speech"') : html.index("</main>")]

    assert speech(page.text) == speech(static)  # one rendering path: the same marked text
    assert page.text.count('class="edit-form"') == 11 and 'class="edit-form"' not in static
    boxes = re.findall(r'<input type="checkbox" name="actors" value="(\w+)"[^>]*> ([^<]+)</label>', page.text)
    assert len(boxes) == 11 * 10 + 10  # ten categories a row, and in the form that adds a requirement
    assert ("principal", "主要负责人（“一把手”）") in boxes and ("all_units", "泛指全体") in boxes
    assert client.get("/speeches/0000000000000000").status_code == 404


def test_writes_need_the_token_and_are_csrf_safe(served):
    client, db_path, rid, _ = served
    assert fix(client, rid["3.1.1"], headers={}, check="confirmed").status_code == 401
    assert (
        fix(client, rid["3.1.1"], headers={"Authorization": "Bearer nope"}, check="confirmed").status_code
        == 403
    )
    assert client.post(f"/api/tasks/{rid['3.1.1']}/tracking", json={"status": "done"}).status_code == 401
    assert client.get("/?token=nope", follow_redirects=False).status_code == 403
    login = client.get(f"/?token={TOKEN}", follow_redirects=False)  # the address printed at start
    assert login.status_code == 303 and login.headers["location"] == "/"
    assert "HttpOnly" in login.headers["set-cookie"] and "SameSite=strict" in login.headers["set-cookie"]
    # the cookie alone (as a cross-site form would send it) is not enough
    assert fix(client, rid["3.1.1"], headers={}, check="confirmed").status_code == 403
    page_headers = {"X-Speechtasks-Request": "1"}
    foreign = {**page_headers, "Origin": "http://evil.example"}
    assert fix(client, rid["3.1.1"], headers=foreign, check="confirmed").status_code == 403
    assert corrections_count(db_path) == 0
    assert fix(client, rid["3.1.1"], headers=page_headers, check="confirmed").status_code == 200
    assert fix(client, rid["3.1.2"], check="confirmed").status_code == 200
    assert corrections_count(db_path) == 2


def test_bad_input_gets_a_clear_4xx_and_changes_nothing(served):
    client, db_path, rid, sid = served
    ok = fix(client, rid["3.1.2"], check="confirmed", expected_revision=0)
    assert ok.status_code == 200 and ok.json()["revision"] == 1
    before = corrections_count(db_path)
    cases = [
        (fix(client, rid["3.1.2"], actors=["principal", "mayor"]), 400, "unknown category 'mayor'"),
        (fix(client, rid["3.1.2"], deadline=2021), 422, "deadline: Input should be a valid string"),
        (fix(client, rid["3.1.2"], deadline=["年底前"]), 422, "deadline: Input should be a valid string"),
        (fix(client, rid["3.1.2"], check="confirmed!"), 400, "check: one of confirmed"),
        # someone else changed 3.1.2 (revision 1) after this page was drawn (revision 0)
        (fix(client, rid["3.1.2"], actors=["department"], expected_revision=0), 409, "changed by someone else"),
        (fix(client, "nosuchid", check="confirmed"), 404, "no requirement"),
        (client.post(f"/api/speeches/{sid}/requirements", headers=BEARER, json={
            "who": "王", "char_start": 6900, "char_end": 7100, "path": "4.1", "actors": ["all_units"]}),
         400, "outside the speech (0–6958)"),
        (client.post(f"/api/speeches/{sid}/requirements", headers=BEARER, json={
            "who": "王", "char_start": "10", "char_end": 20, "path": "4.1", "actors": ["all_units"]}),
         422, "char_start: Input should be a valid integer"),
        (client.post(f"/api/tasks/{rid['3.1.2']}/tracking", headers=BEARER, json={"status": "finished"}),
         400, "status: one of open"),
    ]  # fmt: skip
    for response, status, message in cases:
        assert response.status_code == status, response.text
        assert message in response.json()["detail"]
    assert corrections_count(db_path) == before
    assert client.get(f"/api/requirements/{rid['3.1.2']}/corrections").json()["actors"] == ["all_units"]


def test_a_deadline_as_written_gets_its_date_from_the_extractors_resolver(served):
    client, _, rid, _ = served
    out = fix(client, rid["3.1.4"], deadline="年底前")
    assert out.status_code == 200
    assert (out.json()["deadline"], out.json()["deadline_date"]) == ("年底前", "2021-12-31")  # a 2021 speech
    page = client.get(f"/speeches/{served[3]}")
    assert page.status_code == 200 and "时限：（无） → 年底前" in page.text  # its history, in Chinese
    out = fix(client, rid["3.1.4"], deadline=None)
    assert (out.json()["deadline"], out.json()["deadline_date"]) == (None, None)
    history = client.get(f"/api/requirements/{rid['3.1.4']}/corrections").json()["history"]
    assert [(c["field"], c["new_value"]) for c in history] == [
        ("deadline", "年底前"), ("deadline_date", "2021-12-31"), ("deadline_basis", "speech_year"),
        ("deadline", None), ("deadline_date", None), ("deadline_basis", None),
    ]  # fmt: skip


def test_the_json_api_gives_corrected_tasks_and_takes_tracking(served):
    client, _, rid, _ = served
    assert fix(client, rid["3.1.2"], actors=["principal"]).status_code == 200
    rows = client.get("/api/tasks", params={"actor": "principal"}).json()["rows"]
    assert [r["path"] for r in rows] == ["3.1.1", "3.1.2", "3.2.2", "3.3.2"]
    page = client.get("/api/tasks", params={"limit": 4}).json()
    assert len(page["rows"]) == 4 and page["after"]
    rest = client.get("/api/tasks", params={"limit": 100, "after": page["after"]}).json()
    assert len(rest["rows"]) == 7 and rest["after"] is None
    assert client.get("/api/tasks", params={"actor": "mayor"}).status_code == 422
    assert client.get("/api/tasks", params={"after": "garbage"}).status_code == 400
    tracked = client.post(
        f"/api/tasks/{rid['3.1.2']}/tracking", headers=BEARER, json={"status": "done", "owner": "市委办"}
    )
    assert tracked.status_code == 200 and tracked.json()["status"] == "done"
    assert (
        client.post("/api/tasks/nosuchid/tracking", headers=BEARER, json={"status": "done"}).status_code
        == 404
    )
    row = next(r for r in client.get("/api/tasks").json()["rows"] if r["path"] == "3.1.2")
    assert row["tracking_status"] == "done"


def test_text_in_the_page_is_escaped(tmp_path):
    from web import create_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "x.txt").write_text(
        "<script>alert(1)</script>讲话\n一、工作任务\n一是各部门要抓好<b>落实</b>。\n二是要做好A&B工作。\n",
        "utf-8",
    )
    speech, text = read_speech(corpus / "x.txt", source="x.txt")
    extraction = extract_text(text, speech)
    db = open_db(tmp_path / "t.db")
    save_extraction(db, extraction, "x.txt")
    db.close()
    client = TestClient(create_app(tmp_path / "t.db", corpus, TOKEN))
    rid = extraction.requirements[0].id
    out = client.post(
        f"/api/requirements/{rid}/corrections",
        headers=BEARER,
        json={"who": "<i>王</i>", "check": "confirmed", "note": "<img src=x onerror=alert(2)>"},
    )
    assert out.status_code == 200
    sid = speech.sha256[:16]
    for html in (client.get("/").text, client.get(f"/speeches/{sid}").text):
        assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;讲话" in html
    page = client.get(f"/speeches/{sid}").text
    assert "<b>落实" not in page and "&lt;b&gt;落实" in page and "A&amp;B" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<i>王</i>" not in page and "&lt;i&gt;王&lt;/i&gt;" in page


def test_the_corrections_commands(served, tmp_path):
    client, db_path, rid, sid = served
    text = read_speech(SEED)[1]
    fix(client, rid["3.1.2"], check="confirmed")
    fix(client, rid["3.3.3"], check="rejected")
    start = text.index("全市政府系统要深入学习")
    added = client.post(f"/api/speeches/{sid}/requirements", headers=BEARER, json={
        "who": "王", "char_start": start, "char_end": start + 30, "path": "1.1", "actors": ["all_units"]})  # fmt: skip
    assert added.status_code == 201
    runner = CliRunner()
    out = runner.invoke(cli, ["corrections", "stats", "--db", str(db_path)])
    assert out.exit_code == 0 and "not a requirement" in out.output and "0.5" in out.output  # 1 of 2
    out = runner.invoke(cli, ["corrections", "--orphaned", "--db", str(db_path)])
    assert out.exit_code == 0 and "0 orphaned corrections" in out.output
    gold = tmp_path / "gold"
    out = runner.invoke(cli, ["corrections", "export", "--gold", str(gold), "--db", str(db_path)])
    assert out.exit_code == 0, out.output
    assert sorted(p.name for p in gold.iterdir()) == [
        "000_party_building_city_gov.gold.json",
        "000_party_building_city_gov.txt",
    ]
    out = runner.invoke(cli, ["eval", str(gold), "--json"])
    assert out.exit_code == 0 and '"gold": 11, "pred": 11' in out.output


def test_review_serves_on_loopback_with_a_printed_token(served, monkeypatch):
    import uvicorn

    _, db_path, _, _ = served
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    out = CliRunner().invoke(cli, ["review", "--db", str(db_path), "--port", "8123"])
    assert out.exit_code == 0, out.output
    assert (started["host"], started["port"]) == ("127.0.0.1", 8123)
    token = re.search(r"http://127\.0\.0\.1:8123/\?token=(\S+)", out.output).group(1)
    assert len(token) >= 32 and started["app"].state.token == token
    missing = CliRunner().invoke(cli, ["review", "--db", str(db_path.parent / "none.db")])
    assert missing.exit_code == 2 and "no task database" in missing.output


def test_an_added_requirement_whose_text_is_gone_is_listed_as_orphaned(served, tmp_path):
    client, db_path, rid, sid = served
    missed = "全市政府系统要深入学习贯彻习近平总书记关于党的建设重要论述"
    start = read_speech(SEED)[1].index(missed)
    added = client.post(f"/api/speeches/{sid}/requirements", headers=BEARER, json={
        "who": "王", "char_start": start, "char_end": start + len(missed), "path": "1.1", "actors": ["all_units"]})  # fmt: skip
    assert added.status_code == 201
    assert fix(client, rid["3.1.1"], check="confirmed").status_code == 200
    # the office deletes that sentence from the file; the next run stores the new version
    corpus_file = tmp_path / "corpus" / SEED.name
    corpus_file.write_text(SEED.read_text("utf-8").replace(missed, ""), "utf-8")
    speech, text = read_speech(corpus_file, source=SEED.name)
    db = open_db(db_path)
    save_extraction(db, extract_text(text, speech), SEED.name)
    db.close()
    out = CliRunner().invoke(
        cli, ["corrections", "--orphaned", "--db", str(db_path), "--corpus", str(tmp_path / "corpus")]
    )
    assert out.exit_code == 0, out.output
    assert "2 orphaned corrections" in out.output  # the added requirement and its actors, kept
    from store.corrections import orphaned

    db = open_db(db_path)
    listed = [(o["requirement_id"], o["field"]) for o in orphaned(db)]
    db.close()
    assert listed == [(added.json()["id"], "added"), (added.json()["id"], "actors")]  # 3.1.1's survived
    rows = client.get("/api/tasks").json()["rows"]
    assert "1.1" not in [r["path"] for r in rows] and len(rows) == 11

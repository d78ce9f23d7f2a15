"""The review page in a real headless Chromium against a real server: sign in, upload, open the
queue, see the crop, correct a value with the keyboard, and find the correction stored and exported.

Needs Debian's chromium at /usr/bin/chromium (``apt-get install -y chromium``) and the
``playwright`` Python package (its own browser download is never used)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from extractor.corrections_format import read_lines

from .service_support import AUTH, TEXT_SAMPLE, TOKEN, Server, broken_pdf, wait_jobs

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="needs Debian's Chromium at /usr/bin/chromium: apt-get install -y chromium")]


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path / "data", workers=1)
    yield s
    s.stop()


def _card_field(page) -> str:
    return page.get_attribute("#field-card", "data-field")


def _next_card(page, previous: str) -> str:
    page.wait_for_function("prev => { const c = document.querySelector('#field-card');"
                           " return c && c.dataset.field !== prev; }", arg=previous, timeout=20000)
    return _card_field(page)


def test_review_page_in_chromium(server, tmp_path):
    from playwright.sync_api import sync_playwright
    pdf = broken_pdf(tmp_path / "淮安市2024年报.pdf", {"1288": "1295", "1362": "1369"})
    api = httpx.Client(base_url=server.url, headers=AUTH, timeout=10)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server.url + "/")

            # sign in
            page.fill("#login-name", "alice")
            page.fill("#login-password", TOKEN)
            page.press("#login-password", "Enter")
            page.wait_for_selector("#who:has-text('alice')")

            # upload a PDF and a text report from the documents view
            page.click("#nav-documents")
            page.set_input_files("#upload-files", [str(pdf), str(TEXT_SAMPLE)])
            page.click("#upload-form button[type=submit]")
            page.wait_for_selector("#upload-result li:has-text('queued')")
            docs = wait_jobs(api.get, expect=2)
            by_kind = {d["kind"]: d for d in docs}
            assert by_kind["pdf"]["job"]["status"] == "done" and by_kind["pdf"]["review_open"] > 0
            pdf_sha, text_sha = by_kind["pdf"]["sha256"], by_kind["text"]["sha256"]

            # open the PDF's queue from its row, and see the crop of the page around the field
            page.wait_for_selector(f"tr[data-sha='{pdf_sha}'] a:has-text('review')")
            page.click(f"tr[data-sha='{pdf_sha}'] a:has-text('review')")
            page.wait_for_selector("#field-card")
            page.wait_for_function("() => { const i = document.querySelector('#crop');"
                                   " return i && i.complete && i.naturalWidth > 300; }", timeout=20000)
            assert page.inner_text("#row-label").strip() and page.inner_text("#column-label").strip()
            assert "should be" in page.inner_text("#rules") or " is " in page.inner_text("#rules")
            open_before = api.get("/api/review/queue", params={"document": pdf_sha}).json()["open"]
            page.screenshot(path=str(tmp_path / "review-page.png"))

            # typing replaces the value, Enter stores it
            first = _card_field(page)
            assert page.evaluate("document.activeElement.id") == "answer"
            page.keyboard.type("2939")
            page.keyboard.press("Enter")
            second = _next_card(page, first)

            # Enter on an untouched answer confirms; Tab skips without deciding
            page.wait_for_function("() => document.activeElement && document.activeElement.id === 'answer'")
            page.keyboard.press("Enter")
            third = _next_card(page, second)
            page.keyboard.press("Tab")
            fourth = _next_card(page, third)
            assert fourth not in (first, second, third)
            page.click("#rules")  # the answer box loses focus; the keys still drive the card
            page.keyboard.press("Tab")
            fifth = _next_card(page, fourth)
            assert fifth not in (first, second, third, fourth)
            page.wait_for_selector("#progress:has-text('2 of')")

            # stored, with the reviewer, and exported
            corrections = read_lines(api.get("/api/export/corrections").text)
            decided = {(c.sha256, c.field_id): c for c in corrections}
            c1 = decided[(pdf_sha, first)]
            assert c1.value_after == 2939 and c1.reviewer == "alice" and c1.page and c1.bbox
            c2 = decided[(pdf_sha, second)]
            assert c2.confirmed and c2.reviewer == "alice"
            assert (pdf_sha, third) not in decided and (pdf_sha, fourth) not in decided
            assert api.get(f"/api/documents/{pdf_sha}/fields/{first}").json()["value"] == 2939
            assert api.get("/api/review/queue", params={"document": pdf_sha}).json()["open"] == open_before - 2
            csv_rows = api.get("/api/export/results", params={"format": "csv"}).text
            assert f"{pdf_sha}," in csv_rows and ",2939," in csv_rows

            # the document view: the form's tables, corrected and review cells marked
            page.goto(f"{server.url}/#/doc/{pdf_sha}")
            page.wait_for_selector("#table-requests")
            assert page.locator(f"td[data-field='{first}'].rv-corrected").inner_text() == "2939"
            assert page.locator("#table-requests td.st-review").count() > 0
            assert page.locator("#table-appeals td").count() == 15

            # a text report shows its source lines instead of an image
            page.goto(f"{server.url}/#/queue/{text_sha}")
            page.wait_for_selector("#source-lines .focus")
            assert page.locator("#crop").count() == 0
            assert errors == [], errors
        finally:
            browser.close()
    assert (tmp_path / "review-page.png").stat().st_size > 10000

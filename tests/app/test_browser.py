"""The chat page in a real headless browser (Debian's chromium driven by Playwright).

Saves ``test-artifacts/chat.png``; with ``SAVE_README_SCREENSHOT=1`` also
``docs/screenshot-chat.png`` for the README.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

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
REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
README_SCREENSHOT = REPO_ROOT / "docs" / "screenshot-chat.png"
TIMEOUT_MS = 60_000

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, running_app):
    context = browser.new_context(viewport={"width": 1360, "height": 1000}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.dialogs = []  # every alert/confirm the page opens
    page.accept_confirms = False

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        if dialog.type == "confirm" and page.accept_confirms:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(running_app.url)
    page.wait_for_selector("#question textarea")
    try:
        yield page
    finally:
        context.close()


def ask(page, question: str, *, answers_before: int) -> None:
    """Type a question, send it, wait until the streamed answer is complete."""
    page.fill("#question textarea", question)
    page.click("#send")
    # done when the new bot message is there and the sources panel, which says
    # "Đang tìm nguồn…" from the moment the question is taken, shows this answer's sources
    page.wait_for_function(
        """([n]) => {
            const bots = document.querySelectorAll('#chatbot .message-row.bot-row');
            const sources = document.querySelector('#sources').innerText;
            return bots.length > n && !sources.includes('Đang tìm nguồn');
        }""",
        arg=[answers_before],
    )


def injected_elements(page) -> dict:
    return page.evaluate(
        """() => ({
            pwned: window.__pwned ?? null,
            imgs: document.querySelectorAll('img[src="x"]').length,
            jsLinks: document.querySelectorAll('a[href^="javascript" i]').length,
            scripts: [...document.scripts].filter(s => s.textContent.includes('__pwned')).length,
            handlers: [...document.querySelectorAll('[onerror],[onload],[onclick]')]
                .filter(e => (e.getAttribute('onerror') || e.getAttribute('onload') ||
                              e.getAttribute('onclick') || '').includes('pwned')).length,
        })"""
    )


def test_chat_answer_with_citation_and_sources(page, running_app):
    ask(page, "Kết luận 143-KL/TU do ai ký?", answers_before=0)

    chat = page.locator("#chatbot")
    assert "Nguyễn Thị Tuyến" in chat.inner_text()
    assert "[1]" in chat.inner_text()

    sources = page.locator("#sources")
    assert sources.get_by_text("Kết luận 143-KL/TU của Thành ủy Hà Nội").first.is_visible()
    assert "[1]" in sources.inner_text()
    assert "ket_luan_143.txt" in sources.inner_text()
    quote = sources.locator("mark.quote, mark.answer").first
    assert quote.is_visible()
    assert "Nguyễn Thị Tuyến" in sources.locator(".src-card").first.inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "chat.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    if os.environ.get("SAVE_README_SCREENSHOT") == "1":
        README_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, README_SCREENSHOT)
    assert page.dialogs == []


def test_feedback_and_follow_up_and_clear(page, running_app, monkeypatch):
    feedback = running_app.settings.data_dir / "feedback.jsonl"
    before = len(feedback.read_text(encoding="utf-8").splitlines()) if feedback.exists() else 0

    ask(page, "ha noi tang truong binh quan bao nhieu", answers_before=0)
    assert "7,5%" in page.locator("#chatbot").inner_text()

    page.locator("#chatbot").get_by_role("button", name="Câu trả lời tốt").last.click()
    deadline = time.time() + 15
    while time.time() < deadline:
        lines = feedback.read_text(encoding="utf-8").splitlines() if feedback.exists() else []
        if len(lines) > before:
            break
        time.sleep(0.2)
    record = json.loads(lines[-1])
    assert record["vote"] == "up"
    assert record["question"] == "ha noi tang truong binh quan bao nhieu"
    assert "7,5%" in record["answer"]
    assert record["citations"] and {"title", "source", "chunk_id", "quote"} <= set(
        record["citations"][0]
    )

    seen = []
    real = running_app.assistant.search_query

    def spy(question, history=None):
        seen.append((question, list(history or [])))
        return real(question, history)

    monkeypatch.setattr(running_app.assistant, "search_query", spy)
    ask(page, "Còn thu ngân sách năm 2023 thì sao?", answers_before=1)
    chat = page.locator("#chatbot").inner_text()
    assert "Còn thu ngân sách năm 2023 thì sao?" in chat and "7,5%" in chat
    # the follow-up was asked with the conversation so far
    question, turns = seen[-1]
    assert question == "Còn thu ngân sách năm 2023 thì sao?"
    assert [t.question for t in turns] == ["ha noi tang truong binh quan bao nhieu"]
    assert "7,5%" in turns[0].answer

    page.click("#clear")
    page.wait_for_function(
        "() => document.querySelector('#sources').innerText.includes('sẽ hiện ở đây')"
    )
    assert "7,5%" not in page.locator("#chatbot").inner_text()


def test_document_markup_cannot_run_or_inject(page, running_app):
    ask(page, "Cảnh báo bảo mật mạng nội bộ được gửi tới ai?", answers_before=0)
    time.sleep(0.5)  # give any injected handler a chance to fire

    sources_text = page.locator("#sources").inner_text()
    chat_text = page.locator("#chatbot").inner_text()
    shown = sources_text + chat_text
    # the document's markup is shown as text ...
    assert "<script>" in shown or "<img" in shown
    # ... and nothing in it ran or became an element
    assert injected_elements(page) == {
        "pwned": None,
        "imgs": 0,
        "jsLinks": 0,
        "scripts": 0,
        "handlers": 0,
    }
    assert page.dialogs == []

    # the documents tab lists the same title as plain text
    page.get_by_role("tab", name="📁 Tài liệu").click()
    table = page.locator("#sources-table")
    page.wait_for_function(
        "(name) => document.querySelector('#sources-table').innerText.includes(name)",
        arg=running_app.injection_file,
    )
    assert "onerror" in table.inner_text()
    assert running_app.injection_title.split("<")[0].strip() in table.inner_text()
    assert injected_elements(page)["imgs"] == 0
    assert page.dialogs == []


def test_an_example_question_is_asked_with_one_click(page):
    page.get_by_text("Kết luận 143-KL/TU do ai ký?").first.click()
    page.wait_for_function("() => document.querySelector('#sources').innerText.includes('[1]')")
    chat = page.locator("#chatbot").inner_text()
    assert "Kết luận 143-KL/TU do ai ký?" in chat and "Nguyễn Thị Tuyến" in chat


def test_clicking_an_earlier_answer_shows_its_sources(page):
    ask(page, "Kết luận 143-KL/TU do ai ký?", answers_before=0)
    ask(page, "ha noi tang truong binh quan bao nhieu", answers_before=1)
    sources = page.locator("#sources")
    assert "Tăng trưởng kinh tế Thủ đô" in sources.inner_text()
    page.locator("#chatbot").get_by_text("ký ban hành").first.click()
    page.wait_for_function(
        "() => document.querySelector('#sources').innerText.includes('Kết luận 143-KL/TU')"
    )
    assert "Tăng trưởng kinh tế Thủ đô" not in sources.inner_text()


def test_upload_then_delete_in_the_documents_tab(page, running_app, tmp_path):
    doc = tmp_path / "Thông cáo báo chí số 7.md"
    doc.write_text(
        "# Thông cáo về lễ hội hoa sen\n\nLễ hội hoa sen Tây Hồ khai mạc ngày 15 tháng 6.\n",
        encoding="utf-8",
    )
    page.get_by_role("tab", name="📁 Tài liệu").click()
    page.set_input_files("#upload input[type=file]", str(doc))
    page.get_by_role("button", name="📥 Nạp vào kho").click()
    page.get_by_text("Đã thêm (1)").wait_for()
    page.wait_for_function(
        "(name) => document.querySelector('#sources-table').innerText.includes(name)",
        arg=doc.name,
    )
    assert (running_app.settings.data_dir / "uploads" / doc.name).exists()

    page.locator("#to-delete input").click()
    page.get_by_role("option", name=f"Thông cáo về lễ hội hoa sen — {doc.name}").click()
    page.accept_confirms = True
    page.get_by_role("button", name="Xoá tài liệu").click()
    page.get_by_text("Đã xoá tài liệu").wait_for()
    page.wait_for_function(
        "(name) => !document.querySelector('#sources-table').innerText.includes(name)",
        arg=doc.name,
    )
    assert page.dialogs == ["Xoá tài liệu đã chọn khỏi kho?"]
    assert doc.name not in {s.file_name for s in running_app.assistant.sources()}
    assert not (running_app.settings.data_dir / "uploads" / doc.name).exists()

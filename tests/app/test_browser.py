"""The chat page in a real headless browser (Debian's chromium driven by Playwright).

Saves screenshots under ``test-artifacts/``; with ``SAVE_README_SCREENSHOT=1`` also
``docs/screenshot-chat.png`` for the README. More browser tests (citations,
feedback, kept conversations, phones) are in ``test_browser_chat.py``.
"""

from __future__ import annotations

import os
import shutil
import time

import pytest
from browser_steps import (
    CHROMIUM,
    DESKTOP,
    REPO_ROOT,
    ask,
    chip,
    chromium,
    current_card,
    screenshot,
    viewed,
)

pytestmark = pytest.mark.integration

README_SCREENSHOT = REPO_ROOT / "docs" / "screenshot-chat.png"

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    with chromium(sync_api) as b:
        yield b


@pytest.fixture
def page(browser, running_app):
    with viewed(browser, running_app.url, DESKTOP) as page:
        yield page


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
    # the card names the document by its title, not by its stored file name
    assert "ket_luan_143.txt" not in sources.inner_text()
    assert "Nguồn của câu trả lời 1/1" in sources.inner_text()
    quote = sources.locator("mark.quote, mark.answer").first
    assert quote.is_visible()
    assert "Nguyễn Thị Tuyến" in sources.locator(".src-card").first.inner_text()

    # [1] is a chip: a hover previews the cited sentence, a click marks its card
    chip(page, 0, 1).hover()
    preview = page.locator("#cite-preview")
    preview.wait_for(state="visible")
    assert "Nguyễn Thị Tuyến" in preview.inner_text()
    chip(page, 0, 1).click()
    assert current_card(page).get_attribute("data-n") == "1"
    chip(page, 0, 1).hover()  # the preview again, for the screenshot
    page.mouse.move(0, 0)
    chip(page, 0, 1).hover()
    preview.wait_for(state="visible")

    shot = screenshot(page, "chat.png")
    assert shot.stat().st_size > 10_000
    if os.environ.get("SAVE_README_SCREENSHOT") == "1":
        README_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, README_SCREENSHOT)
    assert page.dialogs == []


def test_follow_up_and_clear_with_undo(page, running_app, monkeypatch):
    ask(page, "ha noi tang truong binh quan bao nhieu", answers_before=0)
    assert "7,5%" in page.locator("#chatbot").inner_text()

    from assistant.conversation import EvidenceCondenser

    seen = []
    real = EvidenceCondenser.read

    def spy(self, question, history, try_reading=None):
        seen.append((question, list(history or [])))
        return real(self, question, history, try_reading)

    monkeypatch.setattr(EvidenceCondenser, "read", spy)
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
    # clearing offers an undo that brings the conversation back
    page.click("#undo-clear")
    page.wait_for_function("() => document.querySelector('#chatbot').innerText.includes('7,5%')")
    assert "Còn thu ngân sách năm 2023 thì sao?" in page.locator("#chatbot").inner_text()
    page.locator("#undo-clear").wait_for(state="hidden")


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
    table = page.locator("#sources-table")
    # every column fits a 1366-px window: no header or cell is cut
    page.wait_for_function(
        "() => document.querySelector('#sources-table').innerText.includes('Có sẵn')"
    )
    cut = page.evaluate(
        """() => [...document.querySelectorAll('#sources-table th, #sources-table td')]
            .filter(c => c.innerText.trim() && (c.getBoundingClientRect().right > window.innerWidth
                         || c.scrollWidth > c.clientWidth + 2)).length"""
    )
    assert cut == 0
    page.set_input_files("#upload input[type=file]", str(doc))
    page.get_by_role("button", name="📥 Nạp vào kho").click()
    page.get_by_text("Đã thêm (1)").wait_for()
    page.wait_for_function(
        "(name) => document.querySelector('#sources-table').innerText.includes(name)",
        arg=doc.name,
    )
    assert (running_app.settings.data_dir / "uploads" / doc.name).exists()
    assert "Tải lên" in table.inner_text()  # the bundled documents say "Có sẵn"
    screenshot(page, "documents.png")

    # an answer citing the upload, asked before it is deleted
    page.get_by_role("tab", name="💬 Hỏi đáp").click()
    ask(page, "Lễ hội hoa sen Tây Hồ khai mạc ngày nào?", answers_before=0)
    assert "Thông cáo về lễ hội hoa sen" in page.locator("#sources").inner_text()

    page.get_by_role("tab", name="📁 Tài liệu").click()
    # a click on its row picks it for deleting
    table.get_by_text(doc.name, exact=True).filter(visible=True).first.click()
    page.wait_for_function(
        "() => document.querySelector('#to-delete input').value.includes('lễ hội hoa sen')"
    )
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
    # the earlier upload report is gone, and the earlier answer says its document is
    assert "Đã thêm" not in page.locator("#ingest-report").inner_text()
    page.get_by_role("tab", name="💬 Hỏi đáp").click()
    note = page.locator("#sources .src-turn.active .src-deleted")
    note.wait_for()
    assert "Thông cáo về lễ hội hoa sen" in note.inner_text()

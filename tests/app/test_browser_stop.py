"""Stopping a slow answer in headless Chromium: Stop in Send's place, Enter while
answering keeps the question in the box, and after Stop the chat, the saved
conversation and the next question all work.

The app answers with :class:`conftest.SlowAnswerer` (a pause before each word, like
a local model on a CPU), or in LLM mode with a local chat model that talks slowly and
would never stop (:class:`conftest.SlowChatModel`), both injected through the
composition root.
"""

from __future__ import annotations

import threading

import pytest
from browser_steps import (
    CHROMIUM,
    DESKTOP,
    PHONE,
    ask,
    chromium,
    screenshot,
    seen,
    viewed,
    wait_until,
)
from conftest import SlowAnswerer, SlowChatModel, serve_app

from assistant.answering.llm import LLMAnswerer

pytestmark = pytest.mark.integration

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

SLOW = 1.5  # seconds before each word: an answer takes half a minute unless stopped
FIRST = "Hà Nội phấn đấu tăng trưởng kinh tế bình quân bao nhiêu?"
SECOND = "Kết luận 143-KL/TU do ai ký?"
FOLLOW_UP = "Còn năm 2024 thì sao?"


@pytest.fixture(scope="module")
def browser():
    with chromium(sync_api) as b:
        yield b


@pytest.fixture(scope="module")
def slow_app(tmp_path_factory):
    answerer = SlowAnswerer()
    running, demo = serve_app(tmp_path_factory.mktemp("slow"), answerer)
    running.answerer = answerer
    try:
        yield running
    finally:
        demo.close()


@pytest.fixture
def answerer(slow_app):
    slow_app.answerer.pause = SLOW
    slow_app.answerer.closed.clear()
    yield slow_app.answerer
    slow_app.answerer.pause = 0.0


def rows(page, kind: str) -> int:
    return page.locator(f"#chatbot .message-row.{kind}-row").count()


def start_slow_answer(page, question: str) -> None:
    """Send ``question`` and wait until Stop is shown and the first words are."""
    page.fill("#question textarea", question)
    page.click("#send")
    page.locator("#stop").wait_for(state="visible")
    page.locator("#busy-note").wait_for(state="visible")
    assert not page.locator("#send").is_visible()
    page.wait_for_function(
        """() => {
            const bots = document.querySelectorAll('#chatbot .message-row.bot-row');
            const last = bots[bots.length - 1];
            return !!last && last.innerText.trim() && !last.innerText.includes('Đang tìm');
        }"""
    )


def stop(page) -> None:
    page.click("#stop")
    page.locator("#send").wait_for(state="visible")
    page.locator("#stop").wait_for(state="hidden")
    page.locator("#busy-note").wait_for(state="hidden")
    page.wait_for_function("() => document.querySelector('#chatbot').innerText.includes('đã dừng')")


def test_stop_a_slow_answer_then_ask_on(browser, slow_app, answerer, monkeypatch):
    with viewed(browser, slow_app.url, DESKTOP) as page:
        start_slow_answer(page, FIRST)

        # a second Enter while answering: not sent, not lost, and the note says why
        box = page.locator("#question textarea")
        box.fill(SECOND)
        box.press("Enter")
        page.wait_for_selector("#busy-note.nudge")
        assert box.input_value() == SECOND
        assert rows(page, "user") == 1

        # clearing the conversation mid-answer is refused with a warning, not half done
        page.click("#clear")
        page.wait_for_function(
            "() => document.body.innerText.includes('Đang trả lời câu hỏi trước')"
        )
        assert rows(page, "user") == 1 and FIRST in page.locator("#chatbot").inner_text()

        screenshot(page, "stop-while-answering.png")
        stop(page)
        assert wait_until(answerer.closed.is_set)  # the answer's stream was closed
        screenshot(page, "stopped.png")
        chat = page.locator("#chatbot").inner_text()
        assert FIRST in chat and rows(page, "user") == 1 and rows(page, "bot") == 1
        assert "Đang tìm" not in page.locator("#sources").inner_text()
        # the box kept the second question and takes it at once
        assert box.input_value() == SECOND and box.is_editable()
        answerer.pause = 0.0

        from assistant.conversation import EvidenceCondenser

        seen_history = []
        real = EvidenceCondenser.read

        def spy(self, question, history, try_reading=None):
            seen_history.append([t.question for t in history or []])
            return real(self, question, history, try_reading)

        monkeypatch.setattr(EvidenceCondenser, "read", spy)
        box.press("Enter")
        page.wait_for_function(
            """() => document.querySelectorAll('#chatbot .message-row.bot-row').length === 2
                && !document.querySelector('#sources').innerText.includes('Đang tìm nguồn')"""
        )
        assert "Nguyễn Thị Tuyến" in page.locator("#chatbot").inner_text()
        assert page.locator("#send").is_visible() and not page.locator("#stop").is_visible()
        # a follow-up reads the answered question, not the stopped one
        ask(page, FOLLOW_UP, answers_before=2)
        assert seen_history[-1] == [SECOND]
        shown = page.locator("#chatbot").inner_text()
        assert "đã dừng" in shown and rows(page, "user") == 3

        # the saved conversation is what the chat showed
        page.reload()
        page.wait_for_selector("#chatbot.restored")
        page.wait_for_function(
            "() => document.querySelectorAll('#chatbot .message-row.user-row').length === 3"
        )
        again = page.locator("#chatbot").inner_text()
        assert "đã dừng" in again
        for question in (FIRST, SECOND, FOLLOW_UP):
            assert question in again
        assert page.dialogs == []


def test_stop_on_a_phone(browser, slow_app, answerer):
    with viewed(browser, slow_app.url, PHONE) as page:
        start_slow_answer(page, FIRST)
        stop_button = page.locator("#stop")
        assert seen(page, stop_button)  # on screen and not covered
        box = stop_button.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"]
        screenshot(page, "stop-phone.png")
        stop(page)
        assert rows(page, "user") == 1 and rows(page, "bot") == 1
        answerer.pause = 0.0
        ask(page, SECOND, answers_before=1)
        assert "Nguyễn Thị Tuyến" in page.locator("#chatbot").inner_text()


@pytest.fixture(scope="module")
def llm_app(tmp_path_factory):
    model = SlowChatModel(pause=SLOW)
    answerer = LLMAnswerer(chat_model=model, timeout=300, max_tokens=100_000)
    llm = {"mode": "llm", "llm_base_url": "http://127.0.0.1:9/v1"}
    running, demo = serve_app(tmp_path_factory.mktemp("llm"), answerer, answer=llm)
    running.model = model
    try:
        yield running
    finally:
        demo.close()


def llm_readers(before: set[threading.Thread] = frozenset()) -> set[threading.Thread]:
    """The threads reading a model's stream (``llm.py``: ``_pieces``), but ``before``."""
    alive = {t for t in threading.enumerate() if t.name == "llm-stream" and t.is_alive()}
    return alive - before


def test_stop_an_llm_answer_and_the_model_is_no_longer_read(browser, llm_app):
    model = llm_app.model
    with viewed(browser, llm_app.url, DESKTOP) as page:
        before = llm_readers()
        start_slow_answer(page, FIRST)
        assert llm_readers(before)  # the answer comes from the model (LLM mode is the default)
        stop(page)
        assert wait_until(lambda: not llm_readers(before))  # the model's stream was closed
        assert rows(page, "user") == 1 and rows(page, "bot") == 1

        model.pause, model.endless = 0.0, False
        ask(page, SECOND, answers_before=1)
        chat = page.locator("#chatbot").inner_text()
        assert "đã dừng" in chat and rows(page, "bot") == 2
        assert page.locator("#send").is_visible()

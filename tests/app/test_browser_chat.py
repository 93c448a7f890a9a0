"""The chat page in headless Chromium: citations, feedback, kept conversations, phones.

Desktop 1366×900 and phone 390×844; screenshots in ``test-artifacts/``.
"""

from __future__ import annotations

import pytest
from browser_steps import (
    CHROMIUM,
    DESKTOP,
    PHONE,
    ask,
    chip,
    chromium,
    current_card,
    feedback_records,
    in_viewport,
    open_page,
    screenshot,
    seen,
    viewed,
    wait_until,
)
from conftest import TwoSourceAnswerer, serve_app

from assistant.inputs import MAX_QUESTION_CHARS
from webapp.chat import EMPTY_QUESTION

pytestmark = pytest.mark.integration

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    with chromium(sync_api) as b:
        yield b


@pytest.fixture(scope="module")
def two_source_app(tmp_path_factory):
    """The app with an answerer that cites two passages as [1] and [2]."""
    running, demo = serve_app(tmp_path_factory.mktemp("two"), TwoSourceAnswerer())
    try:
        yield running
    finally:
        demo.close()


@pytest.fixture
def desktop(browser, two_source_app):
    with viewed(browser, two_source_app.url, DESKTOP) as page:
        yield page


@pytest.fixture
def phone(browser, two_source_app):
    with viewed(browser, two_source_app.url, PHONE) as page:
        yield page


def card_title(card) -> str:
    return card.locator(".src-title").inner_text()


def test_a_click_on_2_shows_source_2(desktop):
    page = desktop
    ask(page, "Hà Nội tăng trưởng và thu ngân sách bao nhiêu?", answers_before=0)
    cards = page.locator("#sources .src-turn.active .src-card")
    assert cards.count() == 2
    second = card_title(cards.nth(1))

    chip(page, 0, 2).hover()
    preview = page.locator("#cite-preview")
    preview.wait_for(state="visible")
    assert second in preview.inner_text()

    chip(page, 0, 2).click()
    assert current_card(page).get_attribute("data-n") == "2"
    assert card_title(current_card(page)) == second
    assert in_viewport(page, current_card(page))
    screenshot(page, "chat-citation-2.png")

    # a later answer's panel; a chip of the first answer brings the first answer's sources back
    ask(page, "Kết luận 143-KL/TU do ai ký?", answers_before=1)
    assert "Nguồn của câu trả lời 2/2" in page.locator("#sources").inner_text()
    chip(page, 0, 2).click()
    assert "Nguồn của câu trả lời 1/2" in page.locator("#sources").inner_text()
    assert card_title(current_card(page)) == second


def test_the_whole_document_opens_at_the_cited_passage(desktop):
    page = desktop
    ask(page, "Kết luận 143-KL/TU do ai ký?", answers_before=0)
    card = page.locator("#sources .src-turn.active .src-card").first
    quote = card.locator("mark.quote").first.inner_text()
    card.locator(".src-open").click()
    viewer = page.locator("#doc-viewer")
    cited = viewer.locator("#doc-cited")
    cited.wait_for()
    assert quote in cited.inner_text()
    assert card_title(card) in viewer.locator(".doc-title").inner_text()
    assert in_viewport(page, cited)
    screenshot(page, "chat-document.png")
    viewer.locator(".doc-close").click()
    viewer.wait_for(state="hidden")


def test_un_liking_writes_no_down_vote_and_a_down_vote_takes_a_reason(desktop, two_source_app):
    page = desktop
    path = two_source_app.settings.data_dir / "feedback.jsonl"
    question = "Năm điểm nghẽn của Hà Nội là gì?"
    ask(page, question, answers_before=0)

    def mine():
        return [r for r in feedback_records(path) if r.get("question") == question]

    chat = page.locator("#chatbot")
    chat.get_by_role("button", name="Câu trả lời tốt").last.click()
    assert wait_until(lambda: [r["vote"] for r in mine()] == ["up"])
    liked = chat.get_by_role("button", name="Đã đánh giá tốt (bấm lần nữa để bỏ)")
    liked.wait_for()  # said in Vietnamese, not Gradio's "Liked"
    assert "Liked" not in page.evaluate(
        "() => [...document.querySelectorAll('#chatbot [aria-label]')]"
        ".map(e => e.getAttribute('aria-label')).join('|')"
    )

    liked.click()  # taken back: no vote at all, and never a down vote
    assert wait_until(lambda: mine() == [])

    chat.get_by_role("button", name="Câu trả lời chưa tốt").last.click()
    assert wait_until(lambda: [r["vote"] for r in mine()] == ["down"])
    page.locator("#feedback-reason textarea").fill("Thiếu ý thứ năm")
    page.click("#send-reason")
    assert wait_until(lambda: [r.get("reason") for r in mine()] == ["Thiếu ý thứ năm"])
    page.locator("#feedback-reason textarea").wait_for(state="hidden")

    chat.get_by_role("button", name="Câu trả lời tốt").last.click()  # 👎 → 👍 replaces it
    assert wait_until(lambda: [r["vote"] for r in mine()] == ["up"])


def test_an_empty_question_shows_a_message(desktop):
    page = desktop
    # the page speaks to staff in Vietnamese: no developer footer or English settings panel
    text = page.locator("body").inner_text()
    assert "Settings" not in text and "Use via API" not in text
    assert page.locator("#page-footer").get_by_text("kiểm tra nguồn").is_visible()
    assert page.get_by_text("Hội thoại", exact=True).count() == 0  # no label over the messages
    page.fill("#question textarea", "   ")
    page.press("#question textarea", "Enter")
    page.get_by_text(EMPTY_QUESTION).first.wait_for()
    assert page.locator("#chatbot .message-row").count() == 0
    screenshot(page, "chat-empty-question.png")


def test_a_reload_keeps_the_conversation_and_lists_it(desktop, two_source_app):
    page = desktop
    ask(page, "Kết luận 143-KL/TU do ai ký?", answers_before=0)
    ask(page, "Hà Nội tăng trưởng bao nhiêu?", answers_before=1)
    page.reload()
    page.wait_for_function(
        "() => document.querySelectorAll('#chatbot .message-row.bot-row').length === 2"
    )
    chat = page.locator("#chatbot").inner_text()
    assert "Kết luận 143-KL/TU do ai ký?" in chat and "Hà Nội tăng trưởng bao nhiêu?" in chat
    assert "Nguồn của câu trả lời 2/2" in page.locator("#sources").inner_text()
    chip(page, 0, 1).click()  # the chips work on a restored conversation too
    assert "Nguồn của câu trả lời 1/2" in page.locator("#sources").inner_text()

    # a new conversation; the first one stays listed and opens again
    page.locator("#conversation-bar").get_by_role("button").first.click()  # open the side bar
    page.click("#new-chat")
    page.wait_for_function("() => !document.querySelector('#chatbot .message-row')")
    listed = page.locator("#conversations label", has_text="Kết luận 143-KL/TU do ai ký?")
    listed.click()
    page.wait_for_function(
        "() => document.querySelectorAll('#chatbot .message-row.bot-row').length === 2"
    )
    screenshot(page, "chat-conversations.png")

    # another browser (another session) does not see it
    other = open_page(page.context.browser, two_source_app.url, DESKTOP)
    try:
        other.wait_for_timeout(1000)
        assert other.locator("#chatbot .message-row").count() == 0
        assert "Kết luận 143-KL/TU" not in other.locator("#conversations").inner_text()
    finally:
        other.context.close()


def test_on_a_phone_send_is_above_the_fold_and_sources_open_beside_the_answer(phone):
    page = phone
    assert in_viewport(page, page.locator("#send"))
    box = page.locator("#send").bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    assert seen(page, page.locator("#send"))
    screenshot(page, "chat-phone.png")
    ask(page, "Hà Nội tăng trưởng và thu ngân sách bao nhiêu?", answers_before=0)
    answer = page.locator("#chatbot .message-row.bot-row").last
    assert in_viewport(page, answer)
    chip(page, 0, 2).click()
    card = current_card(page)
    card.wait_for()
    page.wait_for_timeout(400)  # the drawer slides in
    assert card.get_attribute("data-n") == "2"
    assert seen(page, card)  # on screen, in the drawer
    assert seen(page, chip(page, 0, 2))  # the answer's chip is still in sight above it
    screenshot(page, "chat-phone-sources.png")
    page.click("#sources-close")
    page.wait_for_timeout(400)
    assert not in_viewport(page, card)


def test_on_a_phone_the_drawer_head_never_covers_the_cited_card(phone):
    page = phone
    ask(page, "Hà Nội tăng trưởng và thu ngân sách bao nhiêu?", answers_before=0)
    for n in (2, 1):
        chip(page, 0, n).click()
        card = current_card(page)
        card.wait_for()
        page.wait_for_timeout(400)  # the drawer slides in
        assert card.get_attribute("data-n") == str(n)
        # the top line of the card (its number and title) is on screen, not under the
        # drawer's sticky "Nguồn / Đóng" head
        title = card.locator(".src-head").first
        box = title.bounding_box()
        covered = page.evaluate(
            "([x, y]) => { const e = document.elementFromPoint(x, y);"
            " return !e || !e.closest('.src-card.current'); }",
            [box["x"] + 4, box["y"] + 2],
        )
        assert not covered, f"the drawer's head covers the title of source {n}"
    screenshot(page, "chat-phone-drawer-head.png")


def test_a_pasted_question_over_the_limit_is_refused_whole_not_cut(desktop):
    page = desktop
    pasted = "Hà Nội tăng trưởng kinh tế năm 2023 bao nhiêu phần trăm? " * 50
    assert len(pasted.strip()) > MAX_QUESTION_CHARS
    page.fill("#question textarea", pasted)
    page.click("#send")
    page.get_by_text("Câu hỏi quá dài").first.wait_for()
    page.wait_for_timeout(500)
    assert page.locator("#chatbot .message-row").count() == 0  # not answered cut short
    assert page.locator("#question textarea").input_value() == pasted  # kept, to be shortened
    screenshot(page, "chat-question-too-long.png")

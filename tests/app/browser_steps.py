"""Steps the browser tests share: open the app in headless Chromium, ask, read the page.

Not a test module; the fixtures that use these live in the test files.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
TIMEOUT_MS = 60_000
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@contextmanager
def chromium(sync_api) -> Iterator:
    """Debian's Chromium, headless, driven by Playwright's ``sync_api``; closed after."""
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def viewed(browser, url: str, viewport: dict) -> Iterator:
    """A page on the app in a context of its own (:func:`open_page`), closed after."""
    page = open_page(browser, url, viewport)
    try:
        yield page
    finally:
        page.context.close()


def open_page(browser, url: str, viewport: dict, context=None):
    """A new page (in ``context`` or a new one) on the app, the question box ready.

    ``page.dialogs`` collects every alert/confirm; confirms are accepted when
    ``page.accept_confirms`` is set.
    """
    context = context or browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.dialogs = []
    page.accept_confirms = False

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        if dialog.type == "confirm" and page.accept_confirms:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(url)
    page.wait_for_selector("#question textarea")
    page.wait_for_selector("#chatbot.restored")  # this browser's conversation is loaded
    return page


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


def chip(page, turn: int, n: int):
    """The [n] chip of the answer number ``turn`` (0-based)."""
    sel = f'#chatbot .cite-chip[data-turn="{turn}"][data-n="{n}"]'
    page.wait_for_selector(sel)
    return page.locator(sel).first


def current_card(page):
    return page.locator("#sources .src-turn.active .src-card.current")


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    view = page.viewport_size
    return bool(box) and box["y"] < view["height"] and box["y"] + box["height"] > 0


def seen(page, locator) -> bool:
    """True when the middle of ``locator`` is on screen and nothing covers it."""
    box = locator.bounding_box()
    if not box:
        return False
    x, y = box["x"] + min(20, box["width"] / 2), box["y"] + min(20, box["height"] / 2)
    return page.evaluate(
        "([x, y, sel]) => { const e = document.elementFromPoint(x, y);"
        " return !!e && !!e.closest(sel); }",
        [x, y, locator.evaluate("e => e.id ? '#' + e.id : '.' + [...e.classList].join('.')")],
    )


def feedback_records(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def wait_until(condition, timeout: float = 15.0):
    """Poll ``condition`` until it returns something true; that value (or the last one)."""
    deadline = time.time() + timeout
    value = condition()
    while not value and time.time() < deadline:
        time.sleep(0.2)
        value = condition()
    return value


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / name
    page.screenshot(path=str(shot), full_page=False)
    return shot

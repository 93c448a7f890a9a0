"""Stopping an answer in the chat: the page shows it is answering, Stop ends the stream,
and the chat, the turns and the saved conversation agree afterwards.

Gradio stops an answer by closing the ``respond`` generator; these tests do the same.
"""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

import gradio as gr
import pytest
from conftest import SlowAnswerer, SlowChatModel, write_corpus

from assistant import Assistant, Settings
from assistant.answering.llm import LLMAnswerer
from webapp.chat import (
    BUSY_WARNING,
    MODE_EXTRACTIVE,
    MODE_LLM,
    STOPPED_MARK,
    ChatSession,
    chat_messages,
    history_of,
)
from webapp.handlers import PageHandlers

QUESTION = "Hà Nội phấn đấu tăng trưởng kinh tế bình quân bao nhiêu?"
FOLLOW_UP = "Còn thu ngân sách năm 2023 thì sao?"


def handlers_for(tmp_path, answerer, **settings: Any) -> PageHandlers:
    settings = Settings(
        _env_file=None, data_dir=tmp_path / "data", embedding={"model": "fake"}, **settings
    )
    bot = Assistant(settings, answerer=answerer)
    assert not bot.ingest([write_corpus(tmp_path / "corpus")]).failed
    return PageHandlers(ChatSession(bot, settings), max_mb=1)


def visible(update) -> bool:
    return update.visible


def controls(step: tuple) -> tuple[bool, bool, bool]:
    """(Send shown, Stop shown, busy note shown) of a ``respond`` step."""
    return tuple(visible(u) for u in step[5:8])


def stream_until_text(steps, words: int = 2) -> tuple:
    """Steps of ``respond`` until the answer shows ``words`` words; the last one."""
    for step in steps:
        answering = step[4]
        if isinstance(answering, dict) and len(answering["text"].split()) >= words:
            return step
    raise AssertionError("the answer ended before it showed anything")


def request():
    return SimpleNamespace(username=None)


@pytest.fixture
def slow(tmp_path):
    answerer = SlowAnswerer()
    return answerer, handlers_for(tmp_path, answerer)


def test_while_answering_stop_replaces_send_and_a_note_says_why(slow):
    _, h = slow
    steps = list(h.respond(QUESTION, [], 3, MODE_EXTRACTIVE))
    first, last = steps[0], steps[-1]
    assert controls(first) == (False, True, True)
    assert first[4]["question"] == QUESTION  # the answer in progress
    assert controls(last) == (True, False, False) and last[4] is None
    turns = last[2]
    assert len(turns) == 1 and not turns[0].get("error") and last[0] == chat_messages(turns)


def test_a_second_question_while_answering_is_refused_with_a_warning_not_lost(slow):
    _, h = slow
    running = stream_until_text(h.respond(QUESTION, [], 3, MODE_EXTRACTIVE))
    with pytest.warns(UserWarning, match=BUSY_WARNING):
        second = list(h.respond(FOLLOW_UP, running[2], 3, MODE_EXTRACTIVE, running[4]))
    # nothing changes: not the chat, not the turns, and the box keeps the question
    assert second == [(gr.skip(),) * 8]


def test_nothing_else_changes_the_conversation_while_answering(slow):
    _, h = slow
    bid, conv, *_ = h.restore(None, request())
    first = list(h.respond(QUESTION, [], 3, MODE_EXTRACTIVE))[-1]
    h.save(bid, conv, first[2], request())
    running = stream_until_text(h.respond(FOLLOW_UP, first[2], 3, MODE_EXTRACTIVE))
    answering = running[4]
    with pytest.warns(UserWarning, match="Dừng"):
        refused = [
            h.clear(bid, conv, first[2], request(), answering),
            h.new_conversation(bid, request(), answering),
            h.open_conversation(bid, conv, request(), answering),
            h.undo_clear(bid, {"id": conv, "turns": []}, request(), answering),
        ]
    for outputs in refused:
        assert all(u == gr.skip() for u in outputs)
    assert h.restore(bid, request())[2] == first[2]  # the saved conversation is untouched


def test_stop_keeps_the_question_marked_and_everything_agrees(slow, tmp_path):
    answerer, h = slow
    bid, conv, *_ = h.restore(None, request())
    first = list(h.respond(QUESTION, [], 3, MODE_EXTRACTIVE))[-1]
    turns = first[2]

    steps = h.respond(FOLLOW_UP, turns, 3, MODE_EXTRACTIVE)
    shown = stream_until_text(steps)
    steps.close()  # what Gradio does on Stop
    assert answerer.closed.is_set()  # the answerer's stream was closed, not left running

    chat, panel, turns, answering, *busy = h.settle(shown[4], shown[2])
    assert answering is None and tuple(visible(u) for u in busy) == (True, False, False)
    assert [t["question"] for t in turns] == [QUESTION, FOLLOW_UP]
    stopped = turns[-1]
    assert stopped["stopped"] and stopped["error"] and not stopped["citations"]
    assert STOPPED_MARK in stopped["display"]
    assert shown[4]["text"].split()[0] in stopped["display"]  # what was shown stays
    assert chat == chat_messages(turns)  # the chat shows exactly the turns
    assert "đã dừng" in panel  # and the sources panel says why it has none
    # it is not read as history: a follow-up builds on the answered question
    assert [t["question"] for t in history_of(turns)] == [QUESTION]

    h.save(bid, conv, turns, request())
    assert h.restore(bid, request())[2] == turns  # the saved conversation agrees

    # the next question is answered at once
    answerer.calls.clear()
    after = list(h.respond("Còn năm 2024 thì sao?", turns, 3, MODE_EXTRACTIVE))[-1]
    assert len(after[2]) == 3 and not after[2][-1].get("error")
    assert after[0] == chat_messages(after[2])


def test_settle_after_an_answer_that_ended_changes_nothing(slow):
    _, h = slow
    last = list(h.respond(QUESTION, [], 3, MODE_EXTRACTIVE))[-1]
    chat, _panel, turns, answering, *_ = h.settle(None, last[2])
    assert turns == last[2] and chat == last[0] and answering is None


def test_stopped_before_any_word_says_so(slow):
    _, h = slow
    steps = h.respond(QUESTION, [], 3, MODE_EXTRACTIVE)
    first = next(steps)
    steps.close()
    _, _, turns, *_ = h.settle(first[4], first[2])
    assert turns[-1]["question"] == QUESTION and "đã dừng" in turns[-1]["display"]


def llm_readers(before: set[threading.Thread] = frozenset()) -> set[threading.Thread]:
    """The threads reading a model's stream (``llm.py``: ``_pieces``), but ``before``."""
    alive = {t for t in threading.enumerate() if t.name == "llm-stream" and t.is_alive()}
    return alive - before


def test_stopping_an_llm_answer_stops_reading_the_model(tmp_path):
    model = SlowChatModel()
    answerer = LLMAnswerer(chat_model=model, timeout=60, max_tokens=100_000)
    h = handlers_for(
        tmp_path, answerer, answer={"mode": "llm", "llm_base_url": "http://127.0.0.1:9/v1"}
    )
    before = llm_readers()
    steps = h.respond(QUESTION, [], 3, MODE_LLM)
    shown = stream_until_text(steps, words=5)
    assert llm_readers(before)
    steps.close()
    deadline = time.monotonic() + 5
    while llm_readers(before) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not llm_readers(before)  # the worker thread ended with the answer
    read = len(model.read)
    time.sleep(0.2)
    assert len(model.read) == read  # and nothing reads the model any more
    _, _, turns, *_ = h.settle(shown[4], shown[2])
    assert turns[-1]["stopped"] and turns[-1]["mode"] == "llm"

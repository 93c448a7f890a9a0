"""Conversations kept per (logged-in user, browser) in the data dir."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assistant import Assistant, Settings
from webapp.chat import ChatSession
from webapp.conversations import ConversationStore, new_browser_id
from webapp.handlers import PageHandlers

TURN = {"id": "t1", "question": "Ai ký Kết luận 143?", "answer": "Bà A [1].", "display": "Bà A"}


def test_a_saved_conversation_is_listed_and_loaded(tmp_path):
    store = ConversationStore(tmp_path)
    owner = store.owner("bientap", new_browser_id())
    store.save(owner, "aaaa1111", [TURN])
    store.save(owner, "bbbb2222", [dict(TURN, question="Câu thứ hai?")])
    listed = store.list(owner)
    assert {c.id for c in listed} == {"aaaa1111", "bbbb2222"}
    assert store.load(owner, "aaaa1111") == [TURN]
    store.delete(owner, "aaaa1111")
    assert [c.id for c in store.list(owner)] == ["bbbb2222"]


def test_different_users_in_one_browser_never_share_conversations(tmp_path):
    store = ConversationStore(tmp_path)
    browser = new_browser_id()
    store.save(store.owner("an", browser), "aaaa1111", [TURN])
    assert store.list(store.owner("binh", browser)) == []
    assert store.list(store.owner(None, browser)) == []
    assert store.load(store.owner("binh", browser), "aaaa1111") == []


def test_ids_from_the_browser_cannot_name_other_files(tmp_path):
    store = ConversationStore(tmp_path)
    for bad in ("", "../../etc", "ABC", "a/b"):
        with pytest.raises(ValueError):
            store.owner("an", bad)
    owner = store.owner("an", new_browser_id())
    assert store.load(owner, "../x") == []
    with pytest.raises(ValueError):
        store.save(owner, "../x", [TURN])


def test_a_broken_file_is_skipped_not_fatal(tmp_path):
    store = ConversationStore(tmp_path)
    owner = store.owner("an", new_browser_id())
    store.save(owner, "aaaa1111", [TURN])
    (owner / "cccc3333.json").write_text("{not json", encoding="utf-8")
    assert [c.id for c in store.list(owner)] == ["aaaa1111"]
    assert store.load(owner, "cccc3333") == []


@pytest.fixture
def handlers(tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", embedding={"model": "fake"})
    return PageHandlers(ChatSession(Assistant(settings), settings), max_mb=1)


def request(username=None):
    return SimpleNamespace(username=username)


def test_a_reload_brings_back_the_latest_conversation_of_that_user(handlers):
    bid, conv, turns, *_ = handlers.restore(None, request("an"))
    assert turns == [] and bid and conv
    handlers.save(bid, conv, [TURN], request("an"))
    again = handlers.restore(bid, request("an"))
    assert again[0] == bid and again[1] == conv and again[2] == [TURN]
    assert again[3].value[0]["content"]  # the chatbot shows the question
    other = handlers.restore(bid, request("binh"))
    assert other[2] == []


def test_clearing_keeps_one_undo(handlers):
    bid, conv, *_ = handlers.restore(None, request())
    handlers.save(bid, conv, [TURN], request())
    new_id, turns, chat, _panel, _q, _list, undo, _btn = handlers.clear(
        bid, conv, [TURN], request()
    )
    assert new_id != conv and turns == [] and chat == []
    assert handlers.restore(bid, request())[2] == []  # gone from disk
    restored = handlers.undo_clear(bid, undo, request())
    assert restored[0] == conv and restored[1] == [TURN]
    assert handlers.restore(bid, request())[2] == [TURN]

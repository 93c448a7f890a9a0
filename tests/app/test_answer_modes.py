"""The chat's offline choice answers with the offline answerer the settings chose."""

from __future__ import annotations

import app as chat_app
from assistant import Assistant, Settings


def test_the_offline_choice_follows_the_configured_offline_mode(tmp_path):
    settings = Settings(
        _env_file=None, data_dir=tmp_path / "kb", embedding={"model": "fake"},
        answer={"mode": "learned"},
    )  # fmt: skip
    bot = Assistant(settings)
    session = chat_app.ChatSession(bot, settings)
    assert session.for_mode(chat_app.MODE_EXTRACTIVE) is bot
    assert type(bot.answerer).__name__ == "EvidenceAnswerer"
    # no LLM configured: the LLM choice falls back to the same offline answerer
    assert session.for_mode(chat_app.MODE_LLM) is bot


def test_the_default_offline_choice_is_the_extractive_answerer(tmp_path):
    settings = Settings(_env_file=None, data_dir=tmp_path / "kb", embedding={"model": "fake"})
    session = chat_app.ChatSession(Assistant(settings), settings)
    view = session.for_mode(chat_app.MODE_EXTRACTIVE)
    assert type(view.answerer).__name__ == "ExtractiveAnswerer"

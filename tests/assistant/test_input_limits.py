"""What the public API accepts: questions, conversation history and k, with clear
messages for what it does not (Vietnamese first, English in parentheses)."""

from __future__ import annotations

import pytest

from assistant import Assistant, AssistantError, Settings
from assistant.core import check_question


@pytest.fixture
def bot(tmp_path, tiny_corpus) -> Assistant:
    bot = Assistant(Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"}))
    bot.ingest([tiny_corpus])
    return bot


# ---------------------------------------------------------------------- questions
@pytest.mark.parametrize("question", ["ổ", "x", "1", " ? x !", "ổ…"])
def test_a_question_with_too_little_to_search_for_is_refused(bot, question):
    with pytest.raises(AssistantError, match="quá ngắn.*too short"):
        bot.ask(question)


@pytest.mark.parametrize("question", ["GDP", "PAR-Index", "Ai?", "5G"])
def test_short_real_queries_still_work(question):
    assert check_question(question) == question

"""What the public API accepts: questions, conversation history and k, with clear
messages for what it does not (Vietnamese first, English in parentheses)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from assistant import Assistant, AssistantError, Settings
from assistant.answering.base import Answerer, AnswerEvent, Turn
from assistant.core import check_question, normalize_history
from assistant.types import Answer, Passage


class RecordingAnswerer(Answerer):
    """Answers with the first passage's text; records the history it was given."""

    name = "recording"

    def __init__(self) -> None:
        self.histories: list[list[Turn]] = []

    def search_query(self, question: str, history: Sequence[Turn] = ()) -> str:
        self.histories.append(list(history))
        return question

    def stream(
        self, question: str, passages: Sequence[Passage], *, history: Sequence[Turn] = ()
    ) -> Iterator[AnswerEvent]:
        self.histories.append(list(history))
        text = passages[0].text if passages else "không tìm thấy"
        yield AnswerEvent(answer=Answer(text=text, question=question))


@pytest.fixture
def answerer() -> RecordingAnswerer:
    return RecordingAnswerer()


@pytest.fixture
def bot(tmp_path, tiny_corpus, answerer) -> Assistant:
    settings = Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"}, history={"max_turns": 3})
    bot = Assistant(settings, answerer=answerer)
    bot.ingest([tiny_corpus])
    return bot


# ------------------------------------------------------------------- history size
def test_a_history_of_any_size_is_read_as_its_last_turns_cut_to_size():
    history = [{"question": f"Câu hỏi {i} " + "x" * 5000, "answer": "y" * 500_000} for i in range(300)]
    turns = normalize_history(history, max_turns=4, max_chars=1000)
    assert [t.question.split()[2] for t in turns] == ["296", "297", "298", "299"]  # the last, in order
    assert all(len(t.question) <= 1000 and len(t.answer) <= 1000 for t in turns)


def test_the_answerer_sees_the_history_within_the_settings_limits(bot, answerer):
    huge = [("Hà Nội tháo gỡ điểm nghẽn nào?", "ùn tắc " * 100_000)] * 50  # 700,000 characters per answer
    bot.ask("Còn quy hoạch thì sao?", huge)
    limits = bot.settings.history
    assert answerer.histories  # search_query and stream were both given the history
    for seen in answerer.histories:
        assert 1 <= len(seen) <= limits.max_turns == 3
        assert all(len(t.answer) <= limits.max_turn_chars for t in seen)


def test_odd_but_readable_turns_are_kept(bot, answerer):
    bot.ask("Còn quy hoạch?", [["Điểm nghẽn là gì?", None], {"question": 2024, "answer": 5}])
    assert answerer.histories[-1] == [Turn("Điểm nghẽn là gì?", ""), Turn("2024", "5")]


# ---------------------------------------------------------------------- questions
@pytest.mark.parametrize("question", ["ổ", "x", "1", " ? x !", "ổ…"])
def test_a_question_with_too_little_to_search_for_is_refused(bot, question):
    with pytest.raises(AssistantError, match="quá ngắn.*too short"):
        bot.ask(question)


@pytest.mark.parametrize("question", ["GDP", "PAR-Index", "Ai?", "5G"])
def test_short_real_queries_still_work(question):
    assert check_question(question) == question

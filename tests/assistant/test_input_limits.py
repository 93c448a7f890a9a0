"""What the public API accepts: questions, conversation history and k, with clear
messages for what it does not (Vietnamese first, English in parentheses)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from assistant import Assistant, AssistantError, Settings
from assistant.answering.base import Answerer, AnswerEvent, Turn
from assistant.cli import main
from assistant.conversation import Reading
from assistant.core import check_question, normalize_history
from assistant.types import Answer, Passage


class RecordingAnswerer(Answerer):
    """Answers with the first passage's text."""

    name = "recording"

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerEvent]:
        text = passages[0].text if passages else "không tìm thấy"
        yield AnswerEvent(answer=Answer(text=text, question=question))


class RecordingCondenser:
    """Reads every question as asked; records the history it was given."""

    def __init__(self) -> None:
        self.histories: list[list[Turn]] = []

    def read(self, question: str, history: Sequence[Turn], try_reading=None) -> Reading:
        self.histories.append(list(history))
        return Reading(question)


@pytest.fixture
def answerer() -> RecordingAnswerer:
    return RecordingAnswerer()


@pytest.fixture
def bot(tmp_path, tiny_corpus, answerer) -> Assistant:
    settings = Settings(
        data_dir=tmp_path / "kb", embedding={"model": "fake"}, history={"max_turns": 3}
    )
    bot = Assistant(settings, answerer=answerer)
    bot.ingest([tiny_corpus])
    return bot


# ------------------------------------------------------------------- history size
def test_a_history_of_any_size_is_read_as_its_last_turns_cut_to_size():
    history = [
        {"question": f"Câu hỏi {i} " + "x" * 5000, "answer": "y" * 500_000} for i in range(300)
    ]
    turns = normalize_history(history, max_turns=4, max_chars=1000)
    assert [t.question.split()[2] for t in turns] == [
        "296",
        "297",
        "298",
        "299",
    ]  # the last, in order
    assert all(len(t.question) <= 1000 and len(t.answer) <= 1000 for t in turns)


def test_the_conversation_is_read_within_the_settings_limits(bot):
    condenser = bot.components.condenser = RecordingCondenser()
    huge = [
        ("Hà Nội tháo gỡ điểm nghẽn nào?", "ùn tắc " * 100_000)
    ] * 50  # 700,000 characters per answer
    bot.ask("Còn quy hoạch thì sao?", huge)
    limits = bot.settings.history
    assert condenser.histories
    for seen in condenser.histories:
        assert 1 <= len(seen) <= limits.max_turns == 3
        assert all(len(t.answer) <= limits.max_turn_chars for t in seen)


@pytest.mark.parametrize(
    "history,needle",
    [
        ("Hà Nội là gì?", "không hợp lệ"),  # a string, not a list of turns
        ({"question": "Hà Nội?", "answer": "Thủ đô"}, "không hợp lệ"),  # one turn, not a list
        ([1, 2], "không hợp lệ"),
        ([("chỉ câu hỏi",)], "không hợp lệ"),
    ],
)
def test_a_malformed_history_gets_a_clear_message(bot, history, needle):
    with pytest.raises(AssistantError, match=needle):
        bot.ask("Hà Nội tháo gỡ những điểm nghẽn nào?", history)


def test_odd_but_readable_turns_are_kept(bot):
    condenser = bot.components.condenser = RecordingCondenser()
    bot.ask("Còn quy hoạch?", [["Điểm nghẽn là gì?", None], {"question": 2024, "answer": 5}])
    assert condenser.histories[-1] == [Turn("Điểm nghẽn là gì?", ""), Turn("2024", "5")]


# ---------------------------------------------------------------------- questions
@pytest.mark.parametrize("question", ["ổ", "x", "1", " ? x !", "ổ…"])
def test_a_question_with_too_little_to_search_for_is_refused(bot, question):
    with pytest.raises(AssistantError, match="quá ngắn.*too short"):
        bot.ask(question)


@pytest.mark.parametrize("question", ["GDP", "PAR-Index", "Ai?", "5G"])
def test_short_real_queries_still_work(question):
    assert check_question(question) == question


def test_a_question_with_a_lone_surrogate_gets_a_clear_message(bot):
    with pytest.raises(AssistantError, match="không hợp lệ.*UTF-8"):
        bot.ask("Hà Nội tăng trưởng \ud800 bao nhiêu?")


def test_invalid_utf8_on_the_command_line_is_one_clear_line(tmp_path, capsys):
    # Python hands undecodable argv bytes over as lone surrogates (surrogateescape)
    question = b"H\xe0 N\xf4i t\xe2ng tr\xfd\xf4ng".decode("utf-8", "surrogateescape")
    code = main(["ask", "--data-dir", str(tmp_path / "kb"), "--model", "fake", question])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and "UTF-8" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("k", ["abc", -1, 101, 2.5, True])
def test_a_bad_k_gets_a_clear_message(bot, k):
    with pytest.raises(AssistantError, match="k phải"):
        bot.retrieve("Hà Nội tháo gỡ những điểm nghẽn nào?", k=k)


def test_k_as_a_numeric_string_is_accepted(bot):
    assert len(bot.retrieve("Hà Nội tháo gỡ những điểm nghẽn nào?", k="2")) == 2


# ----------------------------------------------------------------- long articles
def test_an_article_too_long_to_embed_in_reasonable_time_is_refused(tmp_path, tiny_corpus):
    long_file = tiny_corpus / "rat_dai.txt"
    long_file.write_text(
        "Bài rất dài\n\n" + "Hà Nội phát triển đô thị xanh. " * 200, encoding="utf-8"
    )
    bot = Assistant(
        Settings(data_dir=tmp_path / "kb", embedding={"model": "fake"}, max_article_chars=2000)
    )
    report = bot.ingest([tiny_corpus])
    assert len(report.added) == 3
    assert "article too long" in report.failed[str(long_file)]
    assert "rat_dai.txt" not in {s.file_name for s in bot.sources()}


def test_the_cli_bar_tells_progress_within_a_long_file(tmp_path, monkeypatch, capsys):
    import vectorstore.index_writes

    monkeypatch.setattr(vectorstore.index_writes, "EMBED_STEP", 2)
    folder = tmp_path / "mot_bai"
    folder.mkdir()
    (folder / "dai.txt").write_text(
        "Bài dài\n\n"
        + "\n\n".join(f"Đoạn {i}: Hà Nội phát triển đô thị xanh số {i}. " * 12 for i in range(8)),
        encoding="utf-8",
    )
    code = main(["ingest", str(folder), "--data-dir", str(tmp_path / "kb"), "--model", "fake"])
    assert code == 0
    err = capsys.readouterr().err
    assert (
        "dai.txt: 2/" in err and " passages" in err
    )  # the bar moves while the one file is embedded

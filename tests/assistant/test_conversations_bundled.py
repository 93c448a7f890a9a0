"""The issue's exchanges on the bundled articles (real model, embedded Chroma): a new
question after others is answered as in a fresh conversation, a follow-up at least as well."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.conversation import turn_of
from textvi import fold_diacritics

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
LEADERSHIP = "mo hinh lanh dao hien dai ma ha noi huong toi gom nhung gi"
GRDP_2023 = "GRDP bình quân đầu người của Hà Nội năm 2023 ước đạt bao nhiêu?"


@pytest.fixture(scope="module")
def bot(tmp_path_factory) -> Assistant:
    corpus = tmp_path_factory.mktemp("articles")
    for f in (REPO / "data" / "articles").iterdir():
        shutil.copy(f, corpus / f.name)
    bot = Assistant(Settings(data_dir=tmp_path_factory.mktemp("kb")))
    assert not bot.ingest([corpus]).failed
    return bot


def _converse(bot: Assistant, *questions: str):
    history, answers = [], []
    for q in questions:
        answers.append(bot.ask(q, history))
        history.append(turn_of(answers[-1]))
    return answers


def test_a_keyword_query_after_another_subject_is_answered_as_in_a_fresh_conversation(bot):
    first, keyword = _converse(bot, LEADERSHIP, "PAR-Index")
    fresh = bot.ask("PAR-Index")
    assert keyword.text == fresh.text and keyword.citations == fresh.citations
    assert keyword.understood_as == "" and keyword.text != first.text


def test_an_ellipsis_after_the_keyword_is_answered_as_after_the_keyword_alone(bot):
    *_, in_conversation = _converse(bot, LEADERSHIP, "PAR-Index", "con SIPAS thi sao")
    *_, after_keyword = _converse(bot, "PAR-Index", "con SIPAS thi sao")
    assert in_conversation.text == after_keyword.text and not in_conversation.abstained
    assert "SIPAS" in in_conversation.text


@pytest.mark.parametrize("first_marks", ["marked", "unmarked"])
@pytest.mark.parametrize("follow_up_marks", ["marked", "unmarked"])
@pytest.mark.parametrize(
    "follow_up", ["Còn năm 2024 thì mục tiêu là bao nhiêu?", "năm 2024 thì sao?", "còn năm 2024?"]
)
def test_a_changed_year_is_answered_with_the_conversation_subject(
    bot, follow_up, first_marks, follow_up_marks
):
    """Typed with or without marks, either turn: "con nam 2024?" is no "Nam" (a name)."""
    typed = lambda q, marks: q if marks == "marked" else fold_diacritics(q)  # noqa: E731
    _, answer = _converse(bot, typed(GRDP_2023, first_marks), typed(follow_up, follow_up_marks))
    alone = bot.ask("Năm 2024 GRDP bình quân đầu người của Hà Nội phấn đấu đạt bao nhiêu?")
    assert not answer.abstained and answer.understood_as  # said which reading it answered
    assert answer.search_query == answer.understood_as
    # answered at least as well as the stand-alone question: the 2024 target it cites
    assert alone.direct_answer and alone.direct_answer in answer.text


@pytest.mark.parametrize("typed", ["bốn cam kết hành động là gì", "bon cam ket hanh dong la gi"])
def test_a_topic_switch_after_the_keyword_is_answered_as_in_a_fresh_conversation(bot, typed):
    """The article writes "4 cam kết" and "Bốn cam kết": the reading "... (PAR-Index)" cites
    the PAR-Index sentence beside it, which says nothing of the commitments."""
    _, switch = _converse(bot, "PAR-Index", typed)
    fresh = bot.ask(typed)
    assert switch.understood_as == "" and switch.search_query == typed
    assert switch.text == fresh.text and "PAR-Index" not in switch.text

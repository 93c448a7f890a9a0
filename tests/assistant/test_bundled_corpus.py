"""The real pipeline on the bundled corpus: converted e5 model, embedded Chroma, hybrid search."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import Assistant, Settings

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
TEASERS = ("Sun PhuQuoc Airways", "G7", "Tết Bính Ngọ", "VinFast", "APEC 2027", "Công điện số 05")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("articles")
    for f in (REPO / "data" / "articles").iterdir():
        shutil.copy(f, d / f.name)
    return d


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("kb"))


@pytest.fixture(scope="module")
def bot(settings, corpus) -> Assistant:
    bot = Assistant(settings)
    report = bot.ingest([corpus])
    assert len(report.added) == 5 and not report.failed
    return bot


def test_bottlenecks_question_finds_the_list_first(bot):
    top = bot.retrieve("Năm điểm nghẽn mà Hà Nội cần tháo gỡ là gì?", k=5)[0]
    assert "ùn tắc giao thông, trật tự đô thị, úng ngập" in top.text
    assert top.title == "Bốn cam kết hành động của Đảng bộ thành phố Hà Nội"


def test_question_without_diacritics(bot):
    top = bot.retrieve("ha noi phan dau tang truong kinh te binh quan hang nam bao nhieu", k=3)
    assert any("7,5%" in p.text for p in top)


def test_no_teaser_is_in_the_index(bot):
    texts = [c.text for c in bot.components.store.get()]
    assert texts
    for teaser in TEASERS:
        assert not any(teaser in t for t in texts), teaser


def test_answer_cites_the_passage(bot):
    answer = bot.ask("Năm điểm nghẽn mà Hà Nội cần tháo gỡ là gì?")
    assert not answer.abstained
    assert "ùn tắc giao thông" in answer.text
    assert "[1]" in answer.text and answer.citations[0].passage.text


def test_unrelated_question_abstains(bot):
    answer = bot.ask("Sun PhuQuoc Airways mở đường bay thẳng ra thế giới từ ngày nào?")
    assert answer.abstained and not answer.citations


def test_reingest_is_unchanged_and_edit_replaces_one_article(bot, settings, corpus):
    count = bot.components.store.count()
    again = Assistant(settings).ingest([corpus])
    assert len(again.unchanged) == 5 and again.chunks_added == 0
    assert bot.components.store.count() == count

    target = corpus / "002_6cec925b734f27ee.txt"
    others_before = {c.id for c in bot.components.store.get() if not c.metadata["source"].endswith(target.name)}
    target.write_text(
        target.read_text(encoding="utf-8").replace("Chiều 12/4", "Chiều ngày 12/4"), encoding="utf-8"
    )
    report = Assistant(settings).ingest([corpus])
    assert [Path(s).name for s in report.updated] == [target.name] and len(report.unchanged) == 4
    others_after = {c.id for c in bot.components.store.get() if not c.metadata["source"].endswith(target.name)}
    assert others_before == others_after

"""The retrieval ablation: each row is a set of settings, run through the public API."""

from __future__ import annotations

import pytest

from assistant import Settings
from eval.ablation import _evaluate, build, variants


def test_every_variant_is_valid_settings_and_one_of_them_is_the_default():
    base = Settings()
    rows = [v.settings(base) for v in variants(base.retrieval.rerank_weight, base.retrieval.period_weight)]
    assert len({v.name for v in variants()}) == len(rows)
    assert base.retrieval in [s.retrieval for s in rows]  # the "(default)" row
    assert all(s.data_dir == base.data_dir and s.embedding == base.embedding for s in rows)


def test_bad_variant_settings_fail_fast():
    from pydantic import ValidationError

    v = variants()[0]
    with pytest.raises(ValidationError):
        type(v)("bad", {"rerank_weight": 2.0}).settings(Settings())


def test_variants_run_on_one_index_through_views(tmp_path, tiny_corpus, monkeypatch):
    monkeypatch.setenv("ASSISTANT_EMBEDDING__MODEL", "fake")
    bot = build(tmp_path / "kb", [tiny_corpus], 600)
    questions = [("Thu ngân sách năm 2023 ước đạt bao nhiêu?", ["400,421 nghìn tỷ"], "s", [])]
    match = lambda evidence, passage: evidence in passage.text  # noqa: E731
    for v in variants():
        view = bot.with_settings(v.settings(bot.settings))
        assert view.settings.retrieval.mode == v.retrieval.get("mode", "hybrid")
        scores = _evaluate(view, questions, match)["s"]
        assert scores["hit@10"] == 1.0, v.name


def test_a_view_must_read_the_same_index(tmp_path):
    from assistant import Assistant

    bot = Assistant(Settings(data_dir=tmp_path / "a", embedding={"model": "fake"}))
    with pytest.raises(ValueError, match="data_dir"):
        bot.with_settings(Settings(data_dir=tmp_path / "b", embedding={"model": "fake"}))

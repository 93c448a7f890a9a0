"""Feedback records appended as JSON lines."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone

from assistant.types import Answer, Citation, Passage
from webapp.feedback import FeedbackLog, citation_records, feedback_record, vote_of


def make_answer() -> Answer:
    p = Passage(
        text="Kết luận do Phó Bí thư Thường trực Nguyễn Thị Tuyến ký.",
        source="/kb/ket-luan.txt",
        title="Kết luận 143-KL/TU",
        score=0.9,
        chunk_id="abc123",
    )
    return Answer(
        text="Kết luận do bà Nguyễn Thị Tuyến ký [1].",
        citations=[
            Citation(index=1, passage=p, quote=p.text, quote_start=0, quote_end=len(p.text))
        ],
    )


def test_citation_records_keep_what_a_reviewer_needs():
    assert citation_records(make_answer()) == [
        {
            "index": 1,
            "title": "Kết luận 143-KL/TU",
            "source": "/kb/ket-luan.txt",
            "chunk_id": "abc123",
            "quote": "Kết luận do Phó Bí thư Thường trực Nguyễn Thị Tuyến ký.",
        }
    ]


def test_feedback_record_fields():
    when = datetime(2025, 1, 31, 9, 12, 3, tzinfo=timezone(timedelta(hours=7)))
    a = make_answer()
    rec = feedback_record(
        "Ai ký?", a.text, citation_records(a), liked=False, time=when, mode="extractive"
    )
    assert rec["vote"] == "down"
    assert rec["time"] == "2025-01-31T09:12:03+07:00"
    assert rec["question"] == "Ai ký?" and rec["answer"] == a.text
    assert rec["citations"][0]["chunk_id"] == "abc123"
    assert rec["mode"] == "extractive"


def test_default_time_is_timezone_aware_iso():
    rec = feedback_record("q", "a", [], liked=True)
    assert datetime.fromisoformat(rec["time"]).tzinfo is not None


def test_append_writes_one_utf8_line_per_record(tmp_path):
    path = tmp_path / "sub" / "feedback.jsonl"
    log = FeedbackLog(path)
    log.append(feedback_record("Hà Nội?", "Thủ đô [1].", [], liked=True))
    log.append(feedback_record("Câu hai?", "Không.", [], liked=False))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert "Hà Nội?" in lines[0]  # not \u-escaped
    assert [json.loads(line)["vote"] for line in lines] == ["up", "down"]
    assert [r["question"] for r in log.read()] == ["Hà Nội?", "Câu hai?"]


def test_append_keeps_existing_records_and_skips_broken_lines(tmp_path):
    path = tmp_path / "feedback.jsonl"
    path.write_text('{"vote": "up"}\nnot json\n', encoding="utf-8")
    log = FeedbackLog(path)
    log.append(feedback_record("q", "a", [], liked=False))
    assert [r["vote"] for r in log.read()] == ["up", "down"]


def test_missing_file_reads_empty(tmp_path):
    assert FeedbackLog(tmp_path / "none.jsonl").read() == []


def test_concurrent_appends_do_not_interleave(tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    long_answer = "Câu trả lời dài. " * 500

    def vote(i: int) -> None:
        for _ in range(10):
            log.append(feedback_record(f"q{i}", long_answer, [], liked=i % 2 == 0))

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records = log.read()
    assert len(records) == 80
    assert all(r["answer"] == long_answer for r in records)


def test_taking_a_vote_back_leaves_no_vote(tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    log.set_vote("a1", feedback_record("q", "a", [], liked=True))
    log.set_vote("a1", None)  # 👍 clicked again
    assert log.read() == []
    assert not any(r.get("vote") == "down" for r in log.read())


def test_changing_a_vote_replaces_it_and_keeps_other_answers(tmp_path):
    log = FeedbackLog(tmp_path / "feedback.jsonl")
    log.append(feedback_record("old", "a", [], liked=True))  # a line from before answer ids
    log.set_vote("a1", feedback_record("q1", "a", [], liked=True))
    log.set_vote("a2", feedback_record("q2", "a", [], liked=True))
    log.set_vote("a1", feedback_record("q1", "a", [], liked=False))
    assert log.set_reason("a1", "Sai số liệu")
    assert not log.set_reason("missing", "x")
    records = log.read()
    assert [r.get("answer_id") for r in records] == [None, "a2", "a1"]
    assert log.vote("a1")["vote"] == "down" and log.vote("a1")["reason"] == "Sai số liệu"
    assert log.vote("a2")["vote"] == "up"


def test_like_event_values_as_votes():
    assert vote_of(True) == vote_of("Like") == "up"
    assert vote_of(False) == vote_of("Dislike") == "down"
    assert vote_of("") is None and vote_of(None) is None

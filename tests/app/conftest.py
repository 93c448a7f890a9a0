"""Fixtures for the chat app: a small Vietnamese corpus and the app served on loopback.

The app runs on the deterministic fake embedder; it answers with the real
extractive answerer when that module is present, else with a scripted answerer
that cites the first sentence of the best passage.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk
from pydantic import Field

from assistant import Assistant, Settings
from assistant.answering.base import NOT_FOUND_VI, Answerer, AnswerEvent, Turn
from assistant.types import Answer, Citation, Passage

INJECTION_TITLE = 'Thông báo <img src=x onerror="window.__pwned=1;alert(1)"> nội bộ'
INJECTION_FILE = "canh_bao_bao_mat.txt"

CORPUS = {
    "diem_nghen.txt": (
        "Hà Nội tháo gỡ năm điểm nghẽn của Thủ đô\n\n"
        "KTĐT| 20/11/2017 13:20\n\n"
        "Thành phố quyết liệt tập trung tháo gỡ 5 điểm nghẽn, đó là: ùn tắc giao thông, "
        "trật tự đô thị, úng ngập, ô nhiễm môi trường và thủ tục hành chính. "
        "Các sở, ngành phải báo cáo kết quả thực hiện hằng quý.\n"
    ),
    "tang_truong.txt": (
        "Tăng trưởng kinh tế Thủ đô giai đoạn mới\n\n"
        "Hà Nội phấn đấu đạt mức tăng trưởng kinh tế bình quân hàng năm từ 7,5% trở lên. "
        "Thu ngân sách năm 2023 ước đạt 400,421 nghìn tỷ đồng.\n"
    ),
    "ket_luan_143.txt": (
        "Kết luận 143-KL/TU của Thành ủy Hà Nội\n\n"
        "Kết luận 143-KL/TU do Phó Bí thư Thường trực Thành ủy Nguyễn Thị Tuyến ký ban hành. "
        "Kết luận yêu cầu các cấp ủy triển khai nghiêm túc nhiệm vụ năm 2023.\n"
    ),
    INJECTION_FILE: (
        f"{INJECTION_TITLE}\n\n"
        "Cảnh báo bảo mật mạng nội bộ <script>window.__pwned=2;alert(2)</script> được gửi tới "
        "các phòng ban. Xem chi tiết tại [bấm vào đây](javascript:window.__pwned=3) và "
        '![ảnh](x) hoặc <a href="javascript:alert(3)">liên kết</a>.\n'
    ),
}


class ScriptedAnswerer(Answerer):
    """Cites the first sentence of the best passage, streamed word by word; records calls."""

    name = "scripted"

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[Passage], list[Turn]]] = []

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerEvent]:
        self.calls.append((question, list(passages), []))
        if not passages or "sao hỏa" in question.lower():
            yield AnswerEvent(delta=NOT_FOUND_VI)
            yield AnswerEvent(
                answer=Answer(
                    text=NOT_FOUND_VI, abstained=True, related=list(passages[:3]), question=question
                )
            )
            return
        p = passages[0]
        body = p.text.split("\n\n")[-1]
        start = p.text.index(body)
        m = re.search(r"[.!?](\s|$)", body)
        sentence = body[: m.end()].strip() if m else body
        text = f"{sentence} [1]"
        for word in re.findall(r"\S+\s*", text):
            yield AnswerEvent(delta=word)
        number = re.search(r"\d[\d.,]*%?", sentence)
        span = (start + number.start(), start + number.end()) if number else (-1, -1)
        yield AnswerEvent(
            answer=Answer(
                text=text,
                citations=[
                    Citation(
                        index=1,
                        passage=p,
                        quote=sentence,
                        quote_start=start,
                        quote_end=start + len(sentence),
                        span_start=span[0],
                        span_end=span[1],
                    )
                ],
                question=question,
                direct_answer=number.group(0) if number else "",
            )
        )


class SlowAnswerer(ScriptedAnswerer):
    """The scripted answer with ``pause`` seconds before each word (a slow local model);
    ``closed`` is set when a stream is closed before its end (the user stopped it)."""

    name = "slow"

    def __init__(self, pause: float = 0.0) -> None:
        super().__init__()
        self.pause = pause
        self.closed = threading.Event()

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerEvent]:
        try:
            for event in super().stream(question, passages):
                if event.delta and self.pause:
                    time.sleep(self.pause)
                yield event
        except GeneratorExit:
            self.closed.set()
            raise


class SlowChatModel(GenericFakeChatModel):
    """A local chat model: ``reply`` word by word, ``pause`` seconds apart, then (while
    ``endless``) more words for ever; ``read`` counts the chunks taken from it."""

    messages: Any = None
    reply: str = "Hà Nội phấn đấu tăng trưởng kinh tế bình quân từ 7,5% trở lên [1]."
    pause: float = 0.0
    endless: bool = True
    read: list = Field(default_factory=list)

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        words = iter(self.reply.split(" "))
        while True:
            word = next(words, None)
            if word is None and not self.endless:
                return
            time.sleep(self.pause or 0.01)
            self.read.append(word)
            yield ChatGenerationChunk(message=AIMessageChunk(content=f"{word or 'nữa'} "))


def scripted_unless_extractive() -> Answerer | None:
    """None (the assistant builds the real extractive answerer) when it exists, else a script."""
    try:
        from assistant.answering.extractive import ExtractiveAnswerer  # noqa: F401
    except ImportError:
        return ScriptedAnswerer()
    return None


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in CORPUS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def unused_port() -> int:
    return free_port()


@pytest.fixture
def scripted_answerer() -> ScriptedAnswerer:
    return ScriptedAnswerer()


@dataclass
class RunningApp:
    url: str
    settings: Settings
    assistant: Assistant
    corpus: Path
    injection_file: str = INJECTION_FILE
    injection_title: str = INJECTION_TITLE


@pytest.fixture(scope="module")
def running_app(tmp_path_factory) -> Iterator[RunningApp]:
    """The app on a free loopback port over a freshly ingested small corpus."""
    running, demo = serve_app(tmp_path_factory.mktemp("app"), scripted_unless_extractive())
    try:
        yield running
    finally:
        demo.close()


class TwoSourceAnswerer(Answerer):
    """Cites the first sentence of each of the two best passages as [1] and [2]."""

    name = "two-sources"

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[AnswerEvent]:
        citations, parts = [], []
        for n, p in enumerate(passages[:2], start=1):
            body = p.text.split("\n\n")[-1]
            start = p.text.index(body)
            m = re.search(r"[.!?](\s|$)", body)
            sentence = body[: m.end()].strip() if m else body
            parts.append(f"{sentence.rstrip('.')} [{n}].")
            citations.append(
                Citation(
                    index=n,
                    passage=p,
                    quote=sentence,
                    quote_start=start,
                    quote_end=start + len(sentence),
                )
            )
        text = " ".join(parts)
        yield AnswerEvent(delta=text)
        yield AnswerEvent(answer=Answer(text=text, citations=citations, question=question))


def serve_app(
    root: Path, answerer: Answerer | None = None, **settings: Any
) -> tuple[RunningApp, object]:
    """The app over the small corpus on a free loopback port; (app, demo to close).
    ``settings`` are more fields of its :class:`Settings` (``answer={...}``)."""
    import app as chat_app

    settings = Settings(
        _env_file=None,
        data_dir=root / "data",
        embedding={"model": "fake"},
        app={"host": "127.0.0.1", "port": free_port(), "max_upload_mb": 1},
        **settings,
    )
    bot = Assistant(settings, answerer=answerer)
    corpus = write_corpus(root / "corpus")
    report = bot.ingest([corpus])
    assert not report.failed, report.failed
    demo = chat_app.build_app(bot, settings)
    url = chat_app.launch(demo, settings, block=False, quiet=True)
    return RunningApp(url=url, settings=settings, assistant=bot, corpus=corpus), demo

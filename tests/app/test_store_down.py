"""The app when its Chroma server is down: a message that says so, in the chat and from the API."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.integration

gradio_client = pytest.importorskip("gradio_client")
from gradio_client import Client  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

import app as chat_app  # noqa: E402
from assistant import Assistant, Settings  # noqa: E402

STORE_DOWN = "Không kết nối được kho dữ liệu"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_without_store(tmp_path_factory) -> Iterator[tuple[str, object]]:
    """The app pointed at a Chroma server port where nothing listens."""
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path_factory.mktemp("down") / "data",
        embedding={"model": "fake"},
        chroma={"host": "127.0.0.1", "port": free_port()},
        app={"host": "127.0.0.1", "port": free_port()},
    )
    bot = Assistant(settings)
    demo = chat_app.build_app(bot, settings)
    url = chat_app.launch(demo, settings, block=False, quiet=True)
    try:
        yield url, demo
    finally:
        demo.close()


@pytest.mark.parametrize(
    "args,api_name",
    [
        (("Hà Nội tăng trưởng bao nhiêu?", [], 3), "/ask"),
        (("Hà Nội tăng trưởng bao nhiêu?", 3), "/retrieve"),
        ((), "/sources"),
        (("bai.txt",), "/delete_source"),
    ],
)
def test_the_api_says_the_store_is_down(app_without_store, args, api_name):
    client = Client(app_without_store[0], verbose=False)
    with pytest.raises(AppError, match=f"{STORE_DOWN}.*Chroma"):
        client.predict(*args, api_name=api_name)


def test_the_chat_says_the_store_is_down(app_without_store):
    demo = app_without_store[1]
    respond = next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "respond")
    *_, (messages, _, turns, *_) = respond("Hà Nội tăng trưởng bao nhiêu?", [], 3, chat_app.MODE_EXTRACTIVE)
    assert turns[-1]["error"]
    assert STORE_DOWN in messages[-1]["content"]
    assert chat_app.UNEXPECTED_ERROR not in messages[-1]["content"]


def test_the_documents_tab_loads_empty_instead_of_error_badges(app_without_store):
    demo = app_without_store[1]
    view = next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "documents_view")
    table, _ = view()
    assert table["data"] == []

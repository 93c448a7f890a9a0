"""The app's named API endpoints, driven with gradio_client against a real server on loopback."""

from __future__ import annotations

import concurrent.futures
import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

gradio_client = pytest.importorskip("gradio_client")
from gradio_client import Client, handle_file  # noqa: E402
from gradio_client.exceptions import AppError  # noqa: E402

import app as chat_app  # noqa: E402
from assistant import Assistant, Settings  # noqa: E402

QUESTION = "Kết luận 143-KL/TU do ai ký?"


@pytest.fixture(scope="module")
def client(running_app) -> Client:
    return Client(running_app.url, verbose=False)


def test_named_endpoints_are_listed(client):
    api = client.view_api(print_info=False, return_format="dict")
    names = set(api["named_endpoints"])
    assert {"/ask", "/ask_detail", "/retrieve", "/upload", "/sources", "/delete_source"} <= names
    # the chat UI's own events are not part of the public API
    assert not any(n.startswith("/respond") or n.startswith("/record") for n in names)


def test_ask_returns_answer_with_citations(client):
    text, citations, abstained = client.predict(QUESTION, [], 3, api_name="/ask")
    assert abstained is False
    assert "Nguyễn Thị Tuyến" in text
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    assert markers and markers <= {c["index"] for c in citations}
    first = citations[0]
    assert set(first) == {"index", "title", "source", "quote", "text"}
    assert first["title"] == "Kết luận 143-KL/TU của Thành ủy Hà Nội"
    assert first["quote"] and first["quote"] in first["text"]
    assert Path(first["source"]).name == "ket_luan_143.txt"


def test_ask_abstains_on_unknown_topic(client):
    text, citations, abstained = client.predict(
        "Giá vé tham quan sao Hỏa năm 2090 là bao nhiêu?", None, 3, api_name="/ask"
    )
    assert abstained is True
    assert citations == []
    assert "không tìm thấy" in text.lower()


def test_follow_up_passes_the_conversation(client, running_app, monkeypatch):
    first, _, _ = client.predict(QUESTION, [], 3, api_name="/ask")
    seen: list[tuple[str, list]] = []
    from assistant.conversation import EvidenceCondenser

    real = EvidenceCondenser.read

    def spy(self, question, history, try_reading=None):
        seen.append((question, list(history or [])))
        return real(self, question, history, try_reading)

    monkeypatch.setattr(EvidenceCondenser, "read", spy)
    history = [{"question": QUESTION, "answer": first}]
    text, citations, abstained = client.predict(
        "Văn bản đó yêu cầu các cấp ủy làm gì?", history, 3, api_name="/ask"
    )
    assert seen, "the follow-up was not read with its conversation"
    question, turns = seen[-1]
    assert question == "Văn bản đó yêu cầu các cấp ủy làm gì?"
    assert [t.question for t in turns] == [QUESTION]
    assert turns[0].answer == first
    assert text
    if not abstained:
        assert any("143" in c["title"] for c in citations)


def test_ask_detail_gives_the_whole_answer_and_the_turn_to_send_back(client):
    text, _, _ = client.predict(QUESTION, [], 3, api_name="/ask")
    detail = client.predict(QUESTION, [], 3, api_name="/ask_detail")
    assert detail["text"] == text and detail["abstained"] is False
    assert {c["index"] for c in detail["citations"]} >= {int(n) for n in re.findall(r"\[(\d+)\]", text)}
    assert 0.0 <= detail["confidence"] <= 1.0 and detail["understood_as"] == ""
    turn = detail["turn"]
    assert (turn["question"], turn["answer"]) == (QUESTION, text)
    assert turn["search_query"] == detail["search_query"]
    # the turn goes back as history as it is; a follow-up says which reading it answered
    follow = client.predict("Còn năm 2023 thì sao?", [turn], 3, api_name="/ask_detail")
    assert follow["turn"]["question"] == "Còn năm 2023 thì sao?"
    assert follow["turn"]["understood_as"] == follow["understood_as"]
    assert follow["understood_as"] != "Còn năm 2023 thì sao?"


def test_history_may_be_sent_as_json_text(client):
    history = json.dumps(
        [{"question": QUESTION, "answer": "Nguyễn Thị Tuyến [1]"}], ensure_ascii=False
    )
    text, _, _ = client.predict("Còn năm 2023 thì sao?", history, 3, api_name="/ask")
    assert isinstance(text, str) and text


def test_retrieve_returns_ranked_passages(client):
    passages = client.predict("ha noi tang truong binh quan bao nhieu", 2, api_name="/retrieve")
    assert 1 <= len(passages) <= 2
    assert [p["rank"] for p in passages] == list(range(1, len(passages) + 1))
    top = passages[0]
    assert {"title", "source", "outlet", "date", "score", "chunk_id", "text"} <= set(top)
    assert "7,5%" in top["text"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("   ", [], 3), "trống"),
        ((QUESTION, [], 0), "k phải"),
        ((QUESTION, [], 99), "k phải"),
        (("x", [], 3), "quá ngắn"),
        ((QUESTION, [], "abc"), "k phải"),
        ((QUESTION, "{không phải json", 3), "không phải JSON"),
        ((QUESTION, [1, 2], 3), "Lịch sử hội thoại không hợp lệ"),
        ((QUESTION, {"question": "a"}, 3), "Lịch sử hội thoại không hợp lệ"),
    ],
)
def test_user_errors_come_back_as_messages(client, args, message):
    with pytest.raises(AppError, match=message):
        client.predict(*args, api_name="/ask")


def test_sixteen_simultaneous_questions_are_all_answered(running_app):
    questions = [
        QUESTION,
        "Hà Nội phấn đấu tăng trưởng bình quân bao nhiêu?",
        "Năm điểm nghẽn mà Hà Nội cần tháo gỡ là gì?",
        "Thu ngân sách năm 2023 ước đạt bao nhiêu?",
    ] * 4
    clients = [Client(running_app.url, verbose=False) for _ in range(4)]
    jobs = [clients[i % 4].submit(q, [], 3, api_name="/ask") for i, q in enumerate(questions)]
    results = [job.result(timeout=120) for job in jobs]
    assert len(results) == 16
    assert all(isinstance(text, str) and text for text, _, _ in results)
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        retrieved = list(
            pool.map(lambda q: clients[0].predict(q, 1, api_name="/retrieve"), questions)
        )
    assert all(len(r) == 1 for r in retrieved)


def test_upload_list_and_delete(client, running_app, tmp_path):
    uploads = running_app.settings.data_dir / "uploads"
    good = tmp_path / "Bản tin Hà Nội – tháng 5.txt"
    good.write_text(
        "Hà Nội khánh thành cầu đi bộ qua sông Tô Lịch\n\n"
        "Cây cầu đi bộ bằng gỗ lim dài 120 mét được khánh thành vào sáng thứ Bảy.\n",
        encoding="utf-8",
    )
    exe = tmp_path / "chuong_trinh.exe"
    exe.write_bytes(b"MZ\x90\x00")
    big = tmp_path / "rat_lon.txt"
    big.write_text("Hà Nội " * 200_000, encoding="utf-8")  # > 1 MB (the fixture's limit)
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"this is not a pdf at all")

    report_html, table, _ = client.predict(
        [handle_file(str(p)) for p in (good, exe, big, broken)], api_name="/upload"
    )

    assert "Đã thêm (1)" in report_html and "Bản tin Hà Nội – tháng 5.txt" in report_html
    assert "chuong_trinh.exe" in report_html and "không được hỗ trợ" in report_html
    assert "rat_lon.txt" in report_html and "quá lớn" in report_html
    assert "hong.pdf" in report_html and "không đọc được" in report_html
    assert "<script" not in report_html
    # only the good file was kept; the failed one was not left behind
    assert sorted(p.name for p in uploads.iterdir()) == ["Bản tin Hà Nội – tháng 5.txt"]
    assert any(row[3] == "Bản tin Hà Nội – tháng 5.txt" for row in table["data"])

    sources = client.predict(api_name="/sources")
    mine = [s for s in sources if s["file_name"] == "Bản tin Hà Nội – tháng 5.txt"]
    assert len(mine) == 1
    assert Path(mine[0]["source"]).parent == uploads.resolve()
    assert mine[0]["title"] == "Hà Nội khánh thành cầu đi bộ qua sông Tô Lịch"
    # the bundled articles are still there
    assert {"ket_luan_143.txt", "tang_truong.txt"} <= {s["file_name"] for s in sources}

    passages = client.predict("cầu đi bộ gỗ lim dài bao nhiêu mét", 1, api_name="/retrieve")
    assert passages[0]["source"] == mine[0]["source"]

    # the same file again changes nothing
    report_html, _, _ = client.predict([handle_file(str(good))], api_name="/upload")
    assert "Không thay đổi" in report_html and "lưu thành" not in report_html
    assert sorted(p.name for p in uploads.iterdir()) == [good.name]

    result = client.predict(mine[0]["source"], api_name="/delete_source")
    assert result["source"] == mine[0]["source"] and result["chunks_removed"] >= 1
    after = client.predict(api_name="/sources")
    assert good.name not in {s["file_name"] for s in after}
    assert len(after) == len(sources) - 1
    assert not (uploads / good.name).exists()  # the uploaded copy goes too


def test_a_different_file_of_the_same_name_is_kept_beside_the_first(client, running_app, tmp_path):
    # Gradio drops ':' and '?' from upload names: both arrive as report2024.txt
    uploads = running_app.settings.data_dir / "uploads"
    first = tmp_path / "report:2024.txt"
    first.write_text("Báo cáo quý một\n\nDoanh thu quý một tăng 12 phần trăm.\n", encoding="utf-8")
    second = tmp_path / "report?2024.txt"
    second.write_text("Báo cáo quý hai\n\nDoanh thu quý hai giảm 3 phần trăm.\n", encoding="utf-8")
    first_report, _, _ = client.predict([handle_file(str(first))], api_name="/upload")
    stored = {p.name for p in uploads.iterdir()}
    assert len(stored) == 1 and "Đã thêm (1)" in first_report
    (name,) = stored

    report_html, _, _ = client.predict([handle_file(str(second))], api_name="/upload")
    renamed = f"{name.removesuffix('.txt')} (2).txt"
    assert "Đã thêm (1)" in report_html
    assert f"Đã có tệp cùng tên; lưu thành {renamed} (" in report_html
    assert (uploads / name).read_bytes() == first.read_bytes()  # the first is still there
    assert (uploads / renamed).read_bytes() == second.read_bytes()
    listed = {s["file_name"]: s["source"] for s in client.predict(api_name="/sources")}
    assert {name, renamed} <= set(listed)
    # either file again is unchanged, not a third copy
    report_html, _, _ = client.predict(
        [handle_file(str(first)), handle_file(str(second))], api_name="/upload"
    )
    assert "Không thay đổi (đã có sẵn) (2)" in report_html and "lưu thành" not in report_html
    assert sorted(p.name for p in uploads.iterdir()) == sorted([name, renamed])
    for stored_name in (name, renamed):
        client.predict(listed[stored_name], api_name="/delete_source")
    assert not any(uploads.iterdir())
    # two such files in one upload are both kept too
    report_html, _, _ = client.predict(
        [handle_file(str(first)), handle_file(str(second))], api_name="/upload"
    )
    assert "Đã thêm (2)" in report_html and f"lưu thành {renamed} (" in report_html
    assert sorted(p.name for p in uploads.iterdir()) == sorted([name, renamed])
    listed = {s["file_name"]: s["source"] for s in client.predict(api_name="/sources")}
    for stored_name in (name, renamed):
        client.predict(listed[stored_name], api_name="/delete_source")


def test_uploads_leave_nothing_in_the_temporary_folder(client, tmp_path):
    from gradio.utils import get_upload_folder

    refused = tmp_path / "bi_tu_choi_9f3.exe"
    refused.write_bytes(b"MZ\x90\x00")
    broken = tmp_path / "hong_9f3.pdf"
    broken.write_bytes(b"%PDF-1.4 broken")
    report_html, _, _ = client.predict(
        [handle_file(str(refused)), handle_file(str(broken))], api_name="/upload"
    )
    assert "bi_tu_choi_9f3.exe" in report_html and "hong_9f3.pdf" in report_html
    left = [p.name for p in Path(get_upload_folder()).rglob("*_9f3.*")]
    assert left == []


def test_failed_upload_keeps_the_earlier_version(client, running_app, tmp_path):
    uploads = running_app.settings.data_dir / "uploads"
    first = tmp_path / "bao_cao.pdf"
    # not a readable PDF: refused, and nothing is left in the uploads folder
    first.write_bytes(b"%PDF-1.4 broken")
    report_html, _, _ = client.predict([handle_file(str(first))], api_name="/upload")
    assert "bao_cao.pdf" in report_html and "❌" in report_html
    assert not (uploads / "bao_cao.pdf").exists()

    note = tmp_path / "ghi_chu.md"
    note.write_text(
        "# Ghi chú họp giao ban\n\nCuộc họp giao ban diễn ra lúc 8 giờ.\n", encoding="utf-8"
    )
    client.predict([handle_file(str(note))], api_name="/upload")
    kept = (uploads / "ghi_chu.md").read_bytes()
    # a later upload of the same name that cannot be indexed leaves the earlier file in place
    note.write_text("   \n\n   \n", encoding="utf-8")
    report_html, _, _ = client.predict([handle_file(str(note))], api_name="/upload")
    assert "ghi_chu.md" in report_html and "❌" in report_html
    assert (uploads / "ghi_chu.md").read_bytes() == kept
    client.predict(str((uploads / "ghi_chu.md").resolve()), api_name="/delete_source")
    # deleting a source that is not an upload leaves its file alone
    corpus_file = running_app.corpus / "tang_truong.txt"
    client.predict(str(corpus_file.resolve()), api_name="/delete_source")
    assert corpus_file.exists()
    running_app.assistant.ingest([corpus_file])


def test_delete_unknown_source_is_a_clear_error(client):
    with pytest.raises(AppError, match="No indexed source"):
        client.predict("khong-co-tai-lieu-nay.txt", api_name="/delete_source")


def test_upload_without_files(client):
    report_html, _, _ = client.predict([], api_name="/upload")
    assert "Chưa có tệp" in report_html


def test_binds_to_loopback_by_default(running_app):
    assert Settings(_env_file=None).app.host == "127.0.0.1"
    assert running_app.url.startswith("http://127.0.0.1:")


def test_login_is_required_when_configured(tmp_path, unused_port, scripted_answerer):
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        embedding={"model": "fake"},
        app={"port": unused_port, "username": "bientap", "password": "mật-khẩu-dài"},
    )
    demo = chat_app.build_app(Assistant(settings, answerer=scripted_answerer), settings)
    url = chat_app.launch(demo, settings, block=False)
    try:
        with pytest.raises(Exception):  # noqa: B017 - the client cannot even read the config
            Client(url, verbose=False)
        with pytest.raises(Exception):  # noqa: B017
            Client(url, auth=("bientap", "sai"), verbose=False)
        client = Client(url, auth=("bientap", "mật-khẩu-dài"), verbose=False)
        assert client.predict(api_name="/sources") == []
    finally:
        demo.close()


def test_first_start_ingests_the_bundled_corpus_once(tmp_path, scripted_answerer):
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", embedding={"model": "fake"})
    bot = Assistant(settings, answerer=scripted_answerer)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Tin một\n\nHà Nội mở rộng đường vành đai bốn.\n", encoding="utf-8"
    )
    chat_app.ensure_corpus(bot, corpus)
    assert [s.file_name for s in bot.sources()] == ["a.txt"]
    (corpus / "b.txt").write_text("Tin hai\n\nMột bài mới.\n", encoding="utf-8")
    chat_app.ensure_corpus(bot, corpus)  # not empty any more: nothing is ingested
    assert [s.file_name for s in bot.sources()] == ["a.txt"]


def test_llm_mode_falls_back_to_extractive_when_not_configured(running_app):
    session = chat_app.ChatSession(running_app.assistant, running_app.settings)
    assert not session.llm_available
    assert session.for_mode(chat_app.MODE_LLM) is running_app.assistant
    assert session.for_mode(chat_app.MODE_EXTRACTIVE) is running_app.assistant


def test_command_line_options():
    args = chat_app.build_parser().parse_args(
        ["--data-dir", "/srv/kb", "--host", "0.0.0.0", "--port", "8080", "--no-ingest"]
    )
    assert (args.data_dir, args.host, args.port, args.no_ingest) == (
        "/srv/kb",
        "0.0.0.0",
        8080,
        True,
    )

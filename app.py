"""The chat app: ask the articles in Vietnamese, read the answer with its sources.

Start it with ``python app.py`` or ``assistant serve`` (options: ``--data-dir``,
``--host``, ``--port``, ``--no-ingest``), then open http://127.0.0.1:7860. On the
first start with an empty index the bundled corpus (``data/articles``) is
ingested before the server starts. The app binds to 127.0.0.1 by default; host,
port, an optional login (``ASSISTANT_APP__USERNAME`` / ``ASSISTANT_APP__PASSWORD``)
and the upload size limit come from :class:`assistant.Settings` (``settings.app``).

Besides the chat page, the app serves named API endpoints for programs, usable
with ``gradio_client`` (they do not depend on the chat UI)::

    from gradio_client import Client, handle_file

    client = Client("http://127.0.0.1:7860/")        # auth=("user", "pass") if a login is set

    # ask(question: str, history: list[{"question", "answer"}] | None, k: int)
    #   -> (answer text with [n] markers,
    #       citations: [{"index", "title", "source", "quote", "text"}],
    #       abstained: bool)
    text, citations, abstained = client.predict(
        "Hà Nội đặt mục tiêu tăng trưởng bình quân bao nhiêu?", [], 10, api_name="/ask"
    )
    # a follow-up: pass the earlier turns
    history = [{"question": "Hà Nội đặt mục tiêu tăng trưởng bình quân bao nhiêu?", "answer": text}]
    text2, citations2, _ = client.predict("Còn năm 2030 thì sao?", history, 10, api_name="/ask")

    # retrieve(question: str, k: int) -> [{"rank", "title", "source", "outlet", "date",
    #                                      "score", "chunk_id", "text"}]
    passages = client.predict("điểm nghẽn giao thông", 5, api_name="/retrieve")

    # upload(files: list[file]) -> (report as HTML, sources table, delete-dropdown update)
    #   .txt .md .html .htm .pdf up to settings.app.max_upload_mb each; copied into
    #   <data_dir>/uploads/ under a safe name; a different file of that name is kept and
    #   the new one stored as "name (2).ext" (the report says so); the same file again = unchanged
    report_html, table, _ = client.predict([handle_file("bao-cao.txt")], api_name="/upload")

    # sources() -> [{"source", "file_name", "title", "outlet", "date", "chunks", "ingested_at"}]
    sources = client.predict(api_name="/sources")

    # delete_source(source: str) -> {"source", "chunks_removed"}
    #   source: full path, file name or title; an uploaded copy is removed from disk too
    client.predict(sources[0]["source"], api_name="/delete_source")

All arguments can also be passed by name (``question=``, ``history=``, ``k=``,
``source=``). Errors meant for the user (an empty question, k outside 1-20, an
unknown source) come back as ``gradio_client.exceptions.AppError`` with the message.
"""

import argparse
import contextlib
import logging
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from assistant import StoreError
from assistant.core import Assistant, check_k
from assistant.errors import exit_code
from assistant.settings import Settings
from assistant.types import Answer, AssistantError
from webapp.feedback import FeedbackLog, citation_records, feedback_record
from webapp.login import PasswordCheck, login_credentials
from webapp.ui_format import (
    ALLOWED_UPLOAD_SUFFIXES,
    NO_SOURCES_HTML,
    SEARCHING_SOURCES_HTML,
    SOURCES_TABLE_HEADERS,
    citations_json,
    escape_markdown,
    file_name_of,
    format_answer_markdown,
    format_error_markdown,
    format_question_markdown,
    passages_json,
    render_ingest_report,
    render_sources_html,
    safe_upload_name,
    source_choices,
    sources_table,
    upload_rejection,
    user_error_message,
)
from webapp.uploads import BACKUP_PREFIX, reconcile_uploads, upload_path

log = logging.getLogger("assistant.app")


#: events served at once (chat streams, API calls); writes to the index run one at a time
CONCURRENCY = 16
MAX_API_K = 20

EXAMPLE_QUESTIONS = [
    "Năm điểm nghẽn mà Hà Nội cần tháo gỡ là gì?",
    "ha noi tang truong binh quan bao nhieu",
    "Kết luận 143-KL/TU do ai ký?",
]

MODE_EXTRACTIVE = "Trích xuất (offline)"
MODE_LLM = "LLM"
_MODES = {MODE_EXTRACTIVE: "extractive", MODE_LLM: "llm"}

THINKING = "⏳ Đang tìm trong tài liệu…"
UNEXPECTED_ERROR = "Xin lỗi, đã có lỗi khi trả lời câu hỏi này. Hãy thử lại sau."

SOURCES_CSS = """
.src-panel { font-size: 0.95rem; line-height: 1.5; }
.src-heading { margin: 0.2rem 0 0.5rem; font-size: 1rem; }
.src-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 0.6rem 0.8rem; margin-bottom: 0.7rem; background: var(--background-fill-secondary); }
.src-card.related { border-style: dashed; }
.src-head { font-weight: 600; }
.src-num { color: var(--color-accent); margin-right: 0.2rem; }
.src-meta { font-size: 0.85em; color: var(--body-text-color-subdued); margin: 0.1rem 0 0.4rem; }
.src-text { white-space: pre-wrap; }
mark.quote { background: #fff1a8; color: #1f2937; padding: 0 1px; border-radius: 2px; }
mark.answer { background: #f59e0b; color: #111827; font-weight: 700; padding: 0 2px;
  border-radius: 2px; }
.src-notice { background: #e8f1ff; color: #1e3a8a; border-left: 4px solid #3b82f6;
  padding: 0.6rem 0.8rem; border-radius: 6px; margin-bottom: 0.7rem; }
.src-warning { background: #fff4e5; color: #7c2d12; border-left: 4px solid #f59e0b;
  padding: 0.6rem 0.8rem; border-radius: 6px; margin-bottom: 0.7rem; }
.src-empty { color: var(--body-text-color-subdued); font-style: italic; }
.ingest-report ul { margin: 0.3rem 0; padding-left: 1.2rem; }
.ingest-report li.bad { color: #b91c1c; }
.ingest-report li.note { color: #92400e; }
"""

# Gradio's own UI strings (upload area, buttons, login, footer) in Vietnamese. Gradio has no
# Vietnamese translation of its own; these are used whatever the browser's language.
GRADIO_STRINGS_VI = {
    "upload_text.drop_file": "Kéo thả tệp vào đây",
    "upload_text.click_to_upload": "Bấm để chọn tệp",
    "common.or": "hoặc",
    "common.clear": "Xoá",
    "common.remove": "Bỏ",
    "common.download": "Tải xuống",
    "common.error": "Lỗi",
    "common.loading": "Đang tải",
    "common.settings": "Cài đặt",
    "common.built_with_gradio": "Làm bằng Gradio",
    "errors.use_via_api": "Dùng qua API",
    "errors.use_via_api_or_mcp": "Dùng qua API",
    "file.uploading": "Đang tải lên…",
    "chatbot.like": "Câu trả lời tốt",
    "chatbot.dislike": "Câu trả lời chưa tốt",
    "chatbot.copy_message": "Sao chép",
    "chatbot.copied_message": "Đã sao chép",
    "chatbot.clear": "Xoá",
    "login.login": "Đăng nhập",
    "login.username": "tên đăng nhập",
    "login.password": "mật khẩu",
    "login.incorrect_credentials": "Sai tên đăng nhập hoặc mật khẩu",
    "status.queue_position": "Đang chờ: {position}/{size}",
    "blocks.waiting_for_inputs": "Đang chờ tải tệp lên xong, hãy thử lại.",
}

INTRO_MD = (
    "## 📰 Trợ lý hỏi đáp tài liệu\n"
    "Đặt câu hỏi bằng tiếng Việt (có dấu hay không dấu đều được). Câu trả lời lấy từ các bài báo "
    "đã nạp; các số **[1]**, **[2]** chỉ tới đoạn gốc ở khung *Nguồn* bên cạnh, câu làm căn cứ "
    "được tô vàng."
)


class ChatSession:
    """What the UI handlers share: the assistant, its answerer views and the feedback log."""

    def __init__(self, assistant: Assistant, settings: Settings) -> None:
        self.assistant = assistant
        self.settings = settings
        self.feedback = FeedbackLog(settings.data_dir / "feedback.jsonl")
        self.uploads_dir = settings.data_dir / "uploads"
        self._views: dict[str, Assistant] = {settings.answer.mode: assistant}
        self._lock = threading.Lock()

    @property
    def llm_available(self) -> bool:
        return bool(self.settings.answer.llm_base_url)

    def delete(self, source: str) -> int:
        """Remove a source from the index; an uploaded copy is removed from disk too."""
        resolved = self.assistant.resolve_source(source)
        removed = self.assistant.delete(resolved)
        path = Path(resolved)
        if path.parent == self.uploads_dir.resolve():
            path.unlink(missing_ok=True)
        return removed

    def for_mode(self, label: str | None) -> Assistant:
        """The assistant answering in the mode the radio shows (LLM only when configured)."""
        offline = self.settings.answer.mode if self.settings.answer.mode != "llm" else "extractive"
        mode = _MODES.get(label or "", offline)
        if mode == "extractive" or (mode == "llm" and not self.llm_available):
            mode = offline  # the offline answerer the settings chose ('extractive' or 'learned')
        with self._lock:
            if mode not in self._views:
                self._views[mode] = self.assistant.with_answer_mode(mode)
            return self._views[mode]


# ------------------------------------------------------------------ chat view
def chat_messages(turns: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """The chatbot value for a conversation: two messages per turn."""
    messages: list[dict[str, str]] = []
    for t in turns:
        messages.append({"role": "user", "content": format_question_markdown(t["question"])})
        messages.append({"role": "assistant", "content": t["display"]})
    return messages


def history_of(turns: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """Earlier answered turns, as the assistant's ``history``."""
    return [{"question": t["question"], "answer": t["answer"]} for t in turns if not t.get("error")]


def _turn(question: str, answer: Answer, mode: str, k: int) -> dict[str, Any]:
    return {
        "question": question,
        "answer": answer.text,
        "display": format_answer_markdown(
            answer.text, abstained=answer.abstained, grounded=answer.grounded
        ),
        "sources_html": render_sources_html(answer),
        "citations": citation_records(answer),
        "abstained": answer.abstained,
        "mode": mode,
        "k": k,
    }


def _error_turn(question: str, message: str) -> dict[str, Any]:
    return {
        "question": question,
        "answer": "",
        "display": format_error_markdown(message),
        "sources_html": NO_SOURCES_HTML,
        "citations": [],
        "error": True,
    }


def build_app(assistant: Assistant, settings: Settings) -> gr.Blocks:
    """The Gradio app around ``assistant``: chat, documents tab and API endpoints.

    Example:
        >>> demo = build_app(Assistant(settings), settings)   # doctest: +SKIP
        >>> launch(demo, settings)                              # doctest: +SKIP
    """
    session = ChatSession(assistant, settings)
    default_k = max(1, min(10, settings.retrieval.top_k))  # passages shown by /retrieve
    # passages an answer is composed from: as many as the evaluated and calibrated API uses
    answer_k = max(1, min(10, settings.answer.context_passages))
    max_mb = settings.app.max_upload_mb

    # ------------------------------------------------------------- handlers
    def respond(message: str, turns: list[dict], k: float, mode: str) -> Iterator[tuple]:
        question = (message or "").strip()
        turns = list(turns or [])
        if not question:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        k = int(k)
        pending = chat_messages(turns) + [
            {"role": "user", "content": format_question_markdown(question)},
            {"role": "assistant", "content": THINKING},
        ]
        yield pending, SEARCHING_SOURCES_HTML, turns, ""
        text, final = "", None
        try:
            bot = session.for_mode(mode)
            for event in bot.stream(question, history_of(turns), k=k):
                if event.delta:
                    text += event.delta
                    pending = pending[:-1] + [
                        {"role": "assistant", "content": format_answer_markdown(text)}
                    ]
                    yield pending, gr.skip(), turns, gr.skip()
                if event.answer is not None:
                    final = event.answer
            if final is None:
                raise RuntimeError("the answerer ended without an answer")
            turn = _turn(question, final, _MODES.get(mode, "extractive"), k)
        except (AssistantError, StoreError) as e:
            turn = _error_turn(question, user_error_message(e))
        except Exception:
            log.exception("answering %r failed", question)
            turn = _error_turn(question, UNEXPECTED_ERROR)
        turns = turns + [turn]
        yield chat_messages(turns), turn["sources_html"], turns, gr.skip()

    def clear_chat() -> tuple:
        return [], NO_SOURCES_HTML, [], ""

    def show_turn_sources(turns: list[dict], evt: gr.SelectData) -> str:
        """Clicking a message shows the sources of that answer."""
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        turns = turns or []
        if 0 <= index // 2 < len(turns):
            return turns[index // 2]["sources_html"]
        return gr.skip()

    def record_feedback(turns: list[dict], evt: gr.LikeData) -> None:
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        turns = turns or []
        if not 0 <= index // 2 < len(turns) or turns[index // 2].get("error"):
            return
        t = turns[index // 2]
        liked = evt.liked
        if isinstance(liked, str):
            liked = liked.lower() in ("like", "true", "up")
        session.feedback.append(
            feedback_record(
                t["question"],
                t["answer"],
                t["citations"],
                liked=bool(liked),
                mode=t.get("mode"),
                k=t.get("k"),
            )
        )
        gr.Info("Cảm ơn bạn đã đánh giá câu trả lời!")

    def documents_view() -> tuple:
        try:
            sources = assistant.sources()
        except StoreError as e:
            gr.Warning(user_error_message(e))
            sources = []
        table = {"headers": SOURCES_TABLE_HEADERS, "data": sources_table(sources)}
        return table, gr.Dropdown(choices=source_choices(sources), value=None)

    def upload(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        report_html = ingest_uploads(session, [Path(f) for f in files or []], max_mb, progress)
        return (report_html, *documents_view())

    def delete_selected(source: str | None) -> tuple:
        if not source:
            return (
                "Chưa xoá gì: hãy chọn một tài liệu trong danh sách rồi bấm **Xoá tài liệu**.",
                *documents_view(),
            )
        try:
            removed = session.delete(source)
        except (AssistantError, StoreError) as e:
            return format_error_markdown(user_error_message(e)), *documents_view()
        name = escape_markdown(file_name_of(source))
        return f"🗑️ Đã xoá tài liệu {name} ({removed} đoạn).", *documents_view()

    # ------------------------------------------------------------- API only
    def ask(
        question: str, history: list[dict] | str | None = None, k: int = answer_k
    ) -> tuple[str, list[dict], bool]:
        """Answer a question; history is a list of {"question", "answer"} of earlier turns."""
        import json

        try:
            if isinstance(history, str):
                try:
                    history = json.loads(history) if history.strip() else []
                except ValueError:
                    raise AssistantError(
                        "Lịch sử hội thoại không phải JSON hợp lệ. (The history is not valid JSON.)"
                    ) from None
            answer = assistant.ask(question, history or [], k=_api_k(k, answer_k))
        except (AssistantError, StoreError) as e:
            raise gr.Error(user_error_message(e)) from None
        return answer.text, citations_json(answer), answer.abstained

    def retrieve(question: str, k: int = default_k) -> list[dict]:
        """The passages retrieved for a question, best first."""
        try:
            return passages_json(assistant.retrieve(question, _api_k(k)))
        except (AssistantError, StoreError) as e:
            raise gr.Error(user_error_message(e)) from None

    def list_sources() -> list[dict]:
        """The indexed articles."""
        try:
            return [dict(s.__dict__) for s in assistant.sources()]
        except StoreError as e:
            raise gr.Error(user_error_message(e)) from None

    def delete_source(source: str) -> dict:
        """Remove an article (full source path, file name or title) from the index."""
        try:
            resolved = assistant.resolve_source(source)
            return {"source": resolved, "chunks_removed": session.delete(resolved)}
        except (AssistantError, StoreError) as e:
            raise gr.Error(user_error_message(e)) from None

    def _api_k(k: Any, default: int = default_k) -> int:
        try:
            return check_k(default if k is None else k, high=MAX_API_K)
        except AssistantError as e:
            raise gr.Error(str(e)) from None

    # --------------------------------------------------------------- layout
    with gr.Blocks(title="Trợ lý hỏi đáp tài liệu", analytics_enabled=False) as demo:
        turns = gr.State([])
        gr.Markdown(INTRO_MD)
        with gr.Tabs():
            with gr.Tab("💬 Hỏi đáp", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            label="Hội thoại",
                            elem_id="chatbot",
                            height=520,
                            sanitize_html=True,
                            render_markdown=True,
                            latex_delimiters=[],
                            allow_tags=False,
                            feedback_options=("Like", "Dislike"),
                            buttons=["copy"],
                            placeholder=(
                                "**Xin chào!** Hãy gõ câu hỏi vào ô bên dưới rồi bấm **Gửi**, "
                                "hoặc chọn một câu hỏi mẫu."
                            ),
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                placeholder="Nhập câu hỏi, ví dụ: Hà Nội tăng trưởng bình quân bao nhiêu?",
                                show_label=False,
                                elem_id="question",
                                lines=1,
                                max_lines=4,
                                max_length=2000,
                                autofocus=True,
                                scale=5,
                            )
                            send = gr.Button("Gửi", variant="primary", scale=1, elem_id="send")
                        examples = gr.Examples(
                            EXAMPLE_QUESTIONS, inputs=question, label="Câu hỏi mẫu (bấm để hỏi)"
                        )
                        clear = gr.Button("🗑️ Xoá hội thoại", size="sm", elem_id="clear")
                        with gr.Accordion("⚙️ Tuỳ chọn", open=False):
                            k_slider = gr.Slider(
                                1,
                                10,
                                value=answer_k,
                                step=1,
                                label="Số đoạn văn dùng để trả lời",
                                info="Nhiều đoạn hơn: đầy đủ hơn nhưng chậm hơn.",
                            )
                            mode = gr.Radio(
                                [MODE_EXTRACTIVE, MODE_LLM],
                                value=MODE_LLM
                                if settings.answer.mode == "llm" and session.llm_available
                                else MODE_EXTRACTIVE,
                                label="Cách trả lời",
                                info="Trích xuất: ghép câu từ tài liệu, không cần mạng."
                                + (
                                    ""
                                    if session.llm_available
                                    else " LLM: chưa được cấu hình (cần llm_base_url)."
                                ),
                                interactive=session.llm_available,
                            )
                    with gr.Column(scale=2):
                        gr.Markdown("### 📚 Nguồn")
                        sources_panel = gr.HTML(
                            NO_SOURCES_HTML,
                            elem_id="sources",
                            css_template=SOURCES_CSS,
                            js_on_load=None,
                            max_height=720,
                        )
            with gr.Tab("📁 Tài liệu", id="documents"):
                allowed = ", ".join(ALLOWED_UPLOAD_SUFFIXES)
                gr.Markdown(
                    f"Nạp thêm tài liệu để hỏi đáp: chọn một hay nhiều tệp ({allowed}; "
                    f"tối đa {max_mb:g} MB mỗi tệp) rồi bấm **Nạp vào kho**. "
                    "Nạp lại tệp cùng tên sẽ cập nhật tài liệu cũ."
                )
                files = gr.File(
                    file_count="multiple", type="filepath", label="Chọn tệp", elem_id="upload"
                )
                upload_btn = gr.Button("📥 Nạp vào kho", variant="primary")
                report = gr.HTML(css_template=SOURCES_CSS, js_on_load=None)
                gr.Markdown("### Tài liệu đã nạp")
                table = gr.Dataframe(
                    headers=SOURCES_TABLE_HEADERS,
                    interactive=False,
                    wrap=True,
                    elem_id="sources-table",
                )
                with gr.Row():
                    to_delete = gr.Dropdown(
                        choices=[], label="Chọn tài liệu cần xoá", scale=4, elem_id="to-delete"
                    )
                    delete_btn = gr.Button("Xoá tài liệu", variant="stop", scale=1)
                delete_msg = gr.Markdown()
                refresh = gr.Button("🔄 Làm mới danh sách", size="sm")

        # ---------------------------------------------------------- events
        ask_in_chat = dict(
            fn=respond,
            inputs=[question, turns, k_slider, mode],
            outputs=[chatbot, sources_panel, turns, question],
            api_visibility="private",
            show_progress="minimal",
        )
        gr.on([question.submit, send.click], **ask_in_chat)
        examples.load_input_event.then(**ask_in_chat)  # a sample question is asked at once
        # our button, and the chatbot's own trash icon, forget the conversation
        gr.on(
            [clear.click, chatbot.clear],
            clear_chat,
            outputs=[chatbot, sources_panel, turns, question],
            api_visibility="private",
        )
        chatbot.select(show_turn_sources, turns, sources_panel, api_visibility="private")
        chatbot.like(record_feedback, turns, None, api_visibility="private")
        upload_btn.click(
            upload,
            inputs=files,
            outputs=[report, table, to_delete],
            api_name="upload",
            api_description="Add .txt/.md/.html/.htm/.pdf files to the index; returns the report.",
            concurrency_limit=1,
            concurrency_id="index-write",
        ).then(lambda: None, outputs=files, api_visibility="private")
        delete_btn.click(
            delete_selected,
            inputs=to_delete,
            outputs=[delete_msg, table, to_delete],
            js="(s) => (s && confirm('Xoá tài liệu đã chọn khỏi kho?')) ? s : null",
            api_visibility="private",
            concurrency_limit=1,
            concurrency_id="index-write",
        )
        refresh.click(documents_view, outputs=[table, to_delete], api_visibility="private")
        demo.load(documents_view, outputs=[table, to_delete], api_visibility="private")

        gr.api(ask, api_name="ask")
        gr.api(retrieve, api_name="retrieve")
        gr.api(list_sources, api_name="sources")
        gr.api(delete_source, api_name="delete_source", concurrency_id="index-write")
    return demo


# -------------------------------------------------------------------- uploads
def ingest_uploads(
    session: ChatSession,
    files: Sequence[Path],
    max_mb: float,
    progress: Any = None,
) -> str:
    """Copy acceptable uploads into ``<data_dir>/uploads`` and index them; the report as HTML.

    A refused or unreadable file is reported by name and leaves everything else
    as it was. An upload whose name a different stored file already has is stored as
    ``name (2).ext`` (see :func:`webapp.uploads.upload_path`) and the report says so.
    """
    if not files:
        return render_ingest_report(None)
    session.uploads_dir.mkdir(parents=True, exist_ok=True)
    rejected: dict[str, str] = {}
    accepted: list[Path] = []
    backup_dir = Path(tempfile.mkdtemp(prefix=BACKUP_PREFIX, dir=session.uploads_dir.parent))
    backups: dict[Path, Path] = {}
    renamed: dict[str, str] = {}  # stored name -> the name it was uploaded as
    try:
        for src in files:
            shown = safe_upload_name(src.name)
            try:
                size = src.stat().st_size
            except OSError:
                rejected[shown] = "không đọc được tệp tải lên"
                continue
            reason = upload_rejection(src.name, size, max_mb)
            if reason:
                rejected[shown] = reason
                continue
            dest = upload_path(session.uploads_dir, src.name, src)
            if dest in accepted:
                rejected[shown] = "trùng với một tệp khác trong lần nạp này"
                continue
            if dest.exists():  # the same file again (upload_path never picks another one)
                backups[dest] = backup_dir / dest.name  # the name says where it goes back
                shutil.copy2(dest, backups[dest])
            elif dest.name != shown:
                renamed[dest.name] = shown
            shutil.copyfile(src, dest)
            accepted.append(dest)

        def step(done: int, total: int, name: str) -> None:
            if progress is not None:
                progress((done, total), desc=f"Đang nạp {name}", unit="tệp")

        report = session.assistant.ingest(accepted, progress=step) if accepted else None
        failed = set(report.failed) if report else set()
        for dest in accepted:
            if str(dest) in failed:
                _restore(dest, backups.get(dest))
    except Exception as e:
        log.exception("upload failed")
        for dest in accepted:
            _restore(dest, backups.get(dest))
        why = user_error_message(e) if isinstance(e, StoreError) else e
        for dest in accepted:
            rejected.setdefault(renamed.get(dest.name, dest.name), f"lỗi khi nạp, đã huỷ ({why})")
        renamed.clear()
        report = None
    finally:
        shutil.rmtree(backup_dir, ignore_errors=True)
        for src in files:
            _discard_temporary_upload(src)
    return render_ingest_report(report, rejected, renamed)


def _discard_temporary_upload(src: Path) -> None:
    """Gradio's temporary copy of an upload, once read: refused, or copied into
    ``uploads/``, it is of no further use (files elsewhere are left alone)."""
    from gradio.utils import get_upload_folder

    try:
        path = src.resolve()
        inside = Path(get_upload_folder()).resolve() in path.parents
    except OSError:
        return
    if inside:
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # Gradio's folder for this one file, when empty


def _restore(dest: Path, backup: Path | None) -> None:
    if backup is not None and backup.exists():
        shutil.copy2(backup, dest)
    else:
        dest.unlink(missing_ok=True)


# --------------------------------------------------------------------- launch
def ensure_corpus(assistant: Assistant, corpus: Path | None = None) -> None:
    """First start on an empty index: ingest the bundled corpus (progress on the console)."""
    report = assistant.ensure_corpus(corpus, progress=True)
    if report is not None:
        log.info("bundled corpus: %s", report.summary())


def launch(demo: gr.Blocks, settings: Settings, *, block: bool = True, quiet: bool = True) -> str:
    """Serve ``demo`` with the host, port, login and upload limit from ``settings``; the URL.

    With ``block=False`` the server runs in the background (tests) and the
    caller closes it with ``demo.close()``.
    """
    app = settings.app
    credentials = login_credentials(app)  # half a login is an error, not an open app
    auth = PasswordCheck(*credentials) if credentials else None
    demo.queue(default_concurrency_limit=CONCURRENCY)
    # The hard cap Gradio enforces on any upload; the per-file limit (max_upload_mb)
    # is checked by the documents tab, which then says which file was too large.
    hard_cap_mb = int(max(2 * app.max_upload_mb, app.max_upload_mb + 10))
    _, local_url, _ = demo.launch(
        server_name=app.host,
        server_port=app.port,
        auth=auth,
        auth_message="Đăng nhập để dùng trợ lý hỏi đáp tài liệu.",
        share=False,
        max_file_size=f"{hard_cap_mb}mb",
        prevent_thread_lock=True,
        show_error=False,
        quiet=quiet,
        ssr_mode=False,
        theme=gr.themes.Soft(font=["ui-sans-serif", "system-ui", "sans-serif"]),
        i18n=gr.I18n(vi=GRADIO_STRINGS_VI, en=GRADIO_STRINGS_VI),
    )
    log.info("Chat app running at %s (Ctrl+C to stop)", local_url)
    if block:
        demo.block_thread()
    return local_url


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="app.py", description="Start the chat web app.")
    p.add_argument("--data-dir", help="data directory (default: $ASSISTANT_DATA_DIR or .data)")
    p.add_argument("--host", help="bind address (default: 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default: 7860)")
    p.add_argument(
        "--no-ingest",
        action="store_true",
        help="do not ingest the bundled corpus on an empty index",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Build the settings and the assistant, ensure the corpus, serve until Ctrl+C."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Gradio's own startup requests

    def serve() -> None:
        settings = Settings(**({"data_dir": args.data_dir} if args.data_dir else {}))
        if args.host:
            settings.app.host = args.host
        if args.port:
            settings.app.port = args.port
        login_credentials(settings.app)  # before anything slow: half a login is an error
        assistant = Assistant(settings)
        if not args.no_ingest:
            ensure_corpus(assistant)
        reconcile_uploads(assistant, settings.data_dir / "uploads")  # after a crash mid-upload
        assistant.warm_up()
        demo = build_app(assistant, settings)
        url = launch(demo, settings, block=False)
        # on stdout whatever the logging level (`assistant serve` logs warnings only)
        login = " (login required)" if settings.app.username else ""
        sys.stdout.write(f"Chat app ready at {url}{login}. Ctrl+C to stop.\n")
        sys.stdout.flush()
        demo.block_thread()

    # Ctrl+C is how a server is stopped: exit 0, no note
    return exit_code(serve, on_interrupt=0, interrupt_note="")


if __name__ == "__main__":
    sys.exit(main())

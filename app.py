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

    # ask_detail(question, history, k) -> {"text", "citations", "abstained", "direct_answer",
    #   "confidence", "understood_as", "search_query", "note", "grounded", "turn"}
    #   "turn" is the dict to append to history as it is (it keeps the reading answered)
    detail = client.predict("Còn năm 2030 thì sao?", history, 10, api_name="/ask_detail")

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
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import gradio as gr

from assistant.core import Assistant
from assistant.errors import exit_code
from assistant.settings import Settings
from webapp.api_endpoints import api_functions
from webapp.chat import (  # noqa: F401  (ChatSession and the mode labels are part of app's API)
    BUSY_NOTE,
    MODE_EXTRACTIVE,
    MODE_LLM,
    UNEXPECTED_ERROR,
    ChatSession,
)
from webapp.conversations import browser_secret
from webapp.handlers import PageHandlers
from webapp.login import PasswordCheck, login_credentials
from webapp.page_assets import (
    EXAMPLE_QUESTIONS,
    FOOTER_MD,
    GRADIO_STRINGS_VI,
    INTRO_MD,
    PAGE_CSS,
    page_script,
)
from webapp.sources_panel import NO_SOURCES_HTML
from webapp.ui_format import ALLOWED_UPLOAD_SUFFIXES, SOURCES_TABLE_HEADERS, SOURCES_TABLE_WIDTHS
from webapp.uploads import ingest_uploads, reconcile_uploads  # noqa: F401  (ingest_uploads: API)

log = logging.getLogger("assistant.app")


#: events served at once (chat streams, API calls); writes to the index run one at a time
CONCURRENCY = 16


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
    h = PageHandlers(session, max_mb)
    private = {"api_visibility": "private"}

    def open_document(cited: dict) -> str:
        """Called by the page's script with a card's data (Gradio passes one argument)."""
        return h.open_document(cited)

    with gr.Blocks(title="Trợ lý hỏi đáp tài liệu", analytics_enabled=False) as demo:
        turns = gr.State([])
        answering = gr.State(None)  # the answer in progress: shown so far, kept if stopped
        conversation_id = gr.State("")
        undo = gr.State(None)
        reason_for = gr.State("")
        browser_id = gr.BrowserState(
            "",
            storage_key="assistant-chat-browser",
            secret=browser_secret(settings.data_dir / "conversations"),
        )
        with gr.Sidebar(label="Hội thoại", open=False, elem_id="conversation-bar"):
            new_chat = gr.Button("➕ Hội thoại mới", size="sm", elem_id="new-chat")
            conversations = gr.Radio(
                [], label="Hội thoại đã lưu", elem_id="conversations", interactive=True
            )
        gr.Markdown(INTRO_MD, elem_id="intro")
        with gr.Tabs():
            with gr.Tab("💬 Hỏi đáp", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            show_label=False,
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
                        with gr.Group(visible=False, elem_id="feedback-reason-box") as reason_box:
                            reason = gr.Textbox(
                                label="Câu trả lời chưa tốt ở điểm nào? (không bắt buộc)",
                                placeholder="Ví dụ: sai số liệu, thiếu ý, nguồn không liên quan…",
                                max_length=1000,
                                elem_id="feedback-reason",
                            )
                            with gr.Row():
                                send_reason = gr.Button(
                                    "Gửi góp ý", size="sm", elem_id="send-reason"
                                )
                                skip_reason = gr.Button("Bỏ qua", size="sm")
                        with gr.Row(equal_height=True):
                            question = gr.Textbox(
                                placeholder="Nhập câu hỏi, ví dụ: Hà Nội tăng trưởng bình quân bao nhiêu?",
                                show_label=False,
                                elem_id="question",
                                lines=1,
                                max_lines=4,
                                autofocus=True,
                                scale=5,
                                min_width=160,
                            )
                            send = gr.Button(
                                "Gửi", variant="primary", scale=1, elem_id="send", min_width=64
                            )
                            # takes Send's place while an answer is being produced
                            stop = gr.Button(
                                "⏹ Dừng",
                                variant="stop",
                                scale=1,
                                elem_id="stop",
                                min_width=64,
                                visible=False,
                            )
                        busy_note = gr.Markdown(BUSY_NOTE, visible=False, elem_id="busy-note")
                        with gr.Row():
                            # opens the sources drawer on a phone (webapp/chat_page.js)
                            gr.Button("📚 Nguồn", size="sm", elem_id="sources-toggle")
                            clear = gr.Button("🗑️ Xoá hội thoại", size="sm", elem_id="clear")
                            restore_btn = gr.Button(
                                "↩️ Hoàn tác xoá", size="sm", visible=False, elem_id="undo-clear"
                            )
                        examples = gr.Examples(
                            EXAMPLE_QUESTIONS, inputs=question, label="Câu hỏi mẫu (bấm để hỏi)"
                        )
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
                    with gr.Column(scale=2, elem_id="sources-col"):
                        with gr.Row(elem_id="sources-head"):
                            gr.Markdown("### 📚 Nguồn")
                            gr.Button("Đóng ✕", size="sm", elem_id="sources-close", scale=0)
                        sources_panel = gr.HTML(
                            NO_SOURCES_HTML,
                            elem_id="sources",
                            js_on_load=page_script(),
                            server_functions=[open_document],
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
                report = gr.HTML(js_on_load=None, elem_id="ingest-report")
                gr.Markdown("### Tài liệu đã nạp\nBấm vào một dòng để chọn tài liệu cần xoá.")
                table = gr.Dataframe(
                    headers=SOURCES_TABLE_HEADERS,
                    interactive=False,
                    wrap=True,
                    column_widths=SOURCES_TABLE_WIDTHS,
                    elem_id="sources-table",
                )
                with gr.Row():
                    to_delete = gr.Dropdown(
                        choices=[], label="Chọn tài liệu cần xoá", scale=4, elem_id="to-delete"
                    )
                    delete_btn = gr.Button("Xoá tài liệu", variant="stop", scale=1)
                delete_msg = gr.Markdown()
                refresh = gr.Button("🔄 Làm mới danh sách", size="sm")
        gr.Markdown(FOOTER_MD, elem_id="page-footer")

        # ---------------------------------------------------------- events
        busy = [send, stop, busy_note]
        ask_in_chat = dict(
            fn=h.respond,
            inputs=[question, turns, k_slider, mode, answering],
            outputs=[chatbot, sources_panel, turns, question, answering, *busy],
            show_progress="minimal",
            **private,
        )
        save = dict(
            fn=h.save, inputs=[browser_id, conversation_id, turns], outputs=conversations, **private
        )
        # a stopped answer ends as a failure (Gradio runs .failure after a cancel): its
        # question stays in the chat, marked, and the turns and saved conversation agree
        settle = dict(
            fn=h.settle,
            inputs=[answering, turns],
            outputs=[chatbot, sources_panel, turns, answering, *busy],
            **private,
        )
        asked = [
            gr.on([question.submit, send.click], **ask_in_chat),
            examples.load_input_event.then(**ask_in_chat),  # asked at once
        ]
        for event in asked:
            event.success(**save)
            event.failure(**settle).then(**save)
        stop.click(None, cancels=asked, **private)
        gr.on(  # our button, and the chatbot's own trash icon: both offer an undo
            [clear.click, chatbot.clear],
            h.clear,
            inputs=[browser_id, conversation_id, turns, answering],
            outputs=[
                conversation_id,
                turns,
                chatbot,
                sources_panel,
                question,
                conversations,
                undo,
                restore_btn,
            ],
            **private,
        )
        restore_btn.click(
            h.undo_clear,
            inputs=[browser_id, undo, answering],
            outputs=[
                conversation_id,
                turns,
                chatbot,
                sources_panel,
                conversations,
                undo,
                restore_btn,
            ],
            **private,
        )
        new_chat.click(
            h.new_conversation,
            inputs=[browser_id, answering],
            outputs=[conversation_id, turns, chatbot, sources_panel, question, conversations],
            **private,
        )
        conversations.input(
            h.open_conversation,
            inputs=[browser_id, conversations, answering],
            outputs=[conversation_id, turns, chatbot, sources_panel],
            **private,
        )
        chatbot.select(h.show_turn_sources, turns, sources_panel, **private)
        chatbot.like(h.record_feedback, turns, [reason_for, reason_box], **private)
        gr.on(
            [send_reason.click, reason.submit],
            h.record_reason,
            inputs=[reason_for, reason],
            outputs=[reason_box, reason],
            **private,
        )
        skip_reason.click(lambda: gr.Group(visible=False), outputs=reason_box, **private)
        upload_btn.click(
            h.upload,
            inputs=files,
            outputs=[report, table, to_delete],
            api_name="upload",
            api_description="Add .txt/.md/.html/.htm/.pdf files to the index; returns the report.",
            concurrency_limit=1,
            concurrency_id="index-write",
        ).then(lambda: None, outputs=files, **private)
        delete_btn.click(
            h.delete_selected,
            inputs=[to_delete, turns],
            outputs=[delete_msg, report, table, to_delete, sources_panel],
            js="(s, t) => [(s && confirm('Xoá tài liệu đã chọn khỏi kho?')) ? s : null, t]",
            concurrency_limit=1,
            concurrency_id="index-write",
            **private,
        )
        table.select(h.pick_document, table, to_delete, **private)
        refresh.click(h.documents_view, outputs=[table, to_delete], **private)
        demo.load(h.documents_view, outputs=[table, to_delete], **private)
        demo.load(
            h.restore,
            inputs=browser_id,
            outputs=[browser_id, conversation_id, turns, chatbot, sources_panel, conversations],
            **private,
        )

        for name, fn in api_functions(session, default_k, answer_k).items():
            extra = {"concurrency_id": "index-write"} if name == "delete_source" else {}
            gr.api(fn, api_name=name, **extra)
    return demo


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
        css=PAGE_CSS,
        footer_links=[],  # Gradio's footer and its settings panel are for developers
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

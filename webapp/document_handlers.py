"""What the documents tab's events do: list, open, upload and delete documents.

:class:`DocumentHandlers` is a base of :class:`webapp.handlers.PageHandlers`; its
methods take and return plain values (and Gradio updates), like the chat's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant import StoreError
from assistant.types import AssistantError
from webapp.document_view import render_document_html
from webapp.sources_panel import render_panel
from webapp.ui_format import (
    SOURCES_TABLE_HEADERS,
    escape_markdown,
    file_name_of,
    format_error_markdown,
    source_choices,
    sources_table,
    user_error_message,
)
from webapp.uploads import ingest_uploads

if TYPE_CHECKING:
    from assistant import Assistant
    from webapp.chat import ChatSession


class DocumentHandlers:
    """The documents tab's handlers, and the chat's sources panel (which says when a cited
    document is no longer in the index)."""

    session: ChatSession
    assistant: Assistant
    max_mb: float

    def indexed(self) -> set[str] | None:
        """The sources in the index (None when the store cannot be read)."""
        try:
            return {s.source for s in self.assistant.sources()}
        except StoreError:
            return None

    def panel(self, turns: list[dict], active: int | None = None) -> str:
        """The sources panel of ``turns`` (the answer at ``active``, else the last one)."""
        return render_panel(turns, active, self.indexed())

    # ------------------------------------------------------------- documents
    def open_document(self, cited: dict) -> str:
        """The whole document of an indexed source at a cited passage (escaped HTML).

        ``cited`` is what a source card holds: ``source``, ``start``/``end`` (the passage
        in its article), ``qs``/``qe``/``ss``/``se`` (quote and answer span in the
        passage) and ``text`` (the passage).
        """
        cited = cited if isinstance(cited, dict) else {}
        source = str(cited.get("source", ""))
        try:
            known = {s.source: s for s in self.assistant.sources()}
        except StoreError as e:
            return render_document_html(None, source, {}, 0, 0, "", why=user_error_message(e))
        return render_document_html(
            known.get(source),
            source,
            cited,
            cited.get("start"),
            cited.get("end"),
            str(cited.get("text", "")),
        )

    def documents_view(self) -> tuple:
        """(documents table, delete dropdown)."""
        try:
            sources = self.assistant.sources()
        except StoreError as e:
            gr.Warning(user_error_message(e))
            sources = []
        rows = sources_table(sources, self.session.uploads_dir)
        table = {"headers": SOURCES_TABLE_HEADERS, "data": rows}
        return table, gr.Dropdown(choices=source_choices(sources), value=None)

    def pick_document(self, table: Any, evt: gr.SelectData) -> Any:
        """Clicking a row of the documents table selects it for deleting."""
        row = evt.index[0] if isinstance(evt.index, list | tuple) else None
        try:
            sources = self.assistant.sources()
        except StoreError:
            return gr.skip()
        return sources[row].source if row is not None and 0 <= row < len(sources) else gr.skip()

    def upload(self, files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        """(ingest report, documents table, delete dropdown)."""
        paths = [Path(f) for f in files or []]
        report_html = ingest_uploads(self.session, paths, self.max_mb, progress)
        return (report_html, *self.documents_view())

    def delete_selected(self, source: str | None, turns: list[dict]) -> tuple:
        """(message, report, table, dropdown, sources panel): the earlier upload report is
        cleared, and answers citing the document say it is gone."""
        if not source:
            return (
                "Chưa xoá gì: hãy chọn một tài liệu trong danh sách rồi bấm **Xoá tài liệu**.",
                gr.skip(),
                *self.documents_view(),
                gr.skip(),
            )
        try:
            removed = self.session.delete(source)
        except (AssistantError, StoreError) as e:
            msg = format_error_markdown(user_error_message(e))
            return msg, gr.skip(), *self.documents_view(), gr.skip()
        name = escape_markdown(file_name_of(source))
        return (
            f"🗑️ Đã xoá tài liệu {name} ({removed} đoạn).",
            "",
            *self.documents_view(),
            self.panel(list(turns or [])) if turns else gr.skip(),
        )

"""What the chat page's events do: answer, keep conversations, take feedback (and, through
:class:`~webapp.document_handlers.DocumentHandlers`, manage documents).

:class:`PageHandlers` holds the methods ``app.build_app`` wires to the components.
Each method takes and returns plain values (and Gradio updates), so the page's
behaviour can be called without a browser; the layout lives in ``app.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import gradio as gr

from assistant import StoreError
from assistant.inputs import check_question
from assistant.types import AssistantError
from webapp.chat import (
    BUSY_WARNING,
    EMPTY_QUESTION,
    MODES,
    THINKING,
    UNEXPECTED_ERROR,
    ChatSession,
    answer_turn,
    chat_messages,
    error_turn,
    history_of,
    stopped_turn,
    turn_at,
)
from webapp.conversations import (
    ConversationStore,
    conversation_choices,
    new_browser_id,
    new_conversation_id,
)
from webapp.document_handlers import DocumentHandlers
from webapp.feedback import feedback_record, vote_of
from webapp.sources_panel import NO_SOURCES_HTML, SEARCHING_SOURCES_HTML
from webapp.ui_format import (
    format_answer_markdown,
    format_question_markdown,
    user_error_message,
)

log = logging.getLogger("assistant.app")

REASON_MAX_CHARS = 1000


def busy_controls(answering: bool) -> tuple:
    """(Send button, Stop button, busy note) while an answer is, or is not, being produced."""
    return (
        gr.Button(visible=not answering),
        gr.Button(visible=answering),
        gr.Markdown(visible=answering),
    )


def _refused(answering: Any) -> bool:
    """While an answer is being produced, nothing else changes the conversation: it is
    refused with a warning (Stop first), so the chat, the turns and the saved copy agree."""
    if answering:
        gr.Warning(BUSY_WARNING)
    return bool(answering)


def _username(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request is not None else None


class PageHandlers(DocumentHandlers):
    """The chat page's event handlers around one :class:`ChatSession`."""

    def __init__(self, session: ChatSession, max_mb: float) -> None:
        self.session = session
        self.assistant = session.assistant
        self.conversations = ConversationStore(session.settings.data_dir / "conversations")
        self.max_mb = max_mb

    # ---------------------------------------------------------------- asking
    def respond(
        self, message: str, turns: list[dict], k: float, mode: str, answering: dict | None = None
    ) -> Iterator[tuple]:
        """Stream the answer to ``message``.

        Yields (chatbot, sources panel, turns, question box, answering, send, stop, busy
        note). ``answering`` is the answer in progress (question, text so far, mode, k),
        kept in a ``gr.State`` so that :meth:`settle` can keep what was shown when the
        user stops it; while it is set, another question is refused with a warning (the
        page shows Stop instead of Send, and a question sent another way, such as an
        example, stays in the box).
        """
        skip = (gr.skip(),) * 8
        question = (message or "").strip()
        turns = list(turns or [])
        if _refused(answering):
            yield skip
            return
        if not question:
            gr.Warning(EMPTY_QUESTION)
            yield skip
            return
        try:  # too long, no words: said at once, and the question stays in the box to mend
            check_question(question)
        except AssistantError as e:
            gr.Warning(user_error_message(e))
            yield skip
            return
        k = int(k)
        progress = {"question": question, "text": "", "mode": MODES.get(mode, "extractive"), "k": k}
        pending = chat_messages(turns) + [
            {"role": "user", "content": format_question_markdown(question)},
            {"role": "assistant", "content": THINKING},
        ]
        yield pending, SEARCHING_SOURCES_HTML, turns, "", progress, *busy_controls(True)
        text, final = "", None
        try:
            bot = self.session.for_mode(mode)
            # closed when the user stops the answer (Gradio closes this generator), so
            # the answerer's stream, and an LLM's reading of its model, ends with it
            with closing(bot.stream(question, history_of(turns), k=k)) as events:
                for event in events:
                    if event.delta:
                        text += event.delta
                        pending = pending[:-1] + [
                            {"role": "assistant", "content": format_answer_markdown(text)}
                        ]
                        progress = {**progress, "text": text}
                        yield pending, gr.skip(), turns, gr.skip(), progress, *(gr.skip(),) * 3
                    if event.answer is not None:
                        final = event.answer
            if final is None:
                raise RuntimeError("the answerer ended without an answer")
            turn = answer_turn(question, final, progress["mode"], k)
        except (AssistantError, StoreError) as e:
            turn = error_turn(question, user_error_message(e))
        except Exception:
            log.exception("answering %r failed", question)
            turn = error_turn(question, UNEXPECTED_ERROR)
        turns = turns + [turn]
        yield chat_messages(turns), self.panel(turns), turns, gr.skip(), None, *busy_controls(False)

    def settle(self, answering: dict | None, turns: list[dict]) -> tuple:
        """After an answer was stopped (or failed): the chat, the turns and the saved
        conversation agree again, with what was shown of that answer marked as stopped.

        Returns (chatbot, sources panel, turns, answering, send, stop, busy note).
        """
        turns = list(turns or [])
        if answering:
            turns.append(
                stopped_turn(
                    answering["question"],
                    answering.get("text", ""),
                    answering.get("mode", "extractive"),
                    answering.get("k", 0),
                )
            )
        return chat_messages(turns), self.panel(turns), turns, None, *busy_controls(False)

    def show_turn_sources(self, turns: list[dict], evt: gr.SelectData) -> str:
        """Clicking a message shows the sources of that answer."""
        turn = turn_at(turns, evt.index)
        return self.panel(turns, turn) if turn is not None else gr.skip()

    # --------------------------------------------------------- conversations
    def _owner(self, browser_id: str, request: gr.Request | None) -> Path:
        return self.conversations.owner(_username(request), browser_id)

    def _list(self, owner: Path, current: str) -> Any:
        choices = conversation_choices(self.conversations.list(owner))
        value = current if any(v == current for _, v in choices) else None
        return gr.Radio(choices=choices, value=value)

    def restore(self, browser_id: str | None, request: gr.Request) -> tuple:
        """On page load: this browser's id, its latest conversation and the list.

        Returns (browser id, conversation id, turns, chatbot, panel, conversation list).
        """
        try:
            owner = self._owner(browser_id or "", request)
        except ValueError:
            browser_id = new_browser_id()
            owner = self._owner(browser_id, request)
        saved = self.conversations.list(owner)
        conversation_id = saved[0].id if saved else new_conversation_id()
        turns = self.conversations.load(owner, conversation_id) if saved else []
        return (
            browser_id,
            conversation_id,
            turns,
            # the class tells the page (and its tests) that the conversation is back
            gr.Chatbot(value=chat_messages(turns), elem_classes=["restored"]),
            self.panel(turns),
            self._list(owner, conversation_id),
        )

    def save(self, browser_id: str, conversation_id: str, turns: list[dict], request: gr.Request):
        """After an answer: the conversation saved, the list refreshed."""
        try:
            owner = self._owner(browser_id or "", request)
        except ValueError:
            return gr.skip()
        if not conversation_id:
            return gr.skip()
        self.conversations.save(owner, conversation_id, list(turns or []))
        return self._list(owner, conversation_id)

    def open_conversation(
        self, browser_id: str, chosen: str | None, request: gr.Request, answering: Any = None
    ) -> tuple:
        """(conversation id, turns, chatbot, panel) of a conversation picked in the list."""
        if not chosen or _refused(answering):
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        try:
            turns = self.conversations.load(self._owner(browser_id or "", request), chosen)
        except ValueError:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return chosen, turns, chat_messages(turns), self.panel(turns)

    def new_conversation(
        self, browser_id: str, request: gr.Request, answering: Any = None
    ) -> tuple:
        """(conversation id, turns, chatbot, panel, question box, list) of a fresh conversation."""
        if _refused(answering):
            return (gr.skip(),) * 6
        new_id = new_conversation_id()
        try:
            listing = self._list(self._owner(browser_id or "", request), new_id)
        except ValueError:
            listing = gr.skip()
        return new_id, [], [], NO_SOURCES_HTML, "", listing

    def clear(
        self,
        browser_id: str,
        conversation_id: str,
        turns: list[dict],
        request: gr.Request,
        answering: Any = None,
    ) -> tuple:
        """Delete the conversation, keeping it for one undo.

        Returns (conversation id, turns, chatbot, panel, question box, list, undo, undo button).
        """
        if _refused(answering):  # the chat repaints with the answer's next words
            return (gr.skip(),) * 8
        undo = {"id": conversation_id, "turns": list(turns or [])} if turns else None
        try:
            owner = self._owner(browser_id or "", request)
            if conversation_id:
                self.conversations.delete(owner, conversation_id)
        except ValueError:
            pass
        new_id, *fresh = self.new_conversation(browser_id, request)
        return (new_id, *fresh, undo, gr.Button(visible=undo is not None))

    def undo_clear(
        self, browser_id: str, undo: dict | None, request: gr.Request, answering: Any = None
    ) -> tuple:
        """Bring the conversation just deleted back.

        Returns (conversation id, turns, chatbot, panel, list, undo, undo button).
        """
        if _refused(answering):
            return (gr.skip(),) * 7
        if not undo:
            return (gr.skip(),) * 5 + (None, gr.Button(visible=False))
        turns = undo["turns"]
        try:
            owner = self._owner(browser_id or "", request)
            self.conversations.save(owner, undo["id"], turns)
            listing = self._list(owner, undo["id"])
        except ValueError:
            listing = gr.skip()
        gr.Info("Đã khôi phục hội thoại.")
        return (
            undo["id"],
            turns,
            chat_messages(turns),
            self.panel(turns),
            listing,
            None,
            gr.Button(visible=False),
        )

    # -------------------------------------------------------------- feedback
    def record_feedback(self, turns: list[dict], evt: gr.LikeData) -> tuple:
        """👍/👎/taken back on an answer: its one vote in feedback.jsonl; a 👎 asks why.

        Returns (the turn id a reason is asked for, the reason box).
        """
        turn = turn_at(turns, evt.index)
        if turn is None or turns[turn].get("error"):
            return gr.skip(), gr.skip()
        t = turns[turn]
        vote = vote_of(evt.liked)
        if vote is None:
            self.session.feedback.set_vote(t["id"], None)
            gr.Info("Đã bỏ đánh giá câu trả lời này.")
            return "", gr.Group(visible=False)
        record = feedback_record(
            t["question"],
            t["answer"],
            t["citations"],
            liked=vote == "up",
            mode=t.get("mode"),
            k=t.get("k"),
        )
        self.session.feedback.set_vote(t["id"], record)
        if vote == "up":
            gr.Info("Cảm ơn bạn đã đánh giá câu trả lời!")
            return "", gr.Group(visible=False)
        return t["id"], gr.Group(visible=True)

    def record_reason(self, turn_id: str, reason: str) -> tuple:
        """The reason for a 👎, added to that answer's vote. Returns (reason box, textbox)."""
        reason = " ".join((reason or "").split())[:REASON_MAX_CHARS]
        if not reason:
            gr.Warning("Hãy viết vài chữ về điều chưa đúng, hoặc bấm Bỏ qua.")
            return gr.skip(), gr.skip()
        if turn_id and self.session.feedback.set_reason(turn_id, reason):
            gr.Info("Đã ghi nhận góp ý, cảm ơn bạn!")
        return gr.Group(visible=False), ""

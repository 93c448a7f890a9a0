"""Conversations kept across page reloads, per browser and per logged-in user.

Each conversation is one JSON file::

    <data_dir>/conversations/<user key>/<browser id>/<conversation id>.json
    {"id": "...", "title": "<first question>", "updated": "2026-12-05T00:12:03+00:00",
     "turns": [<turn dicts, see webapp.chat>]}

The browser keeps only a random id (``gr.BrowserState``); the user key is a hash of
the login name (``"anonymous"`` without a login). So two people logged in with
different names in the same browser never see each other's conversations, and one
person's conversations in one browser are not shown in another.

Example:
    >>> import tempfile, pathlib
    >>> store = ConversationStore(pathlib.Path(tempfile.mkdtemp()))
    >>> owner = store.owner("bientap", new_browser_id())
    >>> store.save(owner, new_conversation_id(), [{"question": "Ai ký?", "answer": "Bà A [1]."}])
    >>> [c.title for c in store.list(owner)]
    ['Ai ký?']
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_ID = re.compile(r"^[0-9a-f]{8,64}$")
#: conversations listed in the side panel (the newest first)
LIST_LIMIT = 50


def new_browser_id() -> str:
    return secrets.token_hex(16)


def new_conversation_id() -> str:
    return secrets.token_hex(8)


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    title: str
    updated: str
    turns: int


class ConversationStore:
    """Conversation files under ``root``, one folder per (user, browser)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()

    def owner(self, username: str | None, browser_id: str) -> Path:
        """The folder of one user's conversations in one browser (not created here).

        Raises ValueError for a browser id that is not one :func:`new_browser_id` makes.
        """
        if not _ID.match(browser_id or ""):
            raise ValueError("not a browser id")
        user = hashlib.sha256((username or "anonymous").encode("utf-8")).hexdigest()[:24]
        return self.root / user / browser_id

    def _path(self, owner: Path, conversation_id: str) -> Path:
        if not _ID.match(conversation_id or ""):
            raise ValueError("not a conversation id")
        return owner / f"{conversation_id}.json"

    def save(self, owner: Path, conversation_id: str, turns: list[dict[str, Any]]) -> None:
        """Write the conversation (an empty one is removed instead)."""
        path = self._path(owner, conversation_id)
        if not turns:
            self.delete(owner, conversation_id)
            return
        record = {
            "id": conversation_id,
            "title": " ".join(str(turns[0].get("question", "")).split())[:80],
            "updated": datetime.now(UTC).isoformat(timespec="seconds"),
            "turns": turns,
        }
        with self._lock:
            owner.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)

    def load(self, owner: Path, conversation_id: str) -> list[dict[str, Any]]:
        """The turns of a conversation ([] when missing or unreadable)."""
        try:
            data = json.loads(self._path(owner, conversation_id).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            log.info("conversation %s not loaded: %s", conversation_id, e)
            return []
        turns = data.get("turns") if isinstance(data, dict) else None
        return [t for t in turns if isinstance(t, dict)] if isinstance(turns, list) else []

    def delete(self, owner: Path, conversation_id: str) -> None:
        with self._lock:
            self._path(owner, conversation_id).unlink(missing_ok=True)

    def list(self, owner: Path) -> list[ConversationInfo]:
        """The conversations of one owner, the most recently updated first."""
        out = []
        for path in owner.glob("*.json") if owner.is_dir() else []:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                out.append(
                    ConversationInfo(
                        id=str(data["id"]),
                        title=str(data.get("title", "")) or "(không tiêu đề)",
                        updated=str(data.get("updated", "")),
                        turns=len(data.get("turns", [])),
                    )
                )
            except (OSError, ValueError, KeyError, TypeError) as e:
                log.warning("%s: not a conversation file, skipped (%s)", path, e)
        out.sort(key=lambda c: c.updated, reverse=True)
        return out[:LIST_LIMIT]


def browser_secret(root: Path) -> str:
    """The key the browser's id is encrypted with in its storage, kept in ``root`` across
    restarts (a new key would make every browser start a new conversation list)."""
    path = Path(root) / ".browser-secret"
    try:
        return path.read_text(encoding="utf-8").strip() or secrets.token_hex(16)
    except OSError:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_hex(16)
        path.write_text(secret, encoding="utf-8")
        return secret


def conversation_choices(conversations: list[ConversationInfo]) -> list[tuple[str, str]]:
    """(label, id) pairs for the conversation list: the first question and when."""
    out = []
    for c in conversations:
        when = c.updated[:16].replace("T", " ")
        out.append((f"{c.title} · {c.turns} câu · {when}", c.id))
    return out

"""The chat app's optional login: configured whole or not at all, and throttled.

Example:
    >>> check = PasswordCheck("bientap", "mat-khau")
    >>> check("bientap", "mat-khau"), check("bientap", "sai")
    (True, False)
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable

from assistant.settings import AppSettings
from assistant.types import AssistantError

log = logging.getLogger(__name__)


def login_credentials(app: AppSettings) -> tuple[str, str] | None:
    """(username, password) when a login is configured, None when it is off.

    Half a login (a username without a password, or the reverse) is an error:
    it used to serve the app open to anyone without a word.

    >>> login_credentials(AppSettings()) is None
    True
    """
    user = (app.username or "").strip()
    password = app.password.get_secret_value() if app.password is not None else ""
    if user and password:
        return user, password
    if user or password:
        missing = "ASSISTANT_APP__PASSWORD" if user else "ASSISTANT_APP__USERNAME"
        raise AssistantError(
            f"Đăng nhập mới cấu hình một nửa: thiếu {missing}. Hãy đặt cả tên đăng nhập lẫn "
            "mật khẩu, hoặc bỏ cả hai. (Login is half-configured: "
            f"{missing} is not set; set both ASSISTANT_APP__USERNAME and "
            "ASSISTANT_APP__PASSWORD, or neither.)"
        )
    return None


class PasswordCheck:
    """Gradio's ``auth`` callable: compares in constant time and, after
    ``max_failures`` wrong passwords for a user within ``window`` seconds,
    refuses that user until the window has passed (guessing is throttled)."""

    def __init__(
        self,
        username: str,
        password: str,
        *,
        max_failures: int = 5,
        window: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._username = username
        self._password = password
        self.max_failures = max_failures
        self.window = window
        self._clock = clock
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def __call__(self, username: str, password: str) -> bool:
        now = self._clock()
        with self._lock:
            recent = [t for t in self._failures.get(username, []) if now - t < self.window]
            self._failures[username] = recent
            if len(recent) >= self.max_failures:
                log.warning("login refused for %r: too many wrong passwords, wait", username)
                return False
        ok = hmac.compare_digest(str(username).encode(), self._username.encode()) & hmac.compare_digest(
            str(password).encode(), self._password.encode()
        )
        if not ok:
            with self._lock:
                self._failures.setdefault(username, []).append(now)
            log.warning("wrong login for %r", username)
        return bool(ok)

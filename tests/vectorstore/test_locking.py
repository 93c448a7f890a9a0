"""The one file-lock helper: the store's writer lock and the model conversion share it."""

from __future__ import annotations

import os

import pytest

from vectorstore.locking import LockTimeout, file_lock


def test_a_held_file_lock_makes_the_next_wait_time_out_naming_the_holder(tmp_path):
    path = tmp_path / "sub" / "convert.lock"
    with file_lock(path):
        with pytest.raises(LockTimeout) as caught, file_lock(path, timeout=0.3):
            pass
    assert caught.value.holder == f" (pid {os.getpid()})"
    with file_lock(path, timeout=0.3):  # released: free again
        pass

"""Shared fixtures: tests never touch real user data or the network."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_CORPUS = REPO_ROOT / "data" / "articles"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory, monkeypatch):
    """Point every data dir and cache at temporary folders; keep hubs offline."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    # a .env in the working directory must not leak into tests
    monkeypatch.chdir(home)


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch, request):
    """Unit tests may only connect to loopback (servers the test itself starts)."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def tiny_corpus(tmp_path) -> Path:
    """Three short Vietnamese articles written for tests."""
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "giao_thong.txt").write_text(
        "Hà Nội tháo gỡ điểm nghẽn giao thông\n\n"
        "KTĐT| 20/11/2017 13:20\n\n"
        "Thành phố quyết liệt tập trung tháo gỡ 5 điểm nghẽn, đó là: ùn tắc giao thông, "
        "trật tự đô thị, úng ngập, ô nhiễm môi trường và thủ tục hành chính. "
        "Các sở, ngành phải báo cáo kết quả hằng quý.\n",
        encoding="utf-8",
    )
    (d / "quy_hoach.txt").write_text(
        "Quy hoạch đô thị xanh và thông minh\n\n"
        "Đến năm 2030, Thủ đô phát triển theo hướng đô thị xanh, thành phố thông minh, hiện đại. "
        "Quy hoạch chung được điều chỉnh đến năm 2045, tầm nhìn đến năm 2065.\n",
        encoding="utf-8",
    )
    (d / "kinh_te.txt").write_text(
        "Tăng trưởng kinh tế Thủ đô\n\n"
        "Thành phố phấn đấu đạt mức tăng trưởng kinh tế bình quân hàng năm từ 7,5% trở lên. "
        "Thu ngân sách năm 2023 ước đạt 400,421 nghìn tỷ đồng.\n",
        encoding="utf-8",
    )
    return d

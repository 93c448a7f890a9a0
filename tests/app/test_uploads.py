"""Where an upload is stored: never over a different file that has its name."""

from __future__ import annotations

import pytest

from webapp.uploads import upload_path


def _upload(tmp_path, name: str, text: str):
    incoming = tmp_path / "incoming"
    incoming.mkdir(exist_ok=True)
    path = incoming / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir()
    return folder


def test_a_free_name_is_used_as_is(tmp_path, uploads):
    src = _upload(tmp_path, "Báo cáo.txt", "Nội dung")
    assert upload_path(uploads, "Báo cáo.txt", src) == (uploads / "Báo cáo.txt").resolve()


def test_the_same_file_again_keeps_its_name(tmp_path, uploads):
    (uploads / "report2024.txt").write_text("Bản một", encoding="utf-8")
    src = _upload(tmp_path, "report2024.txt", "Bản một")
    assert upload_path(uploads, "report2024.txt", src).name == "report2024.txt"


def test_a_different_file_of_that_name_is_not_replaced(tmp_path, uploads):
    (uploads / "report2024.txt").write_text("Bản một", encoding="utf-8")
    src = _upload(tmp_path, "report2024.txt", "Bản hai")
    assert upload_path(uploads, "report2024.txt", src).name == "report2024 (2).txt"
    (uploads / "report2024 (2).txt").write_text("Bản hai", encoding="utf-8")
    # the same second file again finds its copy; a third file gets the next free name
    assert upload_path(uploads, "report2024.txt", src).name == "report2024 (2).txt"
    third = _upload(tmp_path, "report2024.txt", "Bản ba")
    assert upload_path(uploads, "report2024.txt", third).name == "report2024 (3).txt"
    assert (uploads / "report2024.txt").read_text(encoding="utf-8") == "Bản một"


def test_names_that_differ_only_in_unsafe_characters_are_both_kept(tmp_path, uploads):
    first = _upload(tmp_path, "a.txt", "Bản một")
    dest = upload_path(uploads, "report:2024.txt", first)
    dest.write_bytes(first.read_bytes())
    second = _upload(tmp_path, "b.txt", "Bản hai")
    assert upload_path(uploads, "report?2024.txt", second) != dest


def test_a_folder_of_that_name_is_not_a_match(tmp_path, uploads):
    (uploads / "tin.md").mkdir()
    src = _upload(tmp_path, "tin.md", "Tin")
    assert upload_path(uploads, "tin.md", src).name == "tin (2).md"


def test_a_long_vietnamese_name_keeps_its_number_within_the_byte_cap(tmp_path, uploads):
    name = "Nghị quyết Đại hội đại biểu Đảng bộ thành phố Hà Nội " * 6 + ".pdf"
    (uploads / upload_path(uploads, name, _upload(tmp_path, "x.pdf", "một")).name).write_text(
        "một", encoding="utf-8"
    )
    dest = upload_path(uploads, name, _upload(tmp_path, "y.pdf", "hai"))
    assert dest.name.endswith(" (2).pdf") and len(dest.name.encode("utf-8")) <= 255

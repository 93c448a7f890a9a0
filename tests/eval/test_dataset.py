"""Offline checks of the gold question set eval/datasets/hanoi.jsonl.

The set is data, so these tests guard its shape and its grounding: every evidence
span must be a verbatim (NFC) substring of the article body it cites, every key
phrase must be backed by that evidence, and the category quotas the evaluation
relies on must hold. They read only files in the repository and run in well
under a second.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATASET = ROOT / "eval" / "datasets" / "hanoi.jsonl"
ARTICLES = ROOT / "data" / "articles"

FIELDS = {
    "id": str,
    "question": str,
    "answer": str,
    "key_phrases": list,
    "sources": list,
    "evidence": list,
    "category": str,
    "answerable": bool,
    "history": list,
    "standalone": str,
}
CATEGORY_MINIMUMS = {
    "factual": 20,
    "list": 8,
    "paraphrase": 8,
    "no_diacritics": 15,
    "followup": 6,
    "multi_article": 4,
    "cross_lingual": 4,
    "unanswerable": 15,
    "teaser": 6,
}
UNANSWERABLE_CATEGORIES = {"unanswerable", "teaser"}
MIN_TOTAL = 80
MIN_ANSWERABLE_PER_ARTICLE = 8

# Where each scraped page's article body lies: after its title line, before the
# first line of site chrome / unrelated teasers. Evidence must come from here.
BODY_BOUNDS = {
    "000_cb99b14b31951c52.txt": (
        "Hà Nội thí điểm mô hình chính quyền đô thị tại các quận\n",
        "\n(0) Bình luận",
    ),
    "001_4161f699ca7b0618.txt": (
        "Đẩy mạnh công tác quy hoạch, phát triển đô thị Hà Nội theo hướng thông minh, xanh và bền vững\n",
        "\nTin liên quan",
    ),
    "002_6cec925b734f27ee.txt": (
        "Hà Nội: Đẩy mạnh phân cấp, phân quyền, phát huy tính chủ động của địa phương\n",
        "\nTTXVN/Báo ảnh Việt Nam",
    ),
    "003_bb8dc27ebd9d1b07.txt": (
        "Bốn cam kết hành động của Đảng bộ thành phố Hà Nội\n",
        "\nNgành Tài chính vững vàng",
    ),
    "004_c872be74d7b7b5f5.txt": (
        "Hà Nội quyết liệt đổi mới công tác chỉ đạo, điều hành\n",
        "\nTổng số điểm của bài viết",
    ),
}
ID_RE = re.compile(r"^hn-\d{3}[ab]?$")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def has_diacritics(text: str) -> bool:
    """True when text carries any Vietnamese tone/vowel mark or đ/Đ."""
    decomposed = unicodedata.normalize("NFD", text)
    return any(unicodedata.combining(ch) for ch in decomposed) or "đ" in text.lower()


def _load_rows() -> list[dict]:
    rows = []
    with DATASET.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            assert line.strip(), f"blank line {number} in {DATASET.name}"
            rows.append(json.loads(line))
    return rows


ROWS = _load_rows()
BY_ID = {row["id"]: row for row in ROWS}
ANSWERABLE = [row for row in ROWS if row["answerable"]]


def _article_text(name: str) -> str:
    return nfc((ARTICLES / name).read_text(encoding="utf-8"))


def _article_body(name: str) -> str:
    text = _article_text(name)
    start_marker, end_marker = BODY_BOUNDS[name]
    start = text.index(nfc(start_marker)) + len(start_marker)
    end = text.index(nfc(end_marker), start)
    return text[start:end]


def _ids(rows: list[dict]) -> list[str]:
    return [row["id"] for row in rows]


def test_dataset_size_and_unique_ids():
    assert len(ROWS) >= MIN_TOTAL
    ids = _ids(ROWS)
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert all(ID_RE.match(i) for i in ids), [i for i in ids if not ID_RE.match(i)]


@pytest.mark.parametrize("row", ROWS, ids=_ids(ROWS))
def test_schema_and_types(row):
    assert set(row) == set(FIELDS), set(row) ^ set(FIELDS)
    for field, kind in FIELDS.items():
        assert isinstance(row[field], kind), (field, type(row[field]))
    for field in ("key_phrases", "sources", "evidence"):
        assert all(isinstance(item, str) and item.strip() for item in row[field]), field
    assert row["category"] in CATEGORY_MINIMUMS
    assert row["question"].strip()


@pytest.mark.parametrize("row", ROWS, ids=_ids(ROWS))
def test_text_is_nfc(row):
    strings = [row["question"], row["answer"], row["standalone"], *row["key_phrases"], *row["evidence"]]
    strings += [text for turn in row["history"] for text in turn.values()]
    assert all(text == nfc(text) for text in strings)


def test_category_minimums():
    counts = Counter(row["category"] for row in ROWS)
    short = {c: (counts[c], n) for c, n in CATEGORY_MINIMUMS.items() if counts[c] < n}
    assert not short, f"categories below their minimum (have, need): {short}"


@pytest.mark.parametrize("row", ROWS, ids=_ids(ROWS))
def test_answerable_iff_grounded(row):
    answerable = row["category"] not in UNANSWERABLE_CATEGORIES
    assert row["answerable"] is answerable
    for field in ("sources", "evidence", "key_phrases"):
        assert bool(row[field]) is answerable, field
    assert bool(row["answer"].strip()) is answerable
    if answerable:
        assert 1 <= len(row["key_phrases"]) <= 4


@pytest.mark.parametrize("row", ANSWERABLE, ids=_ids(ANSWERABLE))
def test_evidence_is_verbatim_in_article_body(row):
    for name in row["sources"]:
        assert name in BODY_BOUNDS, f"unknown source {name}"
    bodies = {name: _article_body(name) for name in row["sources"]}
    used = set()
    for span in row["evidence"]:
        assert "\n" not in span, "evidence must not cross a line break"
        assert "\xa0" not in span and "\t" not in span, "keep evidence free of odd whitespace"
        homes = [name for name, body in bodies.items() if nfc(span) in body]
        assert homes, f"evidence not found in the body of {row['sources']}: {span!r}"
        used.update(homes)
    assert used == set(row["sources"]), f"sources without evidence: {set(row['sources']) - used}"


@pytest.mark.parametrize("row", ANSWERABLE, ids=_ids(ANSWERABLE))
def test_key_phrases_backed_by_evidence_and_answer(row):
    evidence = [nfc(span).casefold() for span in row["evidence"]]
    answer = nfc(row["answer"]).casefold()
    for phrase in row["key_phrases"]:
        key = nfc(phrase).casefold()
        assert "\xa0" not in key
        assert any(key in span for span in evidence), f"key phrase {phrase!r} not in evidence"
        assert key in answer, f"key phrase {phrase!r} not in the reference answer"


def test_followups_pair_with_a_first_turn():
    followups = [row for row in ROWS if row["category"] == "followup"]
    assert len(followups) >= CATEGORY_MINIMUMS["followup"]
    for row in followups:
        assert row["id"].endswith("b"), row["id"]
        first = BY_ID.get(row["id"][:-1] + "a")
        assert first is not None, f"{row['id']} has no first turn"
        assert first["category"] != "followup"
        assert len(row["history"]) == 1
        turn = row["history"][0]
        assert set(turn) == {"question", "answer"}
        assert turn["question"] == first["question"]
        assert turn["answer"] == first["answer"]
        assert row["standalone"].strip() and row["standalone"] != row["question"]


def test_only_followups_carry_history():
    for row in ROWS:
        if row["category"] != "followup":
            assert row["history"] == [] and row["standalone"] == "", row["id"]
        if row["id"].endswith("a"):
            assert row["id"][:-1] + "b" in BY_ID, f"{row['id']} has no second turn"


def test_multi_article_questions_cite_two_articles():
    for row in ROWS:
        if row["category"] == "multi_article":
            assert len(set(row["sources"])) >= 2, row["id"]
        else:
            assert len(row["sources"]) <= 1, row["id"]


def test_every_article_has_enough_answerable_questions():
    counts = Counter(name for row in ANSWERABLE for name in row["sources"])
    for name in BODY_BOUNDS:
        assert counts[name] >= MIN_ANSWERABLE_PER_ARTICLE, (name, counts[name])


def test_no_diacritics_questions_are_typed_plainly():
    for row in ROWS:
        if row["category"] == "no_diacritics":
            assert not has_diacritics(row["question"]), row["id"]
            assert row["question"] == row["question"].lower(), row["id"]


def test_cross_lingual_questions_are_english():
    for row in ROWS:
        if row["category"] == "cross_lingual":
            assert row["question"].isascii(), row["id"]


def test_teaser_questions_are_unanswerable():
    teasers = [row for row in ROWS if row["category"] == "teaser"]
    assert len(teasers) >= CATEGORY_MINIMUMS["teaser"]
    for row in teasers:
        assert row["answerable"] is False and row["sources"] == [], row["id"]

"""Sentence-aware chunking: exact offsets, sizes, overlap, headings, long sentences."""

from __future__ import annotations

import logging
import unicodedata

import pytest
from langchain_core.documents import Document

from ingest import schema
from ingest.chunking import ArticleChunker, chunk_article
from ingest.clean import clean_article
from textvi import split_sentences

IDS = ["000", "001", "002", "003", "004"]


def article(text: str, source: str = "/corpus/a.txt") -> Document:
    meta = {
        schema.SOURCE: source,
        schema.FILE_NAME: source.rsplit("/", 1)[-1],
        schema.TITLE: "Tiêu đề",
        schema.OUTLET: "",
        schema.DATE: "2024-03-05",
        schema.DOC_HASH: schema.content_hash(text),
    }
    return Document(page_content=text, metadata=meta)


@pytest.fixture(scope="module")
def articles(article_files):
    return {
        k: article(clean_article(p.read_text(encoding="utf-8")).text, str(p))
        for k, p in article_files.items()
    }


# --------------------------------------------------------------------------- invariants


@pytest.mark.parametrize("name", IDS)
@pytest.mark.parametrize(("size", "overlap"), [(600, 1), (300, 0), (1000, 2), (100, 1)])
def test_real_articles_invariants(articles, name, size, overlap):
    art = articles[name]
    text = art.page_content
    chunks = chunk_article(art, chunk_size=size, overlap_sentences=overlap)
    assert chunks
    sentence_spans = split_sentences(text)
    for i, chunk in enumerate(chunks):
        m = chunk.metadata
        assert set(m) == set(schema.CHUNK_KEYS)
        assert m[schema.CHUNK_INDEX] == i
        assert text[m[schema.START] : m[schema.END]] == chunk.page_content  # exact slice
        assert unicodedata.is_normalized("NFC", chunk.page_content)
        assert chunk.page_content == chunk.page_content.strip()
        assert m[schema.CHUNK_ID] == schema.make_chunk_id(m[schema.SOURCE], i, chunk.page_content)
        assert chunk.id == m[schema.CHUNK_ID]
        assert m[schema.DATE] == "2024-03-05"  # article metadata carried over
        if size >= 300:
            assert len(chunk.page_content) <= size
        # a chunk starts and ends at a sentence boundary (or a clause/word inside a long one)
        assert not text[m[schema.START] - 1 : m[schema.START]].isalnum()
        assert not text[m[schema.END] : m[schema.END] + 1].isalnum()
    starts = [c.metadata[schema.START] for c in chunks]
    assert starts == sorted(set(starts))
    # every sentence is in some chunk
    for s, e in sentence_spans:
        assert any(
            c.metadata[schema.START] <= s and e <= c.metadata[schema.END] for c in chunks
        ) or (
            e - s > size  # an over-long sentence is spread over several chunks
        )
    # no gap between chunks
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        gap = text[prev.metadata[schema.END] : nxt.metadata[schema.START]]
        assert gap.strip() == "" or nxt.metadata[schema.START] < prev.metadata[schema.END]


def test_chunk_ids_are_unique_and_deterministic(articles):
    first = [c.metadata[schema.CHUNK_ID] for c in chunk_article(articles["004"])]
    again = [c.metadata[schema.CHUNK_ID] for c in chunk_article(articles["004"])]
    assert first == again
    assert len(set(first)) == len(first)
    other = article(articles["004"].page_content, "/elsewhere/b.txt")
    assert set(first).isdisjoint(c.metadata[schema.CHUNK_ID] for c in chunk_article(other))


# --------------------------------------------------------------------------- overlap


def test_overlap_repeats_the_last_sentence(articles):
    text = articles["003"].page_content
    chunks = chunk_article(articles["003"], chunk_size=600, overlap_sentences=1)
    overlapping = 0
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        if nxt.metadata[schema.START] < prev.metadata[schema.END]:
            overlapping += 1
            shared = text[nxt.metadata[schema.START] : prev.metadata[schema.END]]
            assert len(split_sentences(shared)) == 1  # exactly one sentence repeated
            assert prev.page_content.endswith(shared)
    assert overlapping >= len(chunks) // 2


def test_no_overlap():
    text = " ".join(f"Câu thứ {i} nói về quy hoạch Thủ đô Hà Nội đến năm 2045." for i in range(40))
    chunks = chunk_article(article(text), chunk_size=200, overlap_sentences=0)
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        assert nxt.metadata[schema.START] > prev.metadata[schema.END]


def test_two_sentence_overlap():
    text = " ".join(f"Câu thứ {i} nói về quy hoạch Thủ đô." for i in range(30))
    chunks = chunk_article(article(text), chunk_size=200, overlap_sentences=2)
    for prev, nxt in zip(chunks, chunks[1:], strict=False):
        shared = prev.page_content[nxt.metadata[schema.START] - prev.metadata[schema.START] :]
        assert len(split_sentences(shared)) == 2


# --------------------------------------------------------------------------- structure


def test_headings_attach_to_the_following_paragraph(articles):
    chunks = chunk_article(articles["000"], chunk_size=600, overlap_sentences=1)
    for heading in ("Tập trung 6 nhiệm vụ", "Tăng cường phân cấp, ủy quyền"):
        holding = [c for c in chunks if heading in c.page_content]
        assert holding, heading
        for c in holding:
            assert c.page_content.startswith(heading + "\n\n")  # and is not at a chunk's end
    assert not any(c.page_content.endswith("nhiệm vụ") for c in chunks)


def test_new_section_starts_without_overlap(articles):
    chunks = chunk_article(articles["000"], chunk_size=600, overlap_sentences=1)
    headed = next(c for c in chunks if c.page_content.startswith("Tăng cường phân cấp, ủy quyền"))
    assert headed.metadata[schema.CHUNK_INDEX] > 0


def test_a_chunk_carries_the_year_its_article_is_about_where_it_starts(articles):
    text = (
        "Năm 2023, kinh tế Thủ đô đạt nhiều thành tựu. Thu ngân sách ước đạt 400,421 nghìn tỷ đồng."
        "\n\nNăm 2024 là năm thứ tư thực hiện kế hoạch 5 năm 2021 - 2025. Thành phố sẽ tiếp tục "
        "cải cách.\n\nTP phấn đấu GRDP tăng khoảng 6,5-7,0%; GRDP bình quân đầu người khoảng "
        "160-162 triệu đồng."
    )
    chunks = chunk_article(article(text), chunk_size=100, overlap_sentences=0)
    assert [(c.page_content[:12], c.metadata[schema.PERIOD]) for c in chunks] == [
        ("Năm 2023, ki", ""),  # nothing before the first chunk
        ("Năm 2024 là ", "2023"),  # a chunk's own years are not "before" it
        # the last single year named; the range after it is background
        ("TP phấn đấu ", "2024"),
    ]
    # a range counts when no single year was named, as written without its spaces;
    # "6,5-7,0%" and "160-162" are no years
    text = "Giai đoạn 2021 - 2025, Thủ đô phát triển. " * 3 + "GRDP tăng khoảng 6,5-7,0%."
    chunks = chunk_article(article(text), chunk_size=100, overlap_sentences=0)
    assert chunks[-1].metadata[schema.PERIOD] == "2021-2025"
    # on a bundled article: the 2024 targets come after "trong năm 2024, thành phố ..."
    target = next(
        c for c in chunk_article(articles["004"]) if "160-162 triệu đồng" in c.page_content
    )
    assert target.metadata[schema.PERIOD] == "2024"


def test_prefers_paragraph_boundaries():
    p1 = " ".join(["Đoạn một nói về quy hoạch chung Thủ đô Hà Nội đến năm 2045."] * 6)
    p2 = " ".join(["Đoạn hai nói về giao thông công cộng và đường sắt đô thị."] * 7)
    text = f"{p1}\n\n{p2}"
    chunks = chunk_article(article(text), chunk_size=600, overlap_sentences=0)
    assert chunks[0].page_content == p1  # not p1 + the start of p2
    assert chunks[1].page_content.startswith("Đoạn hai")


def test_small_paragraphs_are_packed_together():
    paragraphs = [f"Đoạn {i}: Hà Nội thí điểm mô hình chính quyền đô thị." for i in range(4)]
    chunks = chunk_article(article("\n\n".join(paragraphs)), chunk_size=600)
    assert len(chunks) == 1
    assert chunks[0].page_content == "\n\n".join(paragraphs)


def test_long_sentence_is_cut_at_clauses_never_mid_word():
    clauses = [f"nhiệm vụ thứ {i} là phát triển kinh tế nhanh và bền vững" for i in range(40)]
    sentence = "Thành phố đặt ra các nhiệm vụ: " + ", ".join(clauses) + "."
    assert len(sentence) > 1500
    chunks = chunk_article(article(sentence), chunk_size=300, overlap_sentences=0)
    assert len(chunks) >= 5
    for c in chunks:
        assert len(c.page_content) <= 300
        assert c.page_content.endswith((",", ".", ":"))
    assert " ".join(c.page_content for c in chunks) == sentence


def test_long_sentence_without_commas_is_cut_between_words():
    sentence = " ".join(["phát triển"] * 200) + "."
    chunks = chunk_article(article(sentence), chunk_size=150, overlap_sentences=0)
    assert " ".join(c.page_content for c in chunks) == sentence
    for c in chunks:
        assert len(c.page_content) <= 150
        assert c.page_content.split()[0] in ("phát", "triển")


def test_a_word_longer_than_the_chunk_is_not_cut():
    url = "https://example.vn/" + "a" * 300
    text = f"Xem toàn văn tại {url} để biết thêm chi tiết."
    chunks = chunk_article(article(text), chunk_size=100, overlap_sentences=0)
    assert any(url in c.page_content for c in chunks)
    assert " ".join(c.page_content for c in chunks) == text


def test_empty_article_has_no_chunks():
    assert chunk_article(article("")) == []
    assert chunk_article(article("  \n\n ")) == []


def test_non_nfc_article_is_normalised(caplog):
    text = unicodedata.normalize("NFD", "Hà Nội thí điểm mô hình chính quyền đô thị. Đảng bộ họp.")
    with caplog.at_level(logging.WARNING):
        chunks = chunk_article(article(text))
    assert "not NFC" in caplog.text
    assert chunks[0].page_content == unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------- the class


def test_chunker_validates_parameters():
    with pytest.raises(ValueError, match="chunk_size"):
        ArticleChunker(chunk_size=99)
    with pytest.raises(ValueError, match="overlap_sentences"):
        ArticleChunker(overlap_sentences=-1)
    with pytest.raises(ValueError):
        chunk_article(article("Hà Nội."), chunk_size=50)
    with pytest.raises(TypeError):
        ArticleChunker(chunk_size="600")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ArticleChunker(overlap_sentences=True)  # type: ignore[arg-type]
    assert ArticleChunker(chunk_size=100, overlap_sentences=0).chunk_size == 100


def test_split_many_articles(articles):
    chunker = ArticleChunker(chunk_size=600, overlap_sentences=1)
    docs = [articles["000"], articles["002"]]
    chunks = chunker.split(docs)
    sources = [c.metadata[schema.SOURCE] for c in chunks]
    assert sources == sorted(sources, key=[d.metadata[schema.SOURCE] for d in docs].index)
    first_of_second = next(c for c in chunks if c.metadata[schema.SOURCE] == sources[-1])
    assert first_of_second.metadata[schema.CHUNK_INDEX] == 0
    assert len(chunks) == len(chunker.split_article(docs[0])) + len(chunker.split_article(docs[1]))
    assert chunker.split([]) == []

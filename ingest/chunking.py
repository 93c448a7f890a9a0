"""Article Documents → chunk Documents: sentence-aware, paragraph-preferring.

A chunk is a run of whole sentences of one article, at most ~``chunk_size``
characters, cut preferably at a paragraph boundary. A heading (a short
paragraph without final punctuation) always travels with the paragraph after
it. A single sentence longer than ``chunk_size`` is cut at clause boundaries
(", " "; " ": "), else between words, never inside a word. The last
``overlap_sentences`` sentences of a chunk are repeated at the start of the
next one, except where the next chunk opens a new headed section.

Every chunk is an exact slice of its article: ``article.page_content[start:end]
== chunk.page_content``, so a citation can be highlighted in the source.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from langchain_core.documents import Document

from ingest import schema
from textvi import nfc, period_at, periods, split_sentences

log = logging.getLogger(__name__)

__all__ = ["HEADING_MAX_CHARS", "MIN_CHUNK_SIZE", "ArticleChunker", "chunk_article"]

MIN_CHUNK_SIZE = 100
HEADING_MAX_CHARS = 150  # a longer paragraph without final punctuation is prose
_PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n\s*")
_CLAUSE_END_RE = re.compile(r"[,;:](?=\s)")
_FINAL_PUNCT = (".", "!", "?", "…", ";", ":", ".”", '."', "?”", "!”")


@dataclass(frozen=True)
class _Unit:
    """A sentence (or a piece of an over-long one): ``text[start:end]``."""

    start: int
    end: int
    paragraph: int
    heading: bool = False


class ArticleChunker:
    """Cuts article Documents into chunk Documents (see :mod:`ingest.chunking`).

    Parameters are checked here, once: ``chunk_size`` (characters) must be at
    least 100 and ``overlap_sentences`` at least 0, else ``ValueError``.

    >>> from langchain_core.documents import Document
    >>> chunker = ArticleChunker(chunk_size=100, overlap_sentences=0)
    >>> text = "Tập trung 6 nhiệm vụ\\n\\nSáng 19/11, TP. Hà Nội họp. Kinh tế tăng 7,5%."
    >>> [c.page_content for c in chunker.split([Document(text, metadata={"source": "a"})])]
    ['Tập trung 6 nhiệm vụ\\n\\nSáng 19/11, TP. Hà Nội họp. Kinh tế tăng 7,5%.']
    """

    def __init__(self, chunk_size: int = 600, overlap_sentences: int = 1) -> None:
        for name, value in (("chunk_size", chunk_size), ("overlap_sentences", overlap_sentences)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, got {value!r}")
        if chunk_size < MIN_CHUNK_SIZE:
            raise ValueError(f"chunk_size must be >= {MIN_CHUNK_SIZE} characters, got {chunk_size}")
        if overlap_sentences < 0:
            raise ValueError(f"overlap_sentences must be >= 0, got {overlap_sentences}")
        self.chunk_size = chunk_size
        self.overlap_sentences = overlap_sentences

    def __repr__(self) -> str:
        return (
            f"ArticleChunker(chunk_size={self.chunk_size}, "
            f"overlap_sentences={self.overlap_sentences})"
        )

    def split(self, docs: list[Document]) -> list[Document]:
        """Chunks of every article in ``docs``, in order."""
        return [chunk for doc in docs for chunk in self.split_article(doc)]

    def split_article(self, article: Document) -> list[Document]:
        """Chunks of one article; metadata = article metadata + chunk_id, chunk_index, start,
        end, section (the heading the chunk's text falls under, "" when none) and
        period (the year the article is about where the chunk starts, see
        :func:`textvi.periods.period_at`; "" when none).

        The article text should be NFC (every article from
        :func:`ingest.pipeline.load_article` is); otherwise it is normalised
        first and the offsets refer to its NFC form.
        """
        text = article.page_content
        normalized = nfc(text)
        if normalized != text:
            log.warning(
                "article %s is not NFC; offsets refer to its NFC form",
                article.metadata.get(schema.SOURCE, "?"),
            )
            text = normalized
        units = self._units(text)
        spans = self._chunk_spans(units)
        headings = [(u.start, text[u.start : u.end]) for u in units if u.heading]
        named = periods(text)
        source = str(article.metadata.get(schema.SOURCE, ""))
        chunks: list[Document] = []
        for index, (start, end) in enumerate(spans):
            period = period_at(named, start)  # from the periods named before the chunk
            content = text[start:end]
            chunk_id = schema.make_chunk_id(source, index, content)
            metadata = dict(article.metadata)
            metadata.update(
                {
                    schema.CHUNK_ID: chunk_id,
                    schema.CHUNK_INDEX: index,
                    schema.START: start,
                    schema.END: end,
                    schema.SECTION: _section_of(headings, start),
                    schema.PERIOD: period,
                }
            )
            chunks.append(Document(page_content=content, metadata=metadata, id=chunk_id))
        return chunks

    # ------------------------------------------------------------------ internals

    def _units(self, text: str) -> list[_Unit]:
        """Sentences of every paragraph; headings flagged; long sentences cut."""
        paragraphs: list[tuple[int, int]] = []
        pos = 0
        for m in [*_PARAGRAPH_BREAK_RE.finditer(text), None]:
            end = m.start() if m else len(text)
            block = text[pos:end]
            if block.strip():
                lead = len(block) - len(block.lstrip())
                paragraphs.append((pos + lead, pos + len(block.rstrip())))
            if m:
                pos = m.end()
        units: list[_Unit] = []
        for number, (p_start, p_end) in enumerate(paragraphs):
            paragraph = text[p_start:p_end]
            heading = (
                number + 1 < len(paragraphs)
                and "\n" not in paragraph
                and len(paragraph) <= HEADING_MAX_CHARS
                and not paragraph.endswith(_FINAL_PUNCT)
            )
            for s, e in split_sentences(paragraph):
                for ps, pe in _split_long(text, p_start + s, p_start + e, self.chunk_size):
                    units.append(_Unit(ps, pe, number, heading))
        return units

    def _chunk_spans(self, units: list[_Unit]) -> list[tuple[int, int]]:
        # atoms: a heading is glued to what follows it
        atoms: list[list[_Unit]] = []
        pending: list[_Unit] = []
        for unit in units:
            pending.append(unit)
            if not unit.heading:
                atoms.append(pending)
                pending = []
        if pending:
            atoms.append(pending)
        atoms = [part for atom in atoms for part in self._fit(atom)]

        paragraph_end: dict[int, int] = {}
        for unit in units:
            paragraph_end[unit.paragraph] = unit.end

        limit = self.chunk_size
        spans: list[tuple[int, int]] = []
        current: list[_Unit] = []
        for atom in atoms:
            if current:
                size_now = current[-1].end - current[0].start
                size_with = atom[-1].end - current[0].start
                # at a paragraph boundary, a half-full chunk ends rather than
                # taking only the beginning of the next paragraph
                prefer_break = (
                    atom[0].paragraph != current[-1].paragraph
                    and size_now >= limit // 2
                    and paragraph_end[atom[0].paragraph] - current[0].start > limit
                )
                if size_with > limit or prefer_break:
                    spans.append((current[0].start, current[-1].end))
                    current = self._overlap(current, atom)
            current.extend(atom)
        if current:
            spans.append((current[0].start, current[-1].end))
        return spans

    def _fit(self, atom: list[_Unit]) -> list[list[_Unit]]:
        """Split a run of headings + sentence that is too long: headings go first, alone."""
        parts: list[list[_Unit]] = []
        while len(atom) > 1 and atom[-1].end - atom[0].start > self.chunk_size:
            parts.append([atom[0]])
            atom = atom[1:]
        return [*parts, atom]

    def _overlap(self, previous: list[_Unit], atom: list[_Unit]) -> list[_Unit]:
        """The trailing sentences of ``previous`` to repeat before ``atom``."""
        if not self.overlap_sentences or atom[0].heading:
            return []  # a new headed section starts clean
        tail: list[_Unit] = []
        for unit in reversed(previous[1:]):  # never the whole previous chunk
            if unit.heading or len(tail) == self.overlap_sentences:
                break
            tail.insert(0, unit)
        while tail and atom[-1].end - tail[0].start > self.chunk_size:
            tail.pop(0)  # repeat fewer sentences rather than overflow
        return tail


def _section_of(headings: list[tuple[int, str]], start: int) -> str:
    """The heading of the section a chunk starting at ``start`` belongs to ("" before any)."""
    section = ""
    for h_start, h_text in headings:
        if h_start > start:
            break
        section = h_text
    return section


def _split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut ``text[start:end]`` into pieces of at most ``limit`` chars at clause ends or spaces."""
    pieces: list[tuple[int, int]] = []
    pos = start
    while end - pos > limit:
        window = text[pos : pos + limit + 1]
        cut = None
        for m in _CLAUSE_END_RE.finditer(window):
            if m.end() >= 0.3 * limit:
                cut = m.end()  # keep the last clause end in the window
        if cut is None:
            space = window.rstrip().rfind(" ")
            cut = space if space > 0 else None
        if cut is None:  # one word longer than the limit: cut after it
            nxt = re.search(r"\s", text[pos + limit : end])
            if nxt is None:
                break
            cut = limit + nxt.start()
        piece_end = pos + len(text[pos : pos + cut].rstrip())
        pieces.append((pos, piece_end))
        pos += cut
        while pos < end and text[pos].isspace():
            pos += 1
    if pos < end:
        pieces.append((pos, end))
    return pieces


def chunk_article(
    article: Document, chunk_size: int = 600, overlap_sentences: int = 1
) -> list[Document]:
    """Chunk one article Document; see :class:`ArticleChunker`.

    >>> from langchain_core.documents import Document
    >>> art = Document("Sáng 19/11, TP. Hà Nội họp. " * 30, metadata={"source": "/a.txt"})
    >>> chunks = chunk_article(art, chunk_size=200)
    >>> all(art.page_content[c.metadata["start"]:c.metadata["end"]] == c.page_content
    ...     for c in chunks)
    True
    """
    return ArticleChunker(chunk_size, overlap_sentences).split_article(article)

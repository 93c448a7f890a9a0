"""The offline answerer: the answer is made of the best-supported sentences.

No model runs here. The question is read by :mod:`assistant.answering.question`
(its terms, the kind of answer it asks for, its constraints, its parts), then
every sentence of the retrieved passages is scored by how well it answers it:

* **coverage**: the share of the question's content syllables (question words
  and function words removed) found in the sentence, weighted by IDF over the
  candidate sentences; matched on accented syllables, and on folded ones when
  the question is typed without diacritics ("ha noi" = "Hà Nội"); words found
  only near the sentence (the previous sentences, the title) count in part;
  the words of a leading attribution ("Theo kết luận của Bộ Chính trị, ...")
  count in full when the passage or its article names them, since an article
  names its source once, not in every sentence; and in an article about "TP Hà
  Nội", a sentence that says "TP", "thành phố" or "Thủ đô" names Hà Nội (the
  words' weights count those sentences too);
* **bigrams** of the question found in the sentence;
* **the kind of answer** the question asks for ("bao nhiêu"/"mấy" → a number,
  and "bao nhiêu huyện" → a number of "huyện"; "ngày nào"/"khi nào" → a date;
  "năm nào" → a year; "ai" → a person's name; "ở đâu" → a place;
  "những ... nào"/"gồm" → a list) is present, and is not just repeated from
  the question;
* **constraints** of the question hold: its years are the sentence's years (a
  question about 2022 is not answered by a sentence about 2023), its numbers
  and names occur in the passage;
* the passage's **retrieval rank**.

Long sentences are also scored clause by clause (split at ";"). A question in
several parts ("..., và ...?", "So sánh A và B") is also scored part by part.
A question that is not Vietnamese (English) cannot match words: its sentences
are ranked by the passage's dense retrieval rank, as far as the question's
names and numbers ("OECD", "143") occur in them.

The best sentence's score is the answer's ``confidence`` (for a question in
parts, the parts' mean); under ``abstain_threshold`` (calibrated on the gold
set by :mod:`assistant.answering.calibrate`) the answerer says it did not find
the information and lists the closest passages. Otherwise the answer is the
best sentence, led by the direct answer span when one is clear (a number, a
name, a date, a list after ":"), then the items of a list it announces ("...
đưa ra 4 cam kết hành động."), the best sentence of each part, and sentences
that cover what the best one does not. Sentences are quoted verbatim (a
leading connector such as "Theo đó," may be dropped; a clause ends with a
period), each followed by its marker ``[n]``. The answer is streamed in word
groups.

The pieces, one module each: the sentence units (:mod:`.units`), the answer-span
finders (:mod:`.span_finders`), what the question's words stand for in the
passages (:mod:`.question_words`), the kind of answer (:mod:`.answer_kind`) and
the constraints (:mod:`.constraints`) a sentence holds, the sentence scorer
(:mod:`.scorer`) and the answerer itself (:mod:`.answerer`).

Example:
    >>> from assistant.types import Passage
    >>> p = Passage(text="Năm 2023, kinh tế Thủ đô tăng trưởng ước đạt 6,11%.", source="a.txt",
    ...             title="Hà Nội", score=1.0, chunk_id="c1")
    >>> a = ExtractiveAnswerer(abstain_threshold=0.3).answer(
    ...     "Năm 2023 kinh tế Hà Nội tăng trưởng bao nhiêu?", [p])
    >>> a.text, a.direct_answer
    ('6,11% [1]\\n\\nNăm 2023, kinh tế Thủ đô tăng trưởng ước đạt 6,11% [1].', '6,11%')
"""

from __future__ import annotations

from assistant.answering.extractive.answer_kind import ACT_MISSING_FACTOR, ORGANISATION_FACTOR
from assistant.answering.extractive.answerer import (
    RELATED_HINT_VI,
    Evidence,
    ExtractiveAnswerer,
    passage_support,
)
from assistant.answering.extractive.scorer import CITY_ONLY_FACTOR, STRAY_CREDIT, SentenceScorer
from assistant.answering.extractive.span_finders import organisations
from assistant.answering.extractive.units import ScoredSentence
from assistant.answering.question import QuestionProfile, analyze_question, split_question

# The names this module had before it was split, for callers that still use them.
_Scorer = SentenceScorer
_organisations = organisations

__all__ = [
    "ACT_MISSING_FACTOR",
    "CITY_ONLY_FACTOR",
    "ORGANISATION_FACTOR",
    "RELATED_HINT_VI",
    "STRAY_CREDIT",
    "Evidence",
    "ExtractiveAnswerer",
    "QuestionProfile",
    "ScoredSentence",
    "SentenceScorer",
    "analyze_question",
    "passage_support",
    "split_question",
]

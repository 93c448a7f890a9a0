"""The extractive answerer's sentence scorer: how well each sentence answers the question.

:class:`SentenceScorer` reads once per question what every sentence is compared
with (its words' IDF weights over the candidate sentences, the city its articles
are about, its two-syllable words, the acts and dates it asks about), then scores
each unit of :mod:`assistant.answering.extractive.units` by its coverage of the
question's words (in it, and just before it), its bigrams, the kind of answer it
holds (:mod:`~assistant.answering.extractive.answer_kind`), the question's
constraints (:mod:`~assistant.answering.extractive.constraints`), its length and
its passage's retrieval rank.

>>> from assistant.answering.question import analyze_question
>>> from assistant.types import Passage
>>> p = Passage(text="Năm 2023, kinh tế Thủ đô tăng trưởng ước đạt 6,11%. Thủ đô có 30 quận.",
...             source="a", title="Hà Nội", score=1.0, chunk_id="a")
>>> q = analyze_question("Năm 2023 kinh tế Hà Nội tăng trưởng bao nhiêu?")
>>> best = SentenceScorer(q, [p]).score()[0]
>>> best.text, p.text[slice(*best.span)]
('Năm 2023, kinh tế Thủ đô tăng trưởng ước đạt 6,11%.', '6,11%')
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from assistant.answering.extractive.answer_kind import answer_kind
from assistant.answering.extractive.constraints import anchor_share, constraint_factor
from assistant.answering.extractive.question_words import (
    city_words,
    compounds,
    refers_to_city,
    stray_terms,
    term_pairs,
)
from assistant.answering.extractive.span_finders import DATED_ACT_RES, FOLDED_DATED_ACT_RES
from assistant.answering.extractive.units import (
    Near,
    ScoredSentence,
    Unit,
    cached_tokens,
    near_of,
    passage_units,
    passage_view,
    sentence_counts,
    term_match,
    units_of,
)
from assistant.answering.question import QuestionProfile, Term
from assistant.answering.question_cues import YEAR_RE, fold
from assistant.types import Passage
from ingest.chunking import HEADING_MAX_CHARS
from textvi import period_at, periods

__all__ = ["CITY_ONLY_FACTOR", "STRAY_CREDIT", "SentenceScorer"]

# A sentence that has nothing of the question but the name of the city the articles are
# about supports it this much less. Words of the question's two-syllable words that the
# passages never write (stray_terms), or that the sentence has only apart from them
# ("bình quân" asked, "hòa bình ... quan trọng" written: compounds) do not count.
CITY_ONLY_FACTOR = 0.5

# The credit of such a word, in a question typed without diacritics.
STRAY_CREDIT = 0.5

_PLURAL_RE = re.compile(r"\b(?:nhung|gom|bao gom|cac)\b")


class SentenceScorer:
    """Scores the sentences of the passages against one question profile."""

    def __init__(
        self, profile: QuestionProfile, passages: Sequence[Passage], *, ranking: bool = False
    ) -> None:
        self.q = profile
        self.passages = passages
        self.sentences, self.units = units_of(passages)
        n = max(sum(len(ss) for ss in self.sentences), 1)
        self.lenient = profile.folded_input or profile.foreign
        # in how many sentences of the passages each question word is (for its weight)
        counts = [sentence_counts(p.text) for p in passages]
        df: dict[str, int] = {}
        for t in profile.terms:
            for key in (t.folded, "\x00" + t.accented):
                df[key] = sum(c.get(key, 0) for c in counts)
        # "TP phấn đấu ...": in an article about Hà Nội, "TP", "thành phố" and "Thủ đô" name
        # the city; the question's words for it are found there, and weigh accordingly
        self.city_words = city_words(profile, passages)
        self.city = frozenset().union(*self.city_words.values())  # the question's city
        for p in passages:
            words = self.city_words.get(p.source)
            if not words:
                continue
            for u in passage_units(p.text)[0]:
                if refers_to_city(u.folded_seq):
                    for t in profile.terms:
                        if t.folded in words and t.folded not in u.folded:
                            df[t.folded] = df.get(t.folded, 0) + 1
                            df["\x00" + t.accented] = df.get("\x00" + t.accented, 0) + 1
        self.term_re = {  # only for words the whole-word lookup cannot serve ("6,5")
            t: re.compile(rf"(?<!\w){re.escape(t.folded)}(?!\w)")
            for t in profile.terms
            if not t.folded.isalnum()
        }
        self._near_cache: dict[tuple[int, int], Near] = {}
        self._periods_cache: dict[int, list[tuple[int, str]]] = {}
        self._years_cache: dict[tuple[int, int], frozenset[str]] = {}
        self._cited_cache: dict[int, frozenset[str]] = {}
        chunk_at = {(p.source, p.position): i for i, p in enumerate(passages)}
        self._previous_chunk = {
            i: chunk_at[(p.source, p.position - 1)]
            for i, p in enumerate(passages)
            if (p.source, p.position - 1) in chunk_at
        }

        def idf(term: Term) -> float:
            key = term.folded if self.lenient else "\x00" + term.accented
            d = df.get(key, 0)
            return math.log(1.0 + n / (0.5 + d))

        self.weights = {t: idf(t) * t.boost for t in profile.terms}
        self.total = sum(self.weights.values()) or 1.0
        views = [passage_view(p.text, p.title) for p in passages]
        self.passage_tokens = [v[0] for v in views]
        self.passage_folded = [v[1] for v in views]
        self.title_tokens = [set(cached_tokens(p.title)) for p in passages]
        self.title_folded = [{fold(t) for t in ts} for ts in self.title_tokens]
        self.title_folded_seq = [
            " ".join(fold(t) for t in cached_tokens(p.title)) for p in passages
        ]
        self.folded_text = [v[2] for v in views]
        # a question word's weakest support: in the passage's title or anywhere in it
        self._around = [
            {
                t: max(
                    0.5 * term_match(t, self.title_tokens[i], self.title_folded[i], self.lenient),
                    0.35
                    * term_match(t, self.passage_tokens[i], self.passage_folded[i], self.lenient),
                )
                for t in profile.terms
            }
            for i in range(len(passages))
        ]
        self.all_folded = " ".join(self.folded_text)
        pairs = term_pairs(profile, self.all_folded)
        self.stray = stray_terms(pairs)
        # the re-ranker (``ranking``) keeps a stray word's full credit: discounting it moved
        # the right passage down for 9 of 1,225 Zalo questions typed without diacritics
        self.stray_credit = STRAY_CREDIT if profile.folded_input and not ranking else 1.0
        # the answerer's alone (the city-only rule in _words, an answer span's proximity): the
        # re-ranker keeps its evidence as it was
        self.compounds = {} if ranking else compounds(pairs)
        self.article_folded: dict[str, str] = {}
        for p, folded_text in zip(passages, self.folded_text, strict=True):
            self.article_folded[p.source] = self.article_folded.get(p.source, "") + folded_text
        self.question_low = profile.text.lower()
        self.question_folded = fold(profile.text)
        self.plural = bool(_PLURAL_RE.search(self.question_folded))  # "gồm những huyện nào"
        self.focus_years = frozenset(YEAR_RE.findall(profile.focus_phrase))
        # "Ai là ...?", "... là ai?": who someone is, a person (not a body: see answer_kind)
        self.identity = bool(re.search(r"\bai (?:la|lam|giu)\b|\bla ai\b", self.question_folded))
        # "làm việc với ai?": the one named after "với"; "việc" is the act a body may answer
        # for, as "ban" is in "Ai ban hành ...?" (the answerer's alone: in the re-ranker bodies
        # moved the right passage down for 10 Zalo questions, up for 2)
        m = re.search(r"(\w+) (voi|cho|cua|boi) ai\b", self.question_folded)
        self.partner_word = m.group(2) if m else ""
        acts: tuple[str, ...] = (m.group(1),) if m else ()
        if not m:  # "Ai (được giao) chỉ đạo ...?": the verbs after "ai"
            m = re.search(
                r"^(?:\w+ )?ai (?:(?:da|se|dang|duoc|bi|can|phai|co) )*(\w+)(?: (\w+))?",
                self.question_folded,
            )
            acts = tuple(w for w in m.groups() if w) if m else ()
        self.body_acts = (
            acts if not self.identity and not ranking and not profile.person_title else ()
        )
        # the kinds of act whose date the question asks
        act_res = FOLDED_DATED_ACT_RES if profile.folded_input else DATED_ACT_RES
        question = self.question_folded if profile.folded_input else profile.text
        self.dated_acts = (
            frozenset(k for k, r in act_res.items() if r.search(question))
            if "date" in profile.expects
            else frozenset()
        )
        # how much the retrieval trusts each passage, from its dense rank (or its position)
        self.prior = [
            1.0 / (1.0 + 0.35 * ((p.dense_rank or (i + 1)) - 1)) for i, p in enumerate(passages)
        ]

    # -- context -----------------------------------------------------------------------
    def _periods(self, i: int) -> list[tuple[int, str]]:
        """The years and year ranges passage ``i`` names (read once, when a question has a
        year)."""
        if i not in self._periods_cache:
            self._periods_cache[i] = periods(self.passages[i].text)
        return self._periods_cache[i]

    def near(self, u: Unit) -> Near:
        """Tokens and text just before the unit: two sentences, and its own sentence's head."""
        key = (u.passage_index, u.start)
        if key not in self._near_cache:
            previous = self._previous_chunk.get(u.passage_index)
            self._near_cache[key] = near_of(u, self.sentences, self.passages, previous)
        return self._near_cache[key]

    def near_folded(self, u: Unit) -> str:
        """The folded words just before the unit (as :meth:`near`) and of its passage's title,
        spaced."""
        return f" {self.near(u).folded_text} {self.title_folded_seq[u.passage_index]} "

    def context_years(self, u: Unit) -> frozenset[str]:
        """The years the text around a unit that names none is about.

        The last year named before the unit, in its passage or, before the
        passage, in its article (``Passage.period``), with the years just before
        it and in the title; else the article's date. A range counts by its
        ends, as written: "2011-2020" is not about 2015.
        """
        key = (u.passage_index, u.start)
        if key not in self._years_cache:
            passage = self.passages[u.passage_index]
            period = period_at(self._periods(u.passage_index), u.start, earlier=passage.period)
            years = set(YEAR_RE.findall(f"{self.near(u).text} {passage.title} {period}"))
            if not period:
                years |= {passage.date[:4]} - {""}
            self._years_cache[key] = frozenset(years)
        return self._years_cache[key]

    # -- parts of the score ----------------------------------------------------------
    def _coverage(self, u: Unit) -> tuple[float, float, dict[str, float]]:
        i = u.passage_index
        near_tokens, near_folded, _, _ = self.near(u)
        lenient = self.lenient
        covered: dict[str, float] = {}
        cov = ctx = 0.0
        around = self._around[i]
        tokens, folded = u.tokens, u.folded
        years = self.q.years if not YEAR_RE.search(u.text) else frozenset()
        attribution = self.q.attribution
        cited = self._cited(i) if attribution else frozenset()
        city = self._city_named(u) if self.city_words else frozenset()
        for t, w in self.weights.items():
            # term_match, inlined: this loop runs for every question word of every unit
            if lenient:
                m = 1.0 if t.folded in folded else 0.0
            else:
                m = 1.0 if t.accented in tokens else 0.5 if t.folded in folded else 0.0
            if m < 1.0 and t.folded in city:
                m = 1.0  # "TP phấn đấu ...": the city the article is about
            if m < 1.0 and t.folded in attribution and t.folded in cited:
                m = 1.0  # "Theo kết luận của Bộ Chính trị, ...": the article names its source
            c = m
            if m < 1.0:
                c = max(m, 0.6 * term_match(t, near_tokens, near_folded, lenient), around[t])
                if t.folded in years and t.folded in self.context_years(u):
                    c = max(c, 0.6)  # "2024": the sentence is about it (see constraint_factor)
            if t.folded in self.stray and self.stray_credit < 1.0:
                # "dien tich" typed, "diễn đàn" written: without diacritics a syllable
                # stands for several ("dien": diện, diễn, điện), and one the passages never
                # write in the question's word is most likely another
                m, c = self.stray_credit * m, self.stray_credit * c
            covered[t.folded] = m
            cov += w * m
            ctx += w * c
        return cov / self.total, ctx / self.total, covered

    def _split(self, u: Unit) -> frozenset[str]:
        """The question's words in the unit only apart from their two-syllable word
        (:func:`compounds`)."""
        if not self.compounds:
            return frozenset()
        return frozenset(
            t for t, words in self.compounds.items() if t in u.folded and not words & u.pairs
        )

    def _city_named(self, u: Unit) -> frozenset[str]:
        """The question's words that name the city the unit calls "TP", "thành phố" or
        "Thủ đô" (the city its article is about)."""
        words = self.city_words.get(self.passages[u.passage_index].source)
        return words if words and refers_to_city(u.folded_seq) else frozenset()

    def _cited(self, i: int) -> frozenset[str]:
        """The question's attribution words that passage ``i`` or its article names."""
        if i not in self._cited_cache:
            # the article's retrieved passages, this one among them
            words = set(self.article_folded[self.passages[i].source].split())
            self._cited_cache[i] = self.q.attribution & words
        return self._cited_cache[i]

    def _bigram(self, u: Unit) -> float:
        q = self.q
        if not q.bigrams:
            return 0.0
        have = u.pairs
        if q.attribution:
            # a pair with a word of the attribution counts when its article names that word
            cited = self._cited(u.passage_index)
            have = have | {b for b in q.bigrams if b[0] in cited or b[1] in cited}
        return len(q.bigrams & have) / len(q.bigrams)

    # -- the score -----------------------------------------------------------------
    def _words(self, u: Unit) -> tuple[float, float, dict[str, float], float, float]:
        """Coverage, context coverage, covered terms, bigram share, and the support they give."""
        cov, ctx, covered = self._coverage(u)
        bi = self._bigram(u)
        if self.q.foreign:
            # across languages the words do not match: trust the dense ranking,
            # as far as names and numbers of the question are in the passage
            support = self.prior[u.passage_index] * (0.2 + 0.6 * anchor_share(self, u)) + 0.2 * ctx
        else:
            support = 0.35 * cov + 0.35 * ctx + 0.3 * bi
            apart = self.stray | self._split(u)
            named = [t for t, m in covered.items() if m > 0 and t not in apart]
            if self.city and named and all(t in self.city for t in named):
                # "Hà Nội" is all the sentence has of the question, in articles about Hà
                # Nội: it says nothing of what is asked ("Dân số Hà Nội là bao nhiêu?" and
                # "Thủ đô Hà Nội ... tăng trưởng 11%, ... 2 con số")
                support *= CITY_ONLY_FACTOR
        return cov, ctx, covered, bi, support

    def best_support(self, keep: int = 3) -> list[float]:
        """Per passage, the best unit's support (what :meth:`score` calls ``support``).

        The answer-kind and constraint factors (the costly part) are computed only
        for the ``keep`` units with the most word support in each passage: a
        unit that shares few of the question's words does not win on them.
        """
        out = [0.0] * len(self.passages)
        for i, units in enumerate(self.units):
            by_words = sorted(((self._words(u)[4], k) for k, u in enumerate(units)), reverse=True)
            for words, k in by_words[:keep]:
                if words <= out[i]:
                    break  # the factors are at most 1
                u = units[k]
                out[i] = max(out[i], words * answer_kind(self, u)[0] * constraint_factor(self, u))
        return out

    def score(self) -> list[ScoredSentence]:
        q = self.q
        out: list[ScoredSentence] = []
        list_question = "list" in q.expects
        for units in self.units:
            for u in units:
                cov, ctx, covered, bi, support = self._words(u)
                tf, span = answer_kind(self, u)
                cf = constraint_factor(self, u)
                rank = u.passage_index
                support *= tf * cf
                n_tok = len(u.folded_seq)
                slope = 200 if list_question else 100
                length = 1.0 / (1.0 + max(0, n_tok - 45) / slope)
                short = 1.0 if n_tok >= 8 else 0.7 + 0.3 * (n_tok - 3) / 5
                heading = (
                    0.75  # a heading names a topic; it rarely states the answer
                    if not u.clause
                    and len(u.text) <= HEADING_MAX_CHARS
                    and not re.search(r"[.!?…:;\"”)]$", u.text)
                    else 1.0
                )
                score = support * length * short * heading / (1.0 + 0.05 * rank)
                p = self.passages[u.passage_index]
                abs_span = (u.start + span[0], u.start + span[1]) if span else None
                if abs_span and not p.text[abs_span[0] : abs_span[1]].strip():
                    abs_span = None
                out.append(
                    ScoredSentence(
                        passage_index=u.passage_index,
                        start=u.start,
                        end=u.end,
                        text=u.text,
                        score=score,
                        support=support,
                        coverage=cov,
                        context_coverage=ctx,
                        bigram=bi,
                        type_factor=tf,
                        constraint_factor=cf,
                        covered=covered,
                        span=abs_span,
                        clause=u.clause,
                    )
                )
        out.sort(key=lambda s: (-s.score, s.passage_index, s.start))
        return out

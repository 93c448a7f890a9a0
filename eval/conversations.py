"""``python -m eval conversations``: follow-ups understood, new questions never hijacked.

The conversation set (``eval/datasets/conversations.jsonl``, written for this project
from the bundled articles) holds conversations of two or three turns. Every later turn
is either *independent* (a topic switch, a keyword query, a new name: it must be read
as asked and answered as in a fresh conversation) or *dependent* (ellipsis, a changed
year or place, a pronoun, a list item by its place: it must be answered as well as its
stand-alone form, which the set gives). Each conversation is played through the public
API (``Assistant.ask`` with the history the chat clients keep, ``turn_of``), and:

* ``hijack_rate``: the share of independent turns read with the conversation, or
  answered worse (key phrases lost) than in a fresh conversation;
* ``dependent_vs_standalone``: key-phrase hits of the dependent turns over those of
  their stand-alone forms asked in fresh conversations (1.0: as well);
* the same two figures for the rules alone and for "always as asked", in the same run.

``--sweep`` re-decides every later turn of the odd-numbered conversations under a grid
of :class:`~assistant.conversation.ReadingWeights` (same history, same searches) and
prints each setting's figures on them and on the even-numbered ones: the weights are
chosen on the first half and reported on the second.

Example:
    >>> turns = [{"question": "GRDP 2023?"}, {"question": "Còn 2024?", "kind": "dependent",
    ...           "type": "year", "standalone": "GRDP 2024?", "key_phrases": ["160"]}]
    >>> [c.id for c in parse_conversations([{"id": "c1", "turns": turns}])]
    ['c1']
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.settings import BUNDLED_CORPUS, Settings
from eval.runner import EvalError, EvalResult, temporary_assistant
from textvi import fold_diacritics

__all__ = [
    "DEFAULT_CONVERSATIONS",
    "SUITE",
    "Conversation",
    "load_conversations",
    "parse_conversations",
    "run_conversations",
    "summary_lines",
    "sweep_weights",
]

SUITE = "conversations"
DEFAULT_CONVERSATIONS = Path(__file__).resolve().parent / "datasets" / "conversations.jsonl"
KINDS = ("independent", "dependent")
TYPES = {
    "independent": ("topic_switch", "keyword", "new_name"),
    "dependent": ("ellipsis", "year", "place", "pronoun", "list_item"),
}


@dataclass(frozen=True)
class Conversation:
    """One conversation: its turns, the first asked fresh, the later ones labelled."""

    id: str
    turns: tuple[dict[str, Any], ...]
    corpus: str = "hanoi"


def parse_conversations(rows: Iterable[dict[str, Any]]) -> list[Conversation]:
    """Validated conversations; ``EvalError`` names the first bad row and why."""
    out, seen = [], set()
    for n, row in enumerate(rows, 1):
        cid = str(row.get("id") or f"row {n}")
        turns = row.get("turns")
        if cid in seen:
            raise EvalError(f"{cid}: duplicate id")
        seen.add(cid)
        if not isinstance(turns, list) or not 2 <= len(turns) <= 3:
            raise EvalError(f"{cid}: 'turns' must be a list of 2 or 3 turns")
        for i, t in enumerate(turns):
            if not isinstance(t, dict) or not str(t.get("question", "")).strip():
                raise EvalError(f"{cid} turn {i + 1}: a turn needs a 'question'")
            if i == 0:
                continue
            kind = t.get("kind")
            if kind not in KINDS or t.get("type") not in TYPES[kind]:
                raise EvalError(f"{cid} turn {i + 1}: 'kind'/'type' must be one of {TYPES}")
            if kind == "dependent" and not (t.get("standalone") and t.get("key_phrases")):
                raise EvalError(
                    f"{cid} turn {i + 1}: a dependent turn needs 'standalone' and 'key_phrases'"
                )
        out.append(Conversation(cid, tuple(turns), str(row.get("corpus", "hanoi"))))
    return out


def load_conversations(path: str | os.PathLike[str] = DEFAULT_CONVERSATIONS) -> list[Conversation]:
    """The conversation set at ``path`` (JSONL, one conversation a line)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        rows = [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as e:
        raise EvalError(f"cannot read the conversation set {path}: {e}") from e
    return parse_conversations(rows)


def _fold(text: str) -> str:
    return " ".join(fold_diacritics(text).lower().split())


def key_hit(answer: Any, key_phrases: Sequence[str]) -> bool | None:
    """Whether the answer (not a refusal) contains every key phrase; None without phrases.

    >>> from assistant.types import Answer
    >>> key_hit(Answer("GRDP khoảng 160-162 triệu đồng [1]"), ["160-162 triệu"])
    True
    """
    if not key_phrases:
        return None
    if answer.abstained:
        return False
    text = _fold(answer.text)
    return all(_fold(k) in text for k in key_phrases)


@dataclass
class _Score:
    independent: int = 0
    hijacked: int = 0
    dependent: int = 0
    dependent_hits: int = 0
    standalone_hits: int = 0
    failures: list[str] = field(default_factory=list)

    def metrics(self, prefix: str = "") -> dict[str, float | None]:
        return {
            f"{prefix}hijack_rate": self.hijacked / self.independent if self.independent else None,
            f"{prefix}dependent_vs_standalone": (
                self.dependent_hits / self.standalone_hits if self.standalone_hits else None
            ),
            f"{prefix}dependent_accuracy": self.dependent_hits / self.dependent
            if self.dependent
            else None,
        }


def _play(
    bot: Any, conv: Conversation, fresh: dict[str, Any], score: _Score, rows: list | None
) -> None:
    """Ask the conversation's turns in order, scoring its later turns."""
    from assistant.conversation import turn_of

    history = []
    for i, turn in enumerate(conv.turns):
        answer = bot.ask(turn["question"], history)
        history.append(turn_of(answer))
        if i == 0:
            continue
        keys = turn.get("key_phrases", [])
        hit = key_hit(answer, keys)
        row = {
            "id": f"{conv.id}/{i + 1}",
            "kind": turn["kind"],
            "type": turn["type"],
            "question": turn["question"],
            "understood_as": answer.understood_as,
            "answer": answer.text[:300],
            "hit": hit,
        }
        if turn["kind"] == "independent":
            alone = fresh.setdefault(turn["question"], bot.ask(turn["question"]))
            worse = bool(key_hit(alone, keys)) and not hit
            hijacked = bool(answer.understood_as) or worse
            score.independent += 1
            score.hijacked += hijacked
            row.update(fresh_answer=alone.text[:300], hijacked=hijacked)
            if hijacked:
                why = (
                    f"read as '{answer.understood_as}'"
                    if answer.understood_as
                    else "worse than fresh"
                )
                score.failures.append(
                    f"hijack {row['id']} [{turn['type']}] '{turn['question']}': {why}"
                )
        else:
            alone = fresh.setdefault(turn["standalone"], bot.ask(turn["standalone"]))
            alone_hit = bool(key_hit(alone, keys))
            score.dependent += 1
            score.dependent_hits += bool(hit)
            score.standalone_hits += alone_hit
            row.update(standalone=turn["standalone"], standalone_hit=alone_hit)
            if alone_hit and not hit:
                score.failures.append(
                    f"dependent {row['id']} [{turn['type']}] '{turn['question']}' read as "
                    f"'{answer.understood_as or turn['question']}': key phrases {keys} missing"
                )
        if rows is not None:
            rows.append(row)


def run_conversations(
    conversations: Sequence[Conversation],
    settings: Settings,
    *,
    corpus: str | os.PathLike[str] = BUNDLED_CORPUS,
    corpus_name: str = "hanoi",
    source: str = "",
    baselines: bool = True,
) -> EvalResult:
    """Play every conversation with the configured condenser (and, with ``baselines``, with
    the rules alone and always as asked). Every conversation must be on ``corpus_name``."""
    bad = sorted({c.corpus for c in conversations} - {corpus_name})
    if bad:
        raise EvalError(
            f"conversations on corpus {bad}, but the articles indexed are '{corpus_name}'"
            + (" (give the QA file with --dev-path)" if corpus_name == "hanoi" else "")
        )
    with temporary_assistant(settings, corpus) as (bot, _):
        fresh: dict[str, Any] = {}
        main, rows = _Score(), []
        for conv in conversations:
            _play(bot, conv, fresh, main, rows)
        compared = {}
        for mode in ("rules", "off") if baselines else ():
            conversation = bot.settings.conversation.model_copy(update={"mode": mode})
            view = bot.with_settings(bot.settings.model_copy(update={"conversation": conversation}))
            score = _Score()
            for conv in conversations:
                _play(view, conv, fresh, score, None)
            compared["rules alone" if mode == "rules" else "always as asked"] = {
                k: v for k, v in score.metrics().items() if v is not None
            }
    conv_settings = bot.settings.conversation.model_dump()
    return EvalResult(
        suite=SUITE,
        config={
            "conversations": source,
            "conversation": conv_settings,
            "answer_mode": settings.answer.mode,
        },
        metrics=main.metrics(),
        counts={
            "conversations": len(conversations),
            "independent_turns": main.independent,
            "dependent_turns": main.dependent,
            "hijacked": main.hijacked,
            "dependent_hits": main.dependent_hits,
            "standalone_hits": main.standalone_hits,
        },
        categories={},
        rows=rows,
        notes=main.failures,
        baselines=compared,
    )


def summary_lines(result: EvalResult) -> list[str]:
    """The run beside its baselines, for the terminal."""
    m, c = result.metrics, result.counts
    lines = [
        f"conversations: {c.get('conversations')} ({c.get('independent_turns')} independent, "
        f"{c.get('dependent_turns')} dependent later turns)",
        f"  hijacked: {c.get('hijacked')} of {c.get('independent_turns')}"
        f"  (hijack_rate {m.get('hijack_rate')})",
        f"  dependent turns: {c.get('dependent_hits')} answered with their key phrases; stand-alone "
        f"forms: {c.get('standalone_hits')}  (dependent_vs_standalone {m.get('dependent_vs_standalone')})",
    ]
    for name, b in result.baselines.items():
        lines.append(
            f"  {name}: hijack_rate {b.get('hijack_rate', 0):.3f}, dependent_vs_standalone "
            f"{b.get('dependent_vs_standalone', 0):.3f}"
        )
    return lines


def sweep_weights(
    conversations: Sequence[Conversation],
    settings: Settings,
    *,
    corpus: str | os.PathLike[str] = BUNDLED_CORPUS,
    margins: Sequence[float] = (0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5),
    vagues: Sequence[float] = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5),
    missings: Sequence[float] = (0.5, 1.0, 1.5, 2.0),
) -> list[dict[str, Any]]:
    """Every weights setting's figures on the odd (tune) and even (test) conversations.

    Each later turn is judged once (both readings searched and answered, the history of
    the configured run); the weights only change which reading wins.
    """
    from assistant.conversation import Attempt, EvidenceCondenser, Reading, ReadingWeights, turn_of

    judged = []
    with temporary_assistant(settings, corpus) as (bot, _):
        judge = bot.components.reading_judge
        tried: dict[str, Attempt] = {}
        k = bot.settings.answer.context_passages

        def try_reading(query: str) -> Attempt:
            if query not in tried:
                passages = bot._retrieve(query, k)
                tried[query] = Attempt(query, passages, judge.answer(query, passages))
            return tried[query]

        for n, conv in enumerate(conversations):
            history = []
            for i, turn in enumerate(conv.turns):
                if i:
                    verdict = EvidenceCondenser().judge(turn["question"], history, try_reading)
                    judged.append((n % 2 == 0, conv, turn, history[:], verdict))
                history.append(turn_of(bot.ask(turn["question"], history)))
        out = []
        for margin in margins:
            for vague in vagues:
                for missing in missings:
                    w = ReadingWeights(margin=margin, vague=vague, max_missing=missing)
                    halves = {True: _Score(), False: _Score()}
                    for tune, _conv, turn, history, v in judged:
                        s = halves[tune]
                        asked = " ".join(turn["question"].split())
                        candidate = _candidate(turn, history)
                        reading = Reading(asked)
                        if candidate != asked:
                            reading = EvidenceCondenser(w)._choose(
                                asked,
                                candidate,
                                v.asked,
                                v.conversation,
                                try_reading(asked).answer,
                                try_reading(candidate).answer,
                                v.specificity,
                            )
                        answer = try_reading(reading.query).answer
                        hit = bool(key_hit(answer, turn.get("key_phrases", [])))
                        if turn["kind"] == "independent":
                            s.independent += 1
                            s.hijacked += reading.from_conversation
                        else:
                            alone = try_reading(turn["standalone"]).answer
                            s.dependent += 1
                            s.dependent_hits += hit
                            s.standalone_hits += bool(key_hit(alone, turn["key_phrases"]))
                    out.append(
                        {"margin": margin, "vague": vague, "max_missing": missing}
                        | halves[True].metrics("tune_")
                        | halves[False].metrics("test_")
                    )
    return out


def _candidate(turn: dict[str, Any], history: Sequence[Any]) -> str:
    from assistant.conversation.rewrite import continuation

    return continuation(" ".join(turn["question"].split()), history).query

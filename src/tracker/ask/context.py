"""Which of a fact's values a question asks about, read from the words around each value in its sources.

A fact often has several values that are all true of it: a score with and without majority voting, an
input price on a cache hit and on a cache miss, a release date and the date a model was first teased. The
question says which one it wants ("with majority voting", "on a cache miss", "announced"); the sources say
it too, next to the value. So each value gets the words of its own stretch of the source sentence (between
the neighbouring numbers, within its clause; "83.3 and 90 percent respectively with majority voting" gives
both numbers the trailing words), and the value whose words the question shares, weighted by how rare they
are in the store, is put first. Numbers the question gives besides the model's name ("IBM's 32B hybrid
model") count when the value's sentence gives them too. Nothing is reordered without such evidence, and
never over a value that more sources give.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import TYPE_CHECKING

from ..store import Store
from ..units import as_number
from .names import tokens
from .words import STOPWORDS

if TYPE_CHECKING:
    from ..facts import Fact, FactValue
    from ..records import CitedClaim

_NUMBER = re.compile(
    r"(?<![\w.])\$?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s*[-\u2011]?\s*(trillion|billion|million|thousand|[tbmk])(?![a-z]))?",
    re.I,
)
_SCALE = {"trillion": 1e12, "t": 1e12, "billion": 1e9, "b": 1e9, "million": 1e6, "m": 1e6, "thousand": 1e3}
_SCALE["k"] = 1e3
_CLAUSE = re.compile(r"[,;:()|\[\]\n]|\.(?:\s|$)|\s[-\u2013\u2014]\s")
_JOINT = re.compile(r"\s(?:and|but|while|whereas|vs\.?|versus|compared with)\s", re.I)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
# How each attribute is written whatever the value ("per million input tokens"): these words tell no value
# of a fact from another.
_ATTRIBUTE_WORDS = {
    "price": "price prices priced pricing cost costs charge charges per million input output tokens token",
    "parameters": "parameters parameter params billion trillion million",
    "context_window": "context window tokens token length long",
    "benchmark": "score scored scores percent benchmark",
}
_REACH = 400  # characters looked at on each side of a claim's span for its sentence
_COUNT_CAP = 5000  # term counts for rarity stop here (a word this common weighs next to nothing)


def preferred_values(
    question: str, store: Store, cited: list[CitedClaim], facts: list[Fact], skip: list[tuple[int, int]]
) -> dict[int, FactValue]:
    """For facts with several values: id(fact) -> the value the question's words point at (when one does).

    skip: character spans of the question that name its models (their words and numbers say nothing about
    which value)."""
    multi = [f for f in facts if len(f.values) > 1]
    if not multi:
        return {}
    words, against, numbers = _question_terms(question, skip)
    if not words and not numbers:
        return {}
    # The sources' texts in one query (for each claim a sentence around its value is read from them).
    wanted = {(f.model, f.attribute) for f in multi}
    texts = store.article_texts(c.article_id for c in cited if (c.claim.model, c.claim.attribute) in wanted)
    weights: dict[str, float] = {}
    total = max(store.max_claim_id(), 1)
    out: dict[int, FactValue] = {}
    for fact in multi:
        mine = [c for c in cited if c.claim.model == fact.model and c.claim.attribute == fact.attribute]
        if fact.attribute == "benchmark":
            mine = [c for c in mine if (c.claim.name or "").lower() == (fact.name or "").lower()] or mine
        contexts = _value_contexts(fact, mine, texts)
        shared = set.intersection(*(ctx for ctx, _ in contexts.values())) if contexts else set()
        shared |= set(_ATTRIBUTE_WORDS.get(fact.attribute.split("_")[0], "").split())
        shared |= set(_ATTRIBUTE_WORDS.get(fact.attribute, "").split())
        scores: dict[int, float] = {}
        for n, (ctx, nums) in contexts.items():
            score = 0.0
            for w in (words | against) & (ctx - shared):
                if w not in weights:
                    weights[w] = math.log((total + 1) / (1 + store.fts_term_count(w, _COUNT_CAP)))
                score += max(weights[w], 0.1) * (-1 if w in against else 1)
            score += sum(2 * math.log(total + 1) for x in numbers if any(_same(x, y) for y in nums))
            scores[n] = score
        best = max(scores, key=lambda n: scores[n], default=None)
        if (best is None or scores[best] <= 0) and fact.attribute.startswith("price_"):
            best = _cache_tier(question, fact)  # "$0.14/$0.28 input": no words tell the tiers apart
            if best is not None:
                scores[best] = 1.0
        if best is None or scores[best] <= 0:
            continue
        unique = sum(1 for s in scores.values() if s == scores[best]) == 1
        # Never over a consensus: a value more sources give stays first whatever the wording.
        if unique and best != 0 and fact.values[best].support >= fact.values[0].support:
            out[id(fact)] = fact.values[best]
    return out


_CACHE_MISS = re.compile(r"\b(?:cache[\s-]+miss(?:es)?|uncached|without\s+(?:a\s+)?cache|standard)\b", re.I)
_CACHE_HIT = re.compile(r"\b(?:cache[\s-]+hits?|cached)\b", re.I)


def _cache_tier(question: str, fact: Fact) -> int | None:
    """Tiered prices with nothing but the figures: a cache hit is billed below a miss, so a question about
    a miss takes the highest tier, one about a hit the lowest."""
    miss, hit = _CACHE_MISS.search(question), _CACHE_HIT.search(question)
    if bool(miss) == bool(hit):
        return None
    prices = [(as_number(v.value), n) for n, v in enumerate(fact.values)]
    known = [(p, n) for p, n in prices if p is not None]
    if len(known) < 2:
        return None
    return (max(known) if miss else min(known))[1]


def _question_terms(question: str, skip: list[tuple[int, int]]) -> tuple[set[str], set[str], list[float]]:
    """The question's content words (those it wants, those it rules out: "without majority voting") and the
    numbers it gives, outside the spans that name models."""
    words: set[str] = set()
    against: set[str] = set()
    negated = re.search(r"\b(?:without|excluding|except|not|no)\b([^,;?]*)", question, re.I)
    for w, a, b in tokens(question):
        low = w.lower()
        if any(s <= a and b <= e for s, e in skip) or low in STOPWORDS or _NUMBER.fullmatch(w):
            continue
        inside = negated is not None and negated.start(1) <= a and b <= negated.end(1)
        (against if inside else words).add(low)
    numbers = []
    for m in _NUMBER.finditer(question):
        if not any(s <= m.start() and m.end() <= e for s, e in skip):
            numbers.append(_number(m))
    return words, against, numbers


def _number(m: re.Match[str]) -> float:
    return float(m.group(1).replace(",", "")) * _SCALE.get((m.group(2) or "").lower(), 1.0)


def _same(x: float, y: float) -> bool:
    return abs(x - y) <= 0.01 * max(abs(x), abs(y), 1e-9)


def _value_contexts(
    fact: Fact, cited: list[CitedClaim], texts: dict[int, str]
) -> dict[int, tuple[set[str], list[float]]]:
    """Value index -> (the words next to that value in the sources, every number of its sentences)."""
    values = [as_number(v.value) for v in fact.values]
    numeric = fact.attribute != "release_date" and all(x is not None for x in values)
    out: dict[int, tuple[set[str], list[float]]] = defaultdict(lambda: (set(), []))
    for c in cited:
        text = texts.get(c.article_id, c.claim.evidence)  # an article gone since (forgotten): its evidence
        sentence = _sentence(text, c.claim.start, c.claim.end) or c.claim.evidence
        own = next((n for n, v in enumerate(fact.values) if v.value == c.claim.value), None)
        if not numeric:
            if own is not None:
                out[own][0].update(_words(c.claim.evidence))
            continue
        found = False
        for start, end, x in _mentions(sentence):
            for n, y in enumerate(values):
                if y is not None and _same(x, y):
                    out[n][0].update(_words(_stretch(sentence, start, end)))
                    found = found or n == own
        if own is not None:
            out[own][1].extend(x for _, _, x in _mentions(sentence))
            if not found:  # the value is written in a way not read here: its evidence stands for it
                out[own][0].update(_words(c.claim.evidence))
    return dict(out)


def _sentence(text: str, start: int, end: int) -> str:
    if not (0 <= start < end <= len(text)):
        return ""
    left = text[max(0, start - _REACH) : start]
    ends = list(_SENTENCE_END.finditer(left))
    a = start - len(left) + ends[-1].end() if ends else max(0, start - _REACH)
    m = _SENTENCE_END.search(text, end, min(len(text), end + _REACH))
    b = m.start() + 1 if m else min(len(text), end + _REACH)
    return text[a:b]


def _mentions(sentence: str) -> list[tuple[int, int, float]]:
    return [(m.start(), m.end(), _number(m)) for m in _NUMBER.finditer(sentence)]


def _stretch(sentence: str, start: int, end: int) -> str:
    """The text around a number: back to the previous number or clause mark, on to the next one (to the
    clause's end after a list that ends in "respectively")."""
    a = max((m.end() for m in _CLAUSE.finditer(sentence, 0, start)), default=0)
    m_end = _CLAUSE.search(sentence, end)
    b = m_end.start() if m_end else len(sentence)
    before = [m.end() for m in _NUMBER.finditer(sentence, a, start) if m.end() <= start]
    after = [m.start() for m in _NUMBER.finditer(sentence, end, b)]
    lo = max(before, default=a)
    hi = b if re.search(r"\brespectively\b", sentence[end:b], re.I) else min(after, default=b)
    if before:  # "$1 on a hit and $2 on a miss": what stands before the "and" is the first number's
        joint = list(_JOINT.finditer(sentence, lo, start))
        lo = joint[-1].end() if joint else lo
    if after and hi < b:
        joint_after = _JOINT.search(sentence, end, hi)
        hi = joint_after.start() if joint_after else hi
    return sentence[lo:start] + " " + sentence[end:hi]


def _words(text: str) -> set[str]:
    return {w.lower() for w, _, _ in tokens(text) if w.lower() not in STOPWORDS}

"""Turn an article's text into grounded Claims: find values, tie each to the model it is about.

Pure: no network, no database, no clock. Every claim's evidence is `text[start:end]`.
Order of work: sentences -> model mentions -> per-attribute rules -> tables -> developer links ->
status -> one claim per (model, attribute, value[, name]).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from ..models import Attribute, Claim, Role, Status
from . import rules as R
from .models import ModelMention, find_model_mentions
from .orgs import OrgSpan, canonical_org, find_orgs
from .values import (
    iso_date,
    magnitude,
    month_number,
    parse_number,
    per_million,
    relative_day,
    relative_month,
    tidy,
)

SENTENCE_SPLIT = re.compile(
    # a sentence may open with a lower-case brand ("xAI did not respond", "iPhone users")
    r"\n+|(?<=[.!?])[”\"’)]?\s+(?=[^\sa-z]|[a-z][A-Z])|(?<=[.!?])(?=[A-Z][a-z])(?<![A-Z]\.)(?<!\d\.)"
)
MAX_EVIDENCE = 220
ROLE_RANK = {"training": 3, "inference": 2, "unspecified": 1}


@dataclass
class Sentence:
    start: int
    end: int
    mentions: list[ModelMention]


@dataclass
class Found:
    """A value found in the text, before it becomes one Claim per model."""

    attribute: str
    value: int | float | str
    start: int
    end: int
    models: list[ModelMention | str]
    name: str | None = None
    role: str | None = None
    expected: bool = False


@dataclass
class Doc:
    text: str
    published: date | datetime | None
    mentions: list[ModelMention]
    sentences: list[Sentence]
    main: ModelMention | None
    blocked: list[tuple[int, int]] = field(
        default_factory=list
    )  # spans that are not values (license names...)
    orgs: list[OrgSpan] = field(default_factory=list)  # organisations, in text order
    org_starts: list[int] = field(default_factory=list)
    prelaunch: set[str] = field(default_factory=set)

    def sentence_index(self, pos: int) -> int:
        if len(self.starts) != len(self.sentences):
            self.starts = [x.start for x in self.sentences]
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def sentence_of(self, pos: int) -> Sentence:
        return self.sentences[self.sentence_index(pos)]

    starts: list[int] = field(default_factory=list)  # sentence starts, for bisect
    mask: bytearray | None = None  # 1 where a mention or a blocked span covers the character
    low: str = ""
    region_cache: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    compared: dict[int, set[int]] = field(default_factory=dict)  # per sentence: starts of compared mentions
    fanout: dict[int, list[re.Match[str]]] = field(default_factory=dict)  # per sentence: fan-out cues

    def in_mention(self, s: int, e: int) -> bool:
        if self.mask is None:
            self.mask = bytearray(len(self.text) + 1)
            for m in self.mentions:
                self.mask[m.start : m.end] = b"\x01" * (m.end - m.start)
            for bs, be in self.blocked:
                self.mask[bs:be] = b"\x01" * (be - bs)
        return any(self.mask[s:e])

    def regions(self, key: str) -> list[tuple[int, int]]:
        """Runs of sentences that contain the key pattern: where an attribute's rules are worth running."""
        if key not in self.region_cache:
            same = len(self.low) == len(self.text)
            haystack = self.low if same else self.text.lower()
            hits: set[int] = set()  # indices of sentences holding the key
            literals = _LITERAL_KEYS.get(key)
            if literals is not None and len(haystack) == len(self.text):
                for lit in literals:  # str.find is far faster than a regex alternation
                    i = haystack.find(lit)
                    while i >= 0:
                        idx = self.sentence_index(i)
                        hits.add(idx)
                        i = haystack.find(lit, max(self.sentences[idx].end, i + 1))
            else:
                pattern = _key_pattern(key, not same)
                source = self.low if same else self.text
                pos = 0
                while True:
                    hit = pattern.search(source, pos)
                    if hit is None:
                        break
                    idx = self.sentence_index(hit.start())
                    hits.add(idx)
                    pos = max(self.sentences[idx].end, hit.end())  # skip to the next sentence
            spans: list[tuple[int, int]] = []
            for idx in sorted(hits):
                sent = self.sentences[idx]
                if spans and spans[-1][1] >= sent.start - 2:
                    spans[-1] = (spans[-1][0], max(spans[-1][1], sent.end))
                else:
                    spans.append((sent.start, sent.end))
            self.region_cache[key] = spans
        return self.region_cache[key]


@functools.lru_cache(maxsize=64)
def _key_pattern(key: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(key, re.IGNORECASE if ignore_case else 0)


# Keys (on lower-cased text) that a sentence must contain for each attribute's rules to run: speed only.
PARAM_KEY = r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten))\s?-?\s?(?:billion|trillion|b|t)\b"
CONTEXT_KEY = r"context|token|input limit"
PRICE_KEY = r"\$"
DATE_KEY = (
    r"releas|launch|unveil|introduc|announc|debut|drop|ship|roll|available|live|open-sourced|arrived|added"
)
LICENSE_KEY = r"licen|apache|mit|gpl|cc-by|openrail|terms of use"
_LITERAL_KEYS = {
    k: tuple(k.replace("\\$", "$").split("|")) for k in (CONTEXT_KEY, PRICE_KEY, DATE_KEY, LICENSE_KEY)
}
DIGIT_KEY = r"\d"


class _Spans:
    """Character spans already used, with O(length) overlap tests (a list would make big inputs quadratic)."""

    def __init__(self, size: int) -> None:
        self._mask = bytearray(size + 1)

    def append(self, span: tuple[int, int]) -> None:
        s, e = span
        self._mask[s:e] = b"\x01" * max(0, e - s)

    def overlaps(self, s: int, e: int) -> bool:
        return any(self._mask[s:e])

    def covers(self, pos: int) -> bool:
        return bool(self._mask[pos])


def _scan(doc: Doc, pattern: re.Pattern[str], key: str) -> list[re.Match[str]]:
    """pattern.finditer over the regions of `key` (every rule here stays inside one sentence)."""
    out: list[re.Match[str]] = []
    for s, e in doc.regions(key):
        out.extend(pattern.finditer(doc.text, s, e))
    return out


def extract_claims(text: str, published: date | datetime | None = None) -> list[Claim]:
    """All claims the text states about named models, grounded, one per (model, attribute, value[, name])."""
    doc = _prepare(text, published)
    if not doc.mentions:
        return []
    found: list[Found] = []
    found += _licenses(
        doc
    )  # first: license names block model mentions inside them ("Jamba Open Model License")
    _drop_blocked_mentions(doc)
    found += _parameters(doc)
    found += _contexts(doc)
    found += _prices(doc)
    found += _dates(doc)
    found += _hardware(doc)
    found += _benchmarks(doc)
    found += _tables(doc)
    found += _key_values(doc)
    found += _developers(doc)
    return _finalize(doc, found)


# ------------------------------------------------------------------------------------------ preparation


def _prepare(text: str, published: date | datetime | None) -> Doc:
    mentions = find_model_mentions(text)
    sentences: list[Sentence] = []
    pos = 0
    for m in SENTENCE_SPLIT.finditer(text):
        if m.start() > pos:
            sentences.append(Sentence(pos, m.start(), []))
        pos = m.end()
    if pos < len(text):
        sentences.append(Sentence(pos, len(text), []))
    if not sentences:
        sentences.append(Sentence(0, len(text), []))
    sentences = _bounded(text, sentences)
    doc = Doc(text, published, mentions, sentences, mentions[0] if mentions else None, low=text.lower())
    covered = bytearray(len(text) + 1)
    for mention in mentions:
        covered[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
    doc.orgs = find_orgs(text, covered)
    doc.org_starts = [o.start() for o in doc.orgs]
    _index_mentions(doc)
    for cue in R.PRELAUNCH.finditer(text):  # one scan, then the sentence of each cue
        sent = doc.sentence_of(cue.start())
        if sent.mentions:
            # the model being launched: the one named right after the cue, else the last one before it
            after = [m for m in sent.mentions if cue.end() <= m.start < cue.end() + 80]
            before = [m for m in sent.mentions if m.end <= cue.start()]
            target = after[0] if after else (before[-1] if before else None)
            if target is not None:
                doc.prelaunch.add(target.family or target.canonical)
    return doc


MAX_SENTENCE = 1500  # a "sentence" longer than this (a page without punctuation) is cut at spaces


def _bounded(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """Cut over-long sentences so every per-sentence scan stays short (no quadratic blow-up on odd pages)."""
    out: list[Sentence] = []
    for sent in sentences:
        start = sent.start
        while sent.end - start > MAX_SENTENCE:
            cut = text.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
            cut = cut if cut > start else start + MAX_SENTENCE
            out.append(Sentence(start, cut, []))
            start = cut
        out.append(Sentence(start, sent.end, []))
    return out


def _index_mentions(doc: Doc) -> None:
    for sent in doc.sentences:
        sent.mentions = []
    for m in doc.mentions:
        doc.sentence_of(m.start).mentions.append(m)


def _drop_blocked_mentions(doc: Doc) -> None:
    if doc.blocked:
        blocked = _Spans(len(doc.text))
        for span in doc.blocked:
            blocked.append(span)
        doc.mentions = [m for m in doc.mentions if not blocked.covers(m.start)]
    doc.mask = None
    doc.main = doc.mentions[0] if doc.mentions else None
    doc.compared.clear()  # per-sentence caches were built on the mentions before this filter
    _index_mentions(doc)


def _topic(doc: Doc, pos: int) -> ModelMention | None:
    """What "it" or an unnamed line is about: the last model opening a nearby sentence, else the lead."""
    for sent in reversed(doc.sentences):
        if sent.start >= pos:
            continue
        if pos - sent.start > 1200:
            break
        line = doc.text[sent.start : sent.end]
        if line.lstrip().startswith("|"):
            continue  # table rows are not the discourse topic
        for m in sent.mentions:
            if len(sent.mentions) == 1 and (sent.end - sent.start) - (m.end - m.start) <= 12:
                return m  # a heading naming one model
            lead = doc.text[sent.start : m.start]
            if _LEAD.fullmatch(lead) or (len(lead) <= 40 and _orgs(doc, sent.start, m.start)):
                return m  # opens the sentence, or "Mistral AI released <model>"
            break
    return doc.main


_COMPARED = re.compile(
    r"\b(?:than|versus|vs\.?|compared\s+(?:with|to)|relative\s+to|against|like|such\s+as|over|beating|beats|"
    r"outperform(?:s|ed|ing)?|surpass(?:es|ed|ing)?|ahead\s+of|behind|trailing|trails|topping|"
    r"edg(?:es|ed|ing)\s+out|outscor(?:es|ed|ing)|best(?:s|ed|ing)|matching|matches)\s+"
    r"(?:the\s+|an?\s+)?(?:\w+['’]s\s+)?$"
)
# "128K tokens, a step up from the 8K tokens of the previous Llama 3": the model after the comparison's
# own value is a comparison object; it owns that value, not the subject's
_COMPARED_VALUE = re.compile(
    r"\b(?:up\s+from|down\s+from|compared\s+(?:with|to)|versus|vs\.?|than|relative\s+to)\s+(?:the\s+|an?\s+)?"
    r"[$€£]?\d[\d.,]*\s?(?:[KkMmBb%]\b|[a-z]+\b)?(?:\s+[a-z]+){0,3}\s+(?:of|for|in|on|with|from)\s+"
    r"(?:the\s+|its\s+|an?\s+)?(?:\w+['’]s\s+)?(?:(?:previous|prior|earlier|older|original|last|first|predecessor|"
    r"outgoing)\s+)?$"
)
_LEAD = re.compile(r"\W{0,4}(?:[A-Z][\w-]*(?:\s+[\w-]+){0,3}:\s+)?(?:The\s+|the\s+)?")


def _pick(
    doc: Doc,
    vs: int,
    ve: int,
    *,
    allow_topic: bool,
    after_first: bool = False,
    max_gap: int = 250,
    allow_after: bool = True,
) -> list[ModelMention | str]:
    """The model(s) a value at [vs, ve) is about: fan-out, coordination, nearest mention, topic."""
    text = doc.text
    sent = doc.sentence_of(vs)
    ms = [m for m in sent.mentions if not (m.start <= vs < m.end)]
    # "cheaper than GPT-4 Turbo, at $5": the object of a comparison does not own the value
    before = _not_compared(doc, sent, [m for m in ms if m.end <= vs])
    after = _not_compared(doc, sent, [m for m in ms if m.start >= ve])

    owner = _comparison_object(doc, sent, vs, ve)
    if owner is not None:  # "..., up from the 8K tokens of Llama 3": the comparison's own value
        return [owner]
    fan = _fanout(doc, sent, vs, before)
    if fan:
        return list(fan)
    if not before and allow_topic and R.ANAPHOR.search(text, sent.start, vs):
        topic = _topic(doc, vs)
        if topic is not None:
            return [topic]
    if after_first and after and after[0].start - ve <= 60:
        return list(_coordinated_after(text, after))
    if before and vs - before[-1].end <= max_gap:
        return list(_coordinated(text, before))
    if allow_after and after and after[0].start - ve <= max_gap:
        return list(_coordinated_after(text, after))
    if allow_topic:
        topic = _topic(doc, vs)
        if topic is not None:
            return [topic]
    return []


_COMPARED_MARK = re.compile(
    r"\b(?:up\s+from|down\s+from|compared\s+(?:with|to)|versus|vs\.?|than|relative\s+to)\s+(?:the\s+|an?\s+)?[$€£]?$"
)


def _comparison_object(doc: Doc, sent: Sentence, vs: int, ve: int) -> ModelMention | None:
    """The model a value inside a comparison clause is about ("versus $10 per million tokens for GPT-4o")."""
    text = doc.text
    mark = _COMPARED_MARK.search(text, max(sent.start, vs - 40), vs)
    if mark is None:
        return None
    for m in sent.mentions:
        if m.start >= ve:
            if m.start - ve <= 60 and _COMPARED_VALUE.match(text[mark.start() : m.start]):
                return m
            return None
    return None


def _fanout(doc: Doc, sent: Sentence, vs: int, before: list[ModelMention]) -> list[ModelMention | str]:
    """Fan-out cues ("both models", "the models", "both with 1M context"): one claim per variant."""
    cues = doc.fanout.get(sent.start)
    if cues is None:  # once per sentence
        cues = doc.fanout[sent.start] = list(R.FANOUT.finditer(doc.text, sent.start, sent.end))
    cue = None
    for hit in cues:
        if hit.end() <= vs:
            cue = hit
        elif cue is None and hit.start() > vs and re.fullmatch(
            r"[^,;.\n]{0,25}\b(?:for|in|on|across)\s+", doc.text[vs : hit.start()]
        ):
            cue = hit  # "Context: 32K tokens for both models"
    if cue is None:
        return []
    nearest = before[-1] if before else None
    if any(m.start >= cue.end() and m.end <= vs for m in before):
        return []
    group: dict[str, ModelMention] = {}
    for m in before:
        if (m.variant or m.size) and m.start >= sent.start:
            group.setdefault(m.canonical, m)
    families = {m.family for m in group.values()}
    if len(group) >= 2 and len(families) == 1:
        return list(group.values())
    base = nearest or _topic(doc, vs)
    if base is None:
        return []
    family = base.family or base.canonical
    variants: dict[str, str] = {}
    for m in doc.mentions:
        # members of the family: named variants ("V4-Pro") or sizes ("Llama 3.1 405B")
        if m.family == family and (m.variant or m.size) and m.canonical != family:
            variants.setdefault(m.canonical, m.canonical)
    if len(variants) > 2 and re.match(r"both|the\s+pair|the\s+duo|(?:the\s+)?two\b", cue.group(0), re.I):
        # "both" of three known variants: the two named in the sentence before, else the last two named
        prev = [m for m in _previous_models(doc, sent) if m.canonical in variants]
        if len(prev) == 2:
            return list(prev)
        named: dict[str, ModelMention] = {}
        for m in reversed(doc.mentions):
            if m.start < vs and m.canonical in variants and len(named) < 2:
                named.setdefault(m.canonical, m)
        return list(named.values()) if len(named) == 2 else []
    if len(variants) >= 2:
        return list(variants.values())
    # "GLM-4.5 has ..., while GLM-4.5-Air has .... Both models support ...": the pair named just before
    if not before:
        prev = _previous_models(doc, sent)
        if len(prev) == 2:
            return list(prev)
    return []


def _previous_models(doc: Doc, sent: Sentence) -> list[ModelMention]:
    """The distinct models (comparison objects left out) of the nearest earlier sentence of the paragraph."""
    idx = doc.sentence_index(sent.start)
    for back in range(1, 3):
        if idx - back < 0:
            break
        prev = doc.sentences[idx - back]
        if "\n\n" in doc.text[prev.end : sent.start] or sent.start - prev.start > 600:
            break
        ms = _not_compared(doc, prev, prev.mentions)
        if ms:
            seen: dict[str, ModelMention] = {}
            for m in ms:
                seen.setdefault(m.canonical, m)
            return list(seen.values())
    return []


def _coordinated(text: str, before: list[ModelMention]) -> list[ModelMention]:
    """The nearest mention and the ones listed with it ("Yi-6B and Yi-34B")."""
    group = [before[-1]]
    for prev in reversed(before[:-1]):
        gap = text[prev.end : group[-1].start]
        if _FRONTED_CONTRAST.search(text, max(0, prev.start - 20), prev.start):
            break  # "Unlike o1, R1 is released under ...": a fronted contrast, not a list
        if _LIST_GAP.fullmatch(gap):
            group.append(prev)
        else:
            break
    return group


def _coordinated_after(text: str, after: list[ModelMention]) -> list[ModelMention]:
    """The next mention and the ones listed right after it ("released Scout and Maverick")."""
    group = [after[0]]
    for nxt in after[1:]:
        if _LIST_GAP.fullmatch(text[group[-1].end : nxt.start]) and nxt.canonical != group[-1].canonical:
            group.append(nxt)
        else:
            break
    return group


def _not_compared(doc: Doc, sent: Sentence, ms: list[ModelMention]) -> list[ModelMention]:
    """Drop the objects of a comparison ("outperforms Llama 2 70B and GPT-3.5"), listed ones included."""
    compared = doc.compared.get(sent.start)
    if compared is None:  # once per sentence
        compared = set()
        text = doc.text
        prev: ModelMention | None = None
        for m in sent.mentions:
            hit = bool(_COMPARED.search(text, max(sent.start, m.start - 30), m.start)) or bool(
                _COMPARED_VALUE.search(text, max(sent.start, m.start - 90), m.start)
            )
            if (
                not hit
                and prev is not None
                and prev.start in compared
                and _COMPARED_GAP.fullmatch(text[prev.end : m.start])
            ):
                hit = True
            if hit:
                compared.add(m.start)
            prev = m
        doc.compared[sent.start] = compared
    return [m for m in ms if m.start not in compared]


_LIST_GAP = re.compile(r"\s*(?:,|and|&|or|, and|,\s*and)\s*")
_FRONTED_CONTRAST = re.compile(r"\b(?:[Uu]nlike|[Ll]ike|[Aa]s\s+with)\s+(?:\w+['’]s\s+)?$")
_SAME_PRICE_AFTER = re.compile(
    r"[^.;]{0,60}?,\s+(?:the\s+)?same\s+(?:list\s+)?(?:price|pricing)\s+as\s+(?:the\s+)?(?:older\s+|earlier\s+)?"
)
_PRICE_LEAD = re.compile(r"\b(?:[Tt]he|[Ii]ts)\s+(?:API|list\s+price|price|pricing)\b")
# "edges out OpenAI's GPT-4o and Google's Gemini 2.0 Flash": a listed comparison object may carry its owner
_COMPARED_GAP = re.compile(r"\s*(?:,|and|&|or|, and|,\s*and)\s*(?:[A-Z][\w.-]*['’]s\s+)?")


def _free(doc: Doc, s: int, e: int) -> bool:
    return not doc.in_mention(s, e)


def _before(doc: Doc, pos: int, n: int = 24) -> str:
    return doc.text[max(0, pos - n) : pos]


# ------------------------------------------------------------------------------------------ parameters


def _parameters(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    seen = _Spans(len(doc.text))

    def add(
        m: re.Match[str], kind: str, *, allow_topic: bool, models: list[ModelMention | str] | None = None
    ) -> None:
        s, e = m.start("num"), m.end()
        if not _free(doc, s, m.end("scale")) or seen.covers(s):
            return
        if (
            R.BOUND_BEFORE.search(_before(doc, s))
            or R.PER_EACH_AFTER.match(text, e)
            or R.RANGE_AFTER.match(text[e : e + 6])
        ):
            return
        value = magnitude(m.group("num"), m.group("scale"))
        if value < 1e8:
            return
        seen.append((m.start(), e))
        targets = models if models is not None else _pick(doc, s, e, allow_topic=allow_topic)
        if targets:
            out.append(Found(kind, value, m.start(), e, targets))

    for m in _scan(doc, R.PARAMS_ACTIVATING, PARAM_KEY):
        add(m, "parameters_active", allow_topic=True)
    for m in _scan(doc, R.PARAMS_ARE_ACTIVE, PARAM_KEY):
        add(m, "parameters_active", allow_topic=True)
    for m in _scan(doc, R.PARAMS_SIZES, PARAM_KEY):
        base = _pick(doc, m.start(), m.end(), allow_topic=True)
        if not base or isinstance(base[0], str):
            continue
        family = base[0].family or base[0].canonical
        for n in re.finditer(r"(\d+(?:\.\d+)?)\s?(?:billion|B)?", m.group("list")):
            if not n.group(1):
                continue
            size = f"{n.group(1)}B"
            value = magnitude(n.group(1), "B")
            out.append(Found("parameters_total", value, m.start("list"), m.end(), [f"{family}-{size}"]))
        seen.append((m.start(), m.end()))
    for m in _scan(doc, R.PARAMS_LARGEST, PARAM_KEY):
        topic = _topic(doc, m.start())
        if topic is None:
            continue
        family = topic.family or topic.canonical
        size = f"{m.group('num')}{m.group('scale').upper()}"
        out.append(
            Found(
                "parameters_total",
                magnitude(m.group("num"), m.group("scale")),
                m.start(),
                m.end(),
                [f"{family}-{size}"],
            )
        )
        seen.append((m.start(), m.end()))
    for m in _scan(doc, R.PARAMS, PARAM_KEY):
        kind_word = (m.group("kind") or "").lower()
        window = text[m.end() : m.end() + 30].lower()
        if kind_word.startswith("activ") or re.match(r"^\s*(?:\([^)]*\)\s*)?(?:are\s+|is\s+)?activ", window):
            kind = "parameters_active"
        else:
            kind = "parameters_total"
        strong = bool(kind_word) or "total" in window[:12]
        sent = doc.sentence_of(m.start())
        pronoun = bool(
            R.PRONOUN_START.match(text, sent.start)
            or R.SUBJECTLESS_START.match(text, sent.start)
            or R.ANAPHOR.search(text, sent.start, m.start())
        )
        add(m, kind, allow_topic=strong or pronoun)
    for m in _scan(doc, R.PARAMS_KIND, PARAM_KEY):
        kind = "parameters_active" if m.group("kind").lower().startswith("activ") else "parameters_total"
        add(m, kind, allow_topic=True)
    for m in _scan(doc, R.PARAMS_PAREN, PARAM_KEY):
        sent = doc.sentence_of(m.start())
        prev = [x for x in sent.mentions if x.end <= m.start()]
        if (
            prev
            and re.fullmatch(r"\s*", text[prev[-1].end : m.start()])
            and not text[m.end() : m.end() + 2].lstrip().startswith(":")
        ):
            add(m, "parameters_total", allow_topic=False, models=[prev[-1]])
    for m in _scan(doc, R.PARAMS_MODEL, PARAM_KEY):
        # "runs in memory like a 4B model", "larger than a 70B model": a yardstick, not this model's size
        if re.search(r"\b(?:like|than|as|to|of)\s+$", _before(doc, m.start(), 12)):
            continue
        add(m, "parameters_total", allow_topic=False)
    return out


# ------------------------------------------------------------------------------------------ context windows


def _context_value(m: re.Match[str]) -> int | float | None:
    try:
        value = magnitude(m.group("num"), m.group("scale"))
    except (ValueError, IndexError):
        return None
    if value < 1000 or value > 1e8:
        return None
    return value


def _contexts(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    seen = _Spans(len(doc.text))
    context_sentences: set[int] = set()

    def ok(m: re.Match[str], soft: bool = False) -> bool:
        s, e = m.start(), m.end()
        if seen.overlaps(s, e) or not _free(doc, m.start("num"), m.end("num")):
            return False
        if R.CONTEXT_EXCLUDE_BEFORE.search(_before(doc, m.start("num"), 30)) or R.CONTEXT_EXCLUDE_AFTER.match(
            text, m.end()
        ):
            return False
        if not soft and R.CONTEXT_BOUND.search(_before(doc, m.start("num"))):
            return False
        range_after = re.match(r"\s*(?:[-–]|to)\s*\d", text[m.end("num") : m.end("num") + 6])
        unnamed = re.match(r"\s*(?:variants|versions|models)\b", text[e : e + 12])  # "200K-token variants"
        return not (range_after or unnamed)

    for i, pattern in enumerate([*R.CONTEXT_PATTERNS, R.CONTEXT_REQUEST, R.CONTEXT_CAN]):
        for m in _scan(doc, pattern, CONTEXT_KEY):
            if not ok(m):
                continue
            value = _context_value(m)
            if value is None:
                continue
            if i == 2 and not (
                m.group("tok") or m.group("scale") or re.match(r"\bcontext\s*(?::|\d)", m.group(0), re.I)
            ):
                continue
            if i == 1 and re.search(r"\bw/\s*$", _before(doc, m.start())):
                continue
            sent = doc.sentence_of(m.start())
            strong = (
                "token" in m.group(0).lower()
                or "window" in m.group(0).lower()
                or "length" in m.group(0).lower()
                or i >= 2
            )
            pronoun = bool(
                R.PRONOUN_START.match(text, sent.start)
                or R.SUBJECTLESS_START.match(text, sent.start)
                or R.ANAPHOR.search(text, sent.start, sent.end)
            )
            anchor = m.start("num") if i >= 2 else m.start()
            targets = _pick(doc, anchor, m.end(), allow_topic=strong or pronoun)
            if targets:
                out.append(Found("context_window", value, m.start(), m.end(), targets))
                seen.append((m.start(), m.end()))
                context_sentences.add(sent.start)
    for sent in doc.sentences:
        if not re.search(r"\bcontext\b", text[sent.start : sent.end], re.I):
            continue
        for m in R.CONTEXT_SOFT.finditer(text, sent.start, sent.end):
            if not ok(m, soft=True):
                continue
            value = _context_value(m)
            if value is None:
                continue
            targets = _pick(doc, m.start("num"), m.end(), allow_topic=False)
            if targets:
                out.append(Found("context_window", value, m.start("num"), m.end(), targets))
                seen.append((m.start(), m.end()))
        if sent.start in context_sentences:
            for m in R.CONTEXT_FOR.finditer(text, sent.start, sent.end):
                if not ok(m):
                    continue
                value = _context_value(m)
                after = [x for x in sent.mentions if x.start >= m.end() and x.start - m.end() < 40]
                if value is not None and after:
                    out.append(Found("context_window", value, m.start(), after[0].end, [after[0]]))
                    seen.append((m.start(), m.end()))
    return out


# ------------------------------------------------------------------------------------------ prices


def _prices(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    seen = _Spans(len(doc.text))

    def add(attr: str, price: str, unit: str | None, s: int, e: int, anchor: int) -> None:
        if R.PRICE_EXCLUDE_BEFORE.search(_before(doc, anchor, 20)):
            return
        if unit is None and re.search(r"\b(?:1,000|1K|thousand)\b", text[doc.sentence_of(s).start : e + 40]):
            unit = "1K"  # "$0.03 for output" after "$0.01 per 1,000 input tokens"
        try:
            value = per_million(price, unit)
        except ValueError:
            return
        sent = doc.sentence_of(s)
        pronoun = bool(
            R.PRONOUN_START.match(text, sent.start)
            or R.SUBJECTLESS_START.match(text, sent.start)
            or R.ANAPHOR.search(text, sent.start, sent.end)
            # "OpenAI launched GPT-5 .... The API charges $1.25 per 1M input tokens": the paragraph's model
            or (not sent.mentions and _PRICE_LEAD.search(text, sent.start, s))
        )
        targets = _pick(doc, s, e, allow_topic=pronoun)
        # "X is the same price as Y ($3/million ...)": the price is X's too.
        if targets and not isinstance(targets[0], str):
            prev = [m for m in sent.mentions if m.end <= targets[0].start]
            if prev and re.search(
                r"\b(?:same\s+price\s+as|matches\s+the\s+pric\w+\s+of|same\s+pricing\s+as|priced\s+the\s+same\s+as)\b",
                text[prev[-1].end : targets[0].start],
            ):
                targets = [*targets, prev[-1]]
            # "X costs $3 ... and $15 ..., the same list price as Y": the price is Y's too.
            later = [m for m in sent.mentions if m.start >= e and m not in targets]
            if later and _SAME_PRICE_AFTER.fullmatch(text, e, later[0].start):
                targets = [*targets, later[0]]
        if targets:
            out.append(Found(attr, value, s, e, targets))
            seen.append((s, e))

    for m in _scan(doc, R.PRICE_PAIR, PRICE_KEY):
        io = m.group("io")
        context = text[max(0, m.start() - 300) : m.start()].lower()
        if not io and "input/output" not in context and "input and output" not in context:
            continue
        seen.append((m.start(), m.end()))
        add("price_input", m.group("a"), m.group("unit"), m.start(), m.end(), m.start())
        add("price_output", m.group("b"), m.group("unit"), m.start(), m.end(), m.start())
    for m in _scan(doc, R.PRICE_RESPECTIVELY, PRICE_KEY):
        context = text[max(0, m.start() - 300) : m.start()].lower()
        i, o = context.rfind("input"), context.rfind("output")
        if 0 <= i < o:  # the order the earlier prices were given in
            seen.append((m.start(), m.end()))
            add("price_input", m.group("a"), m.group("unit"), m.start(), m.end(), m.start())
            add("price_output", m.group("b"), m.group("unit"), m.start(), m.end(), m.start())
    for pattern in R.PRICE_PATTERNS:
        for m in _scan(doc, pattern, PRICE_KEY):
            if seen.covers(m.start("p")):
                continue
            direction = m.group("dir").lower()
            attr = "price_input" if direction in ("input", "prompt") else "price_output"
            unit = m.groupdict().get("unit")
            anchor = m.start() if text[m.start()] == "$" else m.start("p") - 1
            add(attr, m.group("p"), unit, m.start(), m.end(), anchor)
    return out


# ------------------------------------------------------------------------------------------ release dates


def _dates(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    seen = _Spans(len(doc.text))
    candidates: list[tuple[int, int, str]] = []
    weak: set[int] = set()  # dates resolved against the publication date: the cue must be close
    for m in _scan(doc, R.DATE_FULL, DATE_KEY):
        candidates.append((m.start(), m.end(), _safe_date(m.group("year"), m.group("month"), m.group("day"))))
    for m in _scan(doc, R.DATE_DAY_FIRST, DATE_KEY):
        candidates.append((m.start(), m.end(), _safe_date(m.group("year"), m.group("month"), m.group("day"))))
    for m in _scan(doc, R.DATE_ISO, DATE_KEY):
        candidates.append(
            (m.start(), m.end(), _safe_date(m.group("year"), m.group("month"), m.group("day"), numeric=True))
        )
    for m in _scan(doc, R.DATE_MONTH_YEAR, DATE_KEY):
        candidates.append((m.start(), m.end(), _safe_date(m.group("year"), m.group("month"), None)))
    if doc.published is not None:
        pub_year = doc.published.year
        for m in _scan(doc, R.DATE_MONTH_ONLY, DATE_KEY):
            candidates.append((m.start(), m.end(), _safe_date(str(pub_year), m.group("month"), None)))
            weak.add(m.start())
        for m in _scan(doc, R.DATE_RELATIVE_DAY, DATE_KEY):
            weak.add(m.start())
            candidates.append(
                (m.start(), m.end(), relative_day(m.group("day") or m.group("weekday"), doc.published) or "")
            )
        for m in _scan(doc, R.DATE_RELATIVE_MONTH, DATE_KEY):
            weak.add(m.start())
            candidates.append((m.start(), m.end(), relative_month(m.group("rel"), doc.published) or ""))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    for s, e, value in candidates:
        if not value or seen.overlaps(s, e):
            continue
        seen.append((s, e))
        sent = doc.sentence_of(s)
        lo, hi = max(sent.start, s - 150), min(sent.end, e + 90)
        window = text[lo:hi]
        cues = list(R.RELEASE_CUE.finditer(text, lo, hi))
        if not cues or R.NOT_RELEASE.search(text, max(sent.start, s - 12), s):
            continue
        # the nearest cue must speak of this date: no clause break or other verb ("published") in between
        cue = min(cues, key=lambda c: abs(c.start() - s))
        between = text[cue.end() : s] if cue.start() < s else text[e : cue.start()]
        if _CLAUSE_BREAK.search(between) or (s in weak and len(between) > 40):
            continue
        if (
            R.NOT_RELEASE.search(text[max(sent.start, s - 40) : s])
            and "release" not in text[max(sent.start, s - 40) : s].lower()
        ):
            continue
        subjectless = bool(R.SUBJECTLESS_START.match(text, sent.start))
        pronoun = bool(R.PRONOUN_START.match(text, sent.start) or re.search(r"\b(?:it|they)\b", window))
        targets = _pick(doc, s, e, allow_topic=subjectless or pronoun, max_gap=200)
        if targets:
            out.append(Found("release_date", value, s, e, targets))
    return out


_CLAUSE_BREAK = re.compile(
    r"[;—–]|\s-\s|\b(?:published|posted|came|come|updated|filed|submitted|which|who|whose|while|whereas)\b"
)


def _safe_date(year: str, month: str, day: str | None, numeric: bool = False) -> str:
    try:
        mon = int(month) if numeric else month_number(month)
        return iso_date(int(year), mon, int(day) if day else None)
    except (ValueError, KeyError):
        return ""


# ------------------------------------------------------------------------------------------ hardware


def _chip_name(raw: str) -> str:
    chip = " ".join(raw.split())
    m = re.fullmatch(r"TPU\s?(v\d[a-z]?)", chip, re.I)
    if m:
        return f"TPU {m.group(1).lower()}"
    if chip.upper() == "TPUS":
        return "TPU"
    return chip


def _role(doc: Doc, s: int, e: int, sent: Sentence) -> str:
    """Role from the nearest cue before the chip ("trained on", "runs on", "optimized for"), else after."""
    text = doc.text
    lo, hi = max(sent.start, s - 120), min(sent.end, e + 60)
    cues = [(m.start(), role) for pattern, role in _ROLE_CUES for m in pattern.finditer(text, lo, hi)]
    before = [c for c in cues if c[0] < s]
    if before:
        return max(before)[1]
    after = [c for c in cues if c[0] >= e]
    return min(after)[1] if after else "unspecified"


_ROLE_CUES = [
    (R.ROLE_TRAINING, "training"),
    (R.ROLE_INFERENCE, "inference"),
    (R.ROLE_UNSPECIFIED, "unspecified"),
]


def _hardware(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    has_chip_family = {"Ascend": "Ascend" in text, "TPU": "TPU" in text}
    for m in R.CHIP.finditer(text):
        chip = _chip_name(m.group("chip"))
        if chip.startswith("Ascend") and chip == "Ascend":
            series = R.ASCEND_SERIES.search(text, m.end(), min(len(text), m.end() + 80))
            if series:
                chip = f"Ascend {series.group('num')}"
        chips = [(chip, m.start(), m.end())]
        tail_pos = m.end()
        while True:
            t = R.CHIP_TAIL.match(text, tail_pos)
            if not t:
                break
            extra = t.group("chip")
            if re.fullmatch(r"v\d[a-z]?", extra, re.I) and chip.startswith("TPU"):
                extra = f"TPU {extra.lower()}"
            chips.append((extra, t.start("chip"), t.end()))
            tail_pos = t.end()
        sent = doc.sentence_of(m.start())
        role = _role(doc, m.start(), m.end(), sent)
        pronoun = bool(
            R.PRONOUN_START.match(text, sent.start)
            or R.SUBJECTLESS_START.match(text, sent.start)
            or re.search(
                r"\b(?:it|the\s+(?:new\s+)?model|the\s+models)\b(?!['’]s)", text[sent.start : m.start()]
            )
        )
        targets = _pick(doc, m.start(), m.end(), allow_topic=pronoun, max_gap=300)
        for name, s, e in chips:
            if targets:
                out.append(Found("hardware", name, s, e, targets, role=role))
    # Vendor-only training statements ("trained on Huawei hardware") name the vendor's chip family.
    for m in R.VENDOR_HW.finditer(text):
        sent = doc.sentence_of(m.start())
        sentence = text[sent.start : sent.end]
        if not R.ROLE_TRAINING.search(sentence):
            continue
        vendor = m.group("vendor")
        if vendor is None:
            vm = re.search(r"\b(Huawei|Google)\b", text[sent.start : m.start()])
            vendor = vm.group(1) if vm else None
        if vendor is None:
            continue
        family = R.VENDOR_CHIP[vendor.lower()]
        if not has_chip_family.get(family):
            continue
        targets = _pick(doc, m.start(), m.end(), allow_topic=False, max_gap=300)
        if targets:
            out.append(Found("hardware", family, m.start(), m.end(), targets, role="training"))
    return out


# ------------------------------------------------------------------------------------------ license


def _norm_license(raw: str) -> str | None:
    name = " ".join(raw.replace("\u00a0", " ").split())
    name = re.sub(r"^Licen[cs]e(?=[A-Z])", "", name)
    low = name.lower()
    if low == "mit":
        return "MIT"
    if re.fullmatch(r"modified\s+mit", low):
        return "Modified MIT License"
    if re.fullmatch(r"apache(?:[\s-]?(?:licen[cs]e[\s,]*)?(?:version\s*)?2(?:\.0)?)?", low):
        return "Apache-2.0"
    m = re.fullmatch(r"(gpl|agpl)-?([23])(?:\.0)?", low)
    if m:
        return f"{m.group(1).upper()}-{m.group(2)}.0"
    return name


# words that qualify a license without naming it
_LICENSE_FILLER = {"own"}


def _licenses(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    spans: list[tuple[int, int, str]] = []
    for m in _scan(doc, R.LICENSE_SHORT, LICENSE_KEY):
        name = _norm_license(m.group("lic"))
        if name:
            spans.append((m.start(), m.end(), name))
    for m in _scan(doc, R.LICENSE_TERMS, LICENSE_KEY):
        words = [w for w in m.group("lic").split() if not R.LICENSE_VAGUE.match(w)]
        if words:
            start = m.start("lic") + m.group("lic").find(words[0])
            spans.append((start, m.end(), " ".join(words) + " Terms of Use"))
    for m in _scan(doc, R.LICENSE_UNDER, LICENSE_KEY):
        name = _norm_license(m.group("lic"))
        if name:
            spans.append((m.start("lic"), m.end("lic"), name))
    for m in _scan(doc, R.LICENSE_NAMED, LICENSE_KEY):
        words = m.group("lic").split()
        # drop leading words that are not part of the name ("under", "the", sentence starts)
        while words and (R.LICENSE_VAGUE.match(words[0]) or words[0] in ("The", "A", "An", "Its", "Under")):
            words = words[1:]
        if not words:
            continue
        raw = " ".join(words)
        if raw.lower() in ("mit", "apache") or re.fullmatch(r"(?:MIT|Apache[\s-]?2(?:\.0)?)", raw, re.I):
            continue  # handled by LICENSE_SHORT
        if all(R.LICENSE_VAGUE.match(w) for w in words):
            continue
        start = m.start("lic") + m.group("lic").find(words[0])
        name = _norm_license(raw + " License")
        if name:
            spans.append((start, m.end(), name))
    for m in _scan(doc, R.LICENSE_POSSESSIVE, LICENSE_KEY):
        org = canonical_org(m.group("org"))
        if not any(o.start() == m.start("org") for o in _orgs(doc, m.start("org"), m.end("org"))):
            continue
        title = " ".join(
            w.capitalize() if "-" not in w else "-".join(p.capitalize() for p in w.split("-"))
            for w in m.group("words").split()
            # "DeepSeek's own model license" is the DeepSeek Model License
            if w.lower() not in _LICENSE_FILLER
        )
        spans.append((m.start(), m.end(), f"{org} {title} License"))
    spans.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    taken = _Spans(len(doc.text))
    for s, e, name in spans:
        if taken.overlaps(s, e):
            continue
        taken.append((s, e))
        doc.blocked.append((s, e))
        doc.mask = None
        sent = doc.sentence_of(s)
        if R.LICENSE_CODE.search(text[max(sent.start, s - 60) : s]) and not re.search(
            r"weights|model", text[max(sent.start, s - 60) : s]
        ):
            continue
        adjective = bool(
            re.match(r"[\s-]*licensed\b", text[e - 8 : e + 1].lower())
            or text[s:e].lower().endswith("licensed")
        )
        pronoun = bool(
            R.PRONOUN_START.match(text, sent.start)
            or R.SUBJECTLESS_START.match(text, sent.start)
            or R.ANAPHOR.search(text, sent.start, sent.end)
        )
        under = bool(
            re.search(
                r"\b(?:under|with|via)\s+(?:an?\s+|the\s+|its\s+)?(?:own\s+)?$", text[max(0, s - 20) : s]
            )
        )
        out.append(Found("license", name, s, e, [], expected=False))
        out[-1].models = _pick_license(doc, s, e, adjective=adjective, allow_topic=pronoun or under)
    return [f for f in out if f.models]


def _pick_license(
    doc: Doc, s: int, e: int, *, adjective: bool, allow_topic: bool
) -> list[ModelMention | str]:
    # mentions are not yet filtered for license names; ignore the ones inside this license's span
    sent = doc.sentence_of(s)
    saved = sent.mentions
    sent.mentions = [m for m in saved if not (s <= m.start and m.end <= e)]
    try:
        # "under the MIT license": what came before; "the Apache-2.0-licensed Yi-1.5": what follows
        return _pick(doc, s, e, allow_topic=allow_topic, after_first=adjective, allow_after=adjective)
    finally:
        sent.mentions = saved


# ------------------------------------------------------------------------------------------ benchmarks


def _bench_name(m: re.Match[str]) -> str | None:
    for key, value in m.groupdict().items():
        if value is not None and key.startswith("b"):
            name = R.BENCHMARKS[int(key[1:])][0]
            # acronyms that are also words ("drop", "ruler", "hle") only in capitals; the spelled-out
            # "Humanity's Last Exam" is fine in any case
            short = len(value) <= 6
            if name in R.BENCH_CASED and short and value.upper() != value and not value.startswith("Math"):
                return None
            return name
    return None


def _benchmarks(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    used = _Spans(len(doc.text))
    bench_hits = [(m, _bench_name(m)) for m in R.bench_matches(text, doc.low, doc.regions(DIGIT_KEY))]
    bench_hits = [(m, n) for m, n in bench_hits if n]
    for m, name in bench_hits:
        assert name is not None
        sent = doc.sentence_of(m.start())
        score: re.Match[str] | None = None
        s = e = 0
        # "81% on SWE-bench Verified", "77.5 on AIME", "94th percentile on Codeforces"
        pre = R.SCORE_ON.search(text, max(sent.start, m.start() - 60), m.start())
        if pre and pre.end() == m.start():
            score, s, e = pre, pre.start(), m.end()
        else:
            post = R.BENCH_THEN_SCORE.match(text, m.end(), min(sent.end, m.end() + 120))
            if post:
                score, s, e = post, m.start(), post.end()
        if score is None:
            continue
        if R.SCORE_BOUND.search(_before(doc, score.start("score"), 14)) or used.overlaps(s, e):
            continue
        value = tidy(parse_number(score.group("score")))
        if not isinstance(value, (int, float)) or value > 3000:
            continue
        anaphor = bool(R.ANAPHOR.search(text, sent.start, e) or R.PRONOUN_START.match(text, sent.start))
        targets = _pick(doc, s, e, allow_topic=anaphor)
        if not targets:
            continue
        used.append((s, e))
        out.append(Found("benchmark", value, s, e, targets, name=name))
        # "..., ahead of GPT-4-Turbo at 72.05 and GPT-3.5-Turbo at 54.66": competitors in the same sentence,
        # up to the next benchmark named
        next_bench = min((b.start() for b, _ in bench_hits if b.start() > m.end()), default=sent.end)
        for other in sent.mentions:
            if other.start <= e or other in targets or other.start >= next_bench:
                continue
            sm = R.SCORE_VERB.match(text, other.end + 1) if text[other.end : other.end + 1] == " " else None
            if sm and not R.SCORE_BOUND.search(_before(doc, sm.start("score"), 14)):
                out.append(
                    Found(
                        "benchmark",
                        tidy(parse_number(sm.group("score"))),
                        other.start,
                        sm.end(),
                        [other],
                        name=name,
                    )
                )
    # A sentence that names one benchmark first ("On Kotlin-HumanEval, Codestral scored 73.75 ...")
    by_sentence: dict[int, list[tuple[re.Match[str], str | None]]] = {}
    for hit in bench_hits:
        by_sentence.setdefault(doc.sentence_index(hit[0].start()), []).append(hit)
    for idx, names in by_sentence.items():
        sent = doc.sentences[idx]
        if len({n for _, n in names}) != 1:
            continue
        bm, name = names[0]
        it = _IT_SCORED.search(text, bm.end(), sent.end)
        topic = _topic(doc, sent.start) if it else None
        if it and topic is not None and not used.overlaps(it.start(), it.end()):
            used.append((it.start(), it.end()))
            out.append(
                Found(
                    "benchmark",
                    tidy(parse_number(it.group("score"))),
                    bm.start(),
                    it.end(),
                    [topic],
                    name=name,
                )
            )
        for other in sent.mentions:
            if other.start < bm.end():
                continue
            sm = R.SCORE_VERB.match(text, other.end + 1) if text[other.end : other.end + 1] == " " else None
            # "On Arena Hard that puts it ahead of GPT-4o (79.3) and Claude 3.5 Sonnet (79.2)"
            sm = sm or _PAREN_SCORE.match(text, other.end)
            if sm is None or R.SCORE_BOUND.search(_before(doc, sm.start("score"), 14)):
                continue
            if used.overlaps(other.start, sm.end()):
                continue
            used.append((other.start, sm.end()))
            out.append(
                Found(
                    "benchmark",
                    tidy(parse_number(sm.group("score"))),
                    other.start,
                    sm.end(),
                    [other],
                    name=name,
                )
            )
    out += _benchmark_blocks(doc)
    return out


_PAREN_SCORE = re.compile(r"\s?\((?P<score>\d{1,2}(?:\.\d+)?|100)\s?%?\)")
_IT_SCORED = re.compile(
    r"\b(?:it|the\s+model)\s+(?:scored|scores|reached|reaches|achieved|achieves|posted|posts|hit|hits|got|gets)\s+(?:an?\s+)?"
    r"(?P<score>\d+(?:\.\d+)?)\s?%?(?!\s?(?:[BMK]\b|billion|million|tokens|x\b|times))"
)
_BLOCK_HEAD = re.compile(r"^[ \t]*(?P<head>[^\n:]{2,40}?)(?:\s+scores?)?\s*:[ \t]*$", re.MULTILINE)
_BLOCK_ROW = re.compile(
    r"[ \t]*(?P<model>[^\n:]{2,60}?)\s*(?:\((?P<size>\d+(?:\.\d+)?[BM])\))?"
    r"\s*:\s*(?P<score>\d+(?:\.\d+)?)\s*%?[ \t]*$"
)


def _benchmark_blocks(doc: Doc) -> list[Found]:
    """A benchmark name on its own line, then "Model: score" lines."""
    text = doc.text
    out: list[Found] = []
    for head in _BLOCK_HEAD.finditer(text):
        bm = R.BENCH.search(head.group("head"))
        name = _bench_name(bm) if bm else None
        if name is None or bm is None or bm.start() > 2:
            continue
        pos = head.end() + 1
        while pos < len(text):
            nl = text.find("\n", pos)
            line_end = len(text) if nl < 0 else nl
            row = _BLOCK_ROW.match(text, pos, line_end)
            if not row:
                break
            ms = [x for x in doc.mentions if row.start("model") <= x.start < row.end("model")]
            if ms:
                model: ModelMention | str = ms[0]
                if row.group("size"):
                    model = f"{ms[0].family or ms[0].canonical}-{row.group('size')}"
                out.append(
                    Found(
                        "benchmark",
                        tidy(parse_number(row.group("score"))),
                        row.start("model"),
                        row.end("score") + (1 if text[row.end("score") : row.end("score") + 1] == "%" else 0),
                        [model],
                        name=name,
                    )
                )
            pos = line_end + 1
    return out


# ------------------------------------------------------------------------------------------ tables


def _tables(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    i = 0
    while i < len(lines):
        s, e = lines[i]
        if not text[s:e].lstrip().startswith("|"):
            i += 1
            continue
        block = []
        while i < len(lines) and text[lines[i][0] : lines[i][1]].lstrip().startswith("|"):
            block.append(lines[i])
            i += 1
        out += _pipe_table(doc, block)
    out += _vertical_tables(doc)
    out += _spaced_tables(doc, lines)
    return out


_GAP = re.compile(r"[ \t]{2,}|\t")


def _gap_cells(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Cells of a plain-text table row whose columns are separated by runs of 2+ spaces or tabs."""
    cells, a = [], s
    while a < e and text[a] in " \t":
        a += 1
    for m in _GAP.finditer(text, a, e):
        if m.start() > a:
            cells.append((a, m.start()))
        a = m.end()
    b = e
    while b > a and text[b - 1] in " \t":
        b -= 1
    if b > a:
        cells.append((a, b))
    return cells


def _spaced_tables(doc: Doc, lines: list[tuple[int, int]]) -> list[Found]:
    """Plain-text tables aligned with spaces: a header line "Model  Params  Context" then one row a line."""
    text = doc.text
    out: list[Found] = []
    for i, (s, e) in enumerate(lines):
        header_cells = _gap_cells(text, s, e)
        if len(header_cells) < 2 or "|" in text[s:e]:
            continue
        if not text[header_cells[0][0] : header_cells[0][1]].strip().lower().startswith("model"):
            continue
        attrs = [_column_attr(text[a:b]) for a, b in header_cells]
        if not any(attrs[1:]):
            continue
        for rs, re_ in lines[i + 1 :]:
            cells = _gap_cells(text, rs, re_)
            if len(cells) != len(header_cells):
                break
            ms = [m for m in doc.mentions if cells[0][0] <= m.start < cells[0][1]]
            if not ms:
                continue
            for j, (a, b) in enumerate(cells[1:], start=1):
                if attrs[j] is None:
                    continue
                attr, extra = attrs[j]  # type: ignore[misc]
                value = _cell_value((attr, extra), text[a:b])
                if value is not None:
                    name = extra if attr == "benchmark" else None
                    out.append(Found(attr, value, ms[0].start, b, [ms[0]], name=name))
    return out


_CELL_NUMBER = re.compile(r"[~$]?\d[\d,]*(?:\.\d+)?\s?(?:[BMKT]|%)?")


def _vertical_tables(doc: Doc) -> list[Found]:
    """Tables whose cells became one line each (scraped HTML): "Model", header cells, then rows of cells."""
    from .models import canonical_model_name

    text = doc.text
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]
    out: list[Found] = []
    for idx, (s, e) in enumerate(lines):
        if text[s:e].strip().lower() not in ("model", "models", "model name"):
            continue
        first_num = next(
            (
                k
                for k in range(idx + 1, min(len(lines), idx + 12))
                if _CELL_NUMBER.fullmatch(text[lines[k][0] : lines[k][1]].strip())
            ),
            None,
        )
        if first_num is None:
            continue
        ncols = first_num - 1 - idx
        if not 2 <= ncols <= 10:
            continue
        header = [text[a:b].strip() for a, b in lines[idx : idx + ncols]]
        title = text[lines[idx - 1][0] : lines[idx - 1][1]] if idx else ""
        attrs = [_column_attr(h) for h in header]
        for j, h in enumerate(header):
            tb = R.BENCH.search(title)
            if attrs[j] is None and "score" in h.lower() and tb and _bench_name(tb):
                attrs[j] = ("benchmark", _bench_name(tb))
        size_col = next((j for j, a in enumerate(attrs) if a and a[0] == "parameters_total"), None)
        pos = idx + ncols
        while pos + 1 < len(lines):
            row = lines[pos : pos + ncols]
            cells = [text[a:b].strip() for a, b in row]
            if len(cells) < 2 or any(len(c) > 40 for c in cells) or _CELL_NUMBER.fullmatch(cells[0]):
                break
            name = cells[0] + (
                f" {cells[size_col]}" if size_col is not None and size_col < len(cells) else ""
            )
            model = canonical_model_name(name) or canonical_model_name(cells[0])
            if model is None:
                break
            for j, (a, b) in enumerate(row[1:], start=1):
                if attrs[j] is None:
                    continue
                found = _cell_value(attrs[j], text[a:b].strip())  # type: ignore[arg-type]
                if found is not None:
                    attr, extra = attrs[j]  # type: ignore[misc]
                    out.append(
                        Found(attr, found, row[0][0], b, [model], name=extra if attr == "benchmark" else None)
                    )
            pos += ncols
    return out


def _cell_value(attr_extra: tuple[str, str | None], raw: str) -> int | float | str | None:
    """The value of one table cell for its column's attribute, or None."""
    attr, extra = attr_extra
    if attr in ("parameters_total", "parameters_active"):
        m = re.fullmatch(r"~?\s*(\d+(?:\.\d+)?)\s*(trillion|billion|T|B)\b.*", raw, re.I)
        return magnitude(m.group(1), m.group(2)) if m else None
    if attr == "context_window":
        m = re.fullmatch(r"(\d[\d,]*(?:\.\d+)?)\s*(M|K|k|million)?(?:\s*tokens)?", raw, re.I)
        return magnitude(m.group(1), m.group(2)) if m else None
    if attr in ("price_input", "price_output"):
        m = re.fullmatch(r"\$\s?(\d+(?:\.\d+)?)", raw)
        return per_million(m.group(1), extra or "1M") if m else None
    if attr == "license":
        if not re.search(r"[A-Za-z]{2,}", raw) or raw.lower() in (
            "proprietary",
            "n/a",
            "closed",
            "none",
            "unknown",
        ):
            return None
        return _norm_license(raw)
    if attr == "benchmark":
        m = re.fullmatch(r"\**(\d+(?:\.\d+)?)\s*%?\**", raw.strip())
        return tidy(float(m.group(1))) if m else None
    if attr == "release_date":
        return _cell_date(raw)
    return None


def _cell_date(raw: str) -> str | None:
    """A table cell that is exactly one date ('2024-07-23', 'July 23, 2024', 'Jul 2024')."""
    cell = raw.strip()
    for pattern in (R.DATE_FULL, R.DATE_DAY_FIRST, R.DATE_ISO, R.DATE_MONTH_YEAR):
        m = pattern.fullmatch(cell)
        if m:
            day = m.groupdict().get("day")
            return _safe_date(m.group("year"), m.group("month"), day, numeric=pattern is R.DATE_ISO) or None
    return None


def _cells(text: str, s: int, e: int) -> list[tuple[int, int]]:
    cells = []
    for m in re.finditer(r"[^|]+", text[s:e]):
        a, b = s + m.start(), s + m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        cells.append((a, b))
    return cells


def _column_attr(header: str) -> tuple[str, str | None] | None:
    h = header.lower()
    if "batch" in h or "cache" in h or "max output" in h:
        return None
    if "param" in h:
        return ("parameters_active", None) if "activ" in h else ("parameters_total", None)
    if h.strip() in ("size", "model size"):
        return ("parameters_total", None)
    if "context" in h:
        return ("context_window", None)
    if "input" in h and ("$" in h or "price" in h or "cost" in h or "/1m" in h or "per" in h):
        return ("price_input", "1K" if re.search(r"/\s*1k|per\s+1k|thousand", h) else None)
    if "output" in h and ("$" in h or "price" in h or "cost" in h or "/1m" in h or "per" in h):
        return ("price_output", "1K" if re.search(r"/\s*1k|per\s+1k|thousand", h) else None)
    if "licen" in h:
        return ("license", None)
    if re.search(r"\brelease(?:d|\s+date)?\b|\blaunch(?:ed|\s+date)?\b", h):
        return ("release_date", None)
    bm = R.BENCH.search(header)
    if bm and _bench_name(bm):
        return ("benchmark", _bench_name(bm))
    return None


def _pipe_table(doc: Doc, block: list[tuple[int, int]]) -> list[Found]:
    text = doc.text
    rows = [(s, e) for s, e in block if not re.fullmatch(r"[\s|:\-]+", text[s:e])]
    if len(rows) < 2:
        return []
    header_cells = _cells(text, *rows[0])
    header = [text[a:b] for a, b in header_cells]
    attrs = [_column_attr(h) for h in header]
    out: list[Found] = []
    # Transposed tables: models across the header, one attribute (or benchmark) per row.
    col_models = [next((m for m in doc.mentions if a <= m.start < b), None) for a, b in header_cells]
    if sum(m is not None for m in col_models[1:]) >= 1 and col_models[0] is None:
        for s, e in rows[1:]:
            cells = _cells(text, s, e)
            if len(cells) < 2:
                continue
            row_attr = _column_attr(text[cells[0][0] : cells[0][1]])
            if row_attr is None:
                continue
            for j, (a, b) in enumerate(cells[1:], start=1):
                model = col_models[j] if j < len(col_models) else None
                value = _cell_value(row_attr, text[a:b]) if model is not None else None
                if model is not None and value is not None:
                    name = row_attr[1] if row_attr[0] == "benchmark" else None
                    out.append(Found(row_attr[0], value, cells[0][0], b, [model], name=name))
        return out
    for s, e in rows[1:]:
        cells = _cells(text, s, e)
        if not cells:
            continue
        ms = [m for m in doc.mentions if cells[0][0] <= m.start < cells[0][1]]
        if not ms:
            continue
        model = ms[0]
        for j, (a, b) in enumerate(cells[1:], start=1):
            if j >= len(attrs) or attrs[j] is None:
                continue
            attr, extra = attrs[j]  # type: ignore[misc]
            value = _cell_value((attr, extra), text[a:b])
            if value is None:
                continue
            out.append(
                Found(attr, value, model.start, b, [model], name=extra if attr == "benchmark" else None)
            )
    return out


# ------------------------------------------------------------------------------------------ developer


def _orgs(doc: Doc, s: int, e: int) -> list[OrgSpan]:
    i = bisect.bisect_left(doc.org_starts, s)
    out: list[OrgSpan] = []
    while i < len(doc.orgs) and doc.orgs[i].start() < e:
        o = doc.orgs[i]
        if o.end() <= e and _free(doc, o.start(), o.end()):
            out.append(o)
        i += 1
    return out


def _same_developer(org: OrgSpan, mention: ModelMention) -> bool:
    """False when the brand tables name another maker of this model ("OpenAI's o1 and DeepSeek-R1")."""
    if mention.developer is None:
        return True
    a, b = canonical_org(org.group(0)).lower(), mention.developer.lower()
    return a.split()[0] == b.split()[0]


def _developers(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []

    def add(org: OrgSpan, mention: ModelMention | str, s: int, e: int) -> None:
        out.append(Found("developer", canonical_org(org.group(0)), s, e, [mention]))

    prev_orgs: list[OrgSpan] = []
    for sent in doc.sentences:
        orgs = _orgs(doc, sent.start, sent.end)
        ms = sent.mentions
        for o in orgs:
            # (a) "Google's Gemini 3.1 Pro", "Meta's plans for Llama 3", "DeepSeek's early V2 and V3 releases"
            for m in ms:
                if m.start <= o.end() or m.start - o.end() > 50:
                    continue
                gap = R.POSSESSIVE_GAP.match(text[o.end() : m.start])
                if gap and not R.POSSESSIVE_BAD.search(gap.group("gap")) and not _orgs(doc, o.end(), m.start):
                    if not re.search(r"\d", m.canonical) and not _same_developer(o, m):
                        break  # "NVIDIA's tuned Llama": a bare brand owned by another maker is a derivative
                    add(o, m, o.start(), m.end)
                    last = m
                    for nxt in ms:
                        if nxt.start > last.end and re.fullmatch(
                            r"\s*(?:,|and|&|, and)\s*", text[last.end : nxt.start]
                        ):
                            if _same_developer(o, nxt):
                                add(o, nxt, o.start(), nxt.end)
                            last = nxt
                break
            # (h) "Meta Llama 3", "Microsoft Phi-4"
            for m in ms:
                if m.start == o.end() + 1 and text[o.end()] == " ":
                    add(o, m, o.start(), m.end)
            # (b) "DeepSeek released R1", "TII has introduced the Falcon 180B model"
            verb = R.DEV_VERB.search(text, o.end(), min(sent.end, o.end() + 160))
            if (
                verb
                and not _orgs(doc, o.end(), verb.start())
                and not any(o.end() <= m.start < verb.start() for m in ms)
            ):
                stop = R.DEV_STOP.search(text, verb.end(), sent.end)
                limit = stop.start() if stop else sent.end
                first = True
                for m in ms:
                    if (
                        verb.end() <= m.start < limit
                        and m.start - verb.end() <= 220
                        and not _orgs(doc, verb.end(), m.start)
                    ):
                        if first or _same_developer(o, m):
                            add(o, m, o.start(), m.end)
                        first = False
            # (c) "Llama 2 was released by Meta AI", "developed by Mosaic under its parent company Databricks"
            prior = [m for m in ms if m.end <= o.start()]
            if prior:
                m = prior[-1]
                between = text[m.end : o.start()]
                if len(between) <= 160 and (
                    re.search(
                        r"\b(?:developed|released|built|created|made|introduced|launched|unveiled|trained|published)\b"
                        r"[^.;]{0,60}?\bby\s+(?:the\s+)?(?:[\w-]+\s+){0,3}\[?$",
                        between,
                    )
                    or re.search(r"\bdeveloped\s+by\b[^.;]{0,40}under\s+its\s+parent\s+company\s+$", between)
                    # "Llama 3.1 from Meta", "Qwen3, the newest model family from Alibaba"
                    or re.fullmatch(
                        r"\s+(?:from|by)\s+|,\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,4}(?:model|models|LLM|family|series|release)\s+(?:from|by)\s+",
                        between,
                    )
                ):
                    add(o, m, m.start, o.end())
                # (d) "Codestral is Mistral's first code model", "... - it remains Anthropic's model",
                # "Gemini 2.5, Google's newest model" (an apposition only when the brand tables agree)
                elif (
                    re.fullmatch(
                        r"\s+(?:is|was|remains)\s+(?:still\s+|also\s+)?|\s+is\s[^.;]{0,40}\bit\s+(?:is|remains)\s+|,\s+",
                        between,
                    )
                    and re.match(r"(?:['’]|[^\x00-\x7f])s\b", text[o.end() : o.end() + 2])
                    and (not between.startswith(",") or (m.developer is not None and _same_developer(o, m)))
                ):
                    add(o, m, m.start, o.end() + 2)
                # "Snowflake Arctic is an open ... model that Snowflake released"
                elif re.fullmatch(
                    r"\s+(?:is|was)\s+(?:an?|the)\s[^.;]{0,80}\bthat\s+", between
                ) and R.DEV_VERB.match(text, o.end() + 1):
                    add(o, m, m.start, o.end())
            # (e) "DeepSeek, ..., shook the market with its R1 reasoning model"
            if orgs and o is orgs[0] and o.start() - sent.start <= 40:
                for m in ms:
                    if (
                        m.start > o.end()
                        and re.search(
                            r"\bits\s+(?:[\w-]+\s+){0,4}(?:codenamed\s+|called\s+|named\s+)?[“\"]?$",
                            text[max(o.end(), m.start - 70) : m.start],
                        )
                        and not _orgs(doc, o.end(), m.start)
                    ):
                        add(o, m, o.start(), m.end)
        # (f) "Anthropic decided to crash the party. On June 20, 2024, they dropped Claude 3.5 Sonnet"
        if not orgs and prev_orgs:
            they = re.search(
                r"\bthey\s+(?:have\s+)?(?:dropped|released|launched|unveiled|introduced|shipped)\b",
                text[sent.start : sent.end],
            )
            if they:
                for m in ms:
                    if m.start > sent.start + they.end():
                        add(prev_orgs[-1], m, prev_orgs[-1].start(), m.end)
                        break
        # (g) infobox "DevelopersMosaic ML and Databricks team"
        head = R.INFOBOX_DEVELOPER.match(text, sent.start)
        if head and doc.main is not None:
            for o in orgs:
                if o.start() >= head.end() and o.start() - head.end() < 60:
                    # "Developed by Alibaba Cloud, Qwen2.5-Max": the model named next; an infobox: the lead
                    named = [
                        m
                        for m in ms
                        if m.start >= o.end() and m.start - o.end() <= 60 and not _orgs(doc, o.end(), m.start)
                    ]
                    add(o, named[0] if named else doc.main, sent.start, named[0].end if named else o.end())
        prev_orgs = orgs
    return out


# ------------------------------------------------------------------------------------------ finalize


def _finalize(doc: Doc, found: list[Found]) -> list[Claim]:
    """One Claim per (model, attribute, value[, name]): the most specific role, stated over hedged."""
    text = doc.text
    best: dict[tuple[str, str, str, str], _Line] = {}
    order: list[tuple[str, str, str, str]] = []
    hedged: dict[tuple[int, int], bool] = {}
    for f in found:
        status = "stated"
        if f.attribute != "developer":
            sent = doc.sentence_of(f.start)
            # a hedge before the value or right after it ("..., is set to become"), not a later one
            window = (sent.start, min(sent.end, f.end + 30))
            if window not in hedged:
                hedged[window] = R.EXPECT_CUE.search(text, *window) is not None
            status = "expected" if f.expected or hedged[window] else "stated"
        for target in f.models:
            canonical = target if isinstance(target, str) else target.canonical
            family = target.split("-")[0] if isinstance(target, str) else (target.family or target.canonical)
            s, e = f.start, f.end
            if not isinstance(target, str):
                a, b = min(s, target.start), max(e, target.end)
                if b - a <= MAX_EVIDENCE and doc.sentence_of(a) is doc.sentence_of(b - 1):
                    s, e = a, b
            line_status = status
            if f.attribute != "developer" and (family in doc.prelaunch or canonical in doc.prelaunch):
                line_status = "expected"
            line = _Line(canonical, f, s, e, line_status)
            key = (canonical.lower(), f.attribute, _value_key(f.value), (f.name or "").lower())
            old = best.get(key)
            if old is None:
                best[key] = line
                order.append(key)
            elif _better(line, old):
                best[key] = line
    return [best[k].claim(text) for k in order]


@dataclass
class _Line:
    """A candidate claim before validation (pydantic runs once per kept line, not per candidate)."""

    model: str
    found: Found
    start: int
    end: int
    status: str

    @property
    def role(self) -> str | None:
        return self.found.role if self.found.attribute == "hardware" else None

    def claim(self, text: str) -> Claim:
        f = self.found
        # model_construct: every field is built here from checked values (saves ~10 µs a claim)
        return Claim.model_construct(
            model=self.model,
            attribute=cast(Attribute, f.attribute),
            value=f.value,
            name=f.name,
            role=cast(Role, self.role),
            status=cast(Status, self.status),
            evidence=text[self.start : self.end],
            start=self.start,
            end=self.end,
        )


def _value_key(value: int | float | str) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).lower()


def _better(new: _Line, old: _Line) -> bool:
    """Keep the most specific hardware role, then a stated line over an expected one."""
    if new.found.attribute == "hardware" and new.role != old.role:
        return ROLE_RANK.get(new.role or "", 0) > ROLE_RANK.get(old.role or "", 0)
    if new.status != old.status:
        return new.status == "stated"
    return False


# ruff: noqa: E501 - the key-value patterns below read best one per line
# ------------------------------------------------------------------------------------------ key-value structures

# "Context window: 128K tokens", "- **AIME 2025**: 94.6%", "| Input | $0.30 |": one fact per line about the section's model
_KV_LINE = re.compile(
    r"^[ \t]*(?:[-*•+]\s+)?(?:\*\*|__)?(?P<key>[^:|\n*_]{2,60}?)(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?[ \t]*(?P<val>[^\n]{1,160})$",
    re.MULTILINE,
)
_KV_PIPE = re.compile(r"^[ \t]*\|\s*(?P<key>[^|\n]{2,60}?)\s*\|\s*(?P<val>[^|\n]{1,160}?)\s*\|[ \t]*$", re.MULTILINE)
_HEADING = re.compile(r"^(?:#{1,6}[ \t]+[^\n]+|\*\*[^*\n]{2,80}\*\*[ \t]*:?)$", re.MULTILINE)
# Keys that are labels, not benchmark names
_NOT_BENCH_KEY = re.compile(
    r"\b(?:price|pricing|cost|input|output|context|token|release|launch|date|license|licen[cs]e|param|size|developer|"
    r"provider|creator|family|version|type|id|modalit|cutoff|speed|latency|throughput|rate|limit|average|overall|"
    r"total|score|rank|elo|votes|users|downloads|memory|vram|gpu|hardware|status|availability|open|weights|"
    r"architecture|layers|experts|vocab|languages?|year|org|company|lab|country|website|paper|blog|discount|"
    r"share|growth|revenue|valuation|funding|employees|founded|headquarters|ceo|updated|last|published|author|"
    r"views|likes|stars|forks|citations|page|time|duration|length|posted|read)\b",
    re.IGNORECASE,
)
_BENCH_KEY = re.compile(r"[A-Z][\w.+-]*(?:[ -][\w.+-]+){0,4}")
_KV_SCORE = re.compile(r"\**(?P<score>\d{1,4}(?:\.\d+)?)\s?(?P<pct>%|percent)?")


def _section_subject(doc: Doc, pos: int) -> ModelMention | None:
    """The model a line of a spec sheet is about: the nearest heading naming one, else the article's model."""
    text = doc.text
    saw_heading = False
    for h in reversed(list(_HEADING.finditer(text, 0, pos))):
        ms = [m for m in doc.sentence_of(h.start()).mentions if h.start() <= m.start < h.end()]
        if ms:
            return ms[0]
        saw_heading = True
        if pos - h.start() > 4000:
            break
    if saw_heading:
        return doc.main
    return _topic(doc, pos)


def _kv_value(attr: str, extra: str | None, val: str) -> tuple[int | float | str, int] | None:
    """The value of a "key: value" pair for its attribute, and where it ends inside `val`."""
    if attr in ("parameters_total", "parameters_active"):
        m = re.match(r"~?\s*(\d+(?:\.\d+)?)\s*(trillion|billion|T|B)\b", val, re.I)
        return (magnitude(m.group(1), m.group(2)), m.end()) if m else None
    if attr == "context_window":
        m = re.match(r"~?\s*(\d[\d,]*(?:\.\d+)?)\s*(M|K|k|million)?(?:\s*tokens?)?\b", val, re.I)
        if not m:
            return None
        value = magnitude(m.group(1), m.group(2))
        return (value, m.end()) if 1000 <= value <= 1e8 else None
    if attr in ("price_input", "price_output"):
        m = re.match(r"\$\s?(\d+(?:\.\d+)?)(?:\s*(?:/|per)\s*(?:1\s?)?(?P<unit>K|M|MTok|million|thousand)\b)?", val, re.I)
        if not m:
            return None
        unit = extra or ("1K" if (m.group("unit") or "").lower() in ("k", "thousand") else "1M")
        return per_million(m.group(1), unit), m.end()
    if attr == "release_date":
        for pattern in (R.DATE_FULL, R.DATE_DAY_FIRST, R.DATE_ISO, R.DATE_MONTH_YEAR):
            m = pattern.match(val)
            if m:
                day = m.groupdict().get("day")
                iso = _safe_date(m.group("year"), m.group("month"), day, numeric=pattern is R.DATE_ISO)
                return (iso, m.end()) if iso else None
        return None
    if attr == "license":
        m = R.LICENSE_SHORT.match(val + " license") or re.match(r"(?:MIT|Apache[\s-]?2(?:\.0)?)\b", val)
        if m:
            name = _norm_license(m.group("lic") if "lic" in m.groupdict() else m.group(0))
            return (name, min(len(val), m.end())) if name else None
        m = re.match(r"[A-Z][\w.\- ]{2,40}?(?:License|Licence|Terms of Use)\b", val)
        return (m.group(0), m.end()) if m else None
    if attr == "benchmark":
        m = _KV_SCORE.match(val)
        if not m or (m.group("pct") is None and "." not in m.group("score") and len(val.strip()) > len(m.group(0)) + 12):
            return None
        value = tidy(float(m.group("score")))
        return (value, m.end()) if value <= 3000 else None
    return None


def _key_attr(key: str, val: str) -> tuple[str, str | None] | None:
    attr = _column_attr(key)
    low = key.lower().strip()
    if attr is None and val.lstrip().startswith("$") and re.fullmatch(r"(?:input|output|prompt|completion)(?:\s+tokens?)?", low):
        return ("price_input" if low.startswith(("input", "prompt")) else "price_output", None)
    if attr is None and re.fullmatch(r"(?:total\s+)?context(?:\s+(?:window|length|size))?|max(?:imum)?\s+context.*", low):
        return ("context_window", None)
    return attr


def _key_values(doc: Doc) -> list[Found]:
    """Facts written as "key: value" lines or two-cell table rows."""
    text = doc.text
    out: list[Found] = []
    pairs = [(m, "line") for m in _KV_LINE.finditer(text)] + [(m, "pipe") for m in _KV_PIPE.finditer(text)]
    for m, _kind in pairs:
        key, val = m.group("key").strip(), m.group("val")
        if not key or re.fullmatch(r"[\s\-:|]+", val):
            continue
        ks, ke = m.start("key"), m.end("key")
        in_key = [x for x in doc.mentions if ks <= x.start < ke]
        bench_name: str | None = None
        attr_extra = _key_attr(key, val)
        if in_key:
            rest = text[in_key[0].end : ke]
            bm = R.BENCH.search(rest)
            if bm and _bench_name(bm):
                attr_extra = ("benchmark", _bench_name(bm))
        if attr_extra is None:
            bm = R.BENCH.match(key)
            if bm and _bench_name(bm) and bm.end() >= len(key) - 14:
                bench_name = _bench_name(bm)
                tail = re.match(r"\s+(v\d+(?:\.\d+)?)\b", key[bm.end() :])
                bench_name = f"{bench_name} {tail.group(1)}" if tail and bench_name else bench_name
            elif (
                _BENCH_KEY.fullmatch(key)
                and not _NOT_BENCH_KEY.search(key)
                and not in_key
                and len(key) <= 40
                and not doc.in_mention(ks, ke)
            ):
                bench_name = re.sub(r"\s*\([^)]*\)\s*$", "", key).strip()
            if bench_name:
                attr_extra = ("benchmark", bench_name)
        if attr_extra is None:
            continue
        attr, extra = attr_extra
        vs = m.start("val")
        found = _kv_value(attr, extra if attr != "benchmark" else None, val)
        if found is None:
            continue
        value, vlen = found
        if attr == "benchmark":
            bench_name = extra if (in_key and extra) or bench_name is None else bench_name
            if isinstance(value, int) and 1900 <= value <= 2100:
                continue  # a year
        if doc.in_mention(vs, vs + vlen) and attr == "license":
            continue
        model = in_key[0] if in_key else _section_subject(doc, m.start())
        if model is None:
            continue
        out.append(Found(attr, value, ks, vs + vlen, [model], name=bench_name if attr == "benchmark" else None))
    return out

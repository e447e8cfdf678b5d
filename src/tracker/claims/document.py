# ruff: noqa: E501 - regexes read best one per line
"""The document stage: sentences, model mentions and organisations, and the spans values may not use."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from . import rules as R
from .mentions import ModelMention, find_model_mentions
from .names import NOT_BRANDS
from .orgs import OrgSpan, find_orgs

SENTENCE_SPLIT = re.compile(
    # a sentence may open with a lower-case brand ("xAI did not respond", "iPhone users")
    r"\n+|(?<=[.!?])(?:\[\d{1,3}\])*[”\"’)]?\s+(?=[^\sa-z]|[a-z][A-Z])|(?<=[.!?])(?=[A-Z][a-z])(?<![A-Z]\.)(?<!\d\.)"
    # a footnote number glued to a full stop: "... multimodal features.1 Key product lines"
    r"|(?<=[a-z]\.)\d{1,2}(?:,\d{1,2})*\s+(?=[A-Z])"
    # a bullet list flattened into one line: " - SWE-bench Verified: 80.9% - ARC-AGI-2: 37.6%"
    r"|\s[-•]\s(?=[A-Z][^\n:.]{1,40}:\s)"
)
MAX_EVIDENCE = 220

# Typographic hyphens and spaces that web pages use inside names and numbers ("Granite‑4.0‑H‑Small",
# "32‑billion‑parameter"), each folded to its ASCII twin: one character for one, so offsets still hold.
_TYPOGRAPHY = str.maketrans(
    {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " "}
)
_TYPOGRAPHIC = re.compile("[\u2010\u2011\u2012\u00a0\u2007\u2009\u202f]")


# A page's own dateline in its first lines: " date 2025-07-28 ...", "Published: March 3, 2026"


def _when(group: str) -> str:
    """A full date as pages write it at their top, captured under `group`."""
    return (
        rf"(?P<{group}>(?:19|20)\d\d-[01]\d-[0-3]\d|[A-Z][a-z]{{2,8}}\.?\s+\d{{1,2}},?\s+(?:19|20)\d\d"
        rf"|\d{{1,2}},?\s+[A-Z][a-z]{{2,8}}\.?,?\s+(?:19|20)\d\d)"
    )


_DATELINE = re.compile(
    # " date 2025-07-28 ...", "Title\nPublished: March 3, 2026"
    rf"\A[\W_]{{0,4}}(?:[^\n]{{0,120}}\n)?[ \t]*(?:date|published|posted)(?:\s+on)?\s*:?\s*{_when('when')}\b"
    # a byline that ends with its date: "Eric Walker · 11, July 2025", "By Ann Lee | March 3, 2026"
    rf"|\A[ \t]*[^\n]{{0,60}}?(?:·|\||—|\bby\b[^\n]{{0,40}}?,)\s*{_when('when2')}[ \t]*(?:\n|\Z)",
    re.IGNORECASE,
)


def dateline(text: str) -> tuple[date, tuple[int, int]] | None:
    """The publication date a page states at its top, and its span (a dateline is no release date)."""
    from .dates import safe_date

    m = _DATELINE.match(text)
    if m is None:
        return None
    raw = m.group("when") or m.group("when2")
    iso = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", raw)
    month_first = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", raw)
    day_first = re.fullmatch(r"(\d{1,2}),?\s+([A-Za-z]+)\.?,?\s+(\d{4})", raw)
    if iso:
        value = safe_date(iso.group(1), iso.group(2), iso.group(3), numeric=True)
    elif month_first:
        value = safe_date(month_first.group(3), month_first.group(1), month_first.group(2))
    elif day_first:
        value = safe_date(day_first.group(3), day_first.group(2), day_first.group(1))
    else:
        value = ""
    span = (m.start("when"), m.end("when")) if m.group("when") else (m.start("when2"), m.end("when2"))
    try:
        return date.fromisoformat(value), span
    except (TypeError, ValueError):
        return None


def fold_typography(text: str) -> str:
    """The text with typographic hyphens and spaces made plain; the same object when there are none."""
    return text.translate(_TYPOGRAPHY) if _TYPOGRAPHIC.search(text) else text


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
    named: list[ModelMention] = field(default_factory=list)  # find_model_mentions' own list, before additions

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
        return self.mask.find(1, s, e) >= 0  # C-speed scan, no slice copy

    def regions(self, key: str) -> list[tuple[int, int]]:
        """Runs of sentences that contain the key pattern: where an attribute's rules are worth running."""
        if key not in self.region_cache:
            same = len(self.low) == len(self.text)
            haystack = self.low if same else self.text.lower()
            hits: set[int] = set()  # indices of sentences holding the key
            literals = LITERAL_KEYS.get(key)
            if literals is not None and len(haystack) == len(self.text):
                for lit in literals:  # str.find is far faster than a regex alternation
                    i = haystack.find(lit)
                    while i >= 0:
                        idx = self.sentence_index(i)
                        hits.add(idx)
                        i = haystack.find(lit, max(self.sentences[idx].end, i + 1))
            else:
                pattern = key_pattern(key, not same)
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
def key_pattern(key: str, ignore_case: bool) -> re.Pattern[str]:
    return re.compile(key, re.IGNORECASE if ignore_case else 0)


# Keys (on lower-cased text) that a sentence must contain for each attribute's rules to run: speed only.
PARAM_KEY = r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten))\s?-?\s?(?:billion|trillion|b|t)\b"
CONTEXT_KEY = r"context|token|input limit"
PRICE_KEY = r"\$"
DATE_KEY = (
    r"releas|launch|unveil|introduc|announc|debut|drop|ship|roll|available|live|open-sourced|arrived|added|"
    r"published the|followed"
)
LICENSE_KEY = r"licen|apache|mit|gpl|cc-by|openrail|terms of use"
HARDWARE_KEY = r"train|run|ran |deploy|serv|fit|inference"
LITERAL_KEYS = {
    k: tuple(k.replace("\\$", "$").split("|"))
    for k in (CONTEXT_KEY, PRICE_KEY, DATE_KEY, LICENSE_KEY, HARDWARE_KEY)
}
DIGIT_KEY = r"\d"


class Spans:
    """Character spans already used, with O(length) overlap tests (a list would make big inputs quadratic)."""

    def __init__(self, size: int) -> None:
        self._mask = bytearray(size + 1)

    def append(self, span: tuple[int, int]) -> None:
        s, e = span
        self._mask[s:e] = b"\x01" * max(0, e - s)

    def overlaps(self, s: int, e: int) -> bool:
        return self._mask.find(1, s, e) >= 0

    def covers(self, pos: int) -> bool:
        return bool(self._mask[pos])


def scan(doc: Doc, pattern: re.Pattern[str], key: str) -> list[re.Match[str]]:
    """pattern.finditer over the regions of `key` (every rule here stays inside one sentence)."""
    out: list[re.Match[str]] = []
    for s, e in doc.regions(key):
        out.extend(pattern.finditer(doc.text, s, e))
    return out


# "Anthropic’s Claude", "Google’s Gemini AI model": one capitalised word after a maker's possessive
_OWNED = re.compile(
    r"['’]s\s+(?P<name>[A-Z][a-z]+[A-Za-z]*)\b(?![-\s]+[A-Z\d])"
    r"(?!\s+(?:team|lab|labs|group|division|unit|researchers|engineers|staff|department|chief|founder|dataset|"
    r"datasets|data|corpus|benchmark|guide|paper|blog|docs|documentation|api|app|website|platform)\b)"
)


# Products, services and titles that follow a maker's possessive but are not models
_NOT_OWNED = frozenset(
    [
        "azure",
        "bedrock",
        "vertex",
        "instagram",
        "whatsapp",
        "facebook",
        "youtube",
        "android",
        "chrome",
        "search",
        "cloud",
        "office",
        "windows",
        "teams",
        "cuda",
        "blackwell",
        "hopper",
        "ascend",
        "kunlun",
        "trainium",
        "inferentia",
        "ceo",
        "cto",
        "founder",
        "chief",
        "president",
        "board",
        "engineers",
        "researchers",
        "blog",
        "website",
        "paper",
        "report",
        "studio",
        "playground",
        "console",
        "store",
        "marketplace",
        "assistant",
        "agent",
        "agents",
        "app",
        "apps",
        "platform",
        "services",
        "service",
        "copilot",
        "bard",
        "siri",
        "alexa",
        "chatgpt",
        "gemini_app",
    ]
)


_MODEL_WORDS = re.compile(
    r"\b(?:models?|LLMs?|language\s+model|chatbots?|competitors?|rivals?)\b", re.IGNORECASE
)


def _owned_models(text: str, orgs: list[OrgSpan], covered: bytearray) -> list[ModelMention]:
    """Bare model names owned by an organisation in running text (not in a title-case headline)."""
    out: list[ModelMention] = []
    org_names = {o.group().lower() for o in orgs}
    for org in orgs:
        m = _OWNED.match(text, org.end())
        if m is not None and m.group("name").lower() in org_names:
            continue  # "China’s DeepSeek": an organisation, not a model
        if m is None or any(covered[m.start("name") : m.end("name")]):
            continue
        name = m.group("name")
        line_start = text.rfind("\n", 0, org.start()) + 1
        window = text[max(line_start, org.start() - 200) : m.end() + 120]
        if name.endswith("ing") or not _MODEL_WORDS.search(window):
            continue  # "Anthropic's Migrating guide"; and only where the text speaks of models
        if name.lower() in NOT_BRANDS or name.lower() in _NOT_OWNED or R.CHIP.match(text, m.start("name")):
            continue
        words = re.findall(r"[A-Za-z]+", text[line_start : m.end()])
        if len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.6:
            continue  # a headline capitalises every word ("Nvidia's Monopoly Faces ...")
        out.append(ModelMention(name, name, m.start("name"), m.end("name"), name, None, None, "name"))
    return out


def prepare(text: str, published: date | datetime | None) -> Doc:
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
    doc.named = list(mentions)
    covered = bytearray(len(text) + 1)
    for mention in mentions:
        covered[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
    doc.orgs = find_orgs(text, covered)
    doc.org_starts = [o.start() for o in doc.orgs]
    owned = _owned_models(text, doc.orgs, covered)
    if owned:  # "Anthropic’s Claude and Google’s Gemini": a maker's possessive names its model
        doc.mentions = sorted([*mentions, *owned], key=lambda x: x.start)
        doc.main = doc.mentions[0]
    index_mentions(doc)
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


def index_mentions(doc: Doc) -> None:
    for sent in doc.sentences:
        sent.mentions = []
    for m in doc.mentions:
        doc.sentence_of(m.start).mentions.append(m)


def drop_blocked_mentions(doc: Doc) -> None:
    if doc.blocked:
        blocked = Spans(len(doc.text))
        for span in doc.blocked:
            blocked.append(span)
        doc.mentions = [m for m in doc.mentions if not blocked.covers(m.start)]
    doc.mask = None
    doc.main = doc.mentions[0] if doc.mentions else None
    doc.compared.clear()  # per-sentence caches were built on the mentions before this filter
    index_mentions(doc)


def is_free(doc: Doc, s: int, e: int) -> bool:
    return not doc.in_mention(s, e)


def text_before(doc: Doc, pos: int, n: int = 24) -> str:
    return doc.text[max(0, pos - n) : pos]


def orgs_in(doc: Doc, s: int, e: int) -> list[OrgSpan]:
    i = bisect.bisect_left(doc.org_starts, s)
    out: list[OrgSpan] = []
    while i < len(doc.orgs) and doc.orgs[i].start() < e:
        o = doc.orgs[i]
        if o.end() <= e and is_free(doc, o.start(), o.end()):
            out.append(o)
        i += 1
    return out

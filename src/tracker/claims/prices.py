"""Candidates for price_input / price_output, from the rule tables in rules.py."""

from __future__ import annotations

import re

from . import rules as R
from .document import PRICE_KEY, Doc, Found, Spans, scan, text_before
from .linking import pick
from .subject import topic_of
from .values import (
    per_million,
)

_SAME_PRICE_AFTER = re.compile(
    r"[^.;]{0,60}?,\s+(?:the\s+)?same\s+(?:list\s+)?(?:price|pricing)\s+as\s+(?:the\s+)?(?:older\s+|earlier\s+)?"
)
_PRICE_LEAD = re.compile(r"\b(?:[Tt]he|[Ii]ts)\s+(?:API|list\s+price|price|pricing)\b")


# "$0.028 per million input tokens on a cache hit", "$0.07 (cached)"
_CACHE_HIT_AFTER = re.compile(
    r"[^.;$]{0,25}?\b(?:on\s+(?:a\s+)?cache\s+hits?|cache[ds]?\s+hits?|\(cached\))", re.I
)


# Words that make a model-less price sentence about others ("competitors charge $2 ...")
_OTHERS = re.compile(
    r"\b(?:competitors?|rivals?|others?|average|typical|industry|market|most|many|cheapest|comparable|alternatives?|"
    r"previous|predecessor|older|earlier|batch|cached|cache|tiers?|plans?|subscriptions?|seats?)\b",
    re.IGNORECASE,
)


def find_prices(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    seen = Spans(len(doc.text))

    def add(attr: str, price: str, unit: str | None, s: int, e: int, anchor: int) -> None:
        if R.PRICE_EXCLUDE_BEFORE.search(text_before(doc, anchor, 20)) or _CACHE_HIT_AFTER.match(text, e):
            return  # a cached-input price is not annotated (GUIDELINES convention 4)
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
            # "Headline numbers: $150 per 1M input tokens": a price line of the page's model, none else named
            or (not sent.mentions and not _OTHERS.search(text, sent.start, sent.end))
        )
        targets = pick(doc, s, e, allow_topic=pronoun)
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

    for m in scan(doc, R.PRICE_PAIR, PRICE_KEY):
        io = m.group("io")
        context = text[max(0, m.start() - 300) : m.start()].lower()
        tiers = _ONE_DIRECTION_AFTER.match(text, m.end())
        if not io and tiers:  # "$0.14/$0.28 input": two tiers of one direction (GUIDELINES convention 4)
            attr = "price_input" if tiers.group(1).lower() in ("input", "prompt") else "price_output"
            seen.append((m.start(), tiers.end()))
            add(attr, m.group("a"), m.group("unit"), m.start(), tiers.end(), m.start())
            add(attr, m.group("b"), m.group("unit"), m.start(), tiers.end(), m.start())
            continue
        if not io and "input/output" not in context and "input and output" not in context:
            continue
        seen.append((m.start(), m.end()))
        add("price_input", m.group("a"), m.group("unit"), m.start(), m.end(), m.start())
        add("price_output", m.group("b"), m.group("unit"), m.start(), m.end(), m.start())
    for m in scan(doc, R.PRICE_RESPECTIVELY, PRICE_KEY):
        context = text[max(0, m.start() - 300) : m.start()].lower()
        i, o = context.rfind("input"), context.rfind("output")
        if 0 <= i < o:  # the order the earlier prices were given in
            seen.append((m.start(), m.end()))
            add("price_input", m.group("a"), m.group("unit"), m.start(), m.end(), m.start())
            add("price_output", m.group("b"), m.group("unit"), m.start(), m.end(), m.start())
    for pattern in R.PRICE_PATTERNS:
        for m in scan(doc, pattern, PRICE_KEY):
            if seen.covers(m.start("p")):
                continue
            direction = m.group("dir").lower()
            attr = "price_input" if direction in ("input", "prompt") else "price_output"
            unit = m.groupdict().get("unit")
            anchor = m.start() if text[m.start()] == "$" else m.start("p") - 1
            change = _PRICE_CHANGE.search(text, max(0, m.start() - 24), m.start())
            if change is not None:
                _price_change(doc, out, seen, change, m, attr, unit)
                continue
            add(attr, m.group("p"), unit, m.start(), m.end(), anchor)
    return out


_ONE_DIRECTION_AFTER = re.compile(r"\s+(input|output|prompt|completion)\b(?!\s*/)", re.I)

# "the 4x price increase from Haiku 3.5 ($0.25→$1/M input)": an old price, an arrow, the new one
_PRICE_CHANGE = re.compile(r"\$\s?(?P<old>\d+(?:\.\d+)?)\s*(?:→|->|⇒)\s*$")


def _price_change(
    doc: Doc,
    out: list[Found],
    seen: Spans,
    change: re.Match[str],
    m: re.Match[str],
    attr: str,
    unit: str | None,
) -> None:
    """A price change: the old price is the model it changed from ("from X"), the new one the subject's."""
    text = doc.text
    sent = doc.sentence_of(m.start())
    before = [x for x in sent.mentions if x.end <= change.start()]
    old_owner = [x for x in before if re.search(r"\bfrom\s+$", text[max(sent.start, x.start - 6) : x.start])]
    subject = [x for x in before if x not in old_owner][:1] or (
        [topic] if (topic := topic_of(doc, sent.start)) else []
    )
    try:
        old, new = per_million(change.group("old"), unit), per_million(m.group("p"), unit)
    except ValueError:
        return
    if old_owner:
        out.append(Found(attr, old, change.start(), m.end(), [old_owner[-1]]))
    if subject and subject[0] not in old_owner:
        out.append(Found(attr, new, change.start(), m.end(), [subject[0]]))
    seen.append((change.start(), m.end()))

"""Candidates for context_window, from the rule tables in rules.py."""

from __future__ import annotations

import re

from . import rules as R
from .document import CONTEXT_KEY, Doc, Found, Spans, is_free, scan, text_before
from .linking import pick
from .mentions import ModelMention
from .values import (
    magnitude,
)


def _context_value(m: re.Match[str]) -> int | float | None:
    try:
        value = magnitude(m.group("num"), m.group("scale"))
    except (ValueError, IndexError):
        return None
    if value < 1000 or value > 1e8:
        return None
    return value


_VARIANT_NAMED_AFTER = re.compile(r"\s+(?:sibling|variant|version|edition)\s+")
_CONTEXT_LABEL = re.compile(r"(?im)^(?=[\W_]{0,4}(?:context|context\s+window|context\s+length)\s*[.:]\s)")


def find_contexts(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    seen = Spans(len(doc.text))
    context_sentences: set[int] = set()

    def ok(m: re.Match[str], soft: bool = False) -> bool:
        s, e = m.start(), m.end()
        if seen.overlaps(s, e) or not is_free(doc, m.start("num"), m.end("num")):
            return False
        if R.CONTEXT_EXCLUDE_BEFORE.search(
            text_before(doc, m.start("num"), 30)
        ) or R.CONTEXT_EXCLUDE_AFTER.match(text, m.end()):
            return False
        if not soft and R.CONTEXT_BOUND.search(text_before(doc, m.start("num"))):
            return False
        range_after = re.match(r"\s*(?:[-–]|to)\s*\d", text[m.end("num") : m.end("num") + 6])
        unnamed = re.match(r"\s*(?:variants|versions|models)\b", text[e : e + 12])  # "200K-token variants"
        return not (range_after or unnamed)

    for i, pattern in enumerate([*R.CONTEXT_PATTERNS, R.CONTEXT_REQUEST, R.CONTEXT_CAN]):
        for m in scan(doc, pattern, CONTEXT_KEY):
            if not ok(m):
                continue
            value = _context_value(m)
            if value is None:
                continue
            if i == 2 and not (
                m.group("tok") or m.group("scale") or re.match(r"\bcontext\s*(?::|\d)", m.group(0), re.I)
            ):
                continue
            if i == 1 and re.search(r"\bw/\s*$", text_before(doc, m.start())):
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
                # a spec fragment that is the value ("... 123B dense parameters. 128K context. Apache 2.0.")
                or not text[sent.start : m.start()].strip()
            )
            anchor = m.start("num") if i >= 2 else m.start()
            # "the 1M-context sibling extends GLM-4-9B-Chat-1M": a variant named right after its window
            kin = _VARIANT_NAMED_AFTER.match(text, m.end())
            after = [
                x
                for x in sent.mentions
                if kin
                and x.start >= kin.end()
                and re.fullmatch(r"(?:\w+\s+){0,2}", text[kin.end() : x.start])
            ]
            targets: list[ModelMention | str] = [*after[:1]] or pick(
                doc, anchor, m.end(), allow_topic=strong or pronoun
            )
            if targets:
                out.append(Found("context_window", value, m.start(), m.end(), targets))
                seen.append((m.start(), m.end()))
                context_sentences.add(sent.start)
    labelled = {m.start() for m in _CONTEXT_LABEL.finditer(text)}  # paragraphs opening "Context. ..."
    low = doc.low if len(doc.low) == len(text) else text.lower()
    for sent in doc.sentences:
        # the sentence speaks of context, or its paragraph opens with that label ("Context. X reads ...")
        speaks = "context" in low[sent.start : sent.end] and re.search(
            r"\bcontext\b", low[sent.start : sent.end]
        )
        if not (speaks or (labelled and text.rfind("\n", 0, sent.start) + 1 in labelled)):
            continue
        for m in R.CONTEXT_SOFT.finditer(text, sent.start, sent.end):
            if not ok(m, soft=True):
                continue
            value = _context_value(m)
            if value is None:
                continue
            targets = pick(doc, m.start("num"), m.end(), allow_topic=False)
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

"""Candidates for parameters_total / parameters_active, from the rule tables in rules.py."""

from __future__ import annotations

import re

from . import rules as R
from .document import PARAM_KEY, Doc, Found, Spans, is_free, scan, text_before
from .linking import pick
from .mentions import ModelMention
from .subject import topic_of
from .values import (
    magnitude,
)

# Variant words that name a tuning of one size, not a line of sizes ("Llama-2-Chat" sizes are Llama-2 sizes)
_TUNING = r"(?:chat|instruct|base|it|hf|preview|thinking|reasoning|latest)"


_BRACKET_GAP = re.compile(r"\s*(?:(?:model\s+)?(?:series|family|line|models)\s*)?")
_ALONE_ON_LINE = re.compile(r"\s*~?\d+(?:\.\d+)?\s?(?:B|billion)\s+param(?:eter)?s\s*")
_SUBJECT_AFTER = re.compile(r",\s+(?:the|this)\s+(?:new\s+)?(?:[\w-]+\s+){0,2}?model\b")


def _both_counts(doc: Doc, m: re.Match[str], seen: Spans, out: list[Found], *, first: str) -> None:
    """Total and active counts from one phrase: num / scale hold the `first` kind, anum / ascale the other."""
    if not is_free(doc, m.start(), m.end()) or seen.covers(m.start()):
        return
    targets = pick(doc, m.start(), m.end(), allow_topic=True)
    if not targets:
        return
    second = "parameters_total" if first == "parameters_active" else "parameters_active"
    for kind, num, scale in ((first, "num", "scale"), (second, "anum", "ascale")):
        out.append(Found(kind, magnitude(m.group(num), m.group(scale)), m.start(), m.end(), targets))
    seen.append((m.start(), m.end()))


def size_family(canonical: str) -> str:
    """The name a list of sizes attaches to ("Qwen2.5-VL-7B-Instruct" -> "Qwen2.5-VL")."""
    name = re.sub(rf"(?i)-{_TUNING}(?=-|$)", "", canonical)
    return re.sub(r"-\d+(?:\.\d+)?[BbMm](?=-|$)", "", name)


def find_parameters(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []
    seen = Spans(len(doc.text))

    def add(
        m: re.Match[str], kind: str, *, allow_topic: bool, models: list[ModelMention | str] | None = None
    ) -> None:
        s, e = m.start("num"), m.end()
        if not is_free(doc, s, m.end("scale")) or seen.covers(s) or "\n" in text[s:e]:
            return  # a figure and the words of the next line ("312B\nActive parameters") are not one phrase
        if (
            R.BOUND_BEFORE.search(text_before(doc, s))
            or R.PER_EACH_AFTER.match(text, e)
            or R.RANGE_AFTER.match(text[e : e + 6])
        ):
            return
        value = magnitude(m.group("num"), m.group("scale"))
        if value < 1e8:
            return
        seen.append((m.start(), e))
        targets = models if models is not None else pick(doc, s, e, allow_topic=allow_topic)
        if targets:
            out.append(Found(kind, value, m.start(), e, targets))

    for m in scan(doc, R.PARAMS_ACTIVATING, PARAM_KEY):
        add(m, "parameters_active", allow_topic=True)
    # one figure for both counts: "10B of the 230B parameters are active" (the part first), "106B-A12B" and
    # "236B / 21B active" (the whole first)
    for m in scan(doc, R.PARAMS_PART_ACTIVE, PARAM_KEY):
        _both_counts(doc, m, seen, out, first="parameters_active")
    for m in scan(doc, R.PARAMS_ARE_ACTIVE, PARAM_KEY):
        add(m, "parameters_active", allow_topic=True)
    for m in [*scan(doc, R.PARAMS_MOE_FORM, PARAM_KEY), *scan(doc, R.PARAMS_SLASH, PARAM_KEY)]:
        _both_counts(doc, m, seen, out, first="parameters_total")
    size_lists = [*scan(doc, R.PARAMS_SIZES, PARAM_KEY), *scan(doc, R.PARAMS_SIZES_AFTER, PARAM_KEY)]
    size_lists += scan(doc, R.PARAMS_SIZES_LABEL, PARAM_KEY)
    size_lists += scan(doc, R.PARAMS_SIZES_SUSPENDED, PARAM_KEY)
    size_lists += scan(doc, R.PARAMS_SIZES_EACH, PARAM_KEY)
    owner: dict[int, ModelMention] = {}  # bracketed sizes: the family named right before them
    for m in scan(doc, R.PARAMS_SIZES_BRACKET, PARAM_KEY):
        # only right after the family's name: "the Dunmore 3 series (4B and 16B parameters)"
        before = [
            x for x in doc.sentence_of(m.start()).mentions if _BRACKET_GAP.fullmatch(text, x.end, m.start())
        ]
        if before:
            size_lists.append(m)
            owner[m.start()] = before[-1]
    for m in sorted(size_lists, key=lambda x: x.start()):
        if seen.overlaps(m.start("list"), m.end("list")):
            continue
        base = [owner[m.start()]] if m.start() in owner else pick(doc, m.start(), m.end(), allow_topic=True)
        if not base or isinstance(base[0], str):
            continue
        # the family the sizes belong to: the model's name without a size of its own ("Qwen2.5-VL")
        family = size_family(base[0].canonical)
        for n in re.finditer(r"(\d+(?:\.\d+)?)\s?(?:billion|B)?", m.group("list")):
            if not n.group(1):
                continue
            size = f"{n.group(1)}B"
            value = magnitude(n.group(1), "B")
            out.append(Found("parameters_total", value, m.start("list"), m.end(), [f"{family}-{size}"]))
        seen.append((m.start(), m.end()))
    for m in scan(doc, R.PARAMS_LARGEST, PARAM_KEY):
        topic = topic_of(doc, m.start())
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
    for m in scan(doc, R.PARAMS, PARAM_KEY):
        kind_word = (m.group("kind") or "").lower()
        window = text[m.end() : m.end() + 30].lower()
        # "10B of the 230B parameters are active": the figure after "of the" is the whole
        whole = bool(re.search(r"\bof\s+(?:the|its|their)\s+$", text_before(doc, m.start(), 12)))
        if kind_word.startswith("activ") or (
            not whole and re.match(r"^\s*(?:\([^)]*\)\s*)?(?:are\s+|is\s+)?activ", window)
        ):
            kind = "parameters_active"
        else:
            kind = "parameters_total"
        sent = doc.sentence_of(m.start())
        # a spec card's line holding only the figure ("7B parameters") is about the page's model
        alone = _ALONE_ON_LINE.fullmatch(text, sent.start, sent.end) is not None
        strong = bool(kind_word) or "total" in window[:12] or alone
        pronoun = bool(
            R.PRONOUN_START.match(text, sent.start)
            or R.SUBJECTLESS_START.match(text, sent.start)
            or R.ANAPHOR.search(text, sent.start, m.start())
            # "With 12 billion parameters, the multimodal model ...": the subject comes after the figure
            or _SUBJECT_AFTER.match(text, m.end())
        )
        add(m, kind, allow_topic=strong or pronoun)
    for m in scan(doc, R.PARAMS_KIND, PARAM_KEY):
        kind = "parameters_active" if m.group("kind").lower().startswith("activ") else "parameters_total"
        add(m, kind, allow_topic=True)
    for m in scan(doc, R.PARAMS_PAREN, PARAM_KEY):
        sent = doc.sentence_of(m.start())
        prev = [x for x in sent.mentions if x.end <= m.start()]
        if (
            prev
            and re.fullmatch(r"\s*", text[prev[-1].end : m.start()])
            and not text[m.end() : m.end() + 2].lstrip().startswith(":")
        ):
            add(m, "parameters_total", allow_topic=False, models=[prev[-1]])
    for m in scan(doc, R.PARAMS_LINE_MODEL, PARAM_KEY):
        line_start = text.rfind("\n", 0, m.start()) + 1
        named = [x for x in doc.mentions if x.start == line_start and x.end == m.start()]
        if named:
            add(m, "parameters_total", allow_topic=False, models=[named[0]])
    for m in scan(doc, R.PARAMS_MODEL, PARAM_KEY):
        # "runs in memory like a 4B model", "larger than a 70B model": a yardstick, not this model's size
        if re.search(r"\b(?:like|than|as|to|of)\s+$", text_before(doc, m.start(), 12)):
            continue
        add(m, "parameters_total", allow_topic=False)
    return out

# ruff: noqa: E501 - regexes read best one per line
"""The linking stage: which model(s) a value belongs to (nearest mention, comparisons, fan-out to "both", coordination)."""

from __future__ import annotations

import re

from . import rules as R
from .document import Doc, Sentence
from .mentions import ModelMention
from .subject import topic_of

_COMPARED = re.compile(
    r"\b(?:than|versus|vs\.?|compared\s+(?:with|to)|relative\s+to|against|like|such\s+as|over|beating|beats|"
    r"outperform(?:s|ed|ing)?|surpass(?:es|ed|ing)?|ahead\s+of|behind|trailing|trails|topping|"
    r"edg(?:es|ed|ing)\s+out|outscor(?:es|ed|ing)|best(?:s|ed|ing)|matching|matches|"
    r"upgrade\s+(?:to|over|on|from)|improvement\s+(?:over|on)|successor\s+(?:to|of)|"
    r"(?:doubl|tripl)(?:e|es|ed|ing)\s+(?:the\s+)?(?:score|result|performance)s?\s+of)\s+"
    r"(?:the\s+|an?\s+|both\s+|all\s+|either\s+)?(?:earlier\s+|previous\s+|older\s+|original\s+)?(?:\w+['’]s\s+)?$"
)
# "128K tokens, a step up from the 8K tokens of the previous Llama 3": the model after the comparison's
# own value is a comparison object; it owns that value, not the subject's
_COMPARED_VALUE = re.compile(
    r"\b(?:up\s+from|down\s+from|compared\s+(?:with|to)|versus|vs\.?|than|relative\s+to)\s+(?:the\s+|an?\s+)?"
    r"[$€£]?\d[\d.,]*\s?(?:[KkMmBb%]\b|[a-z]+\b)?(?:\s+[a-z]+){0,3}\s+(?:of|for|in|on|with|from)\s+"
    r"(?:the\s+|its\s+|an?\s+)?(?:\w+['’]s\s+)?(?:(?:previous|prior|earlier|older|original|last|first|predecessor|"
    r"outgoing)\s+)?$"
)


_COMPANION_BEFORE = re.compile(r"\b(?:alongside|along\s+with|together\s+with)\s+(?:the\s+|its\s+)?$")


def pick(
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
    targets = _pick(
        doc,
        vs,
        ve,
        allow_topic=allow_topic,
        after_first=after_first,
        max_gap=max_gap,
        allow_after=allow_after,
    )
    return [member for t in targets for member in _members(doc, t)]


_MEMBERS_OPEN = re.compile(r"\s*(?:—|–|:|\(|, namely)\s*")


def _members(doc: Doc, target: ModelMention | str) -> list[ModelMention | str]:
    """A family written with its members ("Claude 4—Opus 4 and Sonnet 4") stands for the members."""
    if isinstance(target, str):
        return [target]
    opened = _MEMBERS_OPEN.match(doc.text, target.end)
    if opened is None:
        return [target]
    sent = doc.sentence_of(target.start)
    members = [m for m in sent.mentions if m.start >= opened.end()]
    if not members or members[0].start != opened.end():
        return [target]
    group = _coordinated_after(doc.text, members)
    brand = target.canonical.split("-")[0].lower()
    if len(group) >= 2 and all(m.canonical.split("-")[0].lower() == brand for m in group):
        return list(group)
    return [target]


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
    text = doc.text
    sent = doc.sentence_of(vs)
    ms = [m for m in sent.mentions if not (m.start <= vs < m.end)]
    # "cheaper than GPT-4 Turbo, at $5": the object of a comparison does not own the value
    before = not_compared(doc, sent, [m for m in ms if m.end <= vs])
    after = not_compared(doc, sent, [m for m in ms if m.start >= ve])
    # "released in July alongside Zephyr-V and Zephyr-X": companions do not own a value said before them
    for i, m in enumerate(after):
        if _COMPANION_BEFORE.search(text, max(ve, m.start - 30), m.start):
            after = after[:i]
            break

    owner = _comparison_object(doc, sent, vs, ve)
    if owner is not None:  # "..., up from the 8K tokens of Llama 3": the comparison's own value
        return [owner]
    fan = _fanout(doc, sent, vs, before)
    if fan:
        return list(fan)
    if not before and allow_topic and R.ANAPHOR.search(text, sent.start, vs):
        topic = topic_of(doc, vs)
        if topic is not None:
            return [topic]
    if after_first and after and after[0].start - ve <= 60:
        return list(_coordinated_after(text, after))
    if before and vs - before[-1].end <= max_gap:
        return list(_coordinated(text, before))
    if not before and allow_topic and R.SUBJECTLESS_START.match(text, sent.start):
        # "Priced at $2.50 ..., with OpenAI recommending GPT-4.1": a subjectless sentence is about the topic
        topic = topic_of(doc, vs)
        if topic is not None:
            return [topic]
    if allow_after and after and after[0].start - ve <= max_gap:
        return list(_coordinated_after(text, after))
    if allow_topic:
        topic = topic_of(doc, vs)
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


_IN_THE_SERIES = re.compile(r"\bin\s+the\s+(?:series|family|line)", re.I)


def _fanout(doc: Doc, sent: Sentence, vs: int, before: list[ModelMention]) -> list[ModelMention | str]:
    """Fan-out cues ("both models", "the models", "both with 1M context"): one claim per variant."""
    cues = doc.fanout.get(sent.start)
    if cues is None:  # once per sentence
        cues = doc.fanout[sent.start] = list(R.FANOUT.finditer(doc.text, sent.start, sent.end))
    cue = None
    for hit in cues:
        if hit.end() <= vs:
            cue = hit
        elif (
            cue is None
            and hit.start() > vs
            and re.fullmatch(r"[^,;.\n]{0,25}\b(?:for|in|on|across)\s+", doc.text[vs : hit.start()])
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
    base = nearest or topic_of(doc, vs)
    if nearest is None and _IN_THE_SERIES.search(cue.group(0)):
        prev = _previous_models(doc, sent)  # "All models in the series": the series just named
        base = prev[0] if prev else base
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
        ms = not_compared(doc, prev, prev.mentions)
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


def not_compared(doc: Doc, sent: Sentence, ms: list[ModelMention]) -> list[ModelMention]:
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


_LIST_GAP = re.compile(r"\s*(?:,|and|&|or|/|, and|,\s*and)\s*")  # "/": "Grok 3/4"
_FRONTED_CONTRAST = re.compile(r"\b(?:[Uu]nlike|[Ll]ike|[Aa]s\s+with)\s+(?:\w+['’]s\s+)?$")


# "edges out OpenAI's GPT-4o and Google's Gemini 2.0 Flash": a listed comparison object may carry its owner
_COMPARED_GAP = re.compile(r"\s*(?:,|and|&|or|, and|,\s*and)\s*(?:[A-Z][\w.-]*['’]s\s+)?")

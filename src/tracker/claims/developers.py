"""Candidates for developer: possessives, launch verbs, "developed by", appositions, infobox fields."""

from __future__ import annotations

import re

from . import rules as R
from .document import Doc, Found, orgs_in
from .mentions import ModelMention
from .orgs import OrgSpan, canonical_org
from .subject import topic_of

_ORG_AND = re.compile(r"\s+(?:and|&)\s+")
_MAKER_OPENER = re.compile(
    r"\W{0,4}(?:Developed|Built|Created|Made|Released|Trained|Published)\s+by\s+(?:the\s+)?"
)
_FAMILY_PREDICATE = re.compile(
    r"\s+(?:is|was|refers\s+to)\s+(?:an?|the)\s+(?:[^.;\n]{0,40}?\s)?(?:family|series|line-?up)\s+of\b"
)
_SERIES_AFTER = re.compile(r"\s+(?:model\s+)?(?:series|family|lineup|line-up|line|generation)\b")
_ITS_BEFORE = re.compile(r"\bits\s+(?:[\w-]+\s+){0,4}(?:codenamed\s+|called\s+|named\s+)?[“\"]?$")
_KIN = re.compile(r"\b(?:predecessors?|successors?|rivals?|competitors?|peers?)\b")
_ITS_MODEL_AFTER = re.compile(r"\s*(?:[—–,]|\s-)\s*its\s+(?:[\w-]+\s+){0,4}(?:model|LLM)\b")
_LISTED = re.compile(r"\s*(?:,|and|&|, and|or)\s*")
# "... released the Qwen2 series. This series includes five sizes: ..."
_SERIES_GOES_ON = re.compile(
    r"\W{0,3}(?:This|The|These|Its|Their)\s+(?:[\w-]+\s+){0,2}?(?:series|family|lineup|line-up|models)\s+"
    r"(?:includes?|comprises?|consists?\s+of|spans?|covers?|contains?|offers?|comes?\s+in)\b"
)


def share_with_members(doc: Doc, makers: list[Found], *, same_sentence: bool = True) -> list[Found]:
    """The maker (or release date) of a series is that of each member the text names with it.

    "Acme released the Zephyr series. This series includes Zephyr-2B and Zephyr-9B": members named
    in the sentence, or in the next one when it goes on about the series. (Sizes given only as a list,
    "Zephyr in 2B and 7B sizes", stay with the family: annotators split on them.)
    """
    text = doc.text
    out: list[Found] = []
    for f in makers:
        m = f.models[0]
        if isinstance(m, str):
            continue
        # "Zephyr refers to the family of small models ... The family includes Zephyr 3B and Zephyr 8B"
        named_family = bool(_FAMILY_PREDICATE.match(text, m.end))
        if not named_family and not _SERIES_AFTER.match(text, m.end):
            continue
        k = doc.sentence_index(m.start)
        sentences = [doc.sentences[k]]
        goes_on = k + 1 < len(doc.sentences) and bool(_SERIES_GOES_ON.match(text, doc.sentences[k + 1].start))
        if goes_on:
            sentences.append(doc.sentences[k + 1])
        prefix = m.canonical + "-"
        seen: set[str] = set()
        for sent in sentences:
            listed = goes_on and sent is sentences[-1] and len(sentences) == 2
            if not listed and not same_sentence:
                continue  # a date: "debuted in May, later enhanced with Zephyr 1.1" is not the member's
            for member in sent.mentions:
                member_of = member.canonical.startswith(prefix) or (
                    listed and _brand(member) == _brand(m) and member.canonical != m.canonical
                )
                if member.start > m.end and member_of and member.canonical not in seen:
                    seen.add(member.canonical)
                    later = member.start > f.end and sent is not sentences[0]
                    span_end = f.end if later else max(f.end, member.end)
                    out.append(Found(f.attribute, f.value, f.start, span_end, [member]))
    return out


def _opening(doc: Doc, start: int, before: int) -> int:
    """Where a sentence's own words begin: after the page's dateline when the sentence opens with it."""
    for bs, be in doc.blocked:
        if start <= bs < be <= before and bs - start <= 12:
            return be
    return start


def _brand(m: ModelMention) -> str:
    return re.split(r"[-\d]", m.canonical, maxsplit=1)[0].lower()


def find_developers(doc: Doc) -> list[Found]:
    text = doc.text
    out: list[Found] = []

    def add(org: OrgSpan, mention: ModelMention | str, s: int, e: int) -> None:
        out.append(Found("developer", canonical_org(org.group(0)), s, e, [mention]))

    prev_orgs: list[OrgSpan] = []
    for sent in doc.sentences:
        orgs = orgs_in(doc, sent.start, sent.end)
        ms = sent.mentions
        for o in orgs:
            # (a) "Google's Gemini 3.1 Pro", "Meta's plans for Llama 3", "DeepSeek's early V2 and V3 releases"
            for m in ms:
                if m.start <= o.end() or m.start - o.end() > 50:
                    continue
                gap = R.POSSESSIVE_GAP.match(text[o.end() : m.start])
                if (
                    gap
                    and not R.POSSESSIVE_BAD.search(gap.group("gap"))
                    and not orgs_in(doc, o.end(), m.start)
                ):
                    add(o, m, o.start(), m.end)
                    # "Zhipu AI and THUDM's GLM-4-9B-Chat": both makers own it
                    for partner in orgs:
                        if partner.end() < o.start() and _ORG_AND.fullmatch(text, partner.end(), o.start()):
                            add(partner, m, partner.start(), m.end)
                    last = m
                    for nxt in ms:
                        # "Acme's Zephyr 2 and Zephyr 3"; not another brand ("OpenAI's GPT-4o and Claude")
                        if (
                            nxt.start > last.end
                            and re.fullmatch(r"\s*(?:,|and|&|, and)\s*", text[last.end : nxt.start])
                            and _brand(nxt) == _brand(m)
                        ):
                            add(o, nxt, o.start(), nxt.end)
                            last = nxt
                    # "Anthropic's Claude 4 series ... when Claude Sonnet 4 and Claude Opus 4 launched":
                    # the members named in the same sentence share the series' maker
                    if _SERIES_AFTER.match(text, m.end):
                        for member in ms:
                            if (
                                member.start > m.end
                                and _brand(member) == _brand(m)
                                and not orgs_in(doc, m.end, member.start)
                            ):
                                add(o, member, o.start(), member.end)
                break
            # (b) "DeepSeek released R1", "TII has introduced the Falcon 180B model"
            verb = R.DEV_VERB.search(text, o.end(), min(sent.end, o.end() + 160))
            if (
                verb
                and not orgs_in(doc, o.end(), verb.start())
                and not any(o.end() <= m.start < verb.start() for m in ms)
            ):
                stop = R.DEV_STOP.search(text, verb.end(), sent.end)
                limit = stop.start() if stop else sent.end
                launched: list[ModelMention] = []
                for m in ms:
                    if (
                        verb.end() <= m.start < limit
                        and m.start - verb.end() <= 220
                        and not orgs_in(doc, verb.end(), m.start)
                    ):
                        # the first model named, then its siblings: the same brand, or listed right after it
                        listed = bool(launched) and bool(_LISTED.fullmatch(text, launched[-1].end, m.start))
                        if not launched or listed or _brand(m) == _brand(launched[0]):
                            add(o, m, o.start(), m.end)
                            launched.append(m)
            # (c) "Llama 2 was released by Meta AI", "developed by Mosaic under its parent company Databricks"
            prior = [m for m in ms if m.end <= o.start()]
            if prior:
                m = prior[-1]
                between = text[m.end : o.start()]
                if len(between) <= 160 and (
                    re.search(
                        r"\b(?:developed|released|built|created|made|introduced|launched|unveiled|trained|published)\b"
                        r"[^.;]{0,60}?\bby\s+(?:the\s+)?(?:[\w-]+\s+){0,3}\[*$",
                        between,
                    )
                    or re.search(r"\bdeveloped\s+by\b[^.;]{0,40}under\s+its\s+parent\s+company\s+$", between)
                    # "Llama 3.1 from Meta", "Qwen3, the newest model family from Alibaba"
                    or re.fullmatch(
                        r"\s+(?:from|by|of)\s+\[*|(?:,|\s+(?:is|was))\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,4}(?:model|models|LLM|family|series|release)\s+(?:from|by)\s+"
                        r"|\s+(?:[\w-]+\s+){0,2}(?:model|models|LLM)\s+(?:from|by)\s+",
                        between,
                    )
                ):
                    add(o, m, m.start, o.end())
                # (d) "Codestral is Mistral's first code model", "... - it remains Anthropic's model"
                # (an apposition "Gemini 2.5, Google's newest model" is not read: with no brand table
                # nothing tells a maker from a rival there)
                elif re.fullmatch(
                    r"\s+(?:is|was|remains)\s+(?:still\s+|also\s+)?|\s+is\s[^.;]{0,40}\bit\s+(?:is|remains)\s+",
                    between,
                ) and re.match(r"(?:['’]|[^\x00-\x7f])s\b", text[o.end() : o.end() + 2]):
                    add(o, m, m.start, o.end() + 2)
                # "Snowflake Arctic is an open ... model that Snowflake released"
                elif re.fullmatch(
                    r"\s+(?:is|was)\s+(?:an?|the)\s[^.;]{0,80}\bthat\s+", between
                ) and R.DEV_VERB.match(text, o.end() + 1):
                    add(o, m, m.start, o.end())
            # (e) "DeepSeek, ..., shook the market with its R1 reasoning model"
            if orgs and o is orgs[0] and o.start() - _opening(doc, sent.start, o.start()) <= 40:
                for m in ms:
                    if m.start <= o.end() or orgs_in(doc, o.end(), m.start):
                        continue
                    its = _ITS_BEFORE.search(text, max(o.end(), m.start - 70), m.start)
                    # "its predecessors Grok 3 and Grok 4" after "Grok 5": that model's kin, not the maker's
                    owned = bool(its and not _KIN.search(its.group(0)))
                    # "xAI ... confirmed that Grok 5—its next-generation large language model"
                    named_first = not any(o.end() <= x.start < m.start for x in ms)
                    if owned or (named_first and _ITS_MODEL_AFTER.match(text, m.end)):
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
        # "Developed by TII, it utilizes ...": a sentence opening with its maker is about the topic
        opener = _MAKER_OPENER.match(text, sent.start)
        if opener and not ms:
            first = [o for o in orgs if o.start() == opener.end()]
            topic = topic_of(doc, sent.start) if first else None
            if topic is not None:
                add(first[0], topic, sent.start, first[0].end())
        # (g) infobox "DevelopersMosaic ML and Databricks team"
        head = R.INFOBOX_DEVELOPER.match(text, sent.start)
        if head and doc.main is not None:
            for o in orgs:
                if o.start() >= head.end() and o.start() - head.end() < 60:
                    # "Developed by Alibaba Cloud, Qwen2.5-Max": the model named next; an infobox: the lead
                    named = [
                        m
                        for m in ms
                        if m.start >= o.end()
                        and m.start - o.end() <= 60
                        and not orgs_in(doc, o.end(), m.start)
                    ]
                    add(o, named[0] if named else doc.main, sent.start, named[0].end if named else o.end())
        prev_orgs = orgs
    return out

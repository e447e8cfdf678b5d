# ruff: noqa: E501 - vocabulary tables and regexes read best one entry per line
"""Organisations that build models, found by how the text speaks of them (no catalog gate).

An organisation is a capitalised name that the article uses as a maker: with an organisation word
("Acme AI", "Borealis Labs", "the Tarnwick Institute"), as the subject of a launch verb ("Quillon
released ..."), as the owner of a model ("Quillon's Zephyr-9"), after "developed by" / "from", or in a
"Developer:" field. Once the article has used a name that way, every other place it appears is an
organisation too. The table of known organisations is a prior for spelling ("Meta AI" -> "Meta"),
never a gate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..vocab import ORG_CANONICAL
from .names import NOT_BRANDS

# Words that make a capitalised phrase an organisation's name.
ORG_WORDS = r"(?:AI|Labs?|Research|Technologies|Technology|Inc\.?|Corp\.?|Corporation|Institute|Intelligence|Systems|Cloud|Foundation|Group|Company|DeepMind|University|Academy|Computing|Robotics)"
_TOKEN = r"[A-Z][\w.&]*(?:-[A-Z][\w.&]*)*"
_NAME = rf"{_TOKEN}(?:[ \t]+{_TOKEN}){{0,3}}"  # one line: a heading above is not part of the name
# Adjectives that precede "AI" in ordinary prose ("generative AI").
_NOT_ORG_LEAD = frozenset(
    [
        "generative",
        "conversational",
        "responsible",
        "artificial",
        "open",
        "agentic",
        "physical",
        "enterprise",
        "frontier",
        "general",
        "applied",
        "safe",
        "sovereign",
        "edge",
        "embodied",
        "explainable",
        "ethical",
        "trustworthy",
        "multimodal",
        "narrow",
        "strong",
        "weak",
        "modern",
        "chinese",
        "american",
        "european",
        "french",
        "western",
        "new",
        "next",
        "our",
        "your",
        "their",
        "its",
        "his",
        "her",
        "vertex",
        "apple",
        "gemini",
        "copilot",
        "bing",
    ]
)
# Words that start a sentence but are not part of a name.
_LEADING_NOISE = frozenset(
    [
        "yesterday",
        "today",
        "tomorrow",
        "now",
        "meanwhile",
        "earlier",
        "later",
        "recently",
        "also",
        "however",
        "still",
        "then",
        "finally",
        "first",
        "last",
        "next",
        "this",
        "that",
        "these",
        "those",
        "the",
        "a",
        "an",
        "its",
        "our",
        "their",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "as",
        "after",
        "before",
        "since",
        "when",
        "while",
        "during",
        "and",
        "but",
        "or",
        "so",
        "per",
        "via",
        "according",
        "unlike",
        "like",
        "both",
        "all",
        "each",
        "every",
        "some",
        "despite",
        "although",
        "though",
        "because",
        "without",
        "amid",
        "whereas",
        "if",
        "once",
        "meanwhile",
        "notably",
        "importantly",
        "crucially",
    ]
)

LAUNCH_VERB = (
    r"(?:has\s+|have\s+|had\s+|just\s+|quietly\s+|officially\s+|today\s+|now\s+|also\s+|finally\s+|recently\s+)*"
    r"(?:released|launched|unveiled|introduced|announced|open-sourced|open\s+sourced|debuted|shipped|rolled\s+out|"
    r"releases|launches|unveils|introduces|announces|open-sources|debuts|ships|rolls\s+out|built|developed|trained|"
    r"published|dropped|detailed|revealed|made\s+available|is\s+releasing|is\s+launching|followed\s+(?:up\s+)?with)\b"
)
_RUN = re.compile(rf"(?<![\w.-]){_NAME}")
_ORG_WORD_END = re.compile(ORG_WORDS)
_AFTER_VERB = re.compile(
    r"\s+(?:(?:should|will|would|could|may|might|is\s+set\s+to|plans\s+to|is\s+expected\s+to)\s+(?:have\s+)?)?"
    + LAUNCH_VERB
)
_AFTER_APPOSITION = re.compile(
    r",\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,6}?(?:company|lab|laboratory|startup|start-up|firm|developer|maker|giant|"
    r"unicorn|group|provider|vendor)\b(?!['’]s)"
)
AFTER_POSSESSIVE_MODEL = re.compile(
    r"['’]s\s+(?:[\w-]+\s+){0,4}?(?i:model|models|LLM|LLMs|flagship|family|lineup|series)\b"  # a title's "Model" too
)
_AFTER_POSSESSIVE = re.compile(r"['’]s\s")
_BEFORE_BY = re.compile(
    r"\b(?i:developed|built|created|made|released|trained|published|introduced|launched|unveiled|designed|"
    r"open-sourced|offered|provided)\s+(?:\w+\s+)?by\s+(?:the\s+)?\[*$"
)
_KIND_OF_COMPANY = re.compile(r"\s+(?:company|start-?up|lab|firm|giant|group|conglomerate|unicorn)\s+[A-Z]")
# "a model from X"; not a person leading an event ("a livestream led by Elon Musk")
_BEFORE_FROM = re.compile(r"(?<!\bled\s)(?<!\bhosted\s)(?<!\bpresented\s)\b(?:from|by)\s+(?:the\s+)?\[*$")
LABEL = re.compile(
    r"(?im)^[\W_]{0,6}(?:Developer|Developers|Developed\s+by|Provider|Creator|Organi[sz]ation|Company|Vendor|Publisher|"
    r"Maker|Made\s+by|Author|Built\s+by|Released\s+by|Lab)(?:\(s\))?[\W_]{0,4}[:|][\W_]{0,6}\[*(?P<org>[A-Za-z][\w.&-]*(?:\s+[A-Z][\w.&-]*){0,3})"
)


@dataclass(frozen=True)
class OrgSpan:
    """One place where the text names an organisation (match-like: start(), end(), group())."""

    s: int
    e: int
    surface: str

    def start(self) -> int:
        return self.s

    def end(self) -> int:
        return self.e

    def group(self, _: int = 0) -> str:
        return self.surface


def canonical_org(surface: str) -> str:
    """'Meta AI' -> 'Meta', 'Mosaic ML' -> 'MosaicML'; other names are returned as written."""
    name = " ".join(surface.split())
    known = ORG_CANONICAL.get(name.lower())
    if known:
        return known
    # a corporate suffix is not part of the name ("Vonun Corp." is Vonun)
    return re.sub(r"(?:,?\s+(?:Corp\.?|Corporation|Inc\.?|Ltd\.?|LLC|Co\.))+$", "", name) or name


def _trim(name: str) -> str | None:
    words = name.split()
    while words and (words[0].lower() in _LEADING_NOISE or words[0].lower() in NOT_BRANDS and len(words) > 1):
        words = words[1:]
    if not words:
        return None
    if words[0].lower() in _NOT_ORG_LEAD or (len(words) == 1 and words[0].lower() in NOT_BRANDS):
        return None
    if words[0].lower() in NOT_BRANDS and words[0].lower() not in ORG_CANONICAL:
        return None
    return " ".join(words)


def find_orgs(text: str, covered: bytearray) -> list[OrgSpan]:
    """Every place the text names an organisation; `covered` marks model mentions (never organisations)."""

    def free(s: int, e: int) -> bool:
        return covered.find(1, s, e) < 0

    names: set[str] = set()

    def take(m: re.Match[str]) -> None:
        if _KIND_OF_COMPANY.match(text, m.end()):
            return  # "the Chinese company DeepSeek": an adjective before the kind of organisation, not its name
        raw = m.group(0).rstrip(".")
        name = _trim(raw)
        if name is None:
            return
        s = m.start() + raw.find(name)
        e = s + len(name)
        if free(s, e):
            names.add(name)

    # Speed: one pass over the runs of capitalised words; each cue is a match anchored at a run's edge.
    for run in _RUN.finditer(text):
        s0, e0 = run.start(), run.end()
        last = run.group(0).split()[-1]
        if (
            _ORG_WORD_END.fullmatch(last)
            and " " in run.group(0)
            or _AFTER_VERB.match(text, e0)
            or _AFTER_APPOSITION.match(text, e0)
            or AFTER_POSSESSIVE_MODEL.match(text, e0)
            or (_AFTER_POSSESSIVE.match(text, e0) and any(covered[e0 : e0 + 62]))
            or (
                (text.rfind("by", max(0, s0 - 10), s0) >= 0 or text.rfind("from", max(0, s0 - 12), s0) >= 0)
                and (
                    _BEFORE_BY.search(text, max(0, s0 - 70), s0)
                    or (_BEFORE_FROM.search(text, max(0, s0 - 12), s0) and any(covered[max(0, s0 - 90) : s0]))
                )
            )
        ):
            take(run)
    for m in LABEL.finditer(text):
        raw = m.group("org")
        if free(m.start("org"), m.end("org")) and raw.lower() not in NOT_BRANDS:
            names.add(raw)
    # "Borealis Labs" once named, "Borealis" alone is the same organisation
    for name in list(names):
        short = re.sub(rf"(?:\s+{ORG_WORDS})+$", "", name)
        if short != name and len(short) >= 3 and short.lower() not in NOT_BRANDS:
            names.add(short)
    # the prior: known organisations need no cue
    low = text.lower()
    for key in ORG_CANONICAL:
        i = low.find(key)
        if i >= 0:
            names.add(text[i : i + len(key)])
    if not names:
        return []
    # every place a found name appears (a literal scan per name, longest first; case is checked after)
    taken = bytearray(len(text) + 1)
    out: list[OrgSpan] = []
    for name in sorted({n.lower() for n in names}, key=len, reverse=True):
        i = low.find(name)
        while i >= 0:
            j = i + len(name)
            before_ok = i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_.-")
            after_ok = j >= len(text) or not (text[j].isascii() and (text[j].isalnum() or text[j] in "_-"))
            if before_ok and after_ok and free(i, j) and not any(taken[i:j]):
                surface = text[i:j]
                # "meta" the word is not Meta; a lower-case name counts only in a labelled field ("Provider: openai")
                if not surface.islower() or LABEL.match(text, text.rfind("\n", 0, i) + 1):
                    out.append(OrgSpan(i, j, surface))
                    taken[i:j] = b"\x01" * (j - i)
            i = low.find(name, i + 1)
    out.sort(key=lambda o: o.s)
    return out

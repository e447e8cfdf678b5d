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

from .names import NOT_BRANDS

# Spelling prior: the organisation names articles use, and the value we store for each.
ORG_CANONICAL: dict[str, str] = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "google": "Google",
    "google deepmind": "Google DeepMind",
    "deepmind": "Google DeepMind",
    "meta": "Meta",
    "meta ai": "Meta",
    "facebook": "Meta",
    "mistral": "Mistral AI",
    "mistral ai": "Mistral AI",
    "deepseek": "DeepSeek",
    "alibaba": "Alibaba",
    "alibaba cloud": "Alibaba",
    "qwen team": "Alibaba",
    "xai": "xAI",
    "moonshot": "Moonshot AI",
    "moonshot ai": "Moonshot AI",
    "zhipu": "Zhipu AI",
    "zhipu ai": "Zhipu AI",
    "z.ai": "Zhipu AI",
    "microsoft": "Microsoft",
    "microsoft corp.": "Microsoft",
    "microsoft research": "Microsoft",
    "nvidia": "NVIDIA",
    "amazon": "Amazon",
    "aws": "Amazon",
    "cohere": "Cohere",
    "ai21": "AI21 Labs",
    "ai21 labs": "AI21 Labs",
    "01.ai": "01.AI",
    "minimax": "MiniMax",
    "tencent": "Tencent",
    "databricks": "Databricks",
    "mosaic": "MosaicML",
    "mosaicml": "MosaicML",
    "mosaic ml": "MosaicML",
    "snowflake": "Snowflake",
    "tii": "TII",
    "technology innovation institute": "TII",
    "baidu": "Baidu",
    "bytedance": "ByteDance",
    "ibm": "IBM",
    "apple": "Apple",
    "allen institute for ai": "AI2",
    "ai2": "AI2",
    "stability ai": "Stability AI",
    "reka": "Reka",
    "inflection": "Inflection AI",
    "inflection ai": "Inflection AI",
    "stepfun": "StepFun",
    "baichuan": "Baichuan",
    "iflytek": "iFlytek",
    "g42": "G42",
    "nous research": "Nous Research",
}

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

SUFFIXED = re.compile(rf"(?<![\w.-])(?P<org>{_NAME}[ \t]+{ORG_WORDS})(?![\w-])")
LAUNCH_VERB = (
    r"(?:has\s+|have\s+|had\s+|just\s+|quietly\s+|officially\s+|today\s+|now\s+|also\s+|finally\s+|recently\s+)*"
    r"(?:released|launched|unveiled|introduced|announced|open-sourced|open\s+sourced|debuted|shipped|rolled\s+out|"
    r"releases|launches|unveils|introduces|announces|open-sources|debuts|ships|rolls\s+out|built|developed|trained|"
    r"published|dropped|detailed|revealed|made\s+available|is\s+releasing|is\s+launching)\b"
)
AS_SUBJECT = re.compile(
    rf"(?<![\w.-])(?P<org>{_NAME})\s+(?:(?:should|will|would|could|may|might|is\s+set\s+to|plans\s+to|is\s+expected\s+to)"
    rf"\s+(?:have\s+)?)?{LAUNCH_VERB}"
)
# "MiniMax, the big model company, ...", "Quillon, a Montreal start-up, ..."
APPOSITION = re.compile(
    rf"(?<![\w.-])(?P<org>{_NAME}),\s+(?:the|a|an)\s+(?:[\w-]+\s+){{0,6}}?(?:company|lab|laboratory|startup|start-up|firm|"
    rf"developer|maker|giant|unicorn|group|provider|vendor)\b"
)
# "Codestral is Mistral's first code model": the owner of a model word
POSSESSIVE_MODEL = re.compile(
    rf"(?<![\w.-])(?P<org>{_NAME})['’]s\s+(?:[\w-]+\s+){{0,4}}?(?:model|models|LLM|LLMs|flagship|family|lineup|series)\b"
)
POSSESSIVE = re.compile(rf"(?<![\w.-])(?P<org>{_NAME})['’]s\s")
BY_MAKER = re.compile(
    rf"\b(?:developed|built|created|made|released|trained|published|introduced|launched|unveiled|designed|"
    rf"open-sourced|offered|provided)\s+(?:\w+\s+)?by\s+(?:the\s+)?\[*(?P<org>{_NAME})"
)
FROM_MAKER = re.compile(rf"\b(?:from|by)\s+(?:the\s+)?(?P<org>{_NAME})")
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
    key = " ".join(surface.split()).lower()
    return ORG_CANONICAL.get(key, " ".join(surface.split()))


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


_ORG_WORD_TRIGGER = re.compile(rf"\b{ORG_WORDS}\b")
_VERB_TRIGGER = re.compile(
    r"\b(?:releas|launch|unveil|introduc|announc|open[\s-]sourc|debut|ship|roll|built|develop|train|publish|"
    r"dropped|detailed|revealed|made\s+available)"
)
_APPOSITION_TRIGGER = re.compile(
    r"\b(?:company|lab|laboratory|startup|start-up|firm|developer|maker|giant|unicorn|group|provider|vendor)\b"
)
_POSSESSIVE_TRIGGER = re.compile(r"['’]s\s")
_BY_TRIGGER = re.compile(r"\b(?:by|from)\s")


def _matches(
    text: str, pattern: re.Pattern[str], trigger: re.Pattern[str], before: int, after: int
) -> list[re.Match[str]]:
    """pattern's matches inside merged windows around each trigger hit."""
    windows: list[list[int]] = []
    for t in trigger.finditer(text):
        lo, hi = max(0, t.start() - before), min(len(text), t.end() + after)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    found: list[re.Match[str]] = []
    for lo, hi in windows:
        found.extend(pattern.finditer(text, lo, hi))
    return found


def find_orgs(text: str, covered: bytearray) -> list[OrgSpan]:
    """Every place the text names an organisation; `covered` marks model mentions (never organisations)."""

    def free(s: int, e: int) -> bool:
        return not any(covered[s:e])

    names: set[str] = set()

    def take(m: re.Match[str], *, need_model_after: bool = False) -> None:
        raw = m.group("org").rstrip(".")
        name = _trim(raw)
        if name is None:
            return
        s = m.start("org") + raw.find(name)
        e = s + len(name)
        if not free(s, e):
            return
        if need_model_after:
            window = covered[m.end() : m.end() + 60]
            if not any(window):
                return
        names.add(name)

    # Speed: each cue pattern runs only in windows around a cheap trigger word, never over the whole page.
    for m in _matches(text, SUFFIXED, _ORG_WORD_TRIGGER, 100, 12):
        take(m)
    for m in _matches(text, AS_SUBJECT, _VERB_TRIGGER, 140, 60):
        take(m)
    for m in _matches(text, APPOSITION, _APPOSITION_TRIGGER, 180, 16):
        take(m)
    for m in _matches(text, POSSESSIVE_MODEL, _POSSESSIVE_TRIGGER, 100, 90):
        take(m)
    for m in _matches(text, POSSESSIVE, _POSSESSIVE_TRIGGER, 100, 4):
        take(m, need_model_after=True)
    for m in _matches(text, BY_MAKER, _BY_TRIGGER, 90, 90):
        take(m)
    for m in _matches(text, FROM_MAKER, _BY_TRIGGER, 4, 90):
        if any(covered[max(0, m.start() - 80) : m.start()]):
            take(m)
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

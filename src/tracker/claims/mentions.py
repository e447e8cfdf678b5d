# ruff: noqa: E501 - regex and brand tables read best one entry per line
"""Model mentions of one article: which name-shaped spans (names.py) are models, and their canonical names.

A candidate becomes a model when the article writes its brand with a version, size or code, calls it
a model, or (a prior for spelling only) it is a known brand word. Canonical names are the text's own
pieces in its order, hyphenated (`Llama-3.1-405B`, `Claude-3.5-Sonnet`). Shorthand ("V4-Pro",
"Sonnet 4", "Flash-Lite", "the Pro version of V4", "the instruct variant") is resolved within the
article, from the names it has already written in full.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from . import names
from . import rules as R
from .orgs import AFTER_POSSESSIVE_MODEL

# precompiled patterns used in per-candidate loops
_CAMEL_HEAD = re.compile(r"[A-Z][a-z]+(?=[A-Z])")
_YEAR = re.compile(r"(?:19|20)\d\d")
_CODE = re.compile(r"[A-Z]\d+(?:\.\d+)*[A-Za-z]?")
_CODE_DIGITS = re.compile(r"[A-Z]\d+(?:\.\d+)*")
_ONE_COMPOUND = re.compile(r"[\w-]+")
_POSSESSIVE_S = re.compile(r"['’]s\b")
_LOWER_CODE = re.compile(r"(?!v\d)[a-z]{1,2}\d+(?:\.\d+)?")
_VERSION_PIECE = re.compile(r"v?\d+(?:\.\d+)*[a-z]?|[A-Z]\d+(?:\.\d+)*")
_COMMA_BEFORE = re.compile(r",\s*$")
_LOWER_SIZE = re.compile(r"\d+(?:\.\d+)?[bm]")
_LOWER_VERSION_CODE = re.compile(r"[vrk]\d+(?:\.\d+)?")

# ---------------------------------------------------------------------------------------------
# Mentions


@dataclass(frozen=True)
class ModelMention:
    """One place where the text names a model."""

    canonical: str
    surface: str
    start: int
    end: int
    family: str = ""
    variant: str | None = None
    size: str | None = None
    kind: str = field(default="name", compare=False)  # name | shorthand | reference


VARIANT_CASE = {
    "pro": "Pro",
    "flash": "Flash",
    "flash-lite": "Flash-Lite",
    "flash lite": "Flash-Lite",
    "lite": "Lite",
    "mini": "mini",
    "nano": "nano",
    "turbo": "Turbo",
    "chat": "Chat",
    "instruct": "Instruct",
    "base": "Base",
    "large": "Large",
    "small": "Small",
    "medium": "Medium",
    "ultra": "Ultra",
    "max": "Max",
    "plus": "Plus",
    "vl": "VL",
    "coder": "Coder",
    "vision": "Vision",
    "air": "Air",
    "exp": "Exp",
    "preview": "preview",
    "opus": "Opus",
    "sonnet": "Sonnet",
    "haiku": "Haiku",
    "thinking": "Thinking",
    "heavy": "Heavy",
    "omni": "Omni",
    "math": "Math",
    "reasoning": "Reasoning",
    "moe": "MoE",
    "speciale": "Speciale",
    "terminus": "Terminus",
    "experimental": "Experimental",
    "scout": "Scout",
    "maverick": "Maverick",
    "behemoth": "Behemoth",
    "guard": "Guard",
    "nemo": "Nemo",
    "super": "Super",
    "micro": "Micro",
    "premier": "Premier",
    "express": "Express",
    "expanse": "Expanse",
    "lightning": "Lightning",
}


def _v(word: str | None) -> str:
    if not word:
        return ""
    return VARIANT_CASE.get(word.lower(), word)


def _size(word: str | None) -> str:
    """'70b' -> '70B'; '8x7b' -> '8x7B'."""
    if not word:
        return ""
    return word[:-1] + word[-1].upper() if word[-1] in "bmBM" else word


def _join(*parts: str | None) -> str:
    return "-".join(p for p in parts if p)


# "the Pro version of V4", "the instruct variant", "a “Flash” version", "The chat version".
VARIANT_REF = re.compile(
    r"(?=[TtAaIi])\b(?:[Tt]he|[Aa]|[Ii]ts|[Aa]n)\s+(?:new\s+|lighter\s+|larger\s+|smaller\s+)?[“\"']?(?P<var>Pro|Flash|Lite|Mini|Nano|Max|Plus|Turbo|"
    r"[Ii]nstruct|[Cc]hat|Coder|Vision|Air|Ultra)[”\"']?\s+(?:version|variant|model|tier|edition)\b"
    r"(?:\s+of\s+)?"
)
_MORE_SIZES = re.compile(
    r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+|\s*/\s*)(?P<size>\d+(?:\.\d+)?[BM])\b(?![- ]param)"
)
# "A 27B model", "the 405-billion-parameter model": a size of the article's main family.
# (A lookahead on the first letters before a leading \b lets the regex engine skip ahead: speed only.)
SIZE_REF = re.compile(
    r"(?=[AaTtIi])\b(?:[Aa]n?|[Tt]he|[Ii]ts)\s+(?P<size>\d+(?:\.\d+)?)(?:\s?B|[- ]billion)(?:[- ]param(?:eter)?s?)?\s+(?:model|variant|version)\b"
)
_COPULA_BEFORE = re.compile(r"\b(?:is|was|are|were|be|being|been)\s+$")
SIZE_LIST_REF = re.compile(
    r"(?=[aApw])\b(?:alongside|along\s+with|as\s+well\s+as|plus|with)\s+(?:(?:refreshed|updated|new|smaller|upgraded|improved)\s+)?"
    r"(?P<sizes>\d+(?:\.\d+)?B(?:\s*,\s*\d+(?:\.\d+)?B)*,?\s+and\s+\d+(?:\.\d+)?B)\s+(?:versions|variants|models|siblings)\b"
)
# A capitalized variant word used alone once the article has named the full variant: "Mini is $0.40".
BARE_VARIANT = re.compile(r"(?P<var>Mini|Nano|Flash|Pro|Lite|Turbo|Opus|Sonnet|Haiku|Ultra)\b(?! [A-Z\d])")
_GENERIC_VARIANTS = {
    "pro",
    "mini",
    "nano",
    "flash",
    "lite",
    "turbo",
    "max",
    "plus",
    "base",
    "chat",
    "instruct",
    "large",
    "small",
    "medium",
    "ultra",
    "air",
    "exp",
    "preview",
    "vision",
    "coder",
    "math",
    "omni",
    "super",
    "micro",
    "premier",
    "express",
    "reasoning",
    "thinking",
    "heavy",
    "vl",
    "moe",
}
_BARE_BEFORE = re.compile(r"(?:^|\n|\. |\bthe |\bThe )$")  # what may precede a bare variant word


def find_model_mentions(text: str) -> list[ModelMention]:
    """Every model the text names, in order, each with its canonical name and exact span."""
    mentions = [m for m in discover_mentions(text) if not _PRODUCT_AFTER.match(text, m.end)]
    return _add_references(text, _same_model_aliases(_resolve_overlaps(mentions)))


_POINT_ZERO = re.compile(r"(?<=\d)\.0(?=-|$)")


_INNER_SIZE = re.compile(r"-\d+(?:\.\d+)?[BbMm](?=-)")


def _same_model_aliases(mentions: list[ModelMention]) -> list[ModelMention]:
    """One model written several ways in one article, named one way.

    Case aside, "Claude 2.0" where the article also writes "Claude 2" is Claude-2; "Zephyr 3 Instruct" where it
    also writes "Zephyr 3 70B Instruct" (and no other size of it) is the sized name.
    """
    # one spelling per name: "llama-3.1-nemotron-70b-instruct" in a table is the "Llama 3.1 Nemotron 70b
    # Instruct" of the prose (the spelling with the most capitals, as a reader would write it)
    spelling: dict[str, str] = {}
    for m in mentions:
        known = spelling.setdefault(m.canonical.lower(), m.canonical)
        if sum(c.isupper() for c in m.canonical) > sum(c.isupper() for c in known):
            spelling[m.canonical.lower()] = m.canonical
    mentions = [
        m
        if spelling[m.canonical.lower()] == m.canonical
        else replace(m, canonical=spelling[m.canonical.lower()])
        for m in mentions
    ]
    names = {m.canonical for m in mentions}
    unsized: dict[str, dict[str, str]] = {}  # lower-cased name without its size -> {sized, lower: as written}
    for m in mentions:
        if _INNER_SIZE.search(m.canonical):
            sized = unsized.setdefault(_INNER_SIZE.sub("", m.canonical).lower(), {})
            sized.setdefault(m.canonical.lower(), m.canonical)
    out = []
    for m in mentions:
        short = _POINT_ZERO.sub("", m.canonical)
        one = unsized.get(m.canonical.lower(), {})
        if short != m.canonical and short in names:
            m = replace(m, canonical=short)
        elif len(one) == 1:
            m = replace(m, canonical=next(iter(one.values())))
        out.append(m)
    return out


# A bare brand word used as a model: "Devstral is an agentic coding model", "released Codestral", "the Jamba model".
_BARE_MODEL_AFTER = re.compile(
    r"(?:\s*\([^)]{0,40}\))?(?:,\s+|\s+(?:is|was|remains|became)\s+)(?:an?|the|its|their|our|[A-Z][\w.-]*['’]s)\s+(?:[\w.-]+\s+){0,6}?"
    r"(?:model|models|LLM|language\s+model|family|series|release)\b"
    r"|\s+(?:model|LLM|weights|checkpoints?)\b(?!\s+(?:of|for)\b)"
)
_BARE_MODEL_BEFORE = re.compile(
    r"(?:\b(?:released|launched|unveiled|introduced|open-sourced|announced|debuted|shipped|called|named|dubbed|"
    r"codenamed)\s+(?:its\s+|the\s+|a\s+|their\s+)?(?:new\s+)?|\b(?:Model|Name)\s*:\s*"
    r"|\b(?:model|LLM|codenamed|called|named|dubbed)[,:]?\s+[“\"]?)$"
)
# The words _BARE_MODEL_BEFORE can end with: a cheap test before the anchored search (speed only)
_BEFORE_ENDINGS = (
    "released", "launched", "unveiled", "introduced", "open-sourced", "announced", "debuted", "shipped",
    "called", "named", "dubbed", "codenamed", "its", "the", "a", "their", "new", "model", "name", "llm",
)  # fmt: skip


def _bare_model_before(text: str, pos: int) -> bool:
    """A launch verb or "model" / "called" right before pos ("released Codestral", "Model: Devstral")."""
    tail = text[max(0, pos - 40) : pos].rstrip(' ,:"“').lower()
    return (
        tail.endswith(_BEFORE_ENDINGS) and _BARE_MODEL_BEFORE.search(text, max(0, pos - 40), pos) is not None
    )


# The brand used as an organisation: "Mistral's", "DeepSeek released", "by Mistral", "Mistral AI".
_ORG_USE_AFTER = re.compile(
    r"(?:,\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,6}?(?:company|lab|laboratory|startup|start-up|firm|developer|maker|giant|unicorn|"
    r"group|team|provider|vendor)\b(?!['’]s)|\s+(?:AI|Labs?|Research|Inc\.?|Corp\.?|Technologies|Cloud|team)\b|\s+(?:has\s+|have\s+|had\s+|also\s+|today\s+|officially\s+)*"
    r"(?:released|launched|unveiled|introduced|announced|open-sourced|debuted|shipped|said|says|claims|built|developed|"
    r"trained|published|releases|launches|unveils|introduces|announces|open-sources|debuts|ships|is\s+releasing)\b)"
)
_NAME_PART_AFTER = re.compile(
    r"[\s-](?:v?\d|[A-Z]\d|(?i:pro|flash|mini|nano|ultra|lite|turbo|large|small|medium)\b)"
)
_ORG_USE_BEFORE = re.compile(
    r"\b(?:by|from)\s+(?:the\s+)?$|\b(?:company|start-?up|lab|firm|developer|maker)\s+$"  # "the Chinese company X"
)


def discover_mentions(text: str) -> list[ModelMention]:
    """Model mentions found by shape and use, with no catalog (see names.py)."""
    # a chip ("H100", "TPU v5e") or a benchmark ("GSM8K", "AIME 2025") is never a model
    scanned = names.scan_names(text)
    # Speed: a lone capitalised word matters only as a brand the article also writes with parts, a known
    # brand, or a word the text itself calls a model; every other one is dropped before any more work.
    heads = {c.parts[0].lower() for c in scanned if len(c.parts) > 1} | {
        c.parts[1].lower() for c in scanned if len(c.parts) > 1
    }
    scanned = [
        c
        for c in scanned
        if len(c.parts) > 1
        or _HAS_DIGIT.search(c.parts[0]) is not None  # a lone word with a digit ("o3", "GPT4")
        or c.parts[0].lower() in heads
        or c.parts[0].lower() in names.KNOWN_BRANDS
        or _BARE_MODEL_AFTER.match(text, c.end)
        or _bare_model_before(text, c.start)
    ]
    cands = [c for c in scanned if not (R.CHIP.match(text, c.start) or _benchmark_at(text, c.start))]
    if not cands:
        return []
    lower_words = _plain_lower_words(text)

    def brand_ok(word: str, joined: bool) -> bool:
        low = word.lower()
        if low in names.KNOWN_BRANDS:
            return True
        if low in names.NOT_BRANDS or (low.endswith("s") and low[:-1] in names.NOT_BRANDS):
            return False
        camel = _CAMEL_HEAD.match(word)
        if camel and camel.group(0).lower() in names.NOT_BRANDS:
            return False  # "WeightsOpen", "ParametersFour": a label glued to its value
        if word[:1].isupper() and not joined and low in lower_words:
            return False  # "Step 2" where the text also says "step": an ordinary word
        return len(word) >= 2 or low == "o"

    # Brands written with a number somewhere: a capitalised word in front of one is not part of its name
    # ("Feature Claude Opus 4" in a table header is "Claude Opus 4")
    numbered = {
        c.parts[0].lower() for c in cands if any(k in ("ver", "size", "moe", "code") for k in c.kinds[1:2])
    }
    cands = [_drop_leading_word(text, c, numbered) for c in cands]

    shorthand: list[names.NameParts] = []
    strong: set[str] = set()  # brands the article writes with a version, size or code attached
    kept: list[names.NameParts] = []
    for c in cands:
        brand = c.parts[0]
        low = brand.lower()
        if _prefixed(c):  # "Code Llama 70B": a variant word in front of the brand
            low = c.parts[1].lower()
        numeric = _numeric(c)
        years = [
            p for p, k in zip(c.parts[1:], c.kinds[1:], strict=False) if k in ("ver", "size", "moe", "code")
        ]
        if years and all(_YEAR.fullmatch(p) for p in years):
            continue  # "late-2024", "Q3 2025": a date, not a name
        if not _prefixed(c) and (low in names.VARIANT_WORDS or _CODE.fullmatch(brand)):
            only_size = (
                low in names.VARIANT_WORDS and all(k in ("size", "moe") for k in c.kinds[1:]) and numeric
            )
            if (numeric or len(c.parts) > 1 or _CODE_DIGITS.fullmatch(brand)) and not only_size:
                shorthand.append(c)  # "Coder 236B" alone is a size of something, not a name
            continue
        if not brand_ok(c.parts[1] if _prefixed(c) else brand, c.joined):
            continue
        sized = any(k in ("size", "moe") for k in c.kinds[1:])
        both = numeric and any(k == "variant" for k in c.kinds[1:])
        if numeric and (
            c.joined
            or sized
            or len(c.parts) == 1
            or both
            or not brand[1:].islower()
            or _sentence_has(text, c.start, names.MODEL_NOUN)
        ):
            strong.add(low)
        kept.append(c)
    # a brand word the article also uses bare as an organisation ("Mistral released", "by Mistral")
    org_used = {
        c.parts[0].lower()
        for c in kept
        if len(c.parts) == 1
        and (_ORG_USE_AFTER.match(text, c.end) or _ORG_USE_BEFORE.search(text, max(0, c.start - 12), c.start))
    }

    def accepted(c: names.NameParts) -> bool:
        brand = c.parts[0]
        low = c.parts[1].lower() if _prefixed(c) else brand.lower()
        numeric = _numeric(c)
        variant = any(k == "variant" for k in c.kinds[1:])
        plain_words = not numeric and any(k == "word" for k in c.kinds[1:])
        letters = [
            p
            for p, k in zip(c.parts[1:], c.kinds[1:], strict=False)
            if k == "code" and len(p.rstrip("+")) == 1
        ]
        if letters and not c.joined and len(letters) == len(c.parts) - 1 and low not in strong:
            return False  # "Plan B", "Series A": a lone letter names a model only after a brand with numbers
        if numeric:
            return low in strong or low in names.KNOWN_BRANDS
        if (
            plain_words
            and brand.isupper()
            and len(brand) >= 2
            and _ONE_COMPOUND.fullmatch(text[c.start : c.end])
        ):
            # "AFM-on-device", "AFM-server": an acronym brand's hyphenated name in a sentence about models
            return low in strong or _sentence_has(text, c.start, names.MODEL_NOUN)
        if plain_words:
            # "Corvid Swift": a brand the article writes with versions elsewhere, and a word of its own
            words = [p.lower() for p, k in zip(c.parts[1:], c.kinds[1:], strict=False) if k == "word"]
            # "Snowflake Arctic": the own word is a model the article names alone too ("Arctic is an open model")
            # "Snowflake Arctic": a maker (a brand used bare as an organisation) lends its name
            brand_like = low in strong or low in names.KNOWN_BRANDS or low in org_used
            known = (
                brand_like
                or (any(w in bare_models for w in words) and brand_like)
                or bool(_BARE_MODEL_AFTER.match(text, c.end))  # "Bovuvex Neruvar is a 24B-parameter model"
            )
            return known and all(
                p[:1].isupper() and p[1:].islower()
                for p, k in zip(c.parts[1:], c.kinds[1:], strict=False)
                if k == "word"
            )
        if variant:
            return (
                low in strong
                or low in names.KNOWN_BRANDS
                or (low not in org_used and _sentence_has(text, c.start, names.MODEL_NOUN))
            )
        # a bare brand word
        if low in org_used or _ORG_USE_AFTER.match(text, c.end):
            return False
        if _POSSESSIVE_S.match(text[c.end : c.end + 2]) and (
            low not in strong or AFTER_POSSESSIVE_MODEL.match(text, c.end)
        ):
            return False  # "Acme's", and "DeepSeek's base model (DeepSeek-V3)": the maker, not a model
        # a brand the article writes with numbers, calls a model here, or has called a model alone before
        return (
            low in strong
            or low in bare_models
            or bool(_BARE_MODEL_AFTER.match(text, c.end) or _bare_model_before(text, c.start))
        )

    bare_models: set[str] = set()  # filled just below; accepted() reads it for later candidates
    bare_models = {c.parts[0].lower() for c in kept if len(c.parts) == 1 and accepted(c)}
    out: list[ModelMention] = []
    for c in kept:
        if not accepted(c):
            if len(c.parts) > 1 and "word" in c.kinds[1:2]:
                bare = names.NameParts(c.start, c.start + len(c.parts[0]), (c.parts[0],), ("brand",), False)
                if accepted(bare):
                    out.append(_mention(text, bare, ()))
                elif len(c.parts) == 2 and c.parts[1].lower() in bare_models:
                    # "Climbing Olympus": a headline word before a model the article names alone
                    start = text.find(c.parts[1], c.start + len(c.parts[0]))
                    if start > 0:
                        out.append(
                            _mention(text, names.NameParts(start, c.end, c.parts[1:], ("brand",), False), ())
                        )
            continue
        out.append(_mention(text, c, ()))
    by_piece: dict[str, str] = {}  # an inner piece of a full name -> that name's brand ("Sonnet" -> "Claude")
    for c in kept:
        if c.parts[0].lower() in strong or c.parts[0].lower() in names.KNOWN_BRANDS:
            for piece in c.parts[1:]:
                by_piece.setdefault(piece.lower(), c.parts[0])
    code_brands = [c.parts[0] for c in kept if any(k == "code" for k in c.kinds[1:2])]
    code_letters: dict[str, set[str]] = {}
    for c in kept:
        if len(c.kinds) > 1 and c.kinds[1] == "code":
            code_letters.setdefault(c.parts[0], set()).add(c.parts[1][:1])
    full_by_pieces: dict[frozenset[str], names.NameParts] = {}
    for c in kept:
        if len(c.parts) > 2:
            full_by_pieces.setdefault(frozenset(p.lower() for p in c.parts[1:]), c)
    # full names by each of their proper tails ("flash", "lite") -> {parts: name}
    ends_with: dict[tuple[str, ...], dict[tuple[str, ...], names.NameParts]] = {}
    for x in kept:
        low_parts = tuple(p.lower() for p in x.parts)
        for k in range(1, len(low_parts)):
            ends_with.setdefault(low_parts[k:], {})[x.parts] = x
    unresolved: list[names.NameParts] = []
    for c in shorthand:
        endings = ends_with.get(tuple(p.lower() for p in c.parts), {})
        if len(endings) == 1:  # "Flash-Lite" after "Gemini 2.5 Flash-Lite": the one full name it ends
            out.append(_written_as(text, c, next(iter(endings.values()))))
            continue
        same = full_by_pieces.get(frozenset(p.lower() for p in c.parts))
        if same is not None and len(same.parts) == len(c.parts) + 1:  # "Sonnet 3.7" after "Claude 3.7 Sonnet"
            out.append(_written_as(text, c, same))
            continue
        owner = by_piece.get(c.parts[0].lower())
        maker = _MAKER_POSSESSIVE.search(text, max(0, c.start - 40), c.start)
        if owner is None and maker is not None and _CODE.fullmatch(c.parts[0]):
            owner = maker.group("maker")  # "DeepSeek’s R1" in an article about another lab's codes
        if owner is None and _CODE.fullmatch(c.parts[0]):
            letter = c.parts[0][0]
            owners = [b for b in code_brands if letter in code_letters.get(b, ())]
            # "R1" in an article about "DeepSeek-V3": the brand the article writes with codes most often
            pool = owners or code_brands
            owner = max(set(pool), key=pool.count) if pool else None
        if owner is None:
            unresolved.append(c)
            continue
        out.append(_mention(text, c, (owner,)))
    # "Haiku 4.5 ... trails Sonnet 4.5": a variant word with a version on the line of a sibling the article
    # gave a brand ("Haiku 4.5" for "Claude Haiku 4.5") takes that brand
    for c in unresolved:
        if len(c.parts) != 2 or c.kinds[1] != "ver" or c.parts[0].lower() not in names.VARIANT_WORDS:
            continue
        line_start, line_end = text.rfind("\n", 0, c.start) + 1, text.find("\n", c.end)
        line_end = len(text) if line_end < 0 else line_end
        siblings = {
            m.family.split("-")[0]
            for m in out
            if m.kind == "shorthand"
            and m.family
            and line_start <= m.start < line_end
            and abs(m.start - c.start) <= 200
            and m.surface.split()[0].lower() in names.VARIANT_WORDS
        }
        if len(siblings) == 1:
            out.append(_mention(text, c, (siblings.pop(),)))
    out.sort(key=lambda m: m.start)
    return out


_VERSIONS_PAREN = re.compile(
    r"\s*\(\s*versions?\s+(?P<a>\d+(?:\.\d+)+)\s+and\s+(?:the\s+)?(?:[a-z]+\s+)?(?P<b>\d+(?:\.\d+)+)\s*\)"
)
_VARIANTS_PAREN = re.compile(
    r"\s+(?:series\s+|family\s+)?(?:models?\s+|variants?\s+)?\(\s*(?P<a>[A-Z][a-z]+)\s+and\s+(?P<b>[A-Z][a-z]+)\s*\)"
)
_SLASH_VERSION = re.compile(r"/(?P<ver>\d+(?:\.\d+)?)(?![\w.%/])")
_VERSION_ONLY = re.compile(r"\d+(?:\.\d+)?")
_SIZE_OR_TUNING = re.compile(
    r"-(?:\d+(?:\.\d+)?[BbMm](?:-A\d+(?:\.\d+)?[Bb])?|instruct|chat|base|it|preview|thinking|latest)(?=-|$)",
    re.I,
)
_HAS_DIGIT = re.compile(r"\d")
_MAKER_POSSESSIVE = re.compile(r"\b(?P<maker>[A-Z][\w.-]*[A-Za-z])['’]s\s+$")


def _benchmark_at(text: str, pos: int) -> bool:
    return R.BENCH_OPENING_CI.match(text, pos) is not None and R.BENCH.match(text, pos) is not None


def _written_as(text: str, short: names.NameParts, full: names.NameParts) -> ModelMention:
    """A shorthand span ("Flash-Lite", "Sonnet 3.7") named as the full name it stands for."""
    named = _mention(text, full, ())
    return ModelMention(
        named.canonical,
        text[short.start : short.end],
        short.start,
        short.end,
        named.family,
        named.variant,
        named.size,
        "shorthand",
    )


def _numeric(c: names.NameParts) -> bool:
    """The name carries a version, size or code ("Zephyr-9", "o3", "Nimbus 235B-A22B")."""
    return any(k in ("ver", "size", "moe", "code") for k in c.kinds[1:]) or bool(
        _LOWER_CODE.fullmatch(c.parts[0])  # "o3", not "v3" (a version)
    )


def _prefixed(c: names.NameParts) -> bool:
    """A variant word in front of a brand ("Code Llama")."""
    return len(c.parts) > 1 and c.kinds[1] == "word" and c.parts[0].lower() in names.VARIANT_WORDS


def _drop_leading_word(text: str, c: names.NameParts, numbered: set[str]) -> names.NameParts:
    """ "Feature Claude Opus 4" -> "Claude Opus 4" when the article writes "Claude" with numbers elsewhere."""
    if len(c.parts) < 2 or c.kinds[1] != "word":
        return c
    if c.parts[1].lower() not in numbered and c.parts[0].lower() not in names.NOT_BRANDS:
        return c
    label = c.parts[0].lower() in names.NOT_BRANDS  # "Feature Orbit 5 Pro": a table's label cell
    if not label and (
        c.parts[0].lower() in numbered or c.parts[0].lower() in names.KNOWN_BRANDS or _prefixed(c)
    ):
        return c
    start = text.find(c.parts[1], c.start + len(c.parts[0]))
    if start < 0 or start >= c.end:
        return c
    return names.NameParts(start, c.end, c.parts[1:], ("brand", *c.kinds[2:]), c.joined)


def _mention(text: str, c: names.NameParts, prefix: tuple[str, ...]) -> ModelMention:
    surface = text[c.start : c.end]
    body = re.sub(r"[\s\u00a0]+", "-", surface)
    body = re.sub(r"(?<=[A-Za-z0-9])\+$", "-Plus", body)  # "Command R+" -> "Command-R-Plus"
    canonical = "-".join([*prefix, body])
    pieces = canonical.split("-")
    family = [pieces[0]]
    for piece in pieces[1:]:
        if not _VERSION_PIECE.fullmatch(piece):
            break
        family.append(piece)
    size = next((p for p, k in zip(c.parts, c.kinds, strict=False) if k == "size"), None)
    variant = next(
        (p for p, k in reversed(list(zip(c.parts, c.kinds, strict=False))) if k in ("variant", "code")), None
    )
    if variant is None and not size:
        variant = next(
            (p for p, k in zip(c.parts, c.kinds, strict=False) if k == "moe"), None
        )  # "Gemma 3n E2B"
    return ModelMention(
        canonical,
        surface,
        c.start,
        c.end,
        "-".join(family),
        _v(variant) if variant else None,
        _size(size) if size else None,
        "shorthand" if prefix else "name",
    )


def _plain_lower_words(text: str) -> set[str]:
    """Words the text also uses in lower case mid-sentence: ordinary words, not brands ("step", "table")."""
    # not a domain or a path ("badal.ai", "/wiki/badal"): those keep a brand's own spelling in lower case
    return {m.group(1) for m in _LOWER_WORD.finditer(text)}


_LOWER_WORD = re.compile(r"(?<=[a-z,] )([a-z]{3,})(?=[\s,;:]|\.(?!\w))")


def _sentence_has(text: str, pos: int, pattern: re.Pattern[str]) -> bool:
    lo = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos), pos - 200)
    hi_dot = text.find(". ", pos)
    hi_nl = text.find("\n", pos)
    hi = min(x for x in (hi_dot, hi_nl, pos + 200, len(text)) if x >= 0)
    return pattern.search(text, max(0, lo), hi) is not None


# "the Gemini API", "the Claude app": a product around the model, not a statement about one model.
_PRODUCT_AFTER = re.compile(
    r"\s(?:API|APIs|app|apps|Studio|platform|website|chatbot|assistant|Code\b|CLI|[Tt]eam|[Ll]ab|cluster|supercomputer|tokenizers?|"
    r"data\s+cent(?:er|re)|chips?\b|processors?\b|phones?\b|smartphones?\b|laptops?\b|robots?\b|cars?\b|rocket)\b"
)


def _resolve_overlaps(found: list[ModelMention]) -> list[ModelMention]:
    # Longest first, then earliest; a mention overlapping a kept one is dropped.
    found.sort(key=lambda x: (-(x.end - x.start), x.start, x.kind != "name"))
    kept: list[ModelMention] = []
    taken: set[int] = set()  # character positions already covered (mentions are short)
    for mention in found:
        span = range(mention.start, mention.end)
        if any(p in taken for p in span):
            continue
        kept.append(mention)
        taken.update(span)
    kept.sort(key=lambda x: x.start)
    return kept


def _add_references(text: str, mentions: list[ModelMention]) -> list[ModelMention]:
    """Resolve "the Pro version (of V4)" and bare "Mini" against the models the article already named."""
    if not mentions:
        return mentions
    extra: list[ModelMention] = []
    counts: dict[str, int] = {}
    for x in mentions:
        counts[x.family or x.canonical] = counts.get(x.family or x.canonical, 0) + 1
    top = max(counts, key=lambda f: counts[f])
    main = next(x for x in mentions if (x.family or x.canonical) == top)
    taken = bytearray(len(text) + 1)  # spans already named: a mask, so each test is one C-speed find

    def take(s: int, e: int) -> None:
        taken[s:e] = b"\x01" * max(0, e - s)

    def free(s: int, e: int) -> bool:
        return taken.find(1, s, e) < 0

    for x in mentions:
        take(x.start, x.end)

    for m in VARIANT_REF.finditer(text):
        if not free(m.start("var"), m.end()):
            continue
        var = _v(m.group("var"))
        # "of X" right after: the named family; otherwise the nearest family named before.
        base: ModelMention | None = None
        if m.group(0).rstrip().endswith("of"):
            after = [x for x in mentions if x.start == m.end()]
            base = after[0] if after else None
        if base is None:
            base = main  # the article's main family: what "the Pro version" usually means
        if base is None:
            continue
        family = base.family or base.canonical
        stem = base.canonical if not base.size else family  # "Hunyuan-Large" -> "Hunyuan-Large-Instruct"
        if stem.lower().endswith(var.lower()) or var.lower() in stem.lower().split("-"):
            continue
        end = m.end() if base.start != m.end() else base.end
        if base.start == m.end():
            end = base.end
        else:
            end = m.end() - (len(m.group(0)) - len(m.group(0).rstrip()))
            if m.group(0).rstrip().endswith("of"):
                end = m.start() + m.group(0).rstrip().rfind(" of")
        canonical = _join(stem, var)
        extra.append(
            ModelMention(
                canonical,
                text[m.start("var") : end],
                m.start("var"),
                end,
                family,
                var,
                None,
                "reference",
            )
        )
    known: dict[str, list[ModelMention]] = {}
    for x in mentions:
        if x.variant and x.kind == "name":
            known.setdefault(x.variant.lower(), []).append(x)
    # A variant named once in full ("Llama 4 Scout") and later alone ("Scout has 17B active parameters").
    # Distinctive words anywhere; generic ones ("Pro", "Mini") only opening a sentence or after "the".
    distinctive = [w for w in known if w not in _GENERIC_VARIANTS and len(w) >= 4]
    bare_words = {"mini", "nano", "flash", "pro", "lite", "turbo", "opus", "sonnet", "haiku", "ultra"}
    patterns = [BARE_VARIANT] if bare_words & set(known) else []  # nothing to resolve a bare "Pro" against
    if distinctive:
        patterns.append(
            re.compile(
                r"\b(?P<var>"
                + "|".join(re.escape(VARIANT_CASE.get(w, w.capitalize())) for w in distinctive)
                + r")\b(?![- ]?\d)"
            )
        )
    for pattern in patterns:
        for m in pattern.finditer(text):
            word = m.group("var").lower()
            if word in _GENERIC_VARIANTS and not _BARE_BEFORE.search(text, max(0, m.start() - 4), m.start()):
                continue
            cands = {x.canonical: x for x in known.get(word, [])}
            if len(cands) != 1 or not free(m.start(), m.end()):
                continue
            base = next(iter(cands.values()))
            extra.append(
                ModelMention(
                    base.canonical,
                    m.group(0),
                    m.start(),
                    m.end(),
                    base.family,
                    base.variant,
                    base.size,
                    "reference",
                )
            )
            take(m.start(), m.end())
    # "Devstral Small (versions 1.0 and the upgraded 1.1)": the versions of the name just before
    # "the Zephyr-80B series models (Instruct and Thinking)": the variants of the name just before
    for x in mentions:
        vp = _VERSIONS_PAREN.match(text, x.end) if x.kind == "name" else None
        if vp is None and x.kind == "name":
            vp = _VARIANTS_PAREN.match(text, x.end)
            if vp and not all(vp.group(g).lower() in names.VARIANT_WORDS for g in ("a", "b")):
                vp = None
        if vp is None:
            continue
        for group in ("a", "b"):
            s, e = vp.start(group), vp.end(group)
            if free(s, e):
                name = f"{x.canonical}-{vp.group(group)}"
                extra.append(ModelMention(name, vp.group(group), s, e, x.family, None, None, "reference"))
                take(s, e)
    # "Grok 3/4": a second version sharing the brand written before it
    for x in mentions:
        sv = _SLASH_VERSION.match(text, x.end) if x.kind == "name" else None
        parts = x.canonical.split("-")
        if sv is None or len(parts) != 2 or not _VERSION_ONLY.fullmatch(parts[1]):
            continue
        if free(sv.start("ver"), sv.end("ver")):
            name = f"{parts[0]}-{sv.group('ver')}"
            extra.append(
                ModelMention(
                    name, sv.group("ver"), sv.start("ver"), sv.end("ver"), name, None, None, "reference"
                )
            )
            take(sv.start("ver"), sv.end("ver"))
    # "Llama 3 8B and 70B", "Qwen2.5 7B, 14B and 72B": further sizes listed right after a sized name
    for x in mentions:
        if not x.size or x.kind != "name":
            continue
        pos = x.end
        while True:
            more = _MORE_SIZES.match(text, pos)
            if not more or not free(more.start("size"), more.end("size")):
                break
            size = _size(more.group("size"))
            extra.append(
                ModelMention(
                    f"{x.family}-{size}",
                    more.group("size"),
                    more.start("size"),
                    more.end("size"),
                    x.family,
                    None,
                    size,
                    "reference",
                )
            )
            take(more.start("size"), more.end("size"))
            pos = more.end()
    # "Llama 3.1 405B ... alongside refreshed 8B and 70B versions": sibling sizes of the sized model named just before
    for m in SIZE_LIST_REF.finditer(text):
        prior = [
            x
            for x in mentions
            if x.size and x.kind == "name" and x.end <= m.start() and m.start() - x.end <= 300
        ]
        if not prior:
            continue
        base = prior[-1]
        for sm in re.finditer(r"\d+(?:\.\d+)?B\b", m.group("sizes")):
            s, e = m.start("sizes") + sm.start(), m.start("sizes") + sm.end()
            size = _size(sm.group(0))
            if not free(s, e) or size == base.size:
                continue
            extra.append(
                ModelMention(
                    f"{base.family}-{size}",
                    sm.group(0),
                    s,
                    e,
                    base.family,
                    None,
                    size,
                    "reference",
                )
            )
            take(s, e)
    size_counts: dict[str, int] = {}
    for m in SIZE_REF.finditer(text):
        size = f"{m.group('size')}B"
        if m.group("size") not in size_counts:
            number = re.escape(m.group("size"))  # the literal first, the word boundary after it: a fast scan
            size_counts[m.group("size")] = len(
                re.findall(rf"{number}(?<![\w.]{number})(?:\s?B\b|[- ]billion)", text)
            )
        if not free(m.start(), m.end()) or size_counts[m.group("size")] < 2:
            continue  # only a size the article uses for its models more than once
        # the sized model named just before, else the main one, without its size or tuning word:
        # "Qwen2.5-VL-7B-Instruct ..., with a 32B variant" -> "Qwen2.5-VL-32B"
        near = [x for x in mentions if x.size and x.kind == "name" and 0 <= m.start() - x.end <= 150]
        base = near[-1] if near else main
        family = _SIZE_OR_TUNING.sub("", base.canonical) or base.family or base.canonical
        sized = [x for x in mentions if x.size == size and x.kind == "name"]
        if sized:  # "Llama 3.1 405B ... the 405-billion-parameter model"
            family = sized[0].family or family
        if _COMMA_BEFORE.search(text[max(0, m.start() - 3) : m.start()]) and any(
            x.end in (m.start() - 1, m.start() - 2) for x in mentions
        ):
            continue  # "Phi-4, a 14B model": apposition, a size statement about that model
        if _COPULA_BEFORE.search(text, max(0, m.start() - 12), m.start()):
            continue  # "Zephyr, released in May, was a 21B model": a predicate, the subject's size
        extra.append(
            ModelMention(
                f"{family}-{size}",
                m.group(0),
                m.start(),
                m.end(),
                family,
                None,
                size,
                "reference",
            )
        )
    if not extra:
        return mentions
    merged = _resolve_overlaps(mentions + extra)
    return merged


def canonical_model_name(surface: str) -> str | None:
    """The canonical name of one model name as a user or article writes it ('llama 3.1 405b'), else None."""
    text = " ".join(surface.split())
    if not text:
        return None
    for candidate in (text, _titled(text)):
        found = [
            c
            for c in names.scan_names(candidate)
            if len(c.parts) > 1 or c.parts[0].lower() in names.KNOWN_BRANDS
        ]
        found = [c for c in found if c.parts[0].lower() not in names.NOT_BRANDS]
        if found:
            best = max(found, key=lambda c: c.end - c.start)
            return _mention(candidate, best, ()).canonical
    return None


def _titled(text: str) -> str:
    """Case-fold a user's query toward how brands are written ('llama 3 70b' -> 'Llama 3 70B')."""
    out = []
    for word in text.split(" "):
        if _LOWER_SIZE.fullmatch(word):
            out.append(word[:-1] + word[-1].upper())
        elif _LOWER_VERSION_CODE.fullmatch(word):
            out.append(word.upper())
        elif word.isalpha() and word.islower() and word not in ("mini", "nano"):
            out.append(word.capitalize())
        else:
            out.append(word)
    return " ".join(out)

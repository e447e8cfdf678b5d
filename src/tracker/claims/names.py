# ruff: noqa: E501 - vocabulary tables and regexes read best one entry per line
"""Open-vocabulary model names: find model mentions from the shape of a name and how the text uses it.

No catalog gates recognition. A name is a brand word followed by name parts (versions, sizes, codes
such as "V3" or "A22B", variant words such as "Pro" or "mini", snapshots such as "0528"), joined by
hyphens, spaces or nothing: "Zephyr-9", "Aurora 2 Pro", "Vorket 3.1 405B", "Kestrel-V3",
"qux-oss-120b", "Xylo-8x7B", "Nimbus 235B-A22B". The canonical name is those parts in the text's
order, hyphenated. A bare brand word ("Devstral") is a model only where the text treats it as one.
Shorthand ("Sonnet 4", "V4-Pro") takes the brand of a full name in the same article that contains it.

The vocabulary tables (variant words, words that are not brands, product names) are about language,
never about particular models; `KNOWN_BRANDS` is a prior that lets an ordinary English word
("Command", "Granite") be a brand, never a gate.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

# precompiled patterns used in per-candidate loops
_CODE_PIECE = re.compile(r"[A-Za-z]\d+(?:\.\d+)*[A-Za-z]?")
_LOWER_BRAND_DIGITS = re.compile(r"[a-z]{1,4}\d+(?:\.\d+)?")
_STARTS_WITH_DIGIT = re.compile(r"\d.*")
_SNAPSHOT = re.compile(r"\d{4}|\d{6,8}")


def _words(block: str) -> frozenset[str]:
    """A vocabulary table written as words separated by white space."""
    return frozenset(block.split())


# Words that name a variant of a model, not a brand (lower case).
VARIANT_WORDS = _words(
    """
    air airx audio awq base behemoth chat code coder core deep distill edge exp expanse experimental express
    fast flash fp8 gguf guard haiku heavy hf instant instruct it large latest lightning lite long mamba
    math maverick max medium micro mini mlx moe multimodal nano nemo omni online opus oss plus premier
    preview pro reasoner reasoning research scout short small sonnet speciale super terminus think
    thinking turbo ultra vision vl xl xxl
    """
)
# Variant words that may follow a name as a separate word ("Gemini 2.5 Pro"); the rest only inside a hyphenated name.
_SPACED_VARIANTS = _words(
    """
    air audio base behemoth chat coder core distill edge exp expanse experimental express fast flash
    haiku heavy instant instruct large lightning lite mamba math maverick max medium micro mini moe nano
    nemo omni opus plus premier preview pro reasoning scout small sonnet speciale super terminus
    thinking turbo ultra vision vl
    """
)
# Capitalised words that never continue a name ("Corvid Swift" yes, "Corvid On" no)
_NOT_OWN = _words(
    """
    the a an this that these those it its is was are were has have had be been and or but of in on at for to from by
    with as after before since until during about over under into per via than then when while if so not no
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    """
)
# Variant words that follow a name in lower case ("GPT-4o mini"); "large", "base" in lower case are prose.
_LOWER_SPACED = _words("mini nano turbo preview instruct chat thinking pro flash lite max plus exp")
# Capitalised words that are never a model's brand word (lower case): calendar, document furniture, common
# sentence openers, units, places and products that are not models.
NOT_BRANDS = _words(
    """
    china chinese us usa america american europe european japan korea india france germany uk britain russia
    taiwan israel canada singapore beijing hangzhou shanghai shenzhen paris london berlin tokyo seoul washington
    california texas silicon valley wall street
    a a100 about according act adds after agpl ai aime alexa all also amd american an and android
    announces any apache api app appendix apps apr april arena arrives article as ascend at aug august
    b200 bard beats before bluetooth both box breaking brings bsd but by cc challenges chapter chatgpt
    chinese class claude.ai cli click closed co column comes commons compared copilot corp cortana covid
    cpu creative css cursor cy day debuts dec december down dr drops during each early eastern edition
    ep episode eur european even every exclusive exhibit expands extends feb february few fig figure
    final first for friday from full fy galaxy gbp gen generation get gets global go goes gpl gpqa gpts
    gpu grade group gsm8k h1 h100 h2 h200 h800 half hdmi he her here high him his hits hle how html
    huawei humaneval i ide if in inc including intel international into introduces ios ipad iphone issue
    it item its jan january java javascript joins json jul july jun june just kotlin lands last late
    launches learn less level licence license like line linux livebench llc llm llms long low lp ltd lte
    mac macbook macos makes many mar march math may mbpp meet mid mit ml mmlu model models monday month
    more most mr mrs ms multi my national new next no node non not note nov november now npu number
    nvidia oct october of old on only onto open open-sources openai option or our out outperforms over
    page part pc per perplexity phase php pixel plan playstation post powers pre private prof ps public
    python q1 q2 q3 q4 rank re read real release releases report review rivals rolls round route row rtx
    ruby rule run rust saturday says sdk season second section see self sep sept september series she
    ships short sign since sir siri slide some sql stage state step still sub sunday super swift switch
    table takes team tesla than that the their them there these they third this those thursday tier
    title to today tomorrow top tops tpu try tuesday tv type ubuntu under unlike until unveils up update
    usb usd use version versus via vol volume vs we web wednesday week western what when where which
    while who whose why wi windows with xbox year years yesterday you your context parameters params
    weights developer developers provider pricing price input output tokens architecture modalities
    modality features feature general comparatively additionally notably importantly similarly overall
    benchmark benchmarks score scores performance availability status family asl iso gdpr soc hipaa sha
    md5 released available specs specifications summary overview details key highlights notes conclusion
    introduction background verdict pros cons faq
    """
)
# Words that make a capitalised phrase an organisation or a document, never a model's own word.
_ORG_WORDS = frozenset(
    [
        "ai",
        "labs",
        "lab",
        "research",
        "inc",
        "corp",
        "technologies",
        "technology",
        "institute",
        "intelligence",
        "systems",
        "cloud",
        "foundation",
        "group",
        "company",
        "university",
        "academy",
        "computing",
        "robotics",
        "license",
        "licence",
        "terms",
        "community",
        "edition",
        "team",
    ]
)
# Words that end a hyphenated compound's name ("GPT-4-class", "Llama-based").
_TRAILING_WORDS = _words(
    """
    based class compatible era era-defining exclusive family gen generation grade level like line lineup
    native only param parameter parameters params powered scale series size sized style tier token
    tokens
    """
)
# Brands that are also English words or too short to pass the shape test; a prior, not a gate.
KNOWN_BRANDS = _words(
    """
    arctic aya baichuan chatglm claude codestral command dbrx deepseek devstral doubao ernie falcon
    gemini gemma glm gpt granite grok hunyuan inflection jamba kimi llama magistral mathstral minimax
    ministral mistral mixtral molmo nemotron nova olmo olympus palm phi pixtral qvq qwen qwq reka
    starcoder step tulu yi
    """
)
# Unit and scale words: a number followed by one of these is a value, never a name part.
_UNIT_AFTER = re.compile(
    r"\s?(?:%|percent|x\b|times\b|(?:[KkMmBbTt]|bn|tn|mn)?\s*(?:tokens?|param\w*|words?|pages?|hours?|minutes?|seconds?|"
    r"days?|weeks?|months?|years?|GB|TB|MB|users?|languages|experts?|layers?|GPUs?|chips?|images?|samples?|"
    r"points?|pts?|dollars?|cents?)\b|(?:million|billion|trillion|thousand|hundred)\b|[,.]\d)",
    re.IGNORECASE,
)

_PART = re.compile(
    r"""(?x)
    (?P<size>\d+(?:\.\d+)?[BbMmTt]|\d+x\d+(?:\.\d+)?[Bb])(?![\w.])  # 70B, 0.5b, 8x7B
    |(?P<moe>[AaEe]\d+(?:\.\d+)?[Bb])(?![\w.])                      # A22B, E4B
    |(?P<code>[A-Za-z]\d+(?:\.\d+)*[A-Za-z]?\+?|[A-Z]\+?)(?![\w.])     # V3, R1, K2, M2, T1, X1, v2, k1.5, R+, A
    |(?P<ver>\d+(?:\.\d+)*(?:[a-z]{0,2}|[A-JL-Z]))(?![\w.])            # 4, 3.5, 4o, 3n, 0528, 2024, 4.5V
    |(?P<word>[A-Za-zÀ-ÖØ-öø-ÿ]+\+?)(?![\w.])                         # Pro, mini, Nemotron, oss, R+, Tülu
    """
)
# What may follow a brand word as a further part: a digit, a capital, or a variant word in lower case
_NAME_CONTINUES = re.compile(
    r"[\dA-Z]|[a-z]\d|(?:mini|nano|turbo|preview|instruct|chat|thinking|pro|flash|lite|max|plus|exp)\b"
)
# Where a name may start: a word with an upper-case letter, or a lower-case word with a digit or hyphenated parts.
# Latin letters with accents count ("Tülu 3"); other scripts end a word (mojibake such as "Googleโs").
_L = "A-Za-zÀ-ÖØ-öø-ÿ"
_WORD = re.compile(
    rf"(?<![\w$€£@/#.+&'’-])(?=[{_L}\d.+-]*[A-Z0-9])[{_L}][{_L}\d]*(?:[.+][{_L}\d]*)*(?:-[{_L}\d][{_L}\d.+]*)*"
)
_SPACE_PART = re.compile(rf"[ \u00a0](?P<p>[{_L}\d][{_L}\d.+]*(?:-[{_L}\d.+]+)*)")
_GLUED = re.compile(
    r"^(?P<brand>[A-Za-z][A-Za-z]*?[A-Za-z])(?P<ver>\d+(?:\.\d+)*[a-z]?)$"
)  # Qwen2.5, Baichuan4, GPT4o

# Sentence-level cues that a bare word is used as a model.
MODEL_NOUN = re.compile(
    r"\b(?:model|models|LLM|LLMs|language\s+model|weights|checkpoint|checkpoints|parameters|params|context\s+window|"
    r"tokens|benchmark|open-?sourced?|open-?weights?|release[ds]?|launch(?:es|ed)?|unveil(?:s|ed)?|fine-?tuned?|"
    r"reasoning|multimodal|MoE|mixture-of-experts)\b",
    re.IGNORECASE,
)


class NameParts(NamedTuple):
    """A name as the text writes it, cut into parts (a NamedTuple: thousands are made per article)."""

    start: int
    end: int
    parts: tuple[str, ...]  # surface pieces in order, brand first (a glued version is its own piece)
    kinds: tuple[str, ...]  # brand | ver | size | moe | code | variant | word
    joined: bool  # the brand carries a part by a hyphen or glued digits (a strong name shape)


@functools.lru_cache(maxsize=4096)  # the same pieces recur through an article: speed only
def _classify(piece: str) -> str | None:
    m = _PART.fullmatch(piece)
    if m is None:
        return None
    kind = m.lastgroup or "word"
    if kind == "word":
        return "variant" if piece.lower().rstrip("+") in VARIANT_WORDS else "word"
    return kind


def _brand_like(word: str) -> bool:
    """A word that can be a brand: not a common word, not a number."""
    low = word.lower()
    if low in NOT_BRANDS or len(word) < 2 and low != "o":
        return False
    return any(c.isalpha() for c in word)


def _split_compound(word: str) -> list[str]:
    pieces: list[str] = []
    for piece in word.split("-"):
        glued = _GLUED.match(piece)
        if glued and not pieces and not _CODE_PIECE.fullmatch(piece):
            pieces += [glued.group("brand"), glued.group("ver")]
        else:
            pieces.append(piece)
    return pieces


def scan_names(text: str) -> list[NameParts]:
    """Every span of the text shaped like a model name (before the article-level checks)."""
    out: list[NameParts] = []
    pos = 0
    for m in _WORD.finditer(text):
        if m.start() < pos:
            continue
        word = m.group(0).rstrip(".")
        start, end = m.start(), m.start() + len(word)
        plain = word.isalpha()
        if plain and word.lower() in _NOT_OWN and text[end : end + 1] != "-":
            continue  # "The", "In", "May": the commonest capitalised words, rejected before any work
        if plain and not (text[end : end + 1] == " " and _NAME_CONTINUES.match(text, end + 1)):
            out.append(NameParts(start, end, (word,), ("brand",), False))  # a lone word: no parts to read
            continue
        first = word.split("-")[0]
        has_upper = plain or any(c.isupper() for c in first)
        has_digit = not plain and any(c.isdigit() for c in word)
        if not has_upper and not (has_digit and "-" in word or _LOWER_BRAND_DIGITS.fullmatch(first)):
            continue
        pieces = _split_compound(word)
        # cut a compound at words that qualify it ("GPT-4-class")
        cut = len(pieces)
        for i, p in enumerate(pieces[1:], start=1):
            if p.lower() in _TRAILING_WORDS:
                cut = i
                break
        pieces = pieces[:cut]
        end = start + len("-".join(pieces)) if cut < len(word.split("-")) else end
        kinds = [_classify(p) for p in pieces[1:]]
        if any(k is None for k in kinds):
            continue
        brand = pieces[0]
        if _STARTS_WITH_DIGIT.fullmatch(brand):
            continue
        joined = len(pieces) > 1 and any(k in ("ver", "size", "moe", "code") for k in kinds)
        all_kinds: list[str] = ["brand", *(k or "word" for k in kinds)]
        parts = list(pieces)
        # further parts separated by spaces: "Llama 3.1 405B Instruct", "Claude Sonnet 4.5", "Nimbus 235B-A22B"
        cursor = end
        while True:
            sm = _SPACE_PART.match(text, cursor)
            if sm is None:
                break
            piece = sm.group("p").rstrip(".")
            sub = piece.split("-")
            sub_kinds = [_classify(p) for p in sub]
            if any(k is None for k in sub_kinds):
                break
            k0 = sub_kinds[0]
            titled = False
            if k0 == "word" and piece.lower() in {p.lower() for p in parts}:
                break  # "Orbit 5 Pro Orbit 5 Flash": the brand again starts the next name
            if k0 == "word":
                # a capitalised word joins before a version or size ("Code Llama 70B", "Llama 3.1 Nemotron 70B");
                # right after the brand it may be the model's own word ("Corvid Swift"): the article decides
                nxt = _SPACE_PART.match(text, sm.start("p") + len(piece))
                nxt_kind = _classify(nxt.group("p").rstrip(".").split("-")[0]) if nxt else None
                head = sub[0]
                titled = (
                    head[:1].isupper()
                    and head[1:].islower()
                    and head.lower() not in _NOT_OWN
                    and all(k in ("variant", "ver", "size", "code") for k in sub_kinds[1:])
                )  # "Corvid Swift", "Code Llama-Instruct"
                before_version = (
                    piece[:1].isupper()
                    and _brand_like(piece)
                    and nxt_kind in ("ver", "size", "code", "variant")
                )
                nxt_capital = nxt is not None and nxt.group("p")[:1].isupper() and nxt_kind == "word"
                own_word = titled and len(parts) == 1 and piece.lower() not in _ORG_WORDS and not nxt_capital
                if not (before_version or own_word):
                    break
            if (
                k0 == "ver"
                and any(k in ("ver", "code") for k in all_kinds[1:])
                and not _SNAPSHOT.fullmatch(piece)
            ):
                break  # "Orion-X 73.9": a second bare number after a version is a value, not a name part
            if (
                k0 == "variant"
                and len(sub) == 1
                and (
                    piece.lower() not in _SPACED_VARIANTS or (piece.islower() and piece not in _LOWER_SPACED)
                )
            ):
                break
            if k0 in ("ver", "size", "code", "moe"):
                piece_end = sm.start("p") + len(piece)
                if _UNIT_AFTER.match(text, piece_end) or re.match(
                    r"\s?(?:[-–]|to)\s?\d", text[piece_end : piece_end + 5]
                ):
                    break
                if k0 == "ver" and (len(piece) == 4 and piece.startswith(("19", "20")) and "." not in piece):
                    break  # a year ("Gemini in 2024")
                if k0 == "code" and not re.fullmatch(
                    r"[A-Z]\d+(?:\.\d+)*[A-Za-z]?\+?|[a-z]\d+\.\d+|v\d+|[A-Z]\+?", piece
                ):
                    break
            if k0 == "word" and piece.lower() in NOT_BRANDS and not (titled and len(parts) == 1):
                break
            parts += sub
            all_kinds += [k or "word" for k in sub_kinds]
            cursor = sm.start("p") + len(piece)
        end = cursor
        # a number right after the name that is a value ("Gemini 2 million") was not taken; drop a trailing
        # version that turned out to be a value of a unit
        out.append(NameParts(start, end, tuple(parts), tuple(all_kinds), joined))
        pos = max(pos, end)
    return out

# ruff: noqa: E501 - regex and brand tables read best one entry per line
"""Model-name recognition: find every model an article mentions and give it one canonical name.

Canonical names are the developer's brand + version + variant, hyphenated (`DeepSeek-V4-Pro`,
`Llama-3.1-405B`, `GPT-4o-mini`, `Claude-3.5-Sonnet`, `Claude-Opus-4`), or the brand alone where it
has no prefix (`DBRX`, `Jamba`, `Codestral`). Shorthand ("V4-Pro", "Sonnet 4", "the Pro version of
V4", "the instruct variant") is resolved within the article, from the brands it has already named.
The tables are about developers and brands in general, never about particular articles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------------------
# Developers: the organization names articles use, and the value we store for each.

ORG_CANONICAL: dict[str, str] = {
    "openai": "OpenAI", "anthropic": "Anthropic", "google": "Google", "google deepmind": "Google DeepMind",
    "deepmind": "Google DeepMind", "meta": "Meta", "meta ai": "Meta", "facebook": "Meta",
    "mistral": "Mistral AI", "mistral ai": "Mistral AI", "deepseek": "DeepSeek", "alibaba": "Alibaba",
    "alibaba cloud": "Alibaba", "qwen team": "Alibaba", "xai": "xAI", "moonshot": "Moonshot AI",
    "moonshot ai": "Moonshot AI", "zhipu": "Zhipu AI", "zhipu ai": "Zhipu AI", "z.ai": "Zhipu AI",
    "microsoft": "Microsoft", "microsoft corp.": "Microsoft", "microsoft research": "Microsoft",
    "nvidia": "NVIDIA", "amazon": "Amazon", "aws": "Amazon", "cohere": "Cohere", "ai21": "AI21 Labs",
    "ai21 labs": "AI21 Labs", "01.ai": "01.AI", "minimax": "MiniMax", "tencent": "Tencent",
    "databricks": "Databricks", "mosaic": "MosaicML", "mosaicml": "MosaicML", "mosaic ml": "MosaicML",
    "snowflake": "Snowflake", "tii": "TII", "technology innovation institute": "TII", "baidu": "Baidu",
    "bytedance": "ByteDance", "ibm": "IBM", "apple": "Apple", "allen institute for ai": "AI2", "ai2": "AI2",
    "stability ai": "Stability AI", "reka": "Reka", "inflection": "Inflection AI", "inflection ai": "Inflection AI",
    "stepfun": "StepFun", "baichuan": "Baichuan", "iflytek": "iFlytek", "g42": "G42", "nous research": "Nous Research",
}
ORG_PATTERN = re.compile(
    r"(?<![\w.])(?:Google DeepMind|DeepMind|OpenAI|Anthropic|Google|Meta AI|Meta|Facebook|Mistral AI|Mistral"
    r"|DeepSeek|Alibaba Cloud|Alibaba|Qwen [Tt]eam|xAI|Moonshot AI|Moonshot|Zhipu AI|Zhipu|Z\.ai"
    r"|Microsoft Research|Microsoft Corp\.|Microsoft|NVIDIA|Nvidia|Amazon|AWS|Cohere|AI21 Labs|AI21|01\.AI"
    r"|MiniMax|Tencent|Databricks|Mosaic ?ML|Mosaic|Snowflake|TII|Technology Innovation Institute|Baidu"
    r"|ByteDance|IBM|Apple|Allen Institute for AI|AI2|Stability AI|Reka|Inflection AI|Inflection|StepFun|Baichuan|iFlytek"
    r"|G42|Nous Research)(?![A-Za-z0-9_-])"
)


def canonical_org(surface: str) -> str:
    """'Meta AI' -> 'Meta', 'Mosaic ML' -> 'MosaicML'; unknown names are returned as written."""
    key = " ".join(surface.split()).lower()
    return ORG_CANONICAL.get(key, surface.strip())


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
    developer: str | None = None
    variant: str | None = None
    size: str | None = None
    kind: str = field(default="name", compare=False)  # name | shorthand | reference


VARIANT_CASE = {
    "pro": "Pro", "flash": "Flash", "flash-lite": "Flash-Lite", "flash lite": "Flash-Lite", "lite": "Lite",
    "mini": "mini", "nano": "nano", "turbo": "Turbo", "chat": "Chat", "instruct": "Instruct", "base": "Base",
    "large": "Large", "small": "Small", "medium": "Medium", "ultra": "Ultra", "max": "Max", "plus": "Plus",
    "vl": "VL", "coder": "Coder", "vision": "Vision", "air": "Air", "exp": "Exp", "preview": "preview",
    "opus": "Opus", "sonnet": "Sonnet", "haiku": "Haiku", "thinking": "Thinking", "heavy": "Heavy",
    "omni": "Omni", "math": "Math", "reasoning": "Reasoning", "moe": "MoE", "speciale": "Speciale",
    "terminus": "Terminus", "experimental": "Experimental", "scout": "Scout", "maverick": "Maverick",
    "behemoth": "Behemoth", "guard": "Guard", "nemo": "Nemo", "super": "Super", "micro": "Micro",
    "premier": "Premier", "express": "Express", "expanse": "Expanse", "lightning": "Lightning",
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


Canon = tuple[str, str, str | None, str | None]  # canonical, family, variant, size
Builder = Callable[[re.Match[str]], Canon]


@dataclass(frozen=True)
class Spec:
    """One family of model names: a pattern, who builds it, how to spell the canonical name."""

    pattern: re.Pattern[str]
    developer: str | None
    build: Builder
    gate: re.Pattern[str] | None = None  # the article must match this for the pattern to apply
    keys: tuple[str, ...] = ()  # lower-case words one of which the text must contain (a cheap pre-check)


VER = r"\d+(?:\.\d+)?"
SIZE = r"(?:\d+(?:\.\d+)?[BbMm]\b|\d+x\d+[Bb]\b)"
_I = re.IGNORECASE


def _g(m: re.Match[str], *names: str) -> str | None:
    for name in names:
        try:
            value = m.group(name)
        except IndexError:
            continue
        if value:
            return value
    return None


def _gpt(m: re.Match[str]) -> Canon:
    ver = m.group("ver") + (m.group("o") or "")
    variants = [_v(x) for x in re.findall(r"turbo|mini|nano|pro|preview|\d{4}", m.group("tail") or "", _I)]
    family = f"GPT-{ver}"
    return _join(family, *variants), family, variants[-1] if variants else None, None


def _o_series(m: re.Match[str]) -> Canon:
    name = f"o{m.group('ver')}"
    var = _v(m.group("var"))
    return _join("OpenAI", name, var), f"OpenAI-{name}", var or None, None


def _claude(m: re.Match[str]) -> Canon:
    ver = _g(m, "ver", "ver2", "ver3")
    tier = _v(_g(m, "tier", "tier2", "tier3"))
    if ver and tier:
        major = float(ver)
        canonical = f"Claude-{tier}-{ver}" if major >= 4 else f"Claude-{ver}-{tier}"
        return canonical, f"Claude-{ver}", tier, None
    if ver:
        return f"Claude-{ver}", f"Claude-{ver}", None, None
    if tier:
        return f"Claude-{tier}", "Claude", tier, None
    return "Claude", "Claude", None, None


def _gemini(m: re.Match[str]) -> Canon:
    ver = _g(m, "ver", "ver2")
    tier = _v(m.group("tier"))
    family = _join("Gemini", ver)
    return _join(family, tier), family, tier or None, None


def _simple(brand: str, joiner: str = "-") -> Builder:
    """Brand + optional version + variants + size, e.g. Gemma-3-27B, Llama-3.1-405B-Instruct."""

    def build(m: re.Match[str]) -> Canon:
        ver = _g(m, "ver")
        family = brand + (joiner + ver if ver else "")
        size = _size(_g(m, "size"))
        var = _v(_g(m, "var"))
        return _join(family, size, var), family, var or None, size or None

    return build


def _fixed(name: str) -> Builder:
    def build(m: re.Match[str]) -> Canon:
        return name, name, None, None

    return build


def _deepseek(m: re.Match[str]) -> Canon:
    core = m.group("m")
    core = core[0].upper() + core[1:]
    core = re.sub(r"\s+", "-", core)
    family = f"DeepSeek-{core}"
    variants = [_v(x) for x in re.findall(r"[A-Za-z]+", m.group("tail") or "")]
    distill = (m.groupdict().get("distill") or "").strip(" -")
    if distill:  # "DeepSeek-R1-Distill-Qwen-32B"
        parts = re.split(r"[- ]+", distill)
        variants.append("-".join([parts[0].capitalize(), parts[1].capitalize(), *[_size(p) for p in parts[2:]]]))
    return _join(family, *variants), family, variants[-1] if variants else None, None


def _qwen(m: re.Match[str]) -> Canon:
    brand = m.group("b")
    brand = {"qwen": "Qwen", "qwq": "QwQ", "qvq": "QVQ"}.get(brand.lower(), brand)
    ver = _g(m, "ver", "ver2") or ""
    family = brand + ver
    var, var2 = _v(_g(m, "var")), _v(_g(m, "var2"))
    size = _g(m, "size") or ""
    size = "-".join(_size(p) for p in size.split("-"))  # "235B-A22B"
    return _join(family, var, size, var2), family, (var2 or var) or None, size or None


def _mistral(m: re.Match[str]) -> Canon:
    kind = m.group("kind")
    ver = _g(m, "ver")
    if re.fullmatch(SIZE, kind):
        size = _size(kind)
        return f"Mistral-{size}", "Mistral", None, size
    tier = _v(kind)
    family = _join("Mistral", tier, ver)
    return family, family, None, None


def _llama(m: re.Match[str]) -> Canon:
    brand = "Code-Llama" if m.group("b").lower().startswith("code") else "Llama"
    return _simple(brand)(m)


def _kimi(m: re.Match[str]) -> Canon:
    ver = m.group("ver")
    var = _v(m.group("var"))
    family = f"Kimi-{ver}"
    return _join(family, var), family, var or None, None


def _glm(m: re.Match[str]) -> Canon:
    ver = m.group("ver")
    brand = m.group("b")
    family = f"{brand}{ver}" if brand == "ChatGLM" else f"GLM-{ver}"
    var = m.group("var") or ""
    size = _size(m.group("size"))
    if var.upper() == "V":
        return f"{family}V" + (f"-{size}" if size else ""), family, "V", size or None
    return _join(family, _v(var), size), family, _v(var) or None, size or None


def _minimax(m: re.Match[str]) -> Canon:
    x = m.group("x")
    name = f"MiniMax-{x}"
    family = "MiniMax-01" if x.endswith("01") else name
    return name, family, None, None


def _hunyuan(m: re.Match[str]) -> Canon:
    x = _v(m.group("x"))
    family = _join("Hunyuan", x)
    var = _v(m.group("var"))
    return _join(family, var), family, var or None, None


def _yi(m: re.Match[str]) -> Canon:
    x, y = m.group("x"), m.group("y")
    x = _size(x) if re.fullmatch(SIZE, x) else _v(x)
    name = _join("Yi", x, _size(y) if y and re.fullmatch(SIZE, y) else _v(y))
    return name, "Yi", None, None


def _brand_ver(brand: str) -> Builder:
    def build(m: re.Match[str]) -> Canon:
        ver = _g(m, "ver")
        family = _join(brand, ver)
        var = _v(_g(m, "var"))
        size = _size(_g(m, "size"))
        return _join(family, var, size), family, var or None, size or None

    return build


SPECS: list[Spec] = [
    Spec(re.compile(r"(?<![\w-])GPT[- ]?(?P<ver>\d(?:\.\d+)?)(?P<o>o)?(?P<tail>(?:[- ](?:Turbo|mini|nano|Pro|preview|\d{4}(?=-preview)|\d{4}-preview)\b)*)", _I), "OpenAI", _gpt, keys=('gpt',)),
    Spec(re.compile(r"(?<![\w-])gpt-oss-(?P<size>\d+b)\b", _I), "OpenAI",
         lambda m: (f"gpt-oss-{m.group('size').lower()}", "gpt-oss", None, m.group("size").lower()), keys=('gpt-oss',)),
    Spec(re.compile(r"(?<![\w.-])o(?P<ver>[1-9])(?:-(?P<var>mini|pro|preview))?(?![\w.])"), "OpenAI", _o_series,
         gate=re.compile(r"OpenAI|ChatGPT|GPT"), keys=('o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8', 'o9')),
    Spec(re.compile(
        r"\bClaude[- ](?:(?P<ver>\d(?:\.\d)?)[- ](?P<tier>Opus|Sonnet|Haiku|Instant)\b"
        r"|(?P<tier2>Opus|Sonnet|Haiku)[- ](?P<ver2>\d(?:\.\d)?)\b"
        r"|(?P<ver3>\d(?:\.\d)?)\b|(?P<tier3>Opus|Sonnet|Haiku|Instant)\b)?", _I), "Anthropic", _claude, keys=('claude',)),
    # Anthropic shorthand: "Sonnet 4", "Opus 3", "Sonnet 3.5" in an article about Claude.
    Spec(re.compile(r"\b(?:(?P<tier>Opus|Sonnet|Haiku)[- ](?P<ver>\d(?:\.\d)?)(?![\d.]\d)|(?P<ver2>\d\.\d)[- ](?P<tier2>Opus|Sonnet|Haiku)\b)"),
         "Anthropic", _claude, gate=re.compile(r"Claude|Anthropic"), keys=('opus', 'sonnet', 'haiku')),
    Spec(re.compile(
        r"\bGemini(?:[- ](?P<ver>\d(?:\.\d)?)\b)?(?:[- ](?P<tier>Pro|Flash[- ]Lite|Flash|Ultra|Nano)\b)?"
        r"(?:[- ](?P<ver2>\d(?:\.\d)?)\b)?", _I), "Google", _gemini, keys=('gemini',)),
    Spec(re.compile(rf"\b(?P<b>Gemma|CodeGemma|PaliGemma)(?:[- ]?(?P<ver>\d(?:\.\d)?n?)\b)?(?:[- ](?P<var>E\d+B)\b)?(?:[- ](?P<size>{SIZE}))?", _I),
         "Google", lambda m: _simple({"gemma": "Gemma", "codegemma": "CodeGemma", "paligemma": "PaliGemma"}[m.group("b").lower()])(m), keys=('gemma',)),
    Spec(re.compile(r"\bPaLM(?:[- ]?(?P<ver>\d)\b)?(?:[- ](?P<var>Large|Small|Unicorn|Bison|Otter|Gecko)\b)?"), "Google",
         _brand_ver("PaLM"), keys=('palm',)),
    Spec(re.compile(
        rf"\b(?P<b>Code ?Llama|Llama|LLaMA|LLAMA)(?:[- ]?(?P<ver>\d(?:\.\d)?)(?![\d.]*[BbMm]\b)\b)?(?:[- ](?P<size>{SIZE}))?"
        r"(?:[- ](?P<var>Chat|Instruct|Vision|Guard|Scout|Maverick|Behemoth)\b)?"), "Meta", _llama, keys=('llama',)),
    Spec(re.compile(rf"\bMistral[- ](?P<kind>{SIZE}|Small|Medium|Large|Nemo|NeMo|Saba)(?:[- ](?P<ver>\d+(?:\.\d+)?)(?![\dBb]))?"),
         "Mistral AI", _mistral, keys=('mistral',)),
    Spec(re.compile(rf"\bMixtral(?:[- ](?P<size>{SIZE}))?(?:[- ](?P<var>Instruct)\b)?", _I), "Mistral AI", _simple("Mixtral"), keys=('mixtral',)),
    Spec(re.compile(r"\b(?P<b>Codestral|Ministral|Pixtral|Magistral|Devstral|Mathstral)(?:[- ](?P<var>Mamba|Large|Small|Medium|\d+B))?\b"),
         "Mistral AI", lambda m: (_join(m.group("b"), _v(m.group("var"))), m.group("b"), _v(m.group("var")) or None, None), keys=('codestral', 'ministral', 'pixtral', 'magistral', 'devstral', 'mathstral')),
    # Mistral shorthand: "Small 3", "Large 2" in an article about Mistral.
    Spec(re.compile(r"(?:(?<=[Rr]elease[sd] )|(?<=[Rr]elease ))(?P<kind>Small|Medium|Large) (?P<ver>\d(?:\.\d)?)\b"),
         "Mistral AI", _mistral, gate=re.compile(r"Mistral"), keys=('small', 'medium', 'large')),
    Spec(re.compile(
        rf"\b(?P<b>(?i:Qwen|QwQ|QVQ))(?:[- ]?(?P<ver>\d(?:\.\d+)?)(?![\d.]*[Bb]\b))?"
        rf"(?:[- ](?P<var>VL|Max|Plus|Turbo|Coder|Math|Omni|Audio)\b)?(?:[- ](?P<ver2>\d\.\d)\b)?"
        rf"(?:[- ](?P<size>{SIZE}(?:-A\d+B\b)?))?(?:[- ](?P<var2>Instruct|Chat|Preview|Thinking)\b)?"), "Alibaba", _qwen, keys=('qwen', 'qwq', 'qvq')),
    Spec(re.compile(
        r"\bDeepSeek[- ]?(?P<m>V\d(?:\.\d)?|R\d|Coder(?:[- ]V\d(?:\.\d)?)?|Math|VL\d?|LLM|MoE|Prover(?:[- ]V\d(?:\.\d)?)?|Janus|OCR)\b"
        r"(?P<tail>(?:[- ](?:Pro|Flash|Chat|Lite|Exp|Base|Instruct|Terminus|Speciale)\b)*)(?P<distill>[- ]Distill[- ](?:Qwen|Llama)[- ]?\d+(?:\.\d+)?[Bb]\b)?", _I),
         "DeepSeek", _deepseek, keys=('deepseek',)),
    # DeepSeek shorthand inside an article that names DeepSeek: "V4-Pro", "R1", "V3.2".
    Spec(re.compile(r"(?<![\w.$/-])(?P<m>V\d(?:\.\d)?|R\d)(?![\w.]*\d)\b(?P<tail>(?:[- ](?:Pro|Flash|Chat|Lite|Exp|Base|Instruct|Terminus)\b)*)(?![\w-])"),
         "DeepSeek", _deepseek, gate=re.compile(r"DeepSeek"), keys=('v', 'r')),
    Spec(re.compile(r"\bKimi[- ](?P<ver>[Kk]\d(?:\.\d)?)\b(?:[- ](?P<var>Thinking|Instruct|Base)\b)?"), "Moonshot AI", _kimi, keys=('kimi',)),
    Spec(re.compile(r"(?<![\w.$/-])(?P<ver>K\d\.\d|K\d)\b(?:[- ](?P<var>Thinking|Instruct|Base)\b)?(?![\w-])"), "Moonshot AI", _kimi,
         gate=re.compile(r"Kimi"), keys=('k',)),
    Spec(re.compile(rf"\b(?P<b>(?:Chat)?GLM)[- ]?(?P<ver>\d(?:\.\d)?)(?:[- ]?(?P<var>V|AirX|Air|Flash|Plus)\b|\b)(?:[- ](?P<size>{SIZE}))?"),
         "Zhipu AI", _glm, keys=('glm',)),
    Spec(re.compile(r"\bPhi[- ](?P<ver>\d(?:\.\d)?)\b(?:[- ](?P<var>mini|medium|small|vision|MoE|multimodal|reasoning)\b)?"),
         "Microsoft", _brand_ver("Phi"), keys=('phi',)),
    Spec(re.compile(rf"\bNemotron(?:[- ](?P<ver>\d)\b)?(?:[- ](?P<var>Nano|Super|Ultra|Mini)\b)?(?:[- ](?P<size>{SIZE}))?"),
         "NVIDIA", _brand_ver("Nemotron"), keys=('nemotron',)),
    Spec(re.compile(r"\bGrok(?:[- ]?(?P<ver>\d(?:\.\d)?)\b)?(?:[- ](?P<var>mini|Heavy|Fast|Code)\b)?"), "xAI", _brand_ver("Grok"), keys=('grok',)),
    Spec(re.compile(rf"\bFalcon[- ]?(?:(?P<ver>\d(?:\.\d)?)[- ])?(?P<size>{SIZE})"), "TII", _simple("Falcon"), keys=('falcon',)),
    Spec(re.compile(rf"\bFalcon[- ]Mamba(?:[- ](?P<size>{SIZE}))?"), "TII", _simple("Falcon-Mamba"), keys=('falcon',)),
    Spec(re.compile(rf"\bLlama[- ]\d(?:\.\d)?[- ]Nemotron(?:[- ](?:Nano|Super|Ultra))?(?:[- ](?:{SIZE}))?(?:[- ]Instruct\b)?"), "NVIDIA",
         lambda m: (re.sub(r"\s+", "-", m.group(0)), "Nemotron", None, None), keys=('nemotron',)),
    # "Falcon 3", "Falcon 2": only in an article about language models (a Falcon 9 is a rocket)
    Spec(re.compile(rf"\bFalcon[- ]?(?P<ver>[2-4](?:\.\d)?)\b(?![- ]?{SIZE})"), "TII", _simple("Falcon"),
         gate=re.compile(r"\bTII\b|Technology Innovation Institute|language model|\bLLM"), keys=('falcon',)),
    Spec(re.compile(r"\bYi-(?P<x>\d+(?:\.\d+)?[Bb]\b|VL|Coder|Large|Lightning|\d\.\d)(?:-(?P<y>\d+[Bb]|Chat)\b)?"), "01.AI", _yi, keys=('yi-',)),
    Spec(re.compile(r"(?<![\w-])Yi(?![\w-])"), "01.AI", _fixed("Yi"), gate=re.compile(r"01\.AI|Yi-"), keys=('yi',)),
    Spec(re.compile(r"\bDBRX(?:[- ](?P<var>Instruct|Base)\b)?"), "Databricks", _brand_ver("DBRX"), keys=('dbrx',)),
    Spec(re.compile(r"\bJamba(?:[- ](?P<ver>\d(?:\.\d)?)\b)?(?:[- ](?P<var>Mini|Large|Instruct)\b)?"), "AI21 Labs", _brand_ver("Jamba"), keys=('jamba',)),
    Spec(re.compile(r"\bSnowflake[- ]Arctic\b|(?<![\w-])Arctic(?![\w-])"), "Snowflake", _fixed("Snowflake-Arctic"),
         gate=re.compile(r"Snowflake"), keys=('arctic',)),
    Spec(re.compile(r"\bMiniMax[- ](?P<x>Text-01|VL-01|01|M1|M2(?:\.\d)?|abab\d(?:\.\d)?)\b"), "MiniMax", _minimax, keys=('minimax',)),
    Spec(re.compile(r"\bHunyuan(?:[- ](?P<x>Large|Turbo|T1|Lite|Pro|Standard|A\d+B)\b)?(?:[- ](?P<var>Instruct)\b)?"),
         "Tencent", _hunyuan, keys=('hunyuan',)),
    Spec(re.compile(r"\bERNIE(?:[- ](?:Bot|X))?(?:[- ]?(?P<ver>\d(?:\.\d)?)\b)?(?:[- ](?P<var>Turbo|Speed|Lite)\b)?"), "Baidu",
         _brand_ver("ERNIE"), keys=('ernie',)),
    Spec(re.compile(r"\bCommand[- ](?P<x>R\+|R7B|R|A|Light)(?![\w+])"), "Cohere",
         lambda m: (f"Command-{m.group('x')}", "Command", None, None), keys=('command',)),
    Spec(re.compile(r"\bAya(?:[- ](?P<var>Expanse|Vision|23|101)\b)?"), "Cohere", _brand_ver("Aya"), keys=('aya',)),
    Spec(re.compile(r"\b(?:Amazon[- ])?Nova[- ](?P<var>Pro|Lite|Micro|Premier)\b"), "Amazon",
         lambda m: (f"Nova-{m.group('var')}", "Nova", m.group("var"), None), keys=('nova',)),
    Spec(re.compile(r"\bOlympus\b"), "Amazon", _fixed("Olympus"), gate=re.compile(r"Amazon"), keys=('olympus',)),
    Spec(re.compile(rf"\bOLMo(?:[- ]?(?P<ver>\d)\b)?(?:[- ](?P<size>{SIZE}))?"), "AI2", _simple("OLMo"), keys=('olmo',)),
    Spec(re.compile(rf"\bGranite[- ](?P<ver>\d(?:\.\d)?)\b(?:[- ](?P<size>{SIZE}))?"), "IBM", _simple("Granite"), keys=('granite',)),
    Spec(re.compile(r"\bDoubao(?:[- ](?P<ver>\d(?:\.\d)?)\b)?(?:[- ](?P<var>Pro|Lite|Seed|Vision|Thinking)\b)?"), "ByteDance",
         _brand_ver("Doubao"), keys=("doubao",)),
    Spec(re.compile(rf"\bBaichuan[- ]?(?P<ver>\d(?:\.\d)?)\b(?:[- ](?P<size>{SIZE}))?"), "Baichuan", _simple("Baichuan"),
         keys=("baichuan",)),
    Spec(re.compile(r"\bInflection-(?P<ver>\d(?:\.\d)?)\b"), "Inflection AI", _brand_ver("Inflection"), keys=("inflection-",)),
    Spec(re.compile(r"\bReka[- ](?P<var>Core|Flash|Edge)\b"), "Reka", _brand_ver("Reka"), keys=("reka",)),
    Spec(re.compile(r"\bMAI-(?P<ver>\d(?:\.\d)?)\b"), "Microsoft", _brand_ver("MAI"), keys=("mai-",)),
    Spec(re.compile(rf"\bStarCoder(?P<ver>2)?(?:[- ](?P<size>{SIZE}))?"), None, _simple("StarCoder", ""), keys=('starcoder',)),
]

# Gates that are plain alternatives of words are checked with `in` (much faster than a regex scan).
_GATE_LITERALS: dict[int, tuple[str, ...]] = {
    i: tuple(spec.gate.pattern.replace("\\.", ".").split("|"))
    for i, spec in enumerate(SPECS)
    if spec.gate is not None and re.fullmatch(r"(?:[A-Za-z0-9 -]|\\\.)+(?:\|(?:[A-Za-z0-9 -]|\\\.)+)*", spec.gate.pattern)
}
_KEY_SPECS: dict[str, list[int]] = {}
_SCAN_SPECS: list[int] = []  # specs whose keys are single letters: scanned whole (they are gated)
for _i, _spec in enumerate(SPECS):
    if not _spec.keys or any(len(k) < 2 for k in _spec.keys):
        _SCAN_SPECS.append(_i)
        continue
    for _k in _spec.keys:
        _KEY_SPECS.setdefault(_k, []).append(_i)
_TRIGGER = re.compile("|".join(re.escape(k) for k in sorted(_KEY_SPECS, key=len, reverse=True)), re.IGNORECASE)
_TRIGGER_LOW = re.compile("|".join(re.escape(k) for k in sorted(_KEY_SPECS, key=len, reverse=True)))  # on lower-cased text

# "the Pro version of V4", "the instruct variant", "a “Flash” version", "The chat version".
VARIANT_REF = re.compile(
    r"\b(?:[Tt]he|[Aa]|[Ii]ts|[Aa]n)\s+(?:new\s+|lighter\s+|larger\s+|smaller\s+)?[“\"']?(?P<var>Pro|Flash|Lite|Mini|Nano|Max|Plus|Turbo|"
    r"[Ii]nstruct|[Cc]hat|Coder|Vision|Air|Ultra)[”\"']?\s+(?:version|variant|model|tier|edition)\b"
    r"(?:\s+of\s+)?"
)
_MORE_SIZES = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+|\s*/\s*)(?P<size>\d+(?:\.\d+)?[BM])\b(?![- ]param)")
# "A 27B model", "the 405-billion-parameter model": a size of the article's main family.
SIZE_REF = re.compile(
    r"\b(?:[Aa]n?|[Tt]he|[Ii]ts)\s+(?P<size>\d+(?:\.\d+)?)(?:B|[- ]billion)(?:[- ]param(?:eter)?s?)?\s+(?:model|variant|version)\b"
)
SIZE_LIST_REF = re.compile(
    r"\b(?:alongside|along\s+with|as\s+well\s+as|plus|with)\s+(?:(?:refreshed|updated|new|smaller|upgraded|improved)\s+)?"
    r"(?P<sizes>\d+(?:\.\d+)?B(?:\s*,\s*\d+(?:\.\d+)?B)*,?\s+and\s+\d+(?:\.\d+)?B)\s+(?:versions|variants|models|siblings)\b"
)
# A capitalized variant word used alone once the article has named the full variant: "Mini is $0.40".
BARE_VARIANT = re.compile(r"(?P<var>Mini|Nano|Flash|Pro|Lite|Turbo|Opus|Sonnet|Haiku|Ultra)\b(?! [A-Z\d])")
_GENERIC_VARIANTS = {"pro", "mini", "nano", "flash", "lite", "turbo", "max", "plus", "base", "chat", "instruct", "large",
                     "small", "medium", "ultra", "air", "exp", "preview", "vision", "coder", "math", "omni", "super",
                     "micro", "premier", "express", "reasoning", "thinking", "heavy", "vl", "moe"}
_BARE_BEFORE = re.compile(r"(?:^|\n|\. |\bthe |\bThe )$")  # what may precede a bare variant word


def find_model_mentions(text: str) -> list[ModelMention]:
    """Every model the text names, in order, each with its canonical name and exact span."""
    found: list[ModelMention] = []
    seen: set[tuple[int, int, int]] = set()
    gates: dict[int, bool] = {}

    def gate_ok(i: int) -> bool:
        if i not in gates:
            gate = SPECS[i].gate
            literals = _GATE_LITERALS.get(i)
            if literals is not None:
                gates[i] = any(lit in text for lit in literals)
            else:
                gates[i] = gate is None or gate.search(text) is not None
        return gates[i]

    def run(i: int, start: int, end: int) -> None:
        spec = SPECS[i]
        for m in spec.pattern.finditer(text, start, end):
            if m.end() == m.start() or (i, m.start(), m.end()) in seen:
                continue
            seen.add((i, m.start(), m.end()))
            canonical, family, variant, size = spec.build(m)
            kind = "name" if spec.gate is None else "shorthand"
            found.append(ModelMention(canonical, m.group(0), m.start(), m.end(), family, spec.developer, variant, size, kind))

    # Speed: one scan for brand words, then each family's pattern only in a small window around a hit.
    low = text.lower()
    trigger, haystack = (_TRIGGER_LOW, low) if len(low) == len(text) else (_TRIGGER, text)
    for hit in trigger.finditer(haystack):
        for i in _KEY_SPECS.get(hit.group(0).lower(), ()):
            if gate_ok(i):
                run(i, max(0, hit.start() - 16), min(len(text), hit.end() + 100))
    for i in _SCAN_SPECS:
        if gate_ok(i):
            run(i, 0, len(text))
    mentions = [m for m in _resolve_overlaps(found) if not _PRODUCT_AFTER.match(text, m.end)]
    mentions = _add_references(text, mentions)
    return mentions


# "the Gemini API", "the Claude app": a product around the model, not a statement about one model.
_PRODUCT_AFTER = re.compile(r"\s(?:API|APIs|app|apps|Studio|platform|website|chatbot|assistant|Code\b|CLI|[Tt]eam|[Ll]ab)\b")


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
    spans = [(m.start, m.end) for m in mentions]

    def free(s: int, e: int) -> bool:
        return not any(s < me and ms < e for ms, me in spans)

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
        if base.family.startswith("Claude") or family.lower().endswith(var.lower()):
            continue
        end = m.end() if base.start != m.end() else base.end
        if base.start == m.end():
            end = base.end
        else:
            end = m.end() - (len(m.group(0)) - len(m.group(0).rstrip()))
            if m.group(0).rstrip().endswith("of"):
                end = m.start() + m.group(0).rstrip().rfind(" of")
        canonical = _join(family, var)
        extra.append(ModelMention(canonical, text[m.start("var"):end], m.start("var"), end, family, base.developer, var,
                                  None, "reference"))
    known: dict[str, list[ModelMention]] = {}
    for x in mentions:
        if x.variant and x.kind == "name":
            known.setdefault(x.variant.lower(), []).append(x)
    # A variant named once in full ("Llama 4 Scout") and later alone ("Scout has 17B active parameters").
    # Distinctive words anywhere; generic ones ("Pro", "Mini") only opening a sentence or after "the".
    distinctive = [w for w in known if w not in _GENERIC_VARIANTS and len(w) >= 4]
    patterns = [BARE_VARIANT]
    if distinctive:
        patterns.append(re.compile(r"\b(?P<var>" + "|".join(re.escape(VARIANT_CASE.get(w, w.capitalize())) for w in distinctive)
                                   + r")\b(?![- ]?\d)"))
    for pattern in patterns:
        for m in pattern.finditer(text):
            word = m.group("var").lower()
            if word in _GENERIC_VARIANTS and not _BARE_BEFORE.search(text, max(0, m.start() - 4), m.start()):
                continue
            cands = {x.canonical: x for x in known.get(word, [])}
            if len(cands) != 1 or not free(m.start(), m.end()):
                continue
            base = next(iter(cands.values()))
            extra.append(ModelMention(base.canonical, m.group(0), m.start(), m.end(), base.family, base.developer,
                                      base.variant, base.size, "reference"))
            spans.append((m.start(), m.end()))
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
            extra.append(ModelMention(f"{x.family}-{size}", more.group("size"), more.start("size"), more.end("size"),
                                      x.family, x.developer, None, size, "reference"))
            spans.append((more.start("size"), more.end("size")))
            pos = more.end()
    # "Llama 3.1 405B ... alongside refreshed 8B and 70B versions": sibling sizes of the sized model named just before
    for m in SIZE_LIST_REF.finditer(text):
        prior = [x for x in mentions if x.size and x.kind == "name" and x.end <= m.start() and m.start() - x.end <= 300]
        if not prior:
            continue
        base = prior[-1]
        for sm in re.finditer(r"\d+(?:\.\d+)?B\b", m.group("sizes")):
            s, e = m.start("sizes") + sm.start(), m.start("sizes") + sm.end()
            size = _size(sm.group(0))
            if not free(s, e) or size == base.size:
                continue
            extra.append(ModelMention(f"{base.family}-{size}", sm.group(0), s, e, base.family, base.developer, None, size,
                                      "reference"))
            spans.append((s, e))
    size_counts: dict[str, int] = {}
    for m in SIZE_REF.finditer(text):
        size = f"{m.group('size')}B"
        if m.group("size") not in size_counts:
            size_counts[m.group("size")] = len(re.findall(rf"(?<![\w.]){re.escape(m.group('size'))}(?:\s?B\b|[- ]billion)", text))
        if not free(m.start(), m.end()) or size_counts[m.group("size")] < 2:
            continue  # only a size the article uses for its models more than once
        family = main.family or main.canonical
        sized = [x for x in mentions if x.size == size and x.kind == "name"]
        if sized:  # "Llama 3.1 405B ... the 405-billion-parameter model"
            family = sized[0].family or family
        if re.search(r",\s*$", text[max(0, m.start() - 3) : m.start()]) and any(x.end in (m.start() - 1, m.start() - 2) for x in mentions):
            continue  # "Phi-4, a 14B model": apposition, a size statement about that model
        extra.append(ModelMention(f"{family}-{size}", m.group(0), m.start(), m.end(), family, main.developer, None, size,
                                  "reference"))
    if not extra:
        return mentions
    merged = _resolve_overlaps(mentions + extra)
    return merged


def canonical_model_name(surface: str) -> str | None:
    """The canonical name of one model name as a user or article writes it ('llama 3.1 405b'), else None.

    Shorthand that needs an article's context ("V4-Pro") is tried with its usual brand."""
    text = " ".join(surface.split())
    if not text:
        return None
    for candidate in (text, _titled(text)):
        mentions = [m for m in find_model_mentions(candidate) if m.kind != "reference"]
        if mentions:
            best = max(mentions, key=lambda m: m.end - m.start)
            return best.canonical
    for brand in ("DeepSeek", "Kimi", "Claude", "OpenAI", "Mistral", "Snowflake", "Amazon"):
        probe = f"{brand} {text}"
        for m in find_model_mentions(probe):
            if m.start <= len(brand) + 1 and m.end >= len(probe) - 1 and m.kind != "reference":
                return m.canonical
    return None


def _titled(text: str) -> str:
    """Case-fold a user's query toward how brands are written ('llama 3 70b' -> 'Llama 3 70B')."""
    out = []
    for word in text.split(" "):
        if re.fullmatch(r"\d+(?:\.\d+)?[bm]", word):
            out.append(word[:-1] + word[-1].upper())
        elif re.fullmatch(r"[vrk]\d+(?:\.\d+)?", word):
            out.append(word.upper())
        elif word.isalpha() and word.islower() and word not in ("mini", "nano"):
            out.append(word.capitalize())
        else:
            out.append(word)
    return " ".join(out)


def developer_of(canonical: str) -> str | None:
    """The usual developer of a canonical model name, from the brand tables (None when unknown)."""
    for spec in SPECS:
        if spec.developer is None:
            continue
        m = spec.pattern.match(canonical.replace("-", " ")) or spec.pattern.match(canonical)
        if m and m.end() > 0:
            return spec.developer
    return None

"""Words the tracker knows, once: organisations, chip vendors, hardware roles, months and number words.

Priors, never gates: a name missing here is still found by how the text uses it (see claims.orgs).
"""

from __future__ import annotations

# -- organisations -------------------------------------------------------------------------------------
# Spelling prior of the extractor: the organisation names articles use, and the value we store for each.
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

# Which organisations count as one when sources are compared (facts.norm_developer): keys and values are
# lower-case alphanumerics, so "Google DeepMind" and "Google" agree, "Z.ai" and "Zhipu AI" too.
DEVELOPER_ALIASES = {
    "googledeepmind": "google",
    "deepmind": "google",
    "googleai": "google",
    "zai": "zhipu",
    "zhipuai": "zhipu",
    "mistralai": "mistral",
    "metaai": "meta",
    "metaplatforms": "meta",
    "facebook": "meta",
    "moonshotai": "moonshot",
    "alibabacloud": "alibaba",
    "qwenteam": "alibaba",
    "alibabaqwen": "alibaba",
    "xaicorp": "xai",
    "microsoftresearch": "microsoft",
    "mosaicml": "mosaicml",
}

# Maker words (lower-case alphanumerics) that may prefix a model name in a question ("DeepSeek V4 Pro" or
# just "V4 Pro"): read by ask.names, never a model on their own.
_DEVELOPERS = """openai meta google deepmind googledeepmind deepseek mistral mistralai anthropic alibaba
    qwen microsoft
    nvidia xai moonshot moonshotai zhipu zhipuai zai amazon aws ai21 databricks snowflake tencent 01ai cohere
    ibm apple baidu bytedance minimax stepfun huawei tii reka inflection stability stabilityai"""
DEVELOPER_WORDS = frozenset(_DEVELOPERS.split())
# Chip vendors: dropped before a chip's name when chips are compared ("Nvidia H100" = "H100"), and never a
# model's name in a question.
CHIP_VENDORS = frozenset(
    {
        "amazon",
        "amd",
        "apple",
        "arm",
        "aws",
        "cambricon",
        "google",
        "huawei",
        "intel",
        "microsoft",
        "nvidia",
        "qualcomm",
        "tsmc",
    }
)

# -- hardware roles --------------------------------------------------------------------------------------
# How specific a hardware role is: a source that says "trained on" says more than one that says "runs on".
ROLE_RANK = {"training": 3, "inference": 2, "unspecified": 1}

# -- dates and numbers -------------------------------------------------------------------------------------
CALENDAR_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# lower case -> month number: the names, their three-letter abbreviations, and "sept"
MONTHS = {
    **{name.lower(): i for i, name in enumerate(CALENDAR_MONTHS, 1)},
    **{name[:3].lower(): i for i, name in enumerate(CALENDAR_MONTHS, 1)},
    "sept": 9,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

# Magnitude words and suffixes -> multiplier.
SCALES = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mio": 1e6,
    "mil": 1e6,
    "mtok": 1e6,
    "million": 1e6,
    "millions": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "billions": 1e9,
    "t": 1e12,
    "tn": 1e12,
    "trillion": 1e12,
    "trillions": 1e12,
}

WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "twenty": 20,
    "hundred": 100,
}

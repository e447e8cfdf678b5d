"""Word lists for question understanding: variants, families, function words (developers and chip vendors
are tracker.vocab's)."""

from __future__ import annotations

# Chip vendors: capitalized in questions about hardware, never a model.
from ..vocab import CHIP_VENDORS as VENDOR_WORDS  # noqa: F401 - names.py reads it here
from ..vocab import DEVELOPER_WORDS  # noqa: F401 - names.py reads it here

# Variant words from small to large: a model's name part, never a model on their own ("mini", "pro").
VARIANT_ORDER = (
    "nano",
    "micro",
    "tiny",
    "mini",
    "small",
    "lite",
    "haiku",
    "flash",
    "air",
    "fast",
    "medium",
    "base",
    "sonnet",
    "large",
    "pro",
    "plus",
    "max",
    "opus",
    "ultra",
)
_MORE_VARIANTS = """turbo chat instruct preview reasoning thinking vision coder code next chatversion
    instructvariant experimental exp latest"""
VARIANT_WORDS = frozenset(VARIANT_ORDER + tuple(_MORE_VARIANTS.split()))
# Model family words that questions often write in lower case ("how big is llama 3").
_FAMILIES = """gpt claude llama gemini gemma mistral mixtral qwen grok kimi glm phi nemotron falcon jamba dbrx
    olmo yi
    codestral deepseek minimax hunyuan ernie command sonnet opus haiku palm bard copilot titan nova arctic
    granite"""
FAMILY_WORDS = frozenset(_FAMILIES.split())
_STOP_TEXT = (
    "a an the of for in on at to by with and or is are was were be been do does did what which who whom how "
    "when where why it its this that has have had much many me tell about there their any"
)
STOPWORDS = frozenset(_STOP_TEXT.split())
# Words that are never a model mention on their own, however they are capitalized.
COMMON_WORDS = frozenset(
    word
    for line in (
        "list name please whats explain describe any all each both also get got reported report reportedly",
        "does know known tell about other another same different their his her",
        "a an the and or of for in on at to by with from about into per vs versus than as is are was",
        "were be been being do does did done has have had how what which who whom whose when where why",
        "will would can could should may might it its it's this that these those there their they them",
        "he she we you your our i me my much many more most model models version variant variants",
        "release released launch launched price prices cost costs pricing token tokens input output",
        "context window length parameters parameter params size big large total active license licence",
        "licensed open weights chip chips hardware gpu gpus tpu tpus trained train training run runs",
        "inference score scored scores benchmark benchmarks developer developed built made company lab",
        "date new tell me give show compare under use used uses support supports handle long largest",
        "biggest smallest million billion trillion thousand one two three first latest newest old older",
        "cheapest cheaper bigger larger smaller longest highest lowest top best since last week month year",
        "january february march april may june july august september october november december today",
        "jan feb mar apr jun jul aug sep sept oct nov dec ago recent recently news articles",
    )
    for word in line.split()
)
# Function words of other languages: a question made of them is not English.
_FOREIGN = """wie groß gross ist das der die den dem des und von mit für welche welcher welches wann wer
    was nicht
    ein eine einen hat haben wurde kontextfenster viele kostet
    quel quelle quels quelles est le la les du des et pour combien avec une sont été
    cuál cual cuáles cuánto cuanto cuántos es el los las del y para con tiene una qué que
    qual quale quanto quanti di della delle il gli ha è sono
    hoe groot wat welke hoeveel heeft het een zijn van"""
FOREIGN_WORDS = frozenset(_FOREIGN.split()) - STOPWORDS

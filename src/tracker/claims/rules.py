# ruff: noqa: E501 - regex and brand tables read best one entry per line
"""The patterns, per attribute, that find a value and the words that qualify it.

All regexes are compiled once at import. They are written to fail fast: bounded repeats, no nested
quantifiers over the same characters, so a 5,000-word article never backtracks badly.
"""

from __future__ import annotations

import re

from .values import MONTH_NAMES, NUM

SCALE_WORD = r"trillion|billion|million|thousand|tn|bn|mn|T|B|M|K|k"
_I = re.IGNORECASE

# ------------------------------------------------------------------------------------------ parameters
# "1.6 trillion-parameter", "7.3B parameter", "480 billion total parameters", "52 billion activated parameters"
PARAMS = re.compile(
    rf"(?P<num>{NUM}|(?<![\w-])(?:one|two|three|four|five|six|seven|eight|nine|ten))\s?-?\s?(?P<scale>trillion|billion|million|T|B|M)\b[\s-]?"
    r"(?P<kind>(?:total|active|activated|activating|raw|dense)\s+)?(?:-)?param(?:eter)?s?\b",
    _I,
)
# "284B total, 13B active", "12B active", "only about 17 billion active per token"
PARAMS_KIND = re.compile(
    rf"(?P<num>{NUM})\s?-?\s?(?P<scale>trillion|billion|T|B)\b\s+(?:are\s+|is\s+)?(?P<kind>total|active|activated)\b(?!\s+param)",
    _I,
)
# "activating approximately 37 billion", "activates only 21B parameters"
PARAMS_ACTIVATING = re.compile(
    rf"\bactivat(?:ing|es|e)\s+(?:only\s+)?(?:approximately\s+|about\s+|roughly\s+|around\s+|~)?(?:only\s+)?"
    rf"(?P<num>{NUM})\s?(?P<scale>trillion|billion|T|B)\b",
    _I,
)
# "36 billion parameters are active", "36 billion parameters (4 out of 16 experts) are active"
PARAMS_ARE_ACTIVE = re.compile(
    rf"(?<![\d.])(?<!\bof\sthe\s)(?<!\bof\sits\s)(?P<num>{NUM})\s?(?P<scale>trillion|billion|T|B)\s+param(?:eter)?s\s+(?:\([^)]{{0,40}}\)\s+)?(?:are|is|being)\s+active",
    _I,
)
# "10B of the 230B parameters are active": the part is the active count
PARAMS_PART_ACTIVE = re.compile(
    rf"(?<![\d.])(?P<num>{NUM})\s?(?P<scale>trillion|billion|T|B)\s+of\s+(?:the|its)\s+(?P<anum>{NUM})\s?(?P<ascale>trillion|billion|T|B)\s+"
    r"(?:total\s+)?param(?:eter)?s\s+(?:are|is|get|gets)\s+(?:active|activated|used)",
    _I,
)
# "(1.1T)", "(754B)", "(685B parameters)" right after a model name
PARAMS_PAREN = re.compile(
    rf"\(\s*(?:~\s?|about\s+|approximately\s+|roughly\s+)?(?P<num>{NUM})\s?(?P<scale>trillion|billion|T|B)(?:\s+(?:total\s+)?param(?:eter)?s)?\s*\)",
    _I,
)
# "a 236B MoE model", "a 24B dense transformer"
PARAMS_MODEL = re.compile(
    rf"\b(?:a|an)\s+(?P<num>{NUM})\s?-?\s?(?P<scale>trillion|billion|T|B)\b(?:[\s-]+(?:MoE|dense|sparse|mixture-of-experts|open|open-weight|"
    r"parameter|language|multimodal|reasoning))*\s+(?:model|transformer|LLM)\b",
    _I,
)
# "three sizes: 7 billion, 13 billion, and 70 billion parameters"
PARAMS_SIZES = re.compile(
    rf"\bsizes?\b[^.\n]{{0,20}}?(?P<list>(?:{NUM})\s?(?:billion|B)?(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"
    rf"(?:(?:{NUM})\s?(?:billion|B)?(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)){{0,4}}(?:{NUM})\s?(?:billion|B))\s+param",
    _I,
)
# "in 3B, 8B and 70B sizes", "in 2 B and 7 B parameter versions", "Four open sizes: 3B, 7B, 32B and 72B"
_SIZE = rf"(?:{NUM})\s?B"
_SIZE_LIST = rf"{_SIZE}(?:\s*,\s*(?:and\s+|or\s+)?{_SIZE}){{0,5}},?\s+(?:and|or)\s+{_SIZE}"
PARAMS_SIZES_AFTER = re.compile(
    rf"(?P<list>{_SIZE_LIST})\s+(?:(?:parameter|param)\s+(?:sizes|versions|variants|scales|models|checkpoints)|sizes|scales)\b"
)
# "the Baichuan2 series (7B and 13B parameters)": sizes in brackets after the family's name
PARAMS_SIZES_BRACKET = re.compile(rf"\((?P<list>{_SIZE_LIST})\s+param(?:eter)?s?\s*[),;]")
# "Step-1V: 100B multimodal model", "Orla-Mini: a 7B dense model": a model's line opening with its size
PARAMS_LINE_MODEL = re.compile(
    rf":\s+(?:an?\s+)?(?:~\s?)?(?P<num>{NUM})\s?(?P<scale>trillion|billion|T|B)\b(?:[\s-]+[\w-]+){{0,3}}?[\s-]+(?:model|LLM|transformer|VLM)\b"
)
PARAMS_SIZES_LABEL = re.compile(rf"\bsizes?\s*:\s*(?P<list>{_SIZE_LIST}|{_SIZE}(?:\s*,\s*{_SIZE})+)\b", _I)
# "a 106B-A12B model", "Tessellate-1 was a 30B-A3B model": total and active in one form
PARAMS_MOE_FORM = re.compile(
    rf"(?<![\w.-])(?P<num>{NUM})(?P<scale>[BT])-A(?P<anum>{NUM})(?P<ascale>[BT])(?![\w-])(?=\s+(?:MoE\s+|mixture|sparse\s+)?(?:model|MoE|design|architecture|checkpoint|release|LLM))"
)
# "236B / 21B active": total and active in one breath
PARAMS_SLASH = re.compile(
    rf"(?<![\w.-])(?P<num>{NUM})\s?(?P<scale>[BT])\s*/\s*(?P<anum>{NUM})\s?(?P<ascale>[BT])\s+active\b", _I
)
# "offered in 2B-parameter and 7B-parameter variants": each size carries the word
_SIZE_PARAM = rf"(?:{NUM})\s?B[\s-]param(?:eter)?s?"
PARAMS_SIZES_EACH = re.compile(
    rf"(?P<list>{_SIZE_PARAM}(?:\s*,\s*{_SIZE_PARAM}){{0,4}},?\s+(?:and|or)\s+{_SIZE_PARAM})\s+(?:versions|variants|sizes|models|checkpoints)\b",
    _I,
)
# "both 8- and 70-billion parameter versions"
PARAMS_SIZES_SUSPENDED = re.compile(
    rf"(?P<list>(?:{NUM})-(?:\s*,\s*(?:{NUM})-)*\s+(?:and|or)\s+(?:{NUM}))[\s-]billion[\s-]param\w*\s+(?:versions|variants|sizes|models)\b",
    _I,
)
# "The largest model (27B)"
PARAMS_LARGEST = re.compile(
    rf"\b(?:the\s+)?(?:largest|smallest|biggest|flagship)\s+(?:model|variant|version)\s+\((?P<num>{NUM})\s?(?P<scale>B|T)\)",
    _I,
)

# A bound or range in front of a number: not a value.
BOUND_BEFORE = re.compile(
    r"(?:\d\s*[-–]\s*|\bto\s+(?:an?\s+)?|\bfrom\s+(?:an?\s+)?|\bup\s+to\s+|\bover\s+|\bunder\s+|\bthan\s+|\babove\s+|\bbelow\s+|\bsub-\s*|\bless\s+than\s+"
    r"|\bmore\s+than\s+|\bat\s+least\s+|\bat\s+most\s+|\bexceeding\s+|[<>≤≥]\s*|\+\s*)$",
    _I,
)
PER_EACH_AFTER = re.compile(r"\s*(?:parameters?\s+)?(?:each|per\s+expert|apiece)\b", _I)
RANGE_AFTER = re.compile(r"\s*(?:[-–]|to)\s*\d", _I)

# ------------------------------------------------------------------------------------------ context
CONTEXT_PATTERNS = [
    # "1M token context windows", "1-million-token context window", "128,000-token context window", "4 million token context"
    re.compile(
        rf"(?P<num>{NUM})\s?-?\s?(?P<scale>million|thousand|M|K|k)?[\s-]*tokens?[\s-]+(?:of\s+)?(?:long[\s-])?(?:context|input)"
        r"(?:\s+(?:window|length|limit))?s?\b",
        _I,
    ),
    # "128K context window", "256K context for the pre-trained model", "32K token context"
    re.compile(
        rf"(?P<num>{NUM})\s?(?P<scale>M|K|k)\b[\s-]*(?:long[\s-])?context(?:\s+(?:window|length))?s?\b", _I
    ),
    # "context window of 256,000 tokens", "context window to 4,096 tokens", "Context: 1.05M tokens",
    # "Context length support up to 128K tokens", "Context1,048,576 tokens"
    re.compile(
        r"\bcontext(?:\s+(?:window|length|size))?s?\s*(?:of|to|:|is|at|up to|supports?\s+up\s+to|support\s+up\s+to|expanded\s+to|"
        rf"extended\s+to|increased\s+to|of\s+up\s+to|limit\s+of|reaches)?\s*(?:an?\s+(?:modest|generous|whopping|massive|mere|huge|full)\s+)?"
        rf"(?:about\s+|approximately\s+|roughly\s+|up\s+to\s+)?"
        rf"(?P<num>{NUM})\s?(?P<scale>million|M|K|k)?(?:[\s-]*(?P<tok>tokens?))?",
        _I,
    ),
    # "input limit ... is still stuck at 200,000"
    re.compile(
        r"\binput\s+limit\b[^.\n]{0,60}?\b(?P<num>\d{1,3}(?:,\d{3})+|\d{4,}|\d+(?:\.\d+)?(?=\s?(?:million|M|K|k)\b))"
        r"\s?(?P<scale>million|M|K|k)?(?:\s+tokens)?",
        _I,
    ),
]
# "can read up to 2,097,152 tokens in one request"
CONTEXT_REQUEST = re.compile(
    rf"\b(?:read|process|handle|accept|ingest|take)s?\s+(?:in\s+)?(?:up\s+to\s+)?(?P<num>{NUM})\s?(?P<scale>million|M|K|k)?\s*tokens?\s+"
    r"(?:in|per)\s+(?:a\s+single|one|each|a|every)\s+(?:request|prompt|call|query|conversation)\b",
    _I,
)
# "can process up to 1 million tokens"
CONTEXT_CAN = re.compile(
    rf"\b(?:can|could)\s+(?:now\s+)?(?:process|handle|read|ingest|accept|take\s+in|reason\s+over|analy[sz]e)\s+up\s+to\s+"
    rf"(?P<num>{NUM})\s?(?P<scale>million|M|K|k)?\s*tokens?\b(?!\s+(?:of\s+output|per\s+second))",
    _I,
)
# In a sentence that speaks of context: "expanded to 2 million tokens", "read up to 1,048,576 tokens", "a 32,768-token variant"
CONTEXT_SOFT = re.compile(
    rf"(?:(?:expanded|extended|increased|grown|grew|expanding|extending|boosts?|raised)\s+(?:\w+\s+)?to(?:\s+the)?|"
    rf"(?:read|process|handle|accept|ingest|take)s?\s+(?:in\s+)?up\s+to|(?:handles?|supports?|offers?|accepts?)(?:\s+up\s+to)?|and\s+a)\s+(?P<num>{NUM})\s?-?\s?(?P<scale>million|M|K|k)?[\s-]*tokens?\b"
    r"(?!\s+(?:of|per)\b)",
    _I,
)
# "..., 128K for the instruct variant" continuing a context list
CONTEXT_FOR = re.compile(rf"(?P<num>{NUM})\s?(?P<scale>M|K|k)\s+for\s+(?:the|its)\b", _I)
CONTEXT_BOUND = re.compile(
    r"(?:\d\s*[-–]\s*|\bsub-\s*|\bunder\s+|\bbelow\s+|\bless\s+than\s+|\bover\s+|\bmore\s+than\s+|\babove\s+|[<>~]\s*)$",
    _I,
)
# "max output of 8K" but not "$15 per million output tokens, with a 200K context window"
CONTEXT_EXCLUDE_BEFORE = re.compile(r"(?:KV\s+cache|cache|output|sliding|vocabulary|\bw/)[^.,;\n]{0,20}$", _I)
CONTEXT_EXCLUDE_AFTER = re.compile(
    r"[\s-]*(?:tokens?\s+)?(?:of\s+(?:output|training|data|text)|output|vocab|per\s+second|training\s+data|word)",
    _I,
)

# ------------------------------------------------------------------------------------------ prices
UNIT = r"(?:one\s+million|1\s+million|million|mil|MTok|1,000|1000|thousand|1\s?M|M|1\s?K|K)(?![a-z])"
DIRECTION = r"(?P<dir>input|output|prompt|completion)"
PRICE_PATTERNS = [
    # "$0.14/M input", "$0.14 per million input tokens", "$15/million for input", "$0.01 per 1,000 input tokens"
    re.compile(
        rf"\$\s?(?P<p>{NUM})\s*(?:/|per)\s*(?P<unit>{UNIT})\s*(?:tokens?\s*)?(?:for\s+|of\s+)?{DIRECTION}\b",
        _I,
    ),
    # "$3 per million input tokens" already above; "$0.40 input, $1.60 output"
    re.compile(rf"\$\s?(?P<p>{NUM})\s+(?:for\s+|on\s+)?{DIRECTION}\b", _I),
    # "Output tokens run $8 per million", "input costs $2 per million tokens"
    re.compile(
        rf"\b{DIRECTION}(?:\s+tokens?)?(?:\s+(?:price|pricing|cost))?(?:\s+(?:costs?|runs?|is|are|at|priced\s+at|price\s+of|pricing\s+of)"
        rf"(?:\s+at)?(?:\s+(?:approximately|about|around|roughly))?|\s*:)\s+\$\s?(?P<p>{NUM})"
        rf"(?:\s*(?:/|per)\s*(?P<unit>{UNIT})(?:\s*tokens?)?)?",
        _I,
    ),
]
# "$2/$8 per million tokens input/output", "Mini is $0.40/$1.60"
PRICE_PAIR = re.compile(
    rf"\$\s?(?P<a>{NUM})\s*/\s*\$\s?(?P<b>{NUM})(?:\s*(?:per|/)\s*(?P<unit>{UNIT})(?:\s*tokens?)?)?(?P<io>\s*\(?\s*(?:input\s*/\s*output|input\s+and\s+output))?",
    _I,
)
# "GPT-5 mini costs $0.25 and $2 respectively" after a sentence giving input then output prices
PRICE_RESPECTIVELY = re.compile(
    rf"\$\s?(?P<a>{NUM})\s+and\s+\$\s?(?P<b>{NUM})(?:\s*(?:per|/)\s*(?P<unit>{UNIT})(?:\s*tokens?)?)?,?\s+respectively\b",
    _I,
)
PRICE_EXCLUDE_BEFORE = re.compile(
    r"(?:sub-?|under\s+|below\s+|less\s+than\s+|batch\s+(?:\w+\s+)?|cached\s+(?:\w+\s+)?|[<~]\s*)$", _I
)

# ------------------------------------------------------------------------------------------ dates
DATE_FULL = re.compile(
    rf"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?(?P<month>{MONTH_NAMES})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b"
)
DATE_DAY_FIRST = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{MONTH_NAMES}),?\s+(?P<year>(?:19|20)\d\d)\b"
)
DATE_ISO = re.compile(r"(?<![\d-])(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\d-])")
DATE_MONTH_YEAR = re.compile(
    rf"(?<![\w-])(?:(?:early|mid|late|mid-to-late|end\s+of|the\s+end\s+of)[\s-]+)?(?P<month>{MONTH_NAMES})(?:\s+of)?,?\s+(?P<year>(?:19|20)\d\d)\b"
)
# "followed with Orion-X on July 9": a day without its year (the page's year)
DATE_DAY_NO_YEAR = re.compile(
    rf"\b[Oo]n\s+(?P<month>{MONTH_NAMES})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*(?:19|20)\d\d)(?![:.]?\d)"
)
DATE_MONTH_ONLY = re.compile(
    rf"\b(?:(?:in|by|during|since)\s+(?:as\s+(?:early|soon)\s+as\s+)?|as\s+early\s+as\s+)(?:(?:early|mid|late|mid-to-late)[\s-]+)?(?P<month>{MONTH_NAMES})(?![\s,]+\d)\b"
)
DATE_RELATIVE_DAY = re.compile(
    r"\b(?:(?P<day>today|yesterday|tonight|this\s+morning)|on\s+(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b",
    _I,
)
DATE_RELATIVE_MONTH = re.compile(r"\b(?:earlier\s+|later\s+)?(?P<rel>this\s+month|last\s+month)\b", _I)

RELEASE_CUE = re.compile(
    r"\b(?:releas(?:e|es|ed|ing)|launch(?:es|ed|ing)?|unveil(?:s|ed|ing)?|introduc(?:e|es|ed|ing)|announc(?:e|es|ed|ement)|"
    r"debut(?:s|ed)?|dropped|drops|ship(?:s|ped)|rolled\s+out|rolls\s+out|roll\s+out|rolling\s+out|followed\s+(?:up\s+)?with|followed|published\s+(?:the\s+)?(?:full\s+|open\s+)?weights|made\s+(?:it\s+|them\s+)?(?:generally\s+)?available|"
    r"mak(?:es|ing)\s+(?:it|them)\s+(?:generally\s+|widely\s+|publicly\s+)?available|"
    r"became\s+(?:generally\s+)?available|(?:was|were)\s+made\s+available|"
    r"went\s+live|goes\s+live|open-sourced|Initial\s+release|Released|arrived|"
    # "Microsoft added two small models to its Phi family on Wednesday"
    r"add(?:ed|s)\s+(?:\w+\s+){0,3}(?:new\s+)?models?)\b",
    _I,
)
NOT_RELEASE = re.compile(
    r"\b(?:as\s+of|cut-?off|founded|updated|retrieved|revised|deprecated|shut|retired|since)\b", _I
)

# ------------------------------------------------------------------------------------------ hardware
CHIP = re.compile(
    r"(?<![\w-])(?P<chip>(?:H100|H200|H800|H20|A100|A800|B200|B100|GB200|GB300|V100|L40S|MI300X|MI325X|MI250X|MI355X"
    r"|RTX\s?\d{4}(?:\s?Ti)?|RTX\s?A\d{4}|A[456]000|GH200|B300|Neural\s+Engine|Snapdragon\s(?:X\s(?:Elite|Plus)|\d(?:\s(?:Elite|Gen\s\d))?)|Gaudi\s?[23]|Trainium\s?2?|Inferentia\s?2?|Ascend(?:\s(?:910[A-C]?|950(?:PR|DT)?|920|310)(?![\w]))?"
    r"|TPU\s?[vV]?\d[a-zA-Z]?|TPUs?|Trillium|Ironwood|WSE-3|Blackwell|Hopper|Kunlun(?:\s?P800)?|Maia\s?100|MTIA|M[1-5](?:\s(?:Pro|Max|Ultra))?(?=\s(?:MacBook|Mac\b|chip|Ultra))))(?:s\b|\b)",
)
# An accelerator the table does not know, named by its use: "trained on Helix's Vantor X9 accelerators",
# "runs on a single A6000", "runs on the A19 Pro chip". The name must carry a digit or a hardware noun.
OPEN_CHIP = re.compile(
    r"\b(?:trained|train|training|runs?|running|ran|deployed|served|serving|inference|fits?)\s+(?:entirely\s+|locally\s+)?on\s+"
    r"(?:a\s+|an\s+|the\s+|one\s+|two\s+|four\s+|eight\s+|\d[\d,]*\s+|single\s+|cluster\s+of\s+)*"
    r"(?:[A-Z][\w-]*(?:\s[A-Z][\w-]*)?['’]s\s+)?"
    r"(?P<chip>[A-Z][\w-]*(?:\s(?:[A-Z0-9][\w-]*|Elite|Ultra|Pro|Max))?(?:\s(?:Elite|Ultra|Pro|Max))?)"
    r"(?P<noun>\s+(?:GPUs?|accelerators?|chips?|NPUs?|processors?|cards?|SoCs?))?"
)
CHIP_TAIL = re.compile(r"\s*(?:and|,|/|or)\s*(?P<chip>v\d[a-z]?|H\d00|B\d00|GB\d00|A\d00)\b", _I)
ASCEND_SERIES = re.compile(r"\b(?:the\s+)?(?:newer\s+|new\s+|latest\s+)?(?P<num>9[15]0[A-Z]{0,2})\s+series\b")
VENDOR_HW = re.compile(
    r"\b(?P<vendor>Huawei|Google)(?:['’]s)?\s+(?:\w+\s+)?(?:hardware|chips|processors|silicon|accelerators)\b|\bits\s+chips\b"
)
VENDOR_CHIP = {"huawei": "Ascend", "google": "TPU"}
ROLE_TRAINING = re.compile(r"\b(?:train(?:ed|ing|s)?|pre-?train(?:ed|ing)?|post-?train(?:ed|ing)?)\b", _I)
ROLE_UNSPECIFIED = re.compile(
    r"\b(?:optimi[sz]ed|adapted|designed|tuned|built\s+for|targets?|targeting)\b", _I
)
ROLE_INFERENCE = re.compile(
    r"\b(?:run(?:s|ning)?|inference|inferencing|support(?:s|ed|ing)?|compatib\w*|fits?\s+on|deploy(?:ed|ment|s)?|serv(?:e|ed|es|ing))\b",
    _I,
)

# ------------------------------------------------------------------------------------------ license
LICENSE_NAMED = re.compile(
    r"(?P<lic>(?:(?:[A-Z][\w.\-]*|\d[\w.]*)\s+){1,5})(?:open[\s-]source\s+)?(?:Licen[cs]es?|licen[cs]es?)\b"
    r"(?P<ver>\s+v?\d+(?:\.\d+)?(?!\w|\.\d))?"
)
LICENSE_SHORT = re.compile(
    r"(?<![\w-])(?P<lic>(?:[Mm]odified[\s-]+)?MIT|Apache(?:[\s-]?2(?:\.0)?)?|GPL-?[23](?:\.0)?|AGPL-?3(?:\.0)?|BSD-?[23]-?Clause|CC[\s-]BY(?:-NC)?(?:-SA)?[\s-]?4\.0"
    r"|OpenRAIL(?:-M)?)(?:[\s-]+licen[cs](?:e|es|ed)\b|(?=\s+open[\s-]source\s+licen[cs]e)|(?=\s+licen[cs]e))",
    _I,
)
# "released under Apache 2.0", "licensed under MIT", "License: Apache 2.0"
LICENSE_UNDER = re.compile(
    r"\b(?:under|License\s*:)\s+(?:the\s+|an?\s+)?(?P<lic>(?:[Mm]odified[\s-]+)?MIT|Apache(?:[\s-]?2(?:\.0)?)?|GPL-?[23](?:\.0)?|AGPL-?3(?:\.0)?"
    r"|BSD-?[23]-?Clause|CC[\s-]BY(?:-NC)?(?:-SA)?[\s-]?4\.0|OpenRAIL(?:-M)?)(?![\w-])",
)
# "the Gemma Terms of Use"
LICENSE_TERMS = re.compile(r"(?P<lic>(?:[A-Z][\w.\-]*\s+){1,3})Terms\s+of\s+Use\b")
LICENSE_POSSESSIVE = re.compile(
    r"\b(?P<org>[A-Z][\w.]*)(?:['’]s)\s+(?P<words>(?:own\s+)?(?i:(?:open|model|community|research|non-production|non-commercial|"
    r"commercial)[\s-]+){1,3})(?i:licen[cs]e)\b",
)
LICENSE_VAGUE = re.compile(
    r"^(?:a|an|the|its|our|their|own|this|that|open|permissive|proprietary|custom|research-only|commercial)$",
    _I,
)
LICENSE_CODE = re.compile(r"\b(?:code|repository|repo|codebase|source\s+code)\b[^.;]{0,25}$", _I)

# ------------------------------------------------------------------------------------------ benchmarks
BENCHMARKS = [
    ("SWE-bench Verified", r"SWE-?bench\s+Verified"),
    ("SWE-bench Pro", r"SWE-?bench\s+Pro"),
    ("SWE-bench Multilingual", r"SWE-?bench\s+Multilingual"),
    ("SWE-bench", r"SWE-?bench"),
    ("MMLU-Pro", r"MMLU[\s-]?Pro"),
    ("MMLU-Redux", r"MMLU[\s-]?Redux"),
    ("MMMLU", r"MMMLU"),
    ("MMLU", r"MMLU"),
    ("GPQA Diamond", r"GPQA[\s-]?Diamond"),
    ("GPQA", r"GPQA"),
    ("Kotlin-HumanEval", r"Kotlin[\s-]HumanEval"),
    ("HumanEval+", r"HumanEval\+"),
    ("HumanEval", r"HumanEval"),
    ("MBPP+", r"MBPP\+"),
    ("MBPP", r"MBPP"),
    ("GSM8K", r"GSM-?8K"),
    ("MATH-500", r"MATH[\s-]?500"),
    ("MATH", r"MATH\b|Math(?=\s*\((?:zero|0)-shot\))"),
    ("AIME 2025", r"AIME\s?['’]?(?:20)?25"),
    ("AIME 2024", r"AIME\s?['’]?(?:20)?24"),
    ("AIME", r"AIME"),
    ("LiveCodeBench", r"LiveCodeBench"),
    ("Codeforces", r"Codeforces"),
    ("C-Eval", r"C-?Eval"),
    ("CMMLU", r"CMMLU"),
    ("AlignBench", r"AlignBench"),
    ("MT-Bench", r"MT-?Bench"),
    ("Arena-Hard", r"Arena[\s-]?Hard"),
    ("HellaSwag", r"HellaSwag"),
    ("ARC-Challenge", r"ARC[\s-]Challenge"),
    ("ARC-AGI-2", r"ARC-AGI-?2"),
    ("ARC-AGI", r"ARC-AGI"),
    ("Winogrande", r"WinoGrande"),
    ("TriviaQA", r"TriviaQA"),
    ("BBH", r"BBH|BIG-Bench\s+Hard"),
    ("DROP", r"DROP"),
    ("IFEval", r"IFEval"),
    ("Humanity's Last Exam", r"Humanity['’]s\s+Last\s+Exam|HLE"),
    ("SimpleQA", r"SimpleQA"),
    ("Terminal-Bench", r"Terminal[\s-]?Bench(?:\s?2(?:\.0)?)?"),
    ("BrowseComp", r"BrowseComp"),
    ("tau-bench", r"[τT]au?[\s-]?(?:2[\s-])?bench|τ2?-bench"),
    ("BFCL", r"BFCL"),
    ("MMMU-Pro", r"MMMU[\s-]?Pro"),
    ("MMMU", r"MMMU"),
    ("MathVista", r"MathVista"),
    ("DocVQA", r"DocVQA"),
    ("ChartQA", r"ChartQA"),
    ("CruxEval", r"CRUXEval"),
    ("RepoBench", r"RepoBench"),
    ("LongBench", r"LongBench"),
    ("RULER", r"RULER"),
    ("Aider Polyglot", r"Aider(?:\s+Polyglot)?"),
    ("OSWorld", r"OSWorld"),
    ("Hugging Face Leaderboard", r"Hugging\s?Face\s+(?:Open\s+LLM\s+)?Leaderboard"),
    ("Chatbot Arena", r"Chatbot\s+Arena|LMArena|LMSYS\s+Arena"),
    ("AlpacaEval 2 LC", r"AlpacaEval\s?2(?:\.0)?\s+(?:LC|length-controlled)"),
    ("AlpacaEval 2", r"AlpacaEval\s?2(?:\.0)?"),
    ("AlpacaEval", r"AlpacaEval"),
    ("LiveBench", r"LiveBench"),
    ("BigCodeBench", r"BigCodeBench"),
    ("HMMT", r"HMMT"),
    ("MGSM", r"MGSM"),
    ("WildBench", r"WildBench"),
    ("SciCode", r"SciCode"),
    ("Video-MME", r"Video-?MME"),
]
BENCH = re.compile(
    r"(?<![\w/-])(?:" + "|".join(f"(?P<b{i}>{pat})" for i, (_, pat) in enumerate(BENCHMARKS)) + r")(?![\w-])",
    _I,
)
# Lower-case openings of every benchmark pattern: a fast literal scan finds where BENCH.match is worth trying.
_BENCH_OPENINGS = sorted(
    {
        "swe",
        "mmlu",
        "mmmlu",
        "gpqa",
        "kotlin",
        "humaneval",
        "mbpp",
        "gsm",
        "math",
        "aime",
        "livecodebench",
        "codeforces",
        "c-eval",
        "ceval",
        "cmmlu",
        "alignbench",
        "mt-bench",
        "mtbench",
        "arena",
        "hellaswag",
        "arc",
        "winogrande",
        "triviaqa",
        "bbh",
        "big-bench",
        "drop",
        "ifeval",
        "humanity",
        "hle",
        "simpleqa",
        "terminal",
        "browsecomp",
        "tau",
        "τ",
        "t-bench",
        "t2-bench",
        "bfcl",
        "mmmu",
        "mathvista",
        "docvqa",
        "chartqa",
        "cruxeval",
        "repobench",
        "longbench",
        "ruler",
        "aider",
        "osworld",
        "hugging",
        "chatbot",
        "lmarena",
        "lmsys",
        "alpacaeval",
        "livebench",
        "bigcodebench",
        "hmmt",
        "mgsm",
        "wildbench",
        "scicode",
        "video-mme",
        "videomme",
    },
    key=len,
    reverse=True,
)
BENCH_OPENING = re.compile("|".join(re.escape(k) for k in _BENCH_OPENINGS))
BENCH_OPENING_CI = re.compile(BENCH_OPENING.pattern, _I)


def bench_matches(text: str, low: str, regions: list[tuple[int, int]]) -> list[re.Match[str]]:
    """BENCH matches inside the regions, found by a literal scan of the lower-cased text (much faster)."""
    scan, hay = (BENCH_OPENING, low) if len(low) == len(text) else (BENCH_OPENING_CI, text)
    out: list[re.Match[str]] = []
    for start, end in regions:
        pos = start
        while True:
            hit = scan.search(hay, pos, end)
            if hit is None:
                break
            m = BENCH.match(text, hit.start(), end)
            if m is not None:
                out.append(m)
                pos = m.end()
            else:
                pos = hit.start() + 1
    return out


# Names that need exact case ("MATH" the benchmark vs "math" the word; "DROP"; "RULER"; "HLE").
BENCH_CASED = {"MATH", "DROP", "RULER", "BBH", "Humanity's Last Exam"}
SCORE_ON = re.compile(
    rf"(?<![\w@.])(?P<score>{NUM})\s?(?P<pct>%|\s?percent|(?:st|nd|rd|th)\s+percentile)?"
    r"(?:\s+(?:pass\s+rate|accuracy|points?|score|[Pp]ass@\d+|maj@\d+|cons@\d+|EM|F1))?"
    r"(?:\s+\([^)]{0,20}\))?\s+on\s+(?:the\s+)?$",
    _I,
)
BENCH_THEN_SCORE = re.compile(
    r"(?:\]\([^)\s]{0,80}\))?"  # a Markdown link around the name: "[MMLU](/wiki/mmlu)"
    r"(?:,?\s+(?:it|the\s+model)\s+(?:scored|scores|reached|reaches|posted|posts|achieved|achieves|got|gets)(?:\s+an?)?)?"
    # "MMLU (massive multitask language understanding)” at 90.0%": a gloss and a closing quote
    rf"\s*(?:\([^)\n]{{0,60}}\)\s*)?(?:[”\"]\s*(?:at\s+)?)?(?:(?:score|pass@\d+|accuracy)\s+)?(?:of\s+|:\s*|=\s*)?(?P<score>{NUM})\s?%?"
    r"(?![\d.]*\s?(?:[BMK]\b|billion|million|tokens|x\b))"
    # "Terminal Bench: 15% improvement over X": a relative gain, not a score
    r"(?![\d.]*\s?%?\s+(?:improvement|increase|gain|boost|jump|better|higher|lower|worse|more|less|fewer)\b)",
    _I,
)
SCORE_VERB = re.compile(
    rf"\b(?:scored|scores|scoring|at|achieves|achieved|reaches|reached|hits|hit|posts|posted|gets|got|leads\s+with|led\s+with)\s+(?:an?\s+)?"
    rf"(?P<score>{NUM})\s?%?(?!\s?(?:[BMK]\b|billion|million|tokens|x\b|times))",
    _I,
)
SCORE_BOUND = re.compile(
    r"(?:above|over|more\s+than|up\s+to|nearly|almost|around|about|under|below|at\s+least|>|<|~)\s*$", _I
)

# ------------------------------------------------------------------------------------------ developer
DEV_VERB = re.compile(
    # "at launch", "its release", "the launch of": nouns, not a maker's act
    r"(?<!\bat\s)(?<!\bits\s)(?<!\bthe\s)(?<!\bupon\s)(?<!\bon\s)\b(?:releas(?:e|es|ed|ing)|launch(?:es|ed|ing)?|unveil(?:s|ed|ing)?|introduc(?:e|es|ed|ing)|announc(?:e|es|ed)|debut(?:s|ed)?|"
    r"dropped|drops|ship(?:s|ped)|rolled\s+out|rolls\s+out|open-sourced|built(?!\s+(?:on|upon|atop)\b)|builds(?!\s+(?:on|upon)\b)|develop(?:s|ed)|created|trained|unveil|"
    r"extended\s+the\s+family\s+with|expanded\s+the\s+family\s+with|added|is\s+proud\s+to\s+release|"
    r"publish(?:es|ed)|followed\s+(?:up\s+)?with|"
    r"made\s+(?:[\w.-]+\s+){1,4}?(?:generally\s+|publicly\s+|widely\s+)?available)\b",
    _I,
)
DEV_STOP = re.compile(
    r"\b(?:than|like|such\s+as|versus|vs\.?|compared|against|outperform\w*|rival\w*|competitor\w*|not|since|after|before|ahead\s+of|behind|trailing|while|whereas|but|unlike|earlier|older|previous|original|predecessor|member\s+of|part\s+of|successor|succeeded)\b",
    _I,
)
POSSESSIVE_GAP = re.compile(
    r"^(?:['’]|[^\x00-\x7f])s\s+(?P<gap>(?:[a-z][\w-]*\s+|[“\"]\s*|\d{4}\s+|\d[\w.]*-[a-z]+\s+){0,4}"
    r"|(?:[a-z][\w-]*\s+){0,3}(?:model|models|LLM|flagship|release|family)(?:,\s+|\s+\())$"  # "Acme's new model, X", "Acme's base model (X)"
)
POSSESSIVE_BAD = re.compile(
    r"\b(?:page|pages|report|announcement|documentation|docs|lineup|platform|blog|paper|statement|website|team|says|said|lists|notes|"
    r"shows|api|service|cloud|repository|model\s+card|own\s+technical|release\s+notes|pricing|benchmark|tests?|evaluation|chips|hardware)\b",
    _I,
)
INFOBOX_DEVELOPER = re.compile(
    r"^\W{0,4}(?:Develop(?:er|ers)(?:\(s\))?|(?:Developed|Built|Created|Made|Trained|Released|Launched)\s+"
    r"(?:by|(?:jointly\s+)?with|in\s+(?:collaboration|partnership)\s+with))\s*:?\s*",  # "Developed in collaboration with X, Y ..."
    re.MULTILINE,
)

# ------------------------------------------------------------------------------------------ status and reference
EXPECT_CUE = re.compile(
    r"\b(?:expected\s+to|is\s+expected|are\s+expected|will(?!\s+not)|planned|planning|plans?\s+to|reportedly|rumou?red|rumou?rs?|"
    r"set\s+to|slated|scheduled\s+to|preparing\s+to|upcoming|(?:is|are)\s+said\s+to|leak(?:ed|s)?)\b",
    _I,
)
PRELAUNCH = re.compile(
    r"\b(?:(?:is|are)\s+(?:preparing|expected|set|poised|scheduled|slated|planning|getting\s+ready)\s+to\s+(?:launch|release|debut|unveil|ship)"
    r"|code-?named|(?:is|are)\s+(?:reportedly\s+)?(?:developing|building)|plans\s+for)\b",
    _I,
)
PRONOUN_START = re.compile(
    r"\W{0,4}(?:It|Its|The\s+(?:new\s+)?model|This\s+model|The\s+models|The\s+release|The\s+initial\s+version|The\s+flagship(?:\s+model)?)\b"
)
SUBJECTLESS_START = re.compile(
    r"\W{0,4}(?:(?:Trained|Pre-?trained|Released|Launched|Initial\s+release|Context|License|Licen[cs]ed|Supports?|Runs?|"
    r"Optimi[sz]ed|Parameters?|Total\s+parameters|Active\s+parameters|Weights|With\s+(?:a|an|\d)|Developers?|"
    r"Priced|Available|Offered|Scor(?:ed|ing)|Built|Designed|Positioned|Aimed|Capable)\b"
    # spec-sheet labels: only with their colon ("- Price: $0.40 per million input tokens")
    r"|(?:Release\s+date|Launch\s+date|Availability|Price|Pricing|API\s+pric\w+|Costs?|Training\s+hardware|Hardware|"
    r"(?:Input|Output|Prompt|Completion)(?:\s+tokens?)?(?:\s+(?:price|pricing|cost))?|Context(?:\s+window)?)\s*:)",
    _I,
)
ANAPHOR = re.compile(
    r"\b(?:[Ii]t|[Ii]ts|[Tt]he\s+(?:new\s+)?model|they|(?:[Aa]n?|[Tt]he)\s+\d+-bit\s+(?:build|version|quant\w*))\b"
)  # "A 4-bit build runs on an RTX 4070": the model, quantised
FANOUT = re.compile(
    r"\b(?:both(?:\s+of\s+the\s+[\w.\- ]{0,20}?models|\s+models|\s+variants|\s+versions)?|the\s+models|these\s+models|"
    r"all\s+(?:three|four|five|six)(?:\s+(?:models|variants|versions|sizes))?|the\s+pair"
    r"|all\s+(?:of\s+)?(?:the\s+)?(?:models|variants|versions)\s+in\s+the\s+(?:series|family|line(?:up)?)|the\s+duo|the\s+two\s+(?:models|variants|versions)"
    r"|two\s+(?:distinct\s+)?(?:versions|variants|models))\b",
    _I,
)

# ------------------------------------------------------------------------------------------ training tokens
# "trained on 15 trillion tokens", "pre-trained on roughly 2T tokens", "a 9.5-trillion-token training corpus",
# "36 trillion tokens of training data", "training data of 18 trillion tokens"
_TOKEN_COUNT = rf"(?P<num>{NUM})\s?-?\s?(?P<scale>trillion|billion|T|B)\s?-?\s?tokens?\b"
_ABOUT = r"(?:(?:about|approximately|around|roughly|nearly|almost|over|more\s+than|some|~)\s*)?"
TRAINING_TOKENS = [
    re.compile(
        rf"\b(?:pre-?)?train(?:ed|ing)\s+(?:\w+\s+)?(?:on|with|using|over)\s+(?:a\s+(?:corpus|dataset|total)\s+of\s+)?{_ABOUT}{_TOKEN_COUNT}",
        _I,
    ),
    re.compile(rf"{_TOKEN_COUNT}\s+of\s+(?:pre-?)?training\s+data\b", _I),
    re.compile(rf"\b(?:pre-?)?training\s+(?:data|corpus|dataset)\s+of\s+{_ABOUT}{_TOKEN_COUNT}", _I),
    re.compile(
        rf"(?P<num>{NUM})\s?-?\s?(?P<scale>trillion|billion|T|B)-tokens?\s+(?:pre-?)?training\s+(?:corpus|dataset|run|set)\b",
        _I,
    ),
]

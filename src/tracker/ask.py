"""Question -> answers: question understanding, hybrid retrieval, reconciliation into cited answers.

1. Understanding: the model(s) the question names, matched against the store's models and aliases (the
   most specific variant wins: "DeepSeek V4 Pro" -> DeepSeek-V4-Pro, not DeepSeek-V4), and the attribute
   asked about ("how big" -> parameters_total, "which chips" -> hardware, a benchmark's name ...).
2. Retrieval: when both the model and the attribute are understood the claims come straight from SQL
   (indexed by model, attribute) and nothing is embedded. Otherwise BM25 (SQLite FTS5) and the dense index
   (FAISS, when present) are fused by reciprocal rank, then filtered by what was understood.
3. Reconciliation (facts.reconcile): one answer per (model, attribute[, name]), the value with the most
   independent stories first, the disagreeing values right after it.

A question about a model the store knows nothing about says so; it is never answered with another model.
This path imports no torch, httpx or trafilatura: it must answer a cold process in well under a second.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from .models import ATTRIBUTES, Answer, CitedClaim
from .store import Store, alias_key

if TYPE_CHECKING:
    from .config import Paths
    from .embed import Embedder
    from .facts import Fact, FactValue

# tracker.facts (reconciliation; its pydantic records are built at import, ~40 ms) is imported inside the
# functions that reconcile or render: on the dense path that import then runs while the forked dense
# search (_DenseJob) computes the query vector on the other core.

RRF_K = 60
# Attributes a variant usually shares with its family (launched together, same terms); a variant without its
# own claim may be answered with the family's, labelled as the family's. Sizes, prices and scores never.
FAMILY_WIDE = frozenset({"release_date", "license", "developer", "context_window", "hardware"})
CANDIDATES = 100  # per retriever, before fusion
FTS_TERM_CAP = 20_000  # a term matching more claims than this is too common to rank by

# Developer words that may prefix a model name in a question ("DeepSeek V4 Pro" or just "V4 Pro").
DEVELOPER_WORDS = frozenset(
    {
        "openai",
        "meta",
        "google",
        "deepmind",
        "googledeepmind",
        "deepseek",
        "mistral",
        "mistralai",
        "anthropic",
        "alibaba",
        "qwen",
        "microsoft",
        "nvidia",
        "xai",
        "moonshot",
        "moonshotai",
        "zhipu",
        "zhipuai",
        "zai",
        "amazon",
        "aws",
        "ai21",
        "databricks",
        "snowflake",
        "tencent",
        "01ai",
        "cohere",
        "ibm",
        "apple",
        "baidu",
        "bytedance",
        "minimax",
        "stepfun",
        "huawei",
        "tii",
        "reka",
        "inflection",
        "stability",
        "stabilityai",
    }
)
# Variant words: a model's name part, never a model on their own ("mini", "pro").
VARIANT_WORDS = frozenset(
    {
        "mini",
        "nano",
        "micro",
        "small",
        "medium",
        "large",
        "pro",
        "flash",
        "lite",
        "turbo",
        "chat",
        "instruct",
        "base",
        "max",
        "plus",
        "ultra",
        "preview",
        "air",
        "fast",
        "reasoning",
        "thinking",
        "vision",
        "coder",
        "code",
        "next",
        "chatversion",
        "instructvariant",
        "experimental",
        "exp",
        "latest",
        "sonnet",
        "opus",
        "haiku",
    }
)
# Chip vendors: capitalized in questions about hardware, never a model.
VENDOR_WORDS = frozenset(
    {"huawei", "nvidia", "amd", "intel", "apple", "qualcomm", "cambricon", "tsmc", "arm"}
)
# Model family words that questions often write in lower case ("how big is llama 3").
FAMILY_WORDS = frozenset(
    {
        "gpt",
        "claude",
        "llama",
        "gemini",
        "gemma",
        "mistral",
        "mixtral",
        "qwen",
        "grok",
        "kimi",
        "glm",
        "phi",
        "nemotron",
        "falcon",
        "jamba",
        "dbrx",
        "olmo",
        "yi",
        "codestral",
        "deepseek",
        "minimax",
        "hunyuan",
        "ernie",
        "command",
        "sonnet",
        "opus",
        "haiku",
        "palm",
        "bard",
        "copilot",
        "titan",
        "nova",
        "arctic",
        "granite",
    }
)
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
    )
    for word in line.split()
)

# Attribute cues, checked in priority order (the first that matches wins).
_CUES: list[tuple[str, re.Pattern[str]]] = [
    (
        "context_window",
        re.compile(
            r"\bcontext\b|\bwindow\b|\bcontext[- ]length\b|\bhow many tokens\b|\btokens? long\b|"
            r"\bhow long a (?:prompt|input|context)\b|\bsequence length\b",
            re.I,
        ),
    ),
    (
        "price_output",
        re.compile(
            r"\boutput\b.*\b(?:price|cost|charge|pay|\$|per million|per 1m|per m\b)|"
            r"\b(?:price|cost|costs|charge|charges|pay|pricing|priced)\b.*\boutput\b|"
            r"\boutput[- ]token price",
            re.I,
        ),
    ),
    (
        "price_input",
        re.compile(
            r"\b(?:price|prices|pricing|priced|cost|costs|charge|charges|pay|cheap|cheaper|cheapest|"
            r"expensive|dollars?|affordable)\b|"
            r"\$|\bper (?:million|1m|1k|thousand)\b",
            re.I,
        ),
    ),
    (
        "hardware",
        re.compile(
            r"\bchips?\b|\bhardware\b|\bgpus?\b|\btpus?\b|\baccelerators?\b|\bprocessors?\b|\bsilicon\b|"
            r"\btrained on\b|\btrain(?:ed)? .* on\b|\bruns? on\b|\binfrastructure\b|\bnpus?\b",
            re.I,
        ),
    ),
    ("parameters_active", re.compile(r"\bactive\b|\bactivated?\b|\bactivating\b|\bper token\b", re.I)),
    (
        "parameters_total",
        re.compile(
            r"\bparam(?:eter)?s?\b|\bhow (?:big|large)\b|\bsize\b|\bparameter count\b|\bweights? count\b",
            re.I,
        ),
    ),
    (
        "license",
        re.compile(
            r"\blicen[cs]e[ds]?\b|\bopen[- ]source\b|\bopen[- ]weights?\b|\bterms of use\b|\bapache\b|"
            r"\bgpl\b|\bcc[- ]by\b|\bunder (?:which|what)\b",
            re.I,
        ),
    ),
    (
        "developer",
        re.compile(
            r"\bwho (?:built|made|makes|develop(?:ed|s)?|created|trained|released|is behind)\b|"
            r"\bdevelop(?:er|ed)\b|\bmade by\b|\bbuilt by\b|\bcreated by\b|"
            r"\bwhich (?:company|lab|organi[sz]ation)\b|\bwhose\b",
            re.I,
        ),
    ),
    (
        "release_date",
        re.compile(
            r"\bwhen\b|\breleased?\b|\blaunch(?:ed|es)?\b|\bdate\b|\bcame out\b|\bcome out\b|\bannounced\b|"
            r"\bdebut(?:ed)?\b|\bship(?:ped)?\b|\bavailable\b",
            re.I,
        ),
    ),
    (
        "benchmark",
        re.compile(
            r"\bscored?\b|\bscores\b|\bbenchmarks?\b|\bpass rate\b|\baccuracy\b|\bpass@1\b|"
            r"\bresult on\b|\belo\b|\b(?:do|did|does|perform|performs|performed|get|got|reach|reached|"
            r"achieve|achieved|fare|fared) (?:on|in)\b",
            re.I,
        ),
    ),
]
_MAX_CUE = re.compile(r"\b(?:largest|biggest|longest|highest|most|best|top|maximum|max)\b", re.I)
_MIN_CUE = re.compile(r"\b(?:smallest|cheapest|shortest|lowest|least|minimum|min|tiniest)\b", re.I)
_SIZE_AFTER = re.compile(r"[\s-]*(\d+(?:\.\d+)?[bmt]|\d+x\d+b)\b", re.I)
_TRAINING_CUE = re.compile(r"\btrain(?:ed|ing)?\b", re.I)
_INFERENCE_CUE = re.compile(r"\bruns? on\b|\binference\b|\bserv(?:e|ed|ing)\b|\bdeploy", re.I)
_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*")


class AskResult(BaseModel):
    """What `tracker ask` returns: the answers best first, and a note when there is nothing to say."""

    model_config = ConfigDict(defer_build=True)  # built when first used (see _prebuild_records)

    question: str
    answers: list[Answer] = Field(default_factory=list)
    note: str | None = None
    models: list[str] = Field(default_factory=list)  # models understood from the question
    attribute: str | None = None  # attribute understood from the question
    name: str | None = None  # benchmark understood from the question

    def jsonable(self) -> dict[str, object]:
        out: dict[str, object] = {"question": self.question, "answers": [a.jsonable() for a in self.answers]}
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class Understanding:
    """What the question is about."""

    models: list[str] = field(default_factory=list)  # canonical, most specific first, in question order
    unknown: list[str] = field(default_factory=list)  # spans that look like model names we do not know
    attribute: str | None = None
    name: str | None = None  # benchmark name (as stored)
    role: str | None = None  # hardware role the question cares about
    order: str | None = None  # "max" / "min" for superlative questions ("largest", "cheapest")
    detail: str | None = None  # a size written right after the model name ("65B" in "LLaMA 65B")


# -- question understanding ------------------------------------------------------------------------------


def _tokens(question: str) -> list[tuple[str, int, int]]:
    """Word tokens with offsets; possessives dropped ("Turbo's" -> "Turbo"), dots kept inside ("3.5")."""
    text = re.sub(r"['\u2019]s\b", "  ", question)
    return [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


class ModelKeys:
    """Alias key -> canonical model lookups for question understanding.

    Backed by the store (primary-key lookups and prefix range scans on the alias table, so the cost does
    not grow with the number of models) or, for tests, by a plain dict. A model may also be named without
    its developer word ("V4 Pro" for DeepSeek-V4-Pro): `prepare` looks those forms up too.
    """

    def __init__(self, store: Store | None = None, mapping: dict[str, str] | None = None) -> None:
        self.store = store
        self.known: dict[str, str] = {}
        self.missing: set[str] = set()
        if mapping is not None:
            self.known = dict(mapping)
            self._derive_from(set(mapping.values()))

    def _derive_from(self, names: set[str]) -> None:
        derived: dict[str, set[str]] = {}
        for name in names:
            self.known.setdefault(alias_key(name), name)
            for key in _derived_keys(name):
                derived.setdefault(key, set()).add(name)
        for key, models in derived.items():
            if key not in self.known and len(models) == 1:  # an ambiguous short form names no model
                self.known[key] = next(iter(models))

    def prepare(self, candidates: Iterable[str]) -> None:
        """Fetch these keys (and the same keys behind a developer word) in one query."""
        if self.store is None:
            return
        todo = [k for k in dict.fromkeys(candidates) if k and k not in self.known and k not in self.missing]
        if not todo:
            return
        lookups = {k: k for k in todo}
        for k in todo:
            if len(k) >= 2 and k not in COMMON_WORDS and not re.fullmatch(r"\d+(?:\.\d+)?[kmbt]?", k):
                for dev in DEVELOPER_WORDS:
                    lookups.setdefault(dev + k, k)
        found = self.store.aliases_for(lookups)
        via_developer: dict[str, set[str]] = {}
        for key, model in found.items():
            short = lookups[key]
            if key == short:
                self.known[short] = model
            else:
                via_developer.setdefault(short, set()).add(model)
        for short, models in via_developer.items():
            if short not in self.known and len(models) == 1:
                self.known[short] = next(iter(models))
        self.missing.update(k for k in todo if k not in self.known)

    def get(self, key: str) -> str | None:
        if key not in self.known and key not in self.missing:
            self.prepare([key])
        return self.known.get(key)

    def prefixed(self, prefix: str) -> list[str]:
        """Models whose alias key starts with prefix."""
        if self.store is None:
            return sorted({m for k, m in self.known.items() if k.startswith(prefix)})
        return sorted({m for _, m in self.store.aliases_with_prefix(prefix)})


def _derived_keys(model: str) -> list[str]:
    """Extra alias keys of a model: its name without a leading developer word (DeepSeek-V4-Pro: "v4pro")."""
    parts = [p for p in re.split(r"[-\s_/]+", model) if p]
    keys = []
    if len(parts) > 1 and alias_key(parts[0]) in DEVELOPER_WORDS:
        tail = alias_key("".join(parts[1:]))
        size_only = re.fullmatch(r"\d+(?:\.\d+)?[kmbt]?", tail) is not None  # "7b" would hit Llama 2 7B
        if len(tail) >= 2 and not size_only and tail not in COMMON_WORDS:
            keys.append(tail)
    return keys


def _reordered_keys(span: list[str]) -> list[str]:
    """Keys of a 2-3 word span in its other orders, when it holds a number ("4 Sonnet" -> "sonnet4")."""
    if len(span) not in (2, 3) or not any(ch.isdigit() for w in span for ch in w):
        return []
    if any(w.lower() in COMMON_WORDS for w in span):
        return []
    original = alias_key("".join(span))
    return [k for p in itertools.permutations(span) if (k := alias_key("".join(p))) != original]


def _ngram_keys(words: list[str], longest: int = 6) -> list[str]:
    return [
        alias_key("".join(words[i : i + n]))
        for n in range(1, min(longest, len(words)) + 1)
        for i in range(0, len(words) - n + 1)
    ]


def find_models(
    question: str, keys: ModelKeys | dict[str, str]
) -> tuple[list[str], list[tuple[int, int]], list[str]]:
    """Models named in the question: (canonical models, token spans used, unmatched name-like spans).

    Longest token runs win, so "DeepSeek V4 Pro" is DeepSeek-V4-Pro and not DeepSeek-V4; a variant word
    elsewhere in the question upgrades a match ("the instruct version of Hunyuan-Large").
    """
    if isinstance(keys, dict):
        keys = ModelKeys(mapping=keys)
    toks = _tokens(question)
    words = [t[0] for t in toks]
    keys.prepare(
        _ngram_keys(words)
        + [alias_key(w) + alias_key(v) for w in words for v in words]
        + [k for i in range(len(words)) for n in (2, 3) for k in _reordered_keys(words[i : i + n])]
    )
    found: list[tuple[int, int, str]] = []  # (start token, end token, model)
    used = [False] * len(words)
    possessive = [question[end : end + 2] in ("'s", "\u2019s") for _, _, end in toks]
    for length in range(min(6, len(words)), 0, -1):
        for i in range(0, len(words) - length + 1):
            if any(used[i : i + length]):
                continue
            key = alias_key("".join(words[i : i + length]))
            model = keys.get(key)
            if model is None and any(possessive[i : i + length - 1]):
                # An alias learned with its possessive inside ("DeepSeek's flagship").
                model = keys.get(
                    alias_key(
                        "".join(
                            w + ("s" if possessive[t] else "")
                            for t, w in enumerate(words)
                            if i <= t < i + length
                        )
                    )
                )
            if model is None and length in (2, 3):
                # "Claude 4 Sonnet" for Claude-Sonnet-4: the same parts in another order.
                model = next((m for k in _reordered_keys(words[i : i + length]) if (m := keys.get(k))), None)
            if model is None or (length == 1 and (key in COMMON_WORDS or key in VARIANT_WORDS)):
                continue  # "mini" or "pro" alone names no model, whatever the alias table learned
            found.append((i, i + length, model))
            for j in range(i, i + length):
                used[j] = True
    found.sort()
    # "Llama 3.1 405B" when only "Llama" is stored: a version number right after the match means the
    # question names a newer model we do not know; answering with the old one would mislead.
    kept = []
    for i, j, model in found:
        if j < len(words) and not used[j] and re.fullmatch(r"v?\d+(?:\.\d+)*", words[j], re.I):
            for t in range(i, j):
                used[t] = False
            continue
        kept.append((i, j, model))
    found = kept
    models: list[str] = []
    for _i, _j, model in found:
        upgraded = _upgrade(model, [w for k, w in enumerate(words) if not used[k]], keys)
        if upgraded not in models:
            models.append(upgraded)
    if not models:
        models = _family_members(words, used, keys)
    # A bare developer that matched a model of its own name is dropped when a real model is named too.
    if len(models) > 1:
        models = [m for m in models if alias_key(m) not in DEVELOPER_WORDS] or models
    # Prefer the most specific: drop a family when one of its variants is named too.
    models = [m for m in models if not any(o != m and _is_family_of(m, o) for o in models)]
    unknown = _unknown_spans(question, toks, used)
    spans = [(toks[i][1], toks[j - 1][2]) for i, j, _ in found]
    return models, spans, unknown


def _family_members(words: list[str], used: list[bool], keys: ModelKeys) -> list[str]:
    """A family named in the question whose variants only are stored: "Llama 3.1" -> Llama-3.1-8B, -405B ...

    Marks the tokens it used. Only whole name parts count (GPT-4 is not a prefix of GPT-4o).
    """
    for length in range(min(5, len(words)), 0, -1):
        for i in range(0, len(words) - length + 1):
            if any(used[i : i + length]):
                continue
            key = alias_key("".join(words[i : i + length]))
            if not key or key in COMMON_WORDS or key in DEVELOPER_WORDS or key in VARIANT_WORDS:
                continue
            if length == 1 and not any(ch.isdigit() for ch in key) and not words[i][:1].isupper():
                continue
            nxt = i + length
            if nxt < len(words) and not used[nxt] and re.fullmatch(r"v?\d+(?:\.\d+)*", words[nxt], re.I):
                continue  # "Llama 3.1": a version the stored family members do not have
            members = [m for m in keys.prefixed(key) if _starts_with_parts(m, key)]
            if not members:
                continue
            for j in range(i, i + length):
                used[j] = True
            return sorted(members)[:8]
    return []


def _starts_with_parts(model: str, key: str) -> bool:
    """Whether whole leading name parts of model (after an optional developer word) spell key."""
    parts = [p for p in re.split(r"[-\s_/]+", model) if p]
    starts = [0, 1] if len(parts) > 2 and alias_key(parts[0]) in DEVELOPER_WORDS else [0]
    for start in starts:
        acc = ""
        for n in range(start, len(parts) - 1):
            acc += alias_key(parts[n])
            if acc == key:
                return True
    return False


def _upgrade(model: str, free_words: list[str], keys: ModelKeys) -> str:
    """DeepSeek-V4 + the word "Pro" elsewhere in the question -> DeepSeek-V4-Pro, when that model exists."""
    base = alias_key(model)
    for word in free_words:
        cand = keys.get(base + alias_key(word))
        if cand is not None and cand != model and alias_key(word) not in COMMON_WORDS | {"model"}:
            return cand
    return model


def _is_family_of(family: str, variant: str) -> bool:
    """DeepSeek-V4 is the family of DeepSeek-V4-Pro (whole name parts: GPT-4 is not GPT-4o's family)."""
    return variant.lower().startswith(family.lower() + "-")


def _unknown_spans(question: str, toks: list[tuple[str, int, int]], used: list[bool]) -> list[str]:
    """Runs of name-like tokens the store does not know ("Falcon 180B", "gpt-5" in a store without them)."""
    spans: list[str] = []
    current: list[int] = []  # token indexes

    def flush() -> None:
        if current and any(_name_like(toks[i][0]) for i in current):
            spans.append(question[toks[current[0]][1] : toks[current[-1]][2]])
        current.clear()

    for idx, (word, _start, end) in enumerate(toks):
        lowered = word.lower()
        if used[idx] or lowered in COMMON_WORDS or lowered in DEVELOPER_WORDS or lowered in VENDOR_WORDS:
            flush()
            continue
        # "gpt-5", "o3-mini": a lower-case word hyphenated to a number is a model name too.
        hyphened = question[end : end + 1] == "-" and idx + 1 < len(toks) and toks[idx + 1][1] == end + 1
        joined_digit = hyphened and any(ch.isdigit() for ch in toks[idx + 1][0])
        short_part = re.fullmatch(r"[0-9.]+[a-z]*|[a-z]+[0-9.]*", word, re.I) is not None and len(word) <= 8
        if _name_like(word) or joined_digit or lowered in FAMILY_WORDS or (current and short_part):
            current.append(idx)
        else:
            flush()
    flush()
    return spans


def _name_like(word: str) -> bool:
    if word.lower() in COMMON_WORDS:
        return False
    if word.lower() in FAMILY_WORDS:
        return True
    has_digit = any(ch.isdigit() for ch in word)
    has_alpha = any(ch.isalpha() for ch in word)
    if has_digit and has_alpha:
        return not re.fullmatch(r"\d+(?:\.\d+)?[kmbt]", word, re.I)  # "128K", "7B" alone are sizes
    return has_alpha and word[0].isupper()


def find_attribute(question: str) -> str | None:
    for attribute, pattern in _CUES:
        if pattern.search(question):
            return attribute
    return None


def find_benchmark(question: str, names: Iterable[str]) -> str | None:
    """The longest stored benchmark name the question mentions (compared as alphanumerics)."""
    q = alias_key(question)
    best: str | None = None
    for name in names:
        key = alias_key(name)
        if key and key in q and (best is None or len(key) > len(alias_key(best))):
            best = name
    return best


def understand(
    question: str, store: Store, *, model: str | None = None, attribute: str | None = None
) -> Understanding:
    """The models, attribute, benchmark and hardware role a question asks about."""
    u = Understanding()
    keys = ModelKeys(store)
    if model:
        resolved = keys.get(alias_key(model)) or store.resolve_alias(model)
        if resolved is None:
            u.unknown = [model]
        else:
            u.models = [resolved]
    else:
        u.models, spans, u.unknown = find_models(question, keys)
        for _start, end in spans:
            m = _SIZE_AFTER.match(question, end)
            if m:  # "LLaMA 65B" where only "Llama" matched: the size picks a variant
                u.detail = m.group(1)
        unknown_names = [x for x in u.unknown if not store.phrase_in_claims(x)]
        if not u.models and unknown_names:
            # Words the store has never seen: perhaps a model written in a way no alias covers.
            found, still_unknown = _canonical_fallback(unknown_names, keys)
            u.models = found
            u.unknown = [x for x in u.unknown if x not in unknown_names] + still_unknown
    u.attribute = attribute or find_attribute(question)
    related = _with_family(store, u.models, keys) + [c for m in u.models for c in _children(m, keys)]
    bench_names = store.benchmark_names(related) if u.models else []
    bench = find_benchmark(question, bench_names)
    if bench is not None and (attribute is None or attribute == "benchmark"):
        u.attribute, u.name = "benchmark", bench
    elif u.attribute == "benchmark" and u.models and u.unknown:
        # A benchmark the store has no score for ("MMLU"): ask for it by name, never answer another one.
        u.name = u.unknown[0]
    if _MAX_CUE.search(question):
        u.order = "max"
    elif _MIN_CUE.search(question):
        u.order = "min"
    if _TRAINING_CUE.search(question):
        u.role = "training"
    elif _INFERENCE_CUE.search(question):
        u.role = "inference"
    return u


def _canonical_fallback(spans: list[str], keys: ModelKeys) -> tuple[list[str], list[str]]:
    """Unknown name-like spans through the extractor's canonicalizer ("V4 Pro" -> DeepSeek-V4-Pro).

    Only on this rare path: the claims package is too slow to import for every question.
    """
    try:
        from .claims import canonical_model_name
    except ImportError:
        return [], spans
    models, unknown = [], []
    for span in spans:
        try:
            canonical = canonical_model_name(span)
        except Exception:  # noqa: BLE001 - a canonicalizer bug must not break ask
            canonical = None
        model = keys.get(alias_key(canonical)) if canonical else None
        if model:
            models.append(model)
        else:
            unknown.append(canonical or span)
    return models, unknown


def _with_family(store: Store, models: list[str], keys: ModelKeys) -> list[str]:
    out = list(models)
    for m in models:
        parent = _parent(m, keys)
        if parent:
            out.append(parent)
    return out


def _parent(model: str, keys: ModelKeys) -> str | None:
    """DeepSeek-V4-Pro -> DeepSeek-V4 when the store knows that family."""
    parts = model.split("-")
    while len(parts) > 1:
        parts = parts[:-1]
        cand = keys.get(alias_key("-".join(parts)))
        if cand is not None and cand != model and alias_key(cand) not in DEVELOPER_WORDS:
            return cand
    return None


def _children(model: str, keys: ModelKeys) -> list[str]:
    """DeepSeek-V4 -> DeepSeek-V4-Flash, DeepSeek-V4-Pro (stored models named model + "-" + more)."""
    return sorted(
        m for m in keys.prefixed(alias_key(model)) if m != model and m.lower().startswith(model.lower() + "-")
    )


# -- retrieval -------------------------------------------------------------------------------------------


def hybrid_search(
    question: str,
    store: Store,
    paths: Paths | None,
    *,
    limit: int = CANDIDATES,
    dense: _DenseJob | None = None,
) -> dict[int, float]:
    """Claim id -> fused score (reciprocal rank fusion of BM25 and, when an index exists, dense search).

    `dense`: the dense neighbours already being computed for this question and limit (see _DenseJob).
    """
    fused: dict[int, float] = {}
    # Function words only slow BM25 down (they match everything) and add nothing to the ranking.
    # So do the everyday words of questions ("model", "parameters", "new"): the attribute is understood
    # separately, and at a million claims such a term alone matches a tenth of the store.
    words = [w for w, _, _ in _tokens(question) if w.lower() not in STOPWORDS]
    content = [w for w in words if w.lower() not in COMMON_WORDS] or words
    # A term in more than a few percent of the claims cannot rank them and makes BM25 scan the whole list:
    # keep only the rarer terms (the rarest one at least).
    counts = {w: store.fts_term_count(w, FTS_TERM_CAP) for w in dict.fromkeys(content)}
    rare = [w for w, n in counts.items() if 0 < n < FTS_TERM_CAP]
    if not rare and counts:
        rare = [min(counts, key=lambda w: counts[w] or FTS_TERM_CAP + 1)]
    terms = " ".join(rare)
    for rank, (cid, _) in enumerate(store.fts_search(terms, limit=limit)):
        fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
    neighbours = dense.result() if dense is not None else _dense(question, paths, limit)
    for rank, (cid, _) in enumerate(neighbours):
        fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
    return fused


def _dense(
    question: str, paths: Paths | None, limit: int, *, embedder: Embedder | None = None
) -> list[tuple[int, float]]:
    """Dense neighbours from the FAISS index; [] when the index (or its runtime) is missing.

    `embedder`: an already started query encoder (the warm child of launch.py), else one is made here."""
    if paths is None or not paths.index_dir.is_dir():
        return []  # no index yet: lexical only, without paying for numpy / faiss imports
    try:
        from . import index as index_mod
    except ImportError:
        return []
    try:
        idx = index_mod.load_for_query(paths)
        if idx is None:
            return []
        from .embed import Embedder

        # One thread: for one short text a second intra-op thread costs more to start and synchronize
        # than it saves (measured ~30 vs ~50 ms CPU to the first vector, and less wall time under load).
        vec = (embedder or Embedder(threads=1)).encode_query(question)
        return [(int(cid), float(score)) for cid, score in idx.search(vec, limit)]
    except Exception:  # noqa: BLE001 - a broken index degrades to lexical search, never fails the answer
        return []


_NATIVE_POOLS = ("numpy", "onnxruntime", "faiss", "torch")


class _DenseJob:
    """The dense neighbours of a question, computed in a forked child while this process does the rest.

    Why: the dense side of a cold `tracker ask` is mostly fixed start-up cost - importing numpy and
    onnxruntime, starting the ONNX session, embedding the question (~150 ms) - while the SQL side
    (BM25, importing the reconciliation code, building the answer records' validators) is another
    ~50 ms. A child forked before either starts runs the dense side on the second core; this process
    never imports numpy at all. The child computes exactly what `_dense` computes in-process, so answers
    are the same; when it cannot (no fork, threads or native thread pools already running, the child
    died), `result()` computes in-process instead.
    Started only when the question goes to hybrid retrieval (no model named); `cancel()` (a kill) when
    the answer is abandoned half-way (an error).
    """

    def __init__(self, question: str, paths: Paths, limit: int) -> None:
        self.question, self.paths, self.limit = question, paths, limit
        self.pid: int | None = None
        self.fd: int | None = None

    @classmethod
    def start(cls, question: str, paths: Paths, limit: int = CANDIDATES) -> _DenseJob | None:
        """Fork the child; None when there is no index (nothing to compute) or forking is not safe."""
        import os
        import sys
        import threading

        if os.environ.get("TRACKER_ASK_FORK", "1") == "0":
            return None  # opt-out (and a way to time the single-process path)
        from . import launch

        handed = launch.submit(question, paths.data_dir, limit)  # the child forked at start-up, if any
        if handed is not None:
            job = cls(question, paths, limit)
            job.pid, job.fd = handed
            return job
        if not paths.index_dir.is_dir() or not hasattr(os, "fork"):
            return None
        # Fork only from a clean process: with other threads running - Python's, or the native pools
        # numpy (OpenBLAS) and onnxruntime start - a child may inherit a lock held by a thread it lacks.
        if threading.active_count() != 1 or any(m in sys.modules for m in _NATIVE_POOLS):
            return None
        job = cls(question, paths, limit)
        read_fd, write_fd = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return None
        if pid == 0:  # the child: compute, write, leave without running any of the parent's cleanup
            code = 1
            try:
                os.close(read_fd)
                # One query is a few matrix-vector products: OpenBLAS's thread pool (started when numpy
                # is imported, spinning) only burns the CPU this process shares with its parent.
                os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
                os.environ.setdefault("OMP_NUM_THREADS", "1")
                payload = json.dumps(_dense(question, paths, limit)).encode()
                view = memoryview(payload)
                while view:
                    view = view[os.write(write_fd, view) :]
                code = 0
            finally:
                os._exit(code)
        os.close(write_fd)
        job.pid, job.fd = pid, read_fd
        return job

    def result(self) -> list[tuple[int, float]]:
        """The child's neighbours ([] when there is no usable index); computed here if the child failed."""
        import os

        if self.pid is not None:
            _prebuild_records()  # while the child still works: validators the answer needs next

        chunks = []
        if self.fd is not None:
            while chunk := os.read(self.fd, 65536):
                chunks.append(chunk)
            os.close(self.fd)
            self.fd = None
        code = self._reap()
        if code == 0:
            try:
                return [(int(cid), float(score)) for cid, score in json.loads(b"".join(chunks))]
            except (ValueError, TypeError):
                pass
        return _dense(self.question, self.paths, self.limit)

    def cancel(self) -> None:
        """Stop the child (the question did not need it) and reap it."""
        import os
        import signal

        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def _reap(self) -> int | None:
        import os

        if self.pid is None:
            return None
        pid, self.pid = self.pid, None
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return None
        return os.waitstatus_to_exitcode(status)


def _prebuild_records() -> None:
    """Build the (deferred) pydantic validators of the records an answer is made of, now rather than on
    first use: called while a forked dense search runs, so this otherwise idle wait does the work."""
    from .models import Claim, Source

    for record in (Claim, CitedClaim, Source, Answer, AskResult):
        record.model_rebuild()


def _lexical_overlap(question: str, c: CitedClaim) -> float:
    """A small tie-breaker: how many content words of the question the claim's text shares."""
    q = {w.lower() for w, _, _ in _tokens(question)} - COMMON_WORDS
    text = f"{c.claim.attribute.replace('_', ' ')} {c.claim.name or ''} {c.claim.evidence}".lower()
    return sum(1 for w in q if w in text)


# -- answering -------------------------------------------------------------------------------------------


def ask(
    question: str,
    paths: Paths,
    *,
    k: int = 5,
    model: str | None = None,
    attribute: str | None = None,
    since: datetime | None = None,
    source: str | None = None,
    parallel: bool = False,
) -> AskResult:
    """Answer a question from the stored claims: best answer first, each with its sources.

    parallel: when the question needs dense retrieval, compute it in a forked child while the SQL side
    runs (_DenseJob); for a short-lived process such as the CLI. Answers are the same either way.
    """
    # Constructed without validation (question is a str): its validator is built only if ever needed.
    result = AskResult.model_construct(question=question)
    if attribute is not None and attribute not in ATTRIBUTES:
        from .errors import UsageError

        raise UsageError(f"unknown attribute {attribute!r}; one of: {', '.join(ATTRIBUTES)}")
    if not paths.db.exists():
        result.note = "nothing ingested yet"
        return result
    dense: _DenseJob | None = None
    with Store(paths.db, readonly=True) as store:
        if not store.has_claims():
            result.note = "nothing ingested yet"
            return result
        u = understand(question, store, model=model, attribute=attribute)
        result.models, result.attribute, result.name = u.models, u.attribute, u.name
        if not u.models and u.unknown and not _known_terms(store, u):
            # The question names a model the store has nothing on: say so, never answer with another model.
            result.note = f"no claims about {', '.join(u.unknown)}"
            return result
        try:
            if parallel and not u.models:  # no model named: hybrid retrieval, which needs the dense side
                dense = _DenseJob.start(question, paths)
            facts, scores, note = _gather(
                question, store, paths, u, k=k, since=since, source=source, dense=dense
            )
        finally:
            if dense is not None:
                dense.cancel()
    result.answers = _answers(facts, scores, u, k)
    notes = [n for n in (note,) if n]
    if not result.answers:
        what = " / ".join(u.models) if u.models else "this question"
        attr = f" ({u.attribute.replace('_', ' ')}{' ' + u.name if u.name else ''})" if u.attribute else ""
        notes.append(f"no claims about {what}{attr}")
    result.note = "; ".join(notes) or None
    return result


def _known_terms(store: Store, u: Understanding) -> bool:
    """Whether the name-like words are chips or benchmarks the store knows ("run on Ascend 910C")."""
    if u.attribute not in ("hardware", "benchmark", None):
        return False
    return all(store.phrase_in_claims(span) for span in u.unknown)


def _gather(
    question: str,
    store: Store,
    paths: Paths,
    u: Understanding,
    *,
    k: int,
    since: datetime | None,
    source: str | None,
    dense: _DenseJob | None = None,
) -> tuple[list[Fact], dict[tuple[str, str, str], float], str | None]:
    """Claims for the understood question, reconciled; with a retrieval score per fact key."""
    from .facts import ATTRIBUTE_ORDER, reconcile

    attrs = [u.attribute] if u.attribute else None
    note = None
    if u.models:
        keys = ModelKeys(store)
        cited = _filter_name(
            store.cited_claims(models=u.models, attributes=attrs, since=since, source=source), u
        )
        if not cited and u.attribute:
            # The variant has no claim on this: fall back to its family, then to its variants, and say so.
            for m in list(u.models):
                parent = _parent(m, keys)
                if parent:
                    found = _filter_name(
                        store.cited_claims(models=[parent], attributes=attrs, since=since, source=source), u
                    )
                    if found and (
                        u.attribute in FAMILY_WIDE or not _sibling_has(store, parent, m, found, keys)
                    ):
                        cited += found
                        note = f"no claim about {m} itself; showing its family {parent}"
        if not cited and u.attribute:
            kids = sorted({c for m in u.models for c in _children(m, keys)})
            if u.detail:  # only the variants of the size asked about
                kids = [c for c in kids if alias_key(u.detail) in alias_key(c)]
            if kids:
                cited = _filter_name(
                    store.cited_claims(models=kids, attributes=attrs, since=since, source=source), u
                )
                if cited:
                    note = f"no claim about {', '.join(u.models)} itself; showing its variants"
        if u.attribute:
            # Both understood: SQL alone answers; rank by question order of the models, then support.
            order = {m: i for i, m in enumerate(u.models)}
            scores: dict[tuple[str, str, str], float] = {}
            for c in cited:
                sc = 1.0 / (1 + order.get(c.claim.model, len(order)))
                if u.attribute == "benchmark" and not u.name:  # which score: the words the question shares
                    sc += 0.001 * _lexical_overlap(question, c)
                scores[_key_of(c)] = max(scores.get(_key_of(c), 0.0), sc)
        else:
            # The model is known but not what about it: rank its facts by the words they share with the
            # question, then in fact-sheet order (no global search needed: the model's claims are few).
            order = {a: i for i, a in enumerate(ATTRIBUTE_ORDER)}
            scores = {}
            for c in cited:
                s = _lexical_overlap(question, c) + 0.01 * (
                    len(order) - order.get(c.claim.attribute, len(order))
                )
                key = _key_of(c)
                scores[key] = max(scores.get(key, 0.0), s)
        return reconcile(cited), scores, note
    fused = hybrid_search(question, store, paths, dense=dense)
    if not fused:
        return [], {}, None
    cited = store.cited_claims(ids=list(fused), attributes=attrs, since=since, source=source)
    cited = _filter_name(cited, u)
    # Reconcile over every claim of the retrieved (model, attribute) pairs, so support is complete.
    best_pair: dict[tuple[str, str], float] = {}
    for c in cited:
        pair = (c.claim.model, str(c.claim.attribute))
        best_pair[pair] = max(best_pair.get(pair, 0.0), fused.get(c.claim.id or -1, 0.0))
    # Only the best few (model, attribute) pairs are reconciled in full (every claim, for true support).
    pairs = set(sorted(best_pair, key=lambda p: -best_pair[p])[: max(2 * k, 10)])
    top_models = sorted({m for m, _ in pairs})
    top_attrs = sorted({a for _, a in pairs})
    full = (
        [
            c
            for c in store.cited_claims(models=top_models, attributes=top_attrs, since=since, source=source)
            if (c.claim.model, c.claim.attribute) in pairs
        ]
        if pairs
        else []
    )
    scores = {}
    for c in cited:
        key = _key_of(c)
        scores[key] = max(scores.get(key, 0.0), fused.get(c.claim.id or -1, 0.0))
    return reconcile(_filter_name(full, u)), scores, None


def _sibling_has(store: Store, parent: str, model: str, found: list[CitedClaim], keys: ModelKeys) -> bool:
    """Whether the family's value is really a sibling variant's (V4's 1.6T is V4-Pro's size, not Flash's).

    Sizes, prices and scores differ between variants: the family's value stands in for a variant only when
    no other variant claims that same value.
    """
    from .facts import reconcile, values_agree

    attribute = str(found[0].claim.attribute)
    siblings = [c for c in _children(parent, keys) if c != model]
    if not siblings:
        return False
    values = [f.values[0].value for f in reconcile(found) if f.values]
    for c in store.cited_claims(models=siblings, attributes=[attribute]):
        if any(values_agree(attribute, c.claim.value, v) for v in values):
            return True
    return False


def _filter_name(cited: list[CitedClaim], u: Understanding) -> list[CitedClaim]:
    from .facts import benchmark_key

    if u.attribute != "benchmark" or not u.name:
        return cited
    want = benchmark_key(u.name)
    return [c for c in cited if benchmark_key(c.claim.name) == want]


def _key_of(c: CitedClaim) -> tuple[str, str, str]:
    from .facts import benchmark_key

    name = benchmark_key(c.claim.name) if c.claim.attribute == "benchmark" else ""
    return (c.claim.model, str(c.claim.attribute), name)


def _fact_key(f: Fact) -> tuple[str, str, str]:
    from .facts import benchmark_key

    return (f.model, f.attribute, benchmark_key(f.name) if f.attribute == "benchmark" else "")


def _answers(
    facts: list[Fact], scores: dict[tuple[str, str, str], float], u: Understanding, k: int
) -> list[Answer]:
    """Facts -> answers, best first; a conflict's other values follow its main answer."""
    from .facts import MULTI_VALUED

    ranked = sorted(
        (f for f in facts if f.values),
        key=lambda f: (-scores.get(_fact_key(f), 0.0), -f.values[0].support, f.model, f.attribute),
    )
    if u.order and not u.models:
        # "Which model has the largest context?": order the candidates by their consensus value.
        sign = -1.0 if u.order == "max" else 1.0
        numeric = [f for f in ranked if isinstance(f.values[0].value, (int, float))]
        rest = [f for f in ranked if not isinstance(f.values[0].value, (int, float))]
        ranked = sorted(numeric, key=lambda f: sign * float(f.values[0].value)) + rest
    out: list[Answer] = []
    for fact in ranked[: max(k, 1)]:
        values = list(fact.values)
        if fact.attribute == "hardware" and u.role:
            values.sort(key=lambda v: 0 if u.role in v.roles else 1)  # stable: support order kept within
        score = scores.get(_fact_key(fact), 0.0)
        main = _answer(fact, values[0], values[1:], score)
        out.append(main)
        if fact.conflict or fact.attribute in MULTI_VALUED:
            # The other values as answers of their own, so a reader (or a scorer) sees every side.
            for v in values[1:]:
                out.append(_answer(fact, v, [o for o in values if o is not v], score * 0.5))
    return out


def _answer(fact: Fact, value: FactValue, others: list[FactValue], score: float) -> Answer:
    from .facts import MULTI_VALUED

    return Answer(
        model=fact.model,
        attribute=fact.attribute,  # type: ignore[arg-type]
        value=value.value,
        name=fact.name,
        role=value.role,
        status=value.status,
        support=value.support,
        conflict=fact.conflict,
        others=[
            Answer(
                model=fact.model,
                attribute=fact.attribute,  # type: ignore[arg-type]
                value=o.value,
                name=fact.name,
                role=o.role,
                status=o.status,
                support=o.support,
                conflict=fact.conflict,
            )
            for o in others
        ]
        if fact.conflict or fact.attribute in MULTI_VALUED
        else [],
        sources=value.sources,
        score=score,
    )


# -- rendering (text for the terminal; the CLI prints it) -------------------------------------------------


def parse_since(text: str, *, now: datetime | None = None) -> datetime:
    """'7d', '12h', '2w' (ago) or an ISO date / datetime -> an aware datetime."""
    from datetime import UTC, timedelta

    from .errors import UsageError

    now = now or datetime.now(UTC)
    m = re.fullmatch(r"\s*(\d+)\s*([hdw])\s*", text, re.I)
    if m:
        n, unit = int(m.group(1)), m.group(2).lower()
        return (
            now - timedelta(hours=n) if unit == "h" else now - timedelta(days=n * (7 if unit == "w" else 1))
        )
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--since: expected 7d, 12h, 2w or a date like 2026-04-01, got {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _plural(n: int, word: str = "source") -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def headline(answer: Answer) -> str:
    """'DeepSeek-V4-Pro: 49B active parameters (2 sources); 1 source says 37B'."""
    from .facts import MULTI_VALUED, describe, human_value, safe_text

    what = describe(answer.model_copy(update={"status": "stated"}), answer.attribute, answer.name)
    hedge = "expected, not confirmed; " if answer.status == "expected" else ""
    line = f"{safe_text(answer.model)}: {what} ({hedge}{_plural(answer.support)})"
    if answer.conflict and answer.others:
        rest = "; ".join(
            f"{_plural(o.support)} {'say' if o.support != 1 else 'says'} "
            f"{human_value(o.attribute, o.value)}{' (expected)' if o.status == 'expected' else ''}"
            for o in answer.others
        )
        line += f"; {rest}"
    elif answer.attribute in MULTI_VALUED and answer.others:
        line += "; also " + ", ".join(describe(o, o.attribute, o.name) for o in answer.others)
    return line


def render(result: AskResult) -> str:
    """The terminal answer: a direct line, further answers, then numbered citations."""
    from .facts import human_value, safe_text

    if not result.answers:
        return (result.note or "no answer") + "\n"
    lines = [headline(result.answers[0])]
    shown = {id(result.answers[0])}
    # Answers already folded into the headline (a conflict's other side, a chip list) are not repeated.
    folded = {(a.model, a.attribute, a.name) for a in result.answers[:1]}
    extra = [a for a in result.answers[1:] if (a.model, a.attribute, a.name) not in folded]
    for a in extra:
        lines.append(headline(a))
        folded.add((a.model, a.attribute, a.name))
    if result.note:
        lines.append(f"note: {safe_text(result.note)}")
    lines.append("")
    n = 0
    cited: set[tuple[str, str]] = set()
    for a in result.answers:
        shown.add(id(a))
        for s in a.sources:
            key = (s.url, s.evidence)
            if key in cited:
                continue
            cited.add(key)
            n += 1
            date = f" ({s.published})" if s.published else ""
            lines.append(f"[{n}] {safe_text(s.title) or safe_text(s.url)}{date}")
            lines.append(f"    {safe_text(s.url)}")
            lines.append(
                f'    "{safe_text(s.evidence)}"  '
                f"[supports {safe_text(a.model)}: {human_value(a.attribute, a.value)}]"
            )
    return "\n".join(lines) + "\n"

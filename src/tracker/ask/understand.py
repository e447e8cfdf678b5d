"""Question -> intent: the models named, the attribute asked about, and the shape of the question.

Shapes (`Intent.kind`):
- lookup: a model (or several) and what about it ("context window of Llama 3.1 405B"; "price of X" asks
  for input and output);
- value: "which model has 253 billion parameters / costs $0.14 / scored 44.4% on HLE" (answer: a model);
- rank: superlatives and top-N ("largest context window", "cheapest per output token", "top 3 by X");
- compare: "which is cheaper, X or Y?" (answer: both, with a verdict);
- set: "which models are MIT licensed", "what did Anthropic release", "released in April 2026";
- describe: a model described instead of named ("Meta's December 2024 70B instruct model"), resolved
  against what the store knows, then answered as a lookup;
- open: none of these: hybrid retrieval;
- unsupported / empty / foreign / offtopic: answered honestly with a note, never with random facts.

Everything here is linear in the question's length: each token starts at most a few bounded n-grams, and
the store is asked in a handful of batched primary-key lookups.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from ..attributes import SPECS
from ..store import Store, alias_key
from ..vocab import MONTHS as _MONTHS
from ..vocab import SCALES as _SCALE
from ..vocab import WORD_NUMBERS as _NUMBER_WORDS
from .names import (
    ModelKeys,
    children,
    contained_model,
    find_models,
    fuzzy_model,
    is_family_of,
    resolve_unknown,
    same_brand,
    tokens,
    with_family,
)
from .words import (
    COMMON_WORDS,
    FAMILY_WORDS,
    FOREIGN_WORDS,
    STOPWORDS,
    VARIANT_ORDER,
)

# Attribute cues (tracker.attributes), checked in their priority order (the first that matches wins).
_CUES: list[tuple[str, re.Pattern[str]]] = [
    (s.name, re.compile(s.cue, re.I)) for s in sorted(SPECS.values(), key=lambda s: s.cue_rank) if s.cue
]
# What the store never records: asked about, answered honestly ("the tracker records no knowledge cutoff").
_UNSUPPORTED: list[tuple[str, re.Pattern[str]]] = [
    ("speed", re.compile(r"\btokens? per second\b|\bthroughput\b|\blatency\b|\bhow fast\b", re.I)),
    ("knowledge cutoff", re.compile(r"\bknowledge cut-?off\b|\btraining cut-?off\b", re.I)),
    ("languages", re.compile(r"\bhow many languages\b|\bwhich languages\b", re.I)),
]
_MAX_CUE = re.compile(
    r"\b(?:largest|biggest|longest|highest|most|best|top|maximum|max|newest|latest|priciest|"
    r"most expensive)\b",
    re.I,
)
_MIN_CUE = re.compile(
    r"\b(?:smallest|cheapest|shortest|lowest|least|minimum|min|tiniest|oldest|earliest)\b", re.I
)
_TOP_N = re.compile(
    r"\btop[- ](\d{1,2}|three|five|ten|two|four)\b|"
    r"\b(\d{1,2}|three|five|ten) (?:best|largest|"
    r"biggest|cheapest|highest|smallest)\b",
    re.I,
)
_ASKS_MODEL = re.compile(
    r"\b(?:which|what)\b(?:\s+[\w.+-]+){0,4}?\s+(?:model|models|llm|llms|variant|variants|one|release|"
    r"releases|system)\b|\bwhich\b(?:\s+[\w.+-]+){0,3}?\s+(?:has|have|had|is|was|costs?|scored?|tops?|"
    r"topped|launched|released)\b|\bname the model\b|\bwhat did\b.*\b(?:release|launch|ship|announce)\b|"
    r"\bwhat (?:was|were|has been|got) (?:released|launched|announced|reported)\b",
    re.I,
)
_COMPARE = re.compile(
    r"\b(?:cheaper|pricier|more expensive|less expensive|bigger|larger|smaller|longer|shorter|newer|"
    r"older|earlier|later|higher|lower|better|worse|more parameters|fewer parameters)\b|\bvs\.?\b|"
    r"\bversus\b|\bcompare\b|\bcompared\b",
    re.I,
)
_TRAINING_CUE = re.compile(r"\btrain(?:ed|ing)?\b", re.I)
_INFERENCE_CUE = re.compile(
    r"\bruns? on\b|\brun on\b|\binference\b|\bserv(?:e|ed|ing)\b|\bdeploy|\btuned to run", re.I
)
_SIZE_AFTER = re.compile(r"[\s-]*(\d+(?:\.\d+)?[bmt]|\d+x\d+b)\b", re.I)
_SIZE_WORD = re.compile(r"~?(\d+(?:\.\d+)?)\s*([bmt])\b(?:[\s-]*param(?:eter)?s?\b)?", re.I)
_MONTH_RE = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_PUBLISHED_CUE = re.compile(
    r"\b(?:reported|published|news|articles?|covered|coverage|stories|written|wrote|"
    r"mentioned|in the news)\b",
    re.I,
)
_REASONING = re.compile(r"\breasoning\b|\bthinking\b|\bhybrid[- ]thinking\b", re.I)
_OPEN_WEIGHTS = re.compile(r"\bopen[- ]?weights?\b|\bopen[- ]source\b|\bopen models?\b", re.I)


@dataclass
class Window:
    """A time window [start, end): by release date (the claim) or by the article's publication date."""

    start: date
    end: date
    by: str = "release"  # "release" or "published"
    label: str = ""


@dataclass
class Constraint:
    """A value the answer must have ("253 billion parameters"): numbers within a tolerance, dates by
    prefix."""

    attribute: str
    value: float | str
    name: str | None = None  # benchmark
    tolerance: float = 0.015  # relative (absolute in points for benchmarks)

    def bounds(self) -> tuple[float, float]:
        x = float(self.value)
        if self.attribute == "benchmark":
            return x - self.tolerance, x + self.tolerance
        return x * (1 - self.tolerance), x * (1 + self.tolerance)


@dataclass
class Description:
    """What a question says about a model it does not name."""

    developers: list[str] = field(default_factory=list)  # developer names, without "AI" / "Inc" ...
    families: list[str] = field(default_factory=list)  # family words: "qwen" in "Alibaba's Qwen model"
    name_words: list[str] = field(default_factory=list)  # other rare words a name may hold: "device"
    size: float | None = None  # "70B" -> 70e9
    words: list[str] = field(default_factory=list)  # variant words: instruct, mini, flash ...
    month: str | None = None  # "2024-12"
    open_weights: bool = False
    reasoning: bool = False

    def empty(self) -> bool:
        return not (
            self.developers or self.size or self.words or self.month or self.open_weights or self.reasoning
        )


@dataclass
class Intent:
    """What the question is about."""

    kind: str = "open"
    models: list[str] = field(default_factory=list)  # canonical, most specific first, in question order
    unknown: list[str] = field(default_factory=list)  # spans that look like model names we do not know
    attribute: str | None = None
    attributes: list[str] = field(default_factory=list)  # more than one: "price of X" (input and output)
    name: str | None = None  # benchmark name (as stored)
    role: str | None = None  # hardware role the question cares about
    order: str | None = None  # "max" / "min" for superlatives and comparisons
    top: int | None = None  # "top 3"
    detail: str | None = None  # a size written right after the model name ("65B" in "LLaMA 65B")
    constraints: list[Constraint] = field(default_factory=list)
    window: Window | None = None
    license: str | None = None  # "MIT" in "which models are MIT licensed"
    description: Description = field(default_factory=Description)
    unsupported: str | None = None  # "knowledge cutoff"
    typo: dict[str, str] = field(default_factory=dict)  # span -> model it was read as
    asks_model: bool = False  # "which model ...?"
    scope: list[str] = field(default_factory=list)  # "which GLM-4 model": candidates within these families
    spans: list[tuple[int, int]] = field(default_factory=list)  # where the question names its models
    excluded: list[str] = field(default_factory=list)  # "Besides TPU v5e, ...": values the asker already has


# -- tokens ------------------------------------------------------------------------------------------------


# -- model names -------------------------------------------------------------------------------------------


# -- attributes, values, windows ---------------------------------------------------------------------------


# "Besides TPU v5e, which ...", "other than MIT": a value the asker names to hear of the others
_BESIDES = re.compile(
    r"\b(?:[Bb]esides|[Oo]ther\s+than|[Aa]part\s+from|[Aa]side\s+from|[Ee]xcept(?:\s+for)?)\s+(?:the\s+)?"
    r"(?P<value>[^,;?]{1,40}?)\s*(?=[,;?]|$)"
)


def find_attribute(question: str) -> str | None:
    for attribute, pattern in _CUES:
        if pattern.search(question):
            return attribute
    return None


def find_unsupported(question: str) -> str | None:
    for what, pattern in _UNSUPPORTED:
        if pattern.search(question):
            return what
    return None


def find_benchmark(question: str, names: Iterable[str]) -> str | None:
    """The longest stored benchmark name the question mentions (compared as alphanumerics)."""
    q = alias_key(question)
    best: str | None = None
    for name in names:
        key = alias_key(name)
        if len(key) >= 3 and key in q and (best is None or len(key) > len(alias_key(best))):
            best = name
    return best


_NUM = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_PRICE_RE = re.compile(r"\$\s?" + _NUM + r"(?:\s*(?:/|per)\s*(?:1m|m|million)\b)?", re.I)
_PARAM_RE = re.compile(
    _NUM + r"\s*(trillion|billion|million|[bmt])\b\s*(total\s+|active\s+)?"
    r"(?:parameters?|params?)?(\s+active)?",
    re.I,
)
_TOKENS_RE = re.compile(_NUM + r"\s*(million|thousand|[km])?[\s-]*tokens?\b", re.I)
_PERCENT_RE = re.compile(_NUM + r"\s*%")
_SCORE_RE = re.compile(
    r"\b(?:scored?|scoring|with|of|at|reach(?:ed)?|got|achiev(?:ed|es)|hits?)\s+"
    r"(?:an?\s+)?" + _NUM + r"\b(?!\s*(?:%|\$|b\b|billion|million|tokens?|k\b))",
    re.I,
)
_DATE_RE = re.compile(
    r"\b(?:on\s+)?" + _MONTH_RE + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b|"
    r"\b(\d{4})-(\d{2})-(\d{2})\b",
    re.I,
)
_APPROX = re.compile(r"\b(?:about|around|roughly|approximately|nearly|almost|some)\s*$|~\s*$", re.I)


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def find_constraints(
    question: str, *, benchmark: str | None, attribute: str | None, blocked: list[tuple[int, int]]
) -> list[Constraint]:
    """Values the question gives ("253 billion parameters", "$0.14 per million input tokens", "44.4% on X").

    `blocked`: character spans of model names (their sizes are names, not values)."""
    out: list[tuple[int, Constraint]] = []
    taken: list[tuple[int, int]] = list(blocked)

    def free(m: re.Match[str]) -> bool:
        return not any(s < m.end() and m.start() < e for s, e in taken)

    def approx(m: re.Match[str], default: float, wide: float) -> float:
        if re.search(r"\bexactly\s*(?:\$\s*)?$", question[: m.start()], re.I):
            return 0.0005
        return wide if _APPROX.search(question[: m.start()]) else default

    low = question.lower()
    for m in _PRICE_RE.finditer(question):
        if not free(m):
            continue
        after, before = low[m.end() : m.end() + 30], low[max(0, m.start() - 30) : m.start()]
        if "input" in after:
            attr = "price_input"
        elif "output" in after or "output" in before or attribute == "price_output":
            attr = "price_output"  # "$0.56 per million output tokens", "whose output costs $1.10"
        else:
            attr = "price_input"
        out.append((m.start(), Constraint(attr, _num(m.group(1)), tolerance=approx(m, 0.01, 0.08))))
        taken.append((m.start(), m.end()))
    for m in _DATE_RE.finditer(question):
        if m.group(1):
            month = _MONTHS[m.group(1).lower().rstrip(".")]
            value = f"{int(m.group(3)):04d}-{month:02d}-{int(m.group(2)):02d}"
        else:
            value = f"{m.group(4)}-{m.group(5)}-{m.group(6)}"
        out.append((m.start(), Constraint("release_date", value)))
        taken.append((m.start(), m.end()))
    for m in _TOKENS_RE.finditer(question):
        if not free(m):
            continue
        x = _num(m.group(1)) * _SCALE.get((m.group(2) or "").lower(), 1.0)
        if x >= 1000 and re.search(r"\bcontext|\bwindow|\bprompt|\blong", low):
            out.append((m.start(), Constraint("context_window", x, tolerance=approx(m, 0.05, 0.1))))
            taken.append((m.start(), m.end()))
    for m in _PARAM_RE.finditer(question):
        if not free(m):
            continue
        text = m.group(0).lower()
        if "param" not in text and not m.group(4):
            continue  # "7B" alone is a size in a name or a description, not a value asked about
        if re.search(r"[bmt]-param", text):
            continue  # "a 24B-parameter Mistral model": an adjective describes the model (Description)
        active = (
            "active" in (m.group(3) or "").lower()
            or bool(m.group(4))
            or (
                attribute == "parameters_active"
                and "total" not in (m.group(3) or "").lower()
                and not re.search(r"\btotal\b", question, re.I)
            )
        )
        unit = m.group(2).lower()
        x = _num(m.group(1)) * _SCALE[unit]
        attr = "parameters_active" if active else "parameters_total"
        out.append((m.start(), Constraint(attr, x, tolerance=approx(m, 0.015, 0.08))))
        taken.append((m.start(), m.end()))
    if benchmark is not None or attribute == "benchmark":
        for m in itertools.chain(_PERCENT_RE.finditer(question), _SCORE_RE.finditer(question)):
            if not free(m):
                continue
            group = m.group(1)
            out.append(
                (
                    m.start(),
                    Constraint(
                        "benchmark",
                        _num(group),
                        name=benchmark,
                        tolerance=0.5 if _APPROX.search(question[: m.start()]) else 0.051,
                    ),
                )
            )
            taken.append((m.start(), m.end()))
    out.sort(key=lambda p: p[0])
    return [c for _, c in out]


def find_window(question: str, now: datetime) -> Window | None:
    """'last week', 'in April 2026', 'since March', 'this year', 'in 2025' -> a window (release date unless
    the question is about what was reported / published)."""
    low = question.lower()
    by = "published" if _PUBLISHED_CUE.search(low) else "release"
    today = now.date()
    win: Window | None = None
    if m := re.search(r"\b(?:in the )?(?:last|past) (\d{1,3}) (day|week|month)s?\b", low):
        n, unit = int(m.group(1)), m.group(2)
        days = n * {"day": 1, "week": 7, "month": 30}[unit]
        win = Window(today - timedelta(days=days), today + timedelta(days=1), label=m.group(0))
    elif m := re.search(r"\b(last|this|past) (week|month|year)\b", low):
        which, unit = m.groups()
        if unit == "week":
            start = today - timedelta(days=7) if which != "this" else today - timedelta(days=today.weekday())
            win = Window(start, today + timedelta(days=1), label=m.group(0))
        elif unit == "month":
            first = today.replace(day=1)
            if which == "this":
                win = Window(first, today + timedelta(days=1), label=m.group(0))
            else:
                prev = (first - timedelta(days=1)).replace(day=1)
                win = Window(prev, first, label=m.group(0))
        else:
            if which == "this":
                win = Window(date(today.year, 1, 1), date(today.year + 1, 1, 1), label=m.group(0))
            else:
                win = Window(date(today.year - 1, 1, 1), date(today.year, 1, 1), label=m.group(0))
    elif m := re.search(r"\bsince " + _MONTH_RE + r"(?:\s+(\d{4}))?\b", low):
        month = _MONTHS[m.group(1).rstrip(".")]
        year = int(m.group(2)) if m.group(2) else (today.year if month <= today.month else today.year - 1)
        win = Window(date(year, month, 1), today + timedelta(days=1), label=m.group(0))
    elif m := re.search(r"\bsince (\d{4})-(\d{2})-(\d{2})\b", low):
        win = Window(
            date(int(m.group(1)), int(m.group(2)), int(m.group(3))),
            today + timedelta(days=1),
            label=m.group(0),
        )
    elif m := re.search(r"\b(?:in|during|from|of)?\s*" + _MONTH_RE + r",?\s+(\d{4})\b(?!-)", low):
        if not re.search(_MONTH_RE + r"\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}", low):  # a full date is a value
            month = _MONTHS[m.group(1).rstrip(".")]
            year = int(m.group(2))
            end = date(year + (month == 12), month % 12 + 1, 1)
            win = Window(date(year, month, 1), end, label=m.group(0).strip())
    elif m := re.search(r"\b(?:in|during) (20\d\d|19\d\d)\b", low):
        year = int(m.group(1))
        win = Window(date(year, 1, 1), date(year + 1, 1, 1), label=m.group(0))
    if win is not None:
        win.by = by
    return win


def find_description(question: str, words: list[str], developers: dict[str, str]) -> Description:
    """What a question says about a model it does not name: developer, size, variant words, month ..."""
    d = Description()
    for i in range(len(words)):
        for n in (3, 2, 1):  # "All Hands AI", "Mistral AI", "Meta"
            key = alias_key("".join(words[i : i + n]))
            if len(words[i : i + n]) == n and key in developers:
                if developers[key] not in d.developers:
                    d.developers.append(developers[key])
                break
    asked_how = set(re.findall(r"\bhow (\w+)", question.lower()))  # "how large": a size asked about
    for w in words:
        key = alias_key(w)
        if len(key) >= 4 and key not in COMMON_WORDS and key not in STOPWORDS and not key.isdigit():
            d.name_words.append(key)
        if key in FAMILY_WORDS and key not in d.families:
            d.families.append(key)
        named_part = key in VARIANT_ORDER or key in ("instruct", "chat", "base", "coder", "vision", "turbo")
        named_part = named_part and key not in asked_how
        if named_part and key not in d.words:
            d.words.append(key)
    if m := _SIZE_WORD.search(question):
        d.size = float(m.group(1)) * _SCALE[m.group(2).lower()]
    if m := re.search(_MONTH_RE + r",?\s+(\d{4})\b", question.lower()):
        d.month = f"{int(m.group(2)):04d}-{_MONTHS[m.group(1).rstrip('.')]:02d}"
    d.open_weights = bool(_OPEN_WEIGHTS.search(question))
    d.reasoning = bool(_REASONING.search(question))
    return d


def is_foreign(question: str) -> bool:
    """Not English: mostly non-Latin letters, or function words of another language and few English ones."""
    letters = [ch for ch in question if ch.isalpha()]
    if letters and sum(1 for ch in letters if ord(ch) > 0x24F) / len(letters) > 0.3:
        return True
    words = [w.lower() for w, _, _ in tokens(question)]
    foreign = sum(1 for w in words if w in FOREIGN_WORDS)
    english = sum(1 for w in words if w in STOPWORDS)
    return foreign >= 2 and foreign > english


def top_n(question: str) -> int | None:
    m = _TOP_N.search(question)
    if not m:
        return None
    text = (m.group(1) or m.group(2)).lower()
    return _NUMBER_WORDS.get(text) or int(text)


def comparative(question: str, attribute: str | None) -> tuple[str | None, str | None]:
    """(attribute, order) of a comparison: 'cheaper' -> (price_input, min), 'bigger' -> (parameters_total,
    max); an explicit attribute in the question wins over the adjective's default."""
    low = question.lower()
    table = [
        (r"\bcheaper\b|\bless expensive\b", "price_input", "min"),
        (r"\bpricier\b|\bmore expensive\b", "price_input", "max"),
        (r"\bbigger\b|\blarger\b|\bmore parameters\b", "parameters_total", "max"),
        (r"\bsmaller\b|\bfewer parameters\b", "parameters_total", "min"),
        (r"\blonger\b", "context_window", "max"),
        (r"\bshorter\b", "context_window", "min"),
        (r"\bnewer\b|\blater\b|\bmore recent\b", "release_date", "max"),
        (r"\bolder\b|\bearlier\b", "release_date", "min"),
        (r"\bhigher\b|\bbetter\b", "benchmark", "max"),
        (r"\blower\b|\bworse\b", "benchmark", "min"),
    ]
    for pattern, attr, order in table:
        if re.search(pattern, low):
            if (
                attribute
                and attribute != attr
                and not (attr.startswith("price") and attribute.startswith("price"))
            ):
                if attr in ("parameters_total", "context_window") and attribute in (
                    "parameters_active",
                    "context_window",
                ):
                    return attribute, order
                if attr == "benchmark" or attribute == "benchmark":
                    return attribute, order
                return attribute, order
            return (attribute if attr.startswith("price") and attribute else attr), order
    return attribute, None


# Attributes a superlative can rank (numbers, and dates as ISO text); "longest" about chips ranks nothing.
RANKABLE = frozenset(
    {
        None,
        "parameters_total",
        "parameters_active",
        "context_window",
        "price_input",
        "price_output",
        "benchmark",
        "release_date",
    }
)


# -- the whole intent --------------------------------------------------------------------------------------


def understand(
    question: str,
    store: Store,
    *,
    model: str | None = None,
    attribute: str | None = None,
    now: datetime | None = None,
) -> Intent:
    """The intent of a question (see the module docstring)."""
    now = now or datetime.now(UTC)
    it = Intent()
    if not question.strip():
        it.kind = "empty"
        return it
    if is_foreign(question):
        it.kind = "foreign"
        return it
    question = re.sub(r"(?<=[A-Za-z0-9])\+(?=\s|$|[?,.!])", " Plus", question)  # "Command R+"
    it.excluded = [m.group("value").strip() for m in _BESIDES.finditer(question)]
    keys = ModelKeys(store)
    toks = tokens(question)
    spans: list[tuple[int, int]] = []
    if model:
        resolved = keys.get(alias_key(model)) or store.resolve_alias(model) or fuzzy_model(model, keys)
        if resolved is None:
            it.unknown = [model]
        else:
            it.models = [resolved]
    else:
        it.models, spans, it.unknown = find_models(question, keys)
        it.spans = spans
        _plus_names(question, store, keys, it)
        for _start, end in spans:
            m = _SIZE_AFTER.match(question, end)
            if m:  # "LLaMA 65B" where only "Llama" matched: the size picks a variant
                it.detail = m.group(1)
        # Unknown spans: a stored name that contains them ("Haiku 4.5" in Claude-Haiku-4.5), then, for
        # words the store has never seen, the canonical form and a typo-tolerant match.
        unknown_names = [x for x in it.unknown if contained_model(x, keys) or not store.phrase_in_claims(x)]
        if unknown_names:
            found, still = resolve_unknown(unknown_names, keys, it.typo, question)
            # "Mistral Larg 2": the typo match covers a model the words before it matched alone.
            it.models = [
                m
                for m in it.models
                if not any(
                    f != m and (alias_key(f).startswith(alias_key(m)) or same_brand(f, m)) for f in found
                )
            ]
            it.models += [m for m in found if m not in it.models]
            it.models = [m for m in it.models if not any(o != m and is_family_of(m, o) for o in it.models)]
            it.unknown = [x for x in it.unknown if x not in unknown_names] + still
    it.unsupported = find_unsupported(question)
    it.attribute = attribute or (None if it.unsupported else find_attribute(question))
    if it.attribute in ("price_input", "price_output") and not attribute:
        low = question.lower()
        if (
            "input" not in low
            and "output" not in low
            and not re.search(r"\bcheap|\bexpensive|\bpric(?:ey|ier)", low)
        ):
            it.attributes = ["price_input", "price_output"]  # "price of X": both sides
    related = with_family(it.models, keys) + [c for m in it.models for c in children(m, keys)]
    bench_names = store.benchmark_names(related) if it.models else []
    bench = find_benchmark(question, bench_names)
    if (
        bench is None
        and (not it.models or _answer_is_model(question))
        and (it.attribute in ("benchmark", None) or "%" in question)
    ):
        # "Which model topped X quoted in the Y review": the benchmark is any model's, not Y's.
        bench = find_benchmark(question, store.benchmark_names(None))
    if bench is not None and (attribute is None or attribute == "benchmark"):
        it.attribute, it.name, it.attributes = "benchmark", bench, []
    elif it.attribute == "benchmark" and it.models and it.unknown:
        # A benchmark the store has no score for ("MMLU"): ask for it by name, never answer another one.
        it.name = _benchmark_asked(question, it.unknown)
    if _TRAINING_CUE.search(question):
        it.role = "training"
    elif _INFERENCE_CUE.search(question):
        it.role = "inference"
    it.asks_model = (
        bool(_ASKS_MODEL.search(question))
        and not re.match(r"\s*what (?:is|are|was|were|does|did|do)\b(?! released| launched)", question, re.I)
        or bool(re.match(r"\s*which\b", question, re.I))
    )
    if (
        it.asks_model
        and it.models
        and any(
            re.match(r"[\s-]*(?:models?|variants?|versions?|family)\b", question[end:], re.I)
            for _, end in spans
        )
    ):
        it.scope = list(it.models)
    it.constraints = find_constraints(
        question,
        benchmark=it.name if it.attribute == "benchmark" else None,
        attribute=it.attribute,
        blocked=spans,
    )
    it.window = find_window(question, now)
    developers: dict[str, str] = {}
    # Only a question that does not name its model needs the developers' names (descriptions, sets).
    vocabulary = store.distinct_values("developer") if (it.asks_model or not it.models) else []
    for dev in vocabulary:
        core = strip_org(dev)
        first_word = core.split()[0] if core.split() else ""
        # "Corvid's model" for Corvid Systems: a developer's first word names it too (when long enough).
        for key in (alias_key(core), alias_key(first_word) if len(first_word) >= 4 else ""):
            if key and key not in COMMON_WORDS and key not in STOPWORDS:
                developers.setdefault(key, core)
    free_words = [w for w, a, b in toks if not any(s0 <= a and b <= s1 for s0, s1 in spans)]
    it.description = find_description(question, free_words, developers)
    # "Apple's ~3B on-device model" where the store knows no such developer: the owner still narrows the
    # description (to nothing, rather than to another lab's 3B model).
    for m in re.finditer(r"\b([A-Z][\w.-]*)['\u2019]s\b(?!\s+[A-Z])", question):  # not "Humanity's Last Exam"
        owner, key = m.group(1), alias_key(m.group(1))
        if any(a <= m.start(1) < b for a, b in spans) or key in developers or key in COMMON_WORDS:
            continue
        if not it.models and owner not in it.description.developers:
            it.description.developers.append(owner)
    # A family word that belongs to a named model ("GPT-4's 67.0%") describes nothing.
    it.description.families = [
        f for f in it.description.families if not any(alias_key(m).startswith(f) for m in it.models)
    ]
    if re.search(r"licen[cs]", question, re.I):
        # A model's own name ("Llama 3.1") is not the license asked about ("the Llama license").
        masked = "".join(" " if any(a <= i < b for a, b in spans) else ch for i, ch in enumerate(question))
        it.license = _license_asked(masked, store)
    if _MAX_CUE.search(question):
        it.order = "max"
    elif _MIN_CUE.search(question):
        it.order = "min"
    it.top = top_n(question)
    it.kind = _kind(question, it)
    if it.kind == "compare":
        it.attribute, it.order = comparative(
            question,
            it.attribute
            if it.attribute != "release_date" or re.search(r"\breleas|\blaunch", question, re.I)
            else None,
        )
        it.order = it.order or "max"
        if it.attribute is None:
            it.attribute = "parameters_total"
        it.attributes = []
    if it.kind == "rank" and it.attribute is None:
        it.attribute = "parameters_total"
    return it


_ON_BENCHMARK = re.compile(
    r"\b(?:on|in)\s+(?:the\s+)?([A-Za-z][\w.+-]*(?:\s+[\w.+-]+){0,3}?)\s*(?:benchmark|test|eval)?\s*(?:[?,.]|$)"
)


def _benchmark_asked(question: str, unknown: list[str]) -> str:
    """The name of a benchmark the store has no score for: what follows "on" ("on SWE-bench Verified",
    "on the NYT Connections benchmark"), else the first unknown span that is not a possessive owner."""
    m = _ON_BENCHMARK.search(question)
    if m and any(u in m.group(1) for u in unknown):
        return m.group(1)
    owners = {u for u in unknown if re.search(re.escape(u) + r"['\u2019]s\b", question)}
    return next((u for u in unknown if u not in owners), unknown[0])


def _answer_is_model(question: str) -> bool:
    return re.match(r"\s*(?:which|what) (?:\w+ ){0,2}?(?:model|llm|one)s?\b", question, re.I) is not None


def _plus_names(question: str, store: Store, keys: ModelKeys, it: Intent) -> None:
    """ "Command R+" (read as "Command R Plus"): the stored model written with its plus, when there is one
    (alias keys drop the "+", so the name without it matched first)."""
    for start, end in it.spans:
        if not re.match(r"\s*Plus\b", question[end:]):
            continue
        base = keys.get(alias_key(question[start:end]))
        if base is None or base not in it.models:
            continue
        plus = next((p for p in (base + "+", base + "-Plus") if store.model_attributes(p)), None)
        if plus is None:
            continue
        without = sum(
            1
            for s, e in it.spans
            if keys.get(alias_key(question[s:e])) == base and not re.match(r"\s*Plus\b", question[e:])
        )
        at = it.models.index(base)
        if without:
            it.models.insert(at + 1, plus)
        else:
            it.models[at] = plus
        it.unknown = [u for u in it.unknown if u.lower() != "plus"]


def strip_org(name: str) -> str:
    """'Mistral AI' -> 'Mistral', 'Reka AI' -> 'Reka': the name a question uses."""
    suffix = r"\s+(?:ai|inc\.?|ltd\.?|labs?|research|technolog(?:y|ies)|systems|group|corp(?:oration)?)$"
    return re.sub(suffix, "", name.strip(), flags=re.I)


def _license_asked(question: str, store: Store) -> str | None:
    """'MIT' in 'which models are MIT licensed' (a stored license name the question contains)."""
    q = " " + re.sub(r"[^a-z0-9.]+", " ", question.lower()) + " "
    best = None
    for lic in store.distinct_values("license"):
        key = re.sub(r"[^a-z0-9.]+", " ", lic.lower()).strip()
        core = re.sub(r"\s*licen[cs]e$", "", key).strip()
        for cand in (key, core):
            if cand and f" {cand} " in q and (best is None or len(cand) > len(best)):
                best = cand
    if best is None:
        # "Apache licensed" for "Apache-2.0": the first word of a stored license name, when it names one.
        for lic in store.distinct_values("license"):
            first = re.sub(r"[^a-z0-9.]+", " ", lic.lower()).split()[:1]
            word = first[0] if first else ""
            if len(word) >= 2 and word not in _GENERIC_LICENSE_WORDS and f" {word} " in q:
                return word
    return best


# First words of license names that say nothing about which license ("Custom Commercial License").
_GENERIC_LICENSE_WORDS = frozenset(
    {"open", "custom", "commercial", "community", "research", "model", "proprietary", "modified", "license"}
)


def _kind(question: str, it: Intent) -> str:
    low = question.lower()
    if it.unsupported and not it.constraints:
        return "unsupported"
    if len(it.models) >= 2 and _COMPARE.search(low):
        return "compare"
    if re.search(r"\bwhich (?:one )?is\b|\bwhich has\b", low) and len(it.models) >= 2:
        return "compare"
    if it.asks_model or not it.models:
        if it.constraints:
            return "value"
        if (it.order or it.top) and it.attribute in RANKABLE:
            return "rank"
        d = it.description
        describing = bool(d.developers or d.month or d.size or d.families)
        if (
            not it.models
            and not it.asks_model
            and describing
            and not it.license
            and it.attribute not in (None, "release_date", "developer")
        ):
            return "describe"  # "Under what license did Reka publish its 21B reasoning model in March 2025?"
        released = re.search(r"\b(?:releas\w*|launch\w*|ship\w*|announc\w*|models)\b", low)
        if (it.license or it.window or (d.developers and released)) and (not it.models or it.asks_model):
            return "set"
        if not it.models and it.attribute and describing:
            return "describe"
    return "lookup" if it.models else "open"

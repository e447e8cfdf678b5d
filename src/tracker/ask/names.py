"""Model names in a question: the store's aliases looked up in batches (linear in the question's length),
families, developer-less short forms, versions, typo-tolerant and contained names.

Each token starts at most a few bounded n-grams; every candidate key goes to the store in one batched
primary-key lookup, so the cost grows with the question, not with its square or with the store.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable

from ..store import Store, alias_key
from .words import COMMON_WORDS, DEVELOPER_WORDS, FAMILY_WORDS, STOPWORDS, VARIANT_WORDS, VENDOR_WORDS

# Verbs after a developer's name: "the model Mistral built", "what does DeepSeek charge".
_DEVELOPER_VERBS = """built builds released releases launched launches made makes developed develops trained
    trains published publishes announced announces shipped ships charge charges offer offers sell sells"""


DEVELOPER_VERBS = frozenset(_DEVELOPER_VERBS.split())


# A version right after a matched name ("Gemma 3n", "Llama 3.1"): a newer model than the one matched.
# Sizes ("7B", "128K") are not versions.
VERSION = re.compile(r"v?\d+(?:\.\d+)*[ac-jl-su-z]?", re.I)


_TOKEN_RE = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:\.[A-Za-z0-9]+)*")


def tokens(question: str) -> list[tuple[str, int, int]]:
    """Word tokens with offsets; possessives dropped ("Turbo's" -> "Turbo"), dots kept inside ("3.5")."""
    text = re.sub(r"['\u2019]s\b", "  ", question)
    return [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def _is_size(key: str) -> bool:
    return re.fullmatch(r"\d+(?:\.\d+)?[kmbt]?", key) is not None


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
        """Fetch these keys (and the same keys behind a developer word) in one batched query."""
        if self.store is None:
            return
        todo = [k for k in dict.fromkeys(candidates) if k and k not in self.known and k not in self.missing]
        if not todo:
            return
        lookups = {k: k for k in todo}
        for k in todo:
            # Behind a developer word only what looks like a name part: a version, a variant ("v4pro").
            if len(k) >= 2 and k not in COMMON_WORDS and not _is_size(k) and any(ch.isdigit() for ch in k):
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

    def is_developer(self, word: str) -> bool:
        """Whether some developer claim names this word ("Bovuvex" of "Bovuvex AI")."""
        if self.store is None or len(word) < 3:
            return False
        return bool(self.store.claims_with_value("developer", like=f'"%{word}%', limit=1))

    def all_models(self) -> list[str]:
        if self.store is None:
            return sorted(set(self.known.values()))
        return self.store.model_names()


def _derived_keys(model: str) -> list[str]:
    """Extra alias keys of a model: its name without a leading developer word (DeepSeek-V4-Pro: "v4pro")."""
    parts = [p for p in re.split(r"[-\s_/]+", model) if p]
    keys = []
    if len(parts) > 1 and alias_key(parts[0]) in DEVELOPER_WORDS:
        tail = alias_key("".join(parts[1:]))
        if len(tail) >= 2 and not _is_size(tail) and tail not in COMMON_WORDS:
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


def _can_start(word: str) -> bool:
    low = word.lower()
    return low not in STOPWORDS and (low not in COMMON_WORDS or low in FAMILY_WORDS)


def _ngrams(words: list[str], longest: int = 6) -> list[tuple[int, int]]:
    """(start, end) token spans that may name a model: no function word inside, at most `longest` long.

    Linear: each token starts at most `longest` spans."""
    spans = []
    for i, w in enumerate(words):
        if not _can_start(w):
            continue
        for n in range(1, longest + 1):
            j = i + n
            if j > len(words) or words[j - 1].lower() in STOPWORDS:
                break
            spans.append((i, j))
    return spans


def find_models(
    question: str, keys: ModelKeys | dict[str, str]
) -> tuple[list[str], list[tuple[int, int]], list[str]]:
    """Models named in the question: (canonical models, character spans used, unmatched name-like spans).

    Longest token runs win, so "DeepSeek V4 Pro" is DeepSeek-V4-Pro and not DeepSeek-V4; a variant word
    elsewhere in the question upgrades a match ("the instruct version of Hunyuan-Large").
    """
    if isinstance(keys, dict):
        keys = ModelKeys(mapping=keys)
    toks = tokens(question)
    words = [t[0] for t in toks]
    spans = _ngrams(words)
    possessive = [question[end : end + 2] in ("'s", "\u2019s") for _, _, end in toks]
    keys.prepare(
        [alias_key("".join(words[i:j])) for i, j in spans]
        + [k for i, j in spans if j - i in (2, 3) for k in _reordered_keys(words[i:j])]
    )
    found: list[tuple[int, int, str]] = []  # (start token, end token, model)
    used = [False] * len(words)
    for i, j in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        if any(used[i:j]):
            continue
        key = alias_key("".join(words[i:j]))
        model = keys.get(key)
        if model is None and any(possessive[i : j - 1]):
            # An alias learned with its possessive inside ("DeepSeek's flagship").
            model = keys.get(
                alias_key(
                    "".join(w + ("s" if possessive[t] else "") for t, w in enumerate(words[i:j], start=i))
                )
            )
        if model is None and j - i in (2, 3):
            # "Claude 4 Sonnet" for Claude-Sonnet-4: the same parts in another order.
            model = next((m for k in _reordered_keys(words[i:j]) if (m := keys.get(k))), None)
        generic = all(w.lower() in COMMON_WORDS or w.lower() in VARIANT_WORDS for w in words[i:j])
        if model is None or generic:
            continue  # "mini", "pro" or "instruct version" name no model, whatever the alias table learned
        found.append((i, j, model))
        for t in range(i, j):
            used[t] = True
    found.sort()
    # "Llama 3.1 405B" when only "Llama" is stored: a version number right after the match means the
    # question names a newer model we do not know; answering with the old one would mislead.
    kept = []
    for i, j, model in found:
        if j < len(words) and not used[j] and VERSION.fullmatch(words[j]):
            for t in range(i, j):
                used[t] = False
            continue
        kept.append((i, j, model))
    found = kept
    models: list[str] = []
    where: dict[str, tuple[int, int]] = {}  # model -> its token span
    free = [w for k, w in enumerate(words) if not used[k] and w.lower() in VARIANT_WORDS]
    for i, j, model in found:
        upgraded = _upgrade(model, free, keys)
        if upgraded not in models:
            models.append(upgraded)
            where[upgraded] = (i, j)
    if not models:
        models = _family_members(words, used, keys, possessive)
    # A bare developer that matched a model of its own name is dropped when a real model is named too.
    if len(models) > 1:
        models = [m for m in models if alias_key(m) not in DEVELOPER_WORDS] or models

    # Prefer the most specific: drop a family when one of its variants is named too, unless the question
    # sets the two apart ("Tessellate-2 or Tessellate-2 Air").
    def apart(a: str, b: str) -> bool:
        if a not in where or b not in where:
            return False
        (i1, j1), (i2, j2) = sorted((where[a], where[b]))
        return any(w.lower() in _APART_WORDS for w in words[j1:i2])

    models = [m for m in models if not any(o != m and is_family_of(m, o) and not apart(m, o) for o in models)]
    unknown = _unknown_spans(question, toks, used)
    char_spans = [(toks[i][1], toks[j - 1][2]) for i, j, _ in found]
    return models, char_spans, unknown


# Words between two names that keep them two models ("X or X Air", "X vs X Pro", "bigger than").
_APART_WORDS = frozenset({"or", "vs", "versus", "than", "and", "against"})


def _family_members(
    words: list[str], used: list[bool], keys: ModelKeys, possessive: list[bool] | None = None
) -> list[str]:
    """A family named in the question whose variants only are stored: "Llama 3.1" -> Llama-3.1-8B, -405B ...

    Marks the tokens it used. Only whole name parts count (GPT-4 is not a prefix of GPT-4o). A single word
    in the possessive that names a developer ("Mistral's open 24B model") describes, it does not name."""
    for length in range(min(5, len(words)), 0, -1):
        for i in range(0, len(words) - length + 1):
            if any(used[i : i + length]) or not _can_start(words[i]):
                continue
            key = alias_key("".join(words[i : i + length]))
            if not key or key in COMMON_WORDS or key in DEVELOPER_WORDS or key in VARIANT_WORDS:
                continue
            if (
                length == 1
                and not any(ch.isdigit() for ch in key)
                and not words[i][:1].isupper()
                and key not in FAMILY_WORDS
            ):
                continue
            nxt = i + length
            if nxt < len(words) and not used[nxt] and VERSION.fullmatch(words[nxt]):
                continue  # "Llama 3.1": a version the stored family members do not have
            as_subject = nxt < len(words) and words[nxt].lower() in DEVELOPER_VERBS
            if (
                length == 1
                and possessive is not None
                and (possessive[i] or as_subject)
                and keys.is_developer(words[i])
            ):
                continue
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
        if cand is not None and cand != model:
            return cand
    return model


def is_family_of(family: str, variant: str) -> bool:
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
        # Inside a name run: versions, sizes and variant words ("Grok 3 mini"), not everyday words.
        short_part = (
            (any(ch.isdigit() for ch in word) and len(word) <= 8)
            or lowered in VARIANT_WORDS
            or (len(word) == 1 and word.isupper())
        )
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


def fuzzy_model(span: str, keys: ModelKeys, cap: int = 20_000) -> str | None:
    """A stored model whose name is one or two typos away from span ("Lama 3.1 405B" -> Llama-3.1-405B).

    Versions and sizes must match exactly (digits never fuzz: "Llama 3.1" is not "Llama 3.2")."""
    import difflib

    key = alias_key(span)
    digits = re.sub(r"\D", "", key)
    if len(key) < 4 or not digits:
        return None  # a version is what makes a misspelt word a model name ("Lama 3.1"), not "France"
    names = keys.all_models()
    if len(names) > cap:  # a huge store: only names that share the first letter
        names = [m for _, m in keys.store.aliases_with_prefix(key[:1], limit=cap)] if keys.store else []
    by_key: dict[str, str] = {}
    for name in names:
        k = alias_key(name)
        if re.sub(r"\D", "", k) == digits:
            by_key.setdefault(k, name)
    match = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.84)
    return by_key[match[0]] if match else None


def resolve_unknown(
    spans: list[str], keys: ModelKeys, typo: dict[str, str], question: str = ""
) -> tuple[list[str], list[str]]:
    """Unknown name-like spans: the extractor's canonical form ("V4 Pro" -> DeepSeek-V4-Pro), then a
    typo-tolerant match ("Lama 3.1 405B").

    Only a span with a version or size goes through the extractor's canonicalizer: importing the claims
    package costs ~55 ms, and a word without digits ("French", "Some") is looked up as it is anyway."""
    canonical_model_name: Callable[[str], str | None] | None = None
    if any(ch.isdigit() for span in spans for ch in span):
        try:
            from ..claims import canonical_model_name
        except ImportError:  # pragma: no cover - the claims package is part of tracker
            canonical_model_name = None
    models, unknown = [], []
    for span in spans:
        canonical = None
        if canonical_model_name is not None and any(ch.isdigit() for ch in span):
            try:
                canonical = canonical_model_name(span)
            except Exception:  # noqa: BLE001 - a canonicalizer bug must not break ask
                canonical = None
        model = keys.get(alias_key(canonical)) if canonical else None
        if model is None:
            model = contained_model(span, keys)
        if model is None:
            for wider in _widened(span, question):
                model = fuzzy_model(wider, keys)
                if model is not None:
                    typo[wider] = model
                    break
        if model:
            models.append(model)
        else:
            unknown.append(canonical or span)
    return models, unknown


def with_family(models: list[str], keys: ModelKeys) -> list[str]:
    out = list(models)
    for m in models:
        parent = parent_of(m, keys)
        if parent:
            out.append(parent)
    return out


def parent_of(model: str, keys: ModelKeys) -> str | None:
    """DeepSeek-V4-Pro -> DeepSeek-V4 when the store knows that family."""
    parts = model.split("-")
    while len(parts) > 1:
        parts = parts[:-1]
        cand = keys.get(alias_key("-".join(parts)))
        if cand is not None and cand != model and alias_key(cand) not in DEVELOPER_WORDS:
            return cand
    return None


def children(model: str, keys: ModelKeys) -> list[str]:
    """DeepSeek-V4 -> DeepSeek-V4-Flash, DeepSeek-V4-Pro (stored models named model + "-" + more)."""
    return sorted(
        m for m in keys.prefixed(alias_key(model)) if m != model and m.lower().startswith(model.lower() + "-")
    )


def contained_model(span: str, keys: ModelKeys) -> str | None:
    """The one stored model whose name holds this versioned span whole ("Haiku 4.5" -> Claude-Haiku-4.5),
    or the span without its leading words ("Rakal's Haiku 4.5": a developer before the name)."""
    words = span.replace("\u2019", "'").split()
    for start in range(len(words)):
        found = _contained_once(" ".join(words[start:]).removesuffix("'s"), keys)
        if found is not None:
            return found
    return None


def _contained_once(span: str, keys: ModelKeys) -> str | None:
    key = alias_key(span)
    if len(key) < 3 or not any(ch.isdigit() for ch in key) or not any(ch.isalpha() for ch in key):
        return None
    parts = re.sub(r"[^a-z0-9.]+", " ", span.lower()).split()
    found = set()
    if keys.store is not None:
        names = keys.store.models_with_alias_containing(key)
    else:
        names = [m for k, m in keys.known.items() if key in k]
    for name in names:
        name_parts = re.sub(r"[^a-z0-9.]+", " ", name.lower()).split()
        # whole name parts in order: "haiku 4.5" in "claude haiku 4.5", not "4.5" inside "4.56"
        for i in range(len(name_parts) - len(parts) + 1):
            if name_parts[i : i + len(parts)] == parts:
                found.add(name)
                break
    if len(found) > 1:  # "V3.2": the name that ends with it (Tiditul-V3.2), not V3.2-Exp or -Speciale
        found = {n for n in found if re.sub(r"[^a-z0-9.]+", " ", n.lower()).split()[-len(parts) :] == parts}
    return next(iter(found)) if len(found) == 1 else None


def _widened(span: str, question: str) -> list[str]:
    """The span with up to two words before it ("Larg 2" -> "Mistral Larg 2"), longest first, then alone."""
    at = question.find(span)
    if at < 0:
        return [span]
    before = re.findall(r"[\w.+-]+", question[:at])
    out = [
        " ".join(before[-n:] + [span])
        for n in (2, 1)
        if len(before) >= n and before[-1].lower() not in STOPWORDS
    ]
    return out + [span]


def same_brand(a: str, b: str) -> bool:
    """Tiditul-V3.2 and Tiditul-Coder-V2-Base: one brand (the family a bare brand word expanded to)."""
    return a.split("-")[0].lower() == b.split("-")[0].lower()

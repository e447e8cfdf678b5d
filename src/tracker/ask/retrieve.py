"""Intent -> claims: straight from SQL when the intent says what to fetch, hybrid retrieval otherwise.

- lookup: the named models' claims on the attribute (indexed by model, attribute); a variant without its
  own claim falls back to its family (family-wide attributes only) or a family to its variants, and says so.
- value / rank / set: claims selected by value (a range, a date prefix, a license or developer name), then
  narrowed by what the question says about the model (developer, size, variant words, month).
- open: BM25 (SQLite FTS5) fused with the dense neighbours (FAISS, computed elsewhere and handed in as a
  callable: see tracker.dense) by reciprocal rank.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

# FAMILY_WIDE: attributes a variant usually shares with its family (launched together, same terms); a
# variant without its own claim may be answered with the family's, labelled as the family's.
from ..attributes import FAMILY_WIDE
from ..records import CitedClaim
from ..store import Store, alias_key
from ..units import as_number
from .names import ModelKeys, children, parent_of, tokens
from .understand import Intent
from .words import COMMON_WORDS, STOPWORDS, VARIANT_ORDER

RRF_K = 60
CANDIDATES = 100  # per retriever, before fusion
FTS_TERM_CAP = 20_000  # a term matching more claims than this is too common to rank by
Neighbours = list[tuple[int, float]]
# Words a question uses for a name part: "vision" models are "VL", "instruct" ones "-it".
SYNONYMS = {"vision": ("vision", "vl"), "instruct": ("instruct", "it"), "coder": ("coder", "code")}
REASONING_NAME = re.compile(r"(?i)reason|think|(?:^|-)(?:r\d|x\d|t\d|o\d|qwq)(?:-|$)|magistral")


def hybrid_search(
    question: str, store: Store, neighbours: Callable[[], Neighbours] | None, *, limit: int = CANDIDATES
) -> dict[int, float]:
    """Claim id -> fused score (reciprocal rank fusion of BM25 and the dense neighbours, when given)."""
    fused: dict[int, float] = {}
    for rank, (cid, _) in enumerate(store.fts_search(fts_terms(question, store), limit=limit)):
        fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
    for rank, (cid, _) in enumerate(neighbours() if neighbours is not None else []):
        fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
    return fused


def content_words(question: str) -> list[str]:
    """The words of a question that can find claims: no function words, no everyday question words."""
    words = [w for w, _, _ in tokens(question) if w.lower() not in STOPWORDS]
    return [w for w in words if w.lower() not in COMMON_WORDS]


def fts_terms(question: str, store: Store) -> str:
    # Function words only slow BM25 down (they match everything) and add nothing to the ranking; so do
    # the everyday words of questions ("model", "parameters"): the attribute is understood separately.
    words = [w for w, _, _ in tokens(question) if w.lower() not in STOPWORDS]
    content = [w for w in words if w.lower() not in COMMON_WORDS] or words
    # A term in more than a few percent of the claims cannot rank them and makes BM25 scan the whole list:
    # keep only the rarer terms (the rarest one at least).
    counts = {w: store.fts_term_count(w, FTS_TERM_CAP) for w in dict.fromkeys(content)}
    rare = [w for w, n in counts.items() if 0 < n < FTS_TERM_CAP]
    if not rare and counts:
        rare = [min(counts, key=lambda w: counts[w] or FTS_TERM_CAP + 1)]
    return " ".join(rare)


def open_claims(
    question: str,
    store: Store,
    it: Intent,
    fused: dict[int, float],
    *,
    k: int,
    since: datetime | None,
    source: str | None,
) -> tuple[list[CitedClaim], dict[int, float]]:
    """The retrieved claims, widened to every claim of the best (model, attribute) pairs (true support)."""
    attrs = [it.attribute] if it.attribute else None
    cited = filter_name(store.cited_claims(ids=list(fused), attributes=attrs, since=since, source=source), it)
    best_pair: dict[tuple[str, str], float] = {}
    for c in cited:
        pair = (c.claim.model, str(c.claim.attribute))
        best_pair[pair] = max(best_pair.get(pair, 0.0), fused.get(c.claim.id or -1, 0.0))
    pairs = set(sorted(best_pair, key=lambda p: -best_pair[p])[: max(2 * k, 10)])
    if not pairs:
        return [], fused
    full = [
        c
        for c in store.cited_claims(
            models=sorted({m for m, _ in pairs}),
            attributes=sorted({a for _, a in pairs}),
            since=since,
            source=source,
        )
        if (c.claim.model, c.claim.attribute) in pairs
    ]
    return filter_name(full, it), fused


def lookup_claims(
    store: Store, it: Intent, *, since: datetime | None, source: str | None, models: list[str] | None = None
) -> tuple[list[CitedClaim], str | None]:
    """The models' claims on the asked attribute(s), with the family / variants fallback and its note."""
    keys = ModelKeys(store)
    models = models if models is not None else it.models
    attrs = attributes_of(it)
    cited = filter_name(store.cited_claims(models=models, attributes=attrs, since=since, source=source), it)
    note = None
    if not cited and attrs:
        # The variant has no claim on this: fall back to its family, then to its variants, and say so.
        for m in list(models):
            parent = parent_of(m, keys)
            if parent:
                found = filter_name(
                    store.cited_claims(models=[parent], attributes=attrs, since=since, source=source), it
                )
                if found and (
                    found[0].claim.attribute in FAMILY_WIDE or not _sibling_has(store, parent, m, found, keys)
                ):
                    cited += found
                    note = f"no claim about {m} itself; showing its family {parent}"
    if not cited and attrs:
        kids = sorted({c for m in models for c in children(m, keys)})
        if it.detail:  # only the variants of the size asked about
            kids = [c for c in kids if alias_key(it.detail) in alias_key(c)]
        # "Qwen's vision-language models": the variants whose names carry the words the question uses, also
        # among the names the family's name begins ("Qwen2.5-VL" for "Qwen").
        wider = kids + sorted({c for m in models for c in keys.prefixed(alias_key(m)) if c != m} - set(kids))
        kids = [c for c in wider if _has_words(c, it.description.words)] or kids
        if kids:
            cited = filter_name(
                store.cited_claims(models=kids, attributes=attrs, since=since, source=source), it
            )
            if cited:
                note = f"no claim about {', '.join(models)} itself; showing its variants"
    if it.attribute == "hardware" and it.role and cited:
        cited, role_note = by_role(cited, it.role)
        note = "; ".join(n for n in (note, role_note) if n) or None
    return cited, note


def _has_words(model: str, words: list[str]) -> bool:
    key = alias_key(model)
    return any(syn in key for w in words for syn in SYNONYMS.get(w, (w,)))


def attributes_of(it: Intent) -> list[str] | None:
    if it.attributes:
        return list(it.attributes)
    return [it.attribute] if it.attribute else None


def by_role(cited: list[CitedClaim], role: str) -> tuple[list[CitedClaim], str | None]:
    """Hardware claims in the role asked about ("trained on"); the others are reported, not counted."""
    same = [c for c in cited if c.claim.role == role]
    other = [c for c in cited if c.claim.role not in (role, None, "unspecified")]
    loose = [c for c in cited if c.claim.role in (None, "unspecified")]
    verb = "training" if role == "training" else "inference"
    if same:
        note = None
        if other:
            stories = len({c.story_id for c in other})
            chips = ", ".join(sorted({str(c.claim.value) for c in other}))
            note = (
                f"{stories} source{'s' if stories != 1 else ''} give{'s' if stories == 1 else ''} "
                f"{chips} for {'inference' if role == 'training' else 'training'}, not {verb}"
            )
        return same + loose, note
    if loose:
        return loose, f"no source says which hardware was used for {verb}; these name no role"
    by_other: dict[str, set[str]] = {}
    for c in other:
        by_other.setdefault(str(c.claim.role), set()).add(str(c.claim.value))
    said = "; ".join(f"{', '.join(sorted(chips))} for {r}" for r, chips in sorted(by_other.items()))
    models = ", ".join(sorted({c.claim.model for c in other}))
    return [], f"no source names {verb} hardware for {models}; the sources give {said}"


def _sibling_has(store: Store, parent: str, model: str, found: list[CitedClaim], keys: ModelKeys) -> bool:
    """Whether the family's value is really a sibling variant's (V4's 1.6T is V4-Pro's size, not Flash's)."""
    from ..facts import reconcile
    from ..normalize import values_agree

    attribute = str(found[0].claim.attribute)
    siblings = [c for c in children(parent, keys) if c != model]
    if not siblings:
        return False
    values = [f.values[0].value for f in reconcile(found) if f.values]
    for c in store.cited_claims(models=siblings, attributes=[attribute]):
        if any(values_agree(attribute, c.claim.value, v) for v in values):
            return True
    return False


def filter_name(cited: list[CitedClaim], it: Intent) -> list[CitedClaim]:
    """Only the benchmark asked about (compared by benchmark key)."""
    from ..normalize import benchmark_key

    if it.attribute != "benchmark" or not it.name:
        return cited
    want = benchmark_key(it.name)
    return [c for c in cited if c.claim.attribute != "benchmark" or benchmark_key(c.claim.name) == want]


# -- value, rank and set questions -------------------------------------------------------------------------


def value_claims(store: Store, it: Intent) -> list[CitedClaim]:
    """Claims that have the value asked about, best-matching models first (every constraint they meet)."""
    from ..normalize import benchmark_key

    scored: dict[str, float] = {}
    by_constraint: dict[int, list[CitedClaim]] = {}
    for n, con in enumerate(it.constraints):
        if con.attribute == "release_date":
            found = store.claims_with_value("release_date", like=f'"{con.value}%')
        else:
            low, high = con.bounds()
            found = store.claims_with_value(con.attribute, low=low, high=high)
            if con.attribute == "benchmark" and con.name:
                want = benchmark_key(con.name)
                named = [c for c in found if benchmark_key(c.claim.name) == want]
                found = named or found
        by_constraint[n] = found
        for m in {c.claim.model for c in found}:
            scored[m] = scored.get(m, 0.0) + 1.0 / (1 + 0.1 * n)
    if not scored:
        return []
    candidates = _narrow(store, it, list(scored))
    # Closest value first (an exact 1,047,576 beats a 1,000,000 within tolerance), then the description.
    closeness: dict[str, float] = {}
    first = it.constraints[0] if it.constraints else None
    for c in by_constraint.get(0, []):
        if first is not None and first.attribute != "release_date":
            x = as_number(c.claim.value)
            if x is not None:
                gap = abs(x - float(first.value)) / max(abs(float(first.value)), 1e-9)
                closeness[c.claim.model] = min(closeness.get(c.claim.model, 1.0), gap)
    best = sorted(
        candidates,
        key=lambda m: (-scored[m] - description_score(store, it, m) * 0.5, closeness.get(m, 1.0), m),
    )
    out: list[CitedClaim] = []
    for m in best[:5]:
        # The first constraint this model meets is the answer's attribute ("7B total and 1B active").
        for n in range(len(it.constraints)):
            mine = [c for c in by_constraint[n] if c.claim.model == m]
            if mine:
                out.extend(mine)
                break
    return out


def _narrow(store: Store, it: Intent, models: list[str]) -> list[str]:
    """Keep the candidates the question's other words fit: a family it names ("which GLM-4 model"), a
    developer."""
    keys = ModelKeys(store)
    out = models
    if it.scope:
        fam = [m for m in out if any(m == f or m.lower().startswith(f.lower() + "-") for f in it.scope)]
        fam += [m for m in out if m not in fam and any(m in children(f, keys) for f in it.scope)]
        out = fam  # "which GLM-4 model": another family's model with that value is no answer
    if it.description.developers:
        devs = developer_models(store, it.description.developers)
        # When none is known to be theirs, drop those known to be someone else's ("Which Anthropic model
        # scored 37.6%" is not answered with another lab's model that scored 37.6%).
        out = [m for m in out if m in devs] or [m for m in out if not _someone_elses(store, keys, m, devs)]
    return out


def developer_models(store: Store, developers: list[str]) -> set[str]:
    """Models whose developer claim names one of these developers, or whose name starts with it."""
    out: set[str] = set()
    from .understand import strip_org

    for dev in developers:
        want = alias_key(strip_org(dev))
        for c in store.claims_with_value("developer", like=f'"%{dev}%'):
            if alias_key(strip_org(str(c.claim.value))) == want:
                out.add(c.claim.model)
    return out


def description_score(store: Store, it: Intent, model: str) -> float:
    """How many things the question says about a model this model has (name words, size, month ...)."""
    d = it.description
    key = alias_key(model)
    score = 0.0
    for w in d.words:
        if any(syn in key for syn in SYNONYMS.get(w, (w,))):
            score += 1
    dev_keys = {alias_key(dev) for dev in d.developers}
    for fam in d.families:
        if fam in dev_keys:
            continue  # "Mistral" named the developer, not the Mistral family
        if key.startswith(fam) or alias_key(model.split("-")[0]) == fam:
            score += 1
    if d.reasoning and REASONING_NAME.search(model):
        score += 1
    if d.size and name_has_size(model, d.size):
        score += 1
    return score


def name_has_size(model: str, size: float) -> bool:
    """Whether the name itself carries this size ("Qwen2.5-VL-3B" for 3B)."""
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)([bmt])\b", model.lower().replace("-", " ")):
        x = float(number) * {"b": 1e9, "m": 1e6, "t": 1e12}[unit]
        if abs(x - size) / size < 0.02:
            return True
    return False


def rank_claims(store: Store, it: Intent) -> list[CitedClaim]:
    """Claims of the candidates for a superlative or top-N: the highest (lowest) values first."""
    attr = it.attribute or "parameters_total"
    if attr == "release_date":
        cited = (
            store.cited_claims(attributes=["release_date"])
            if not it.models
            else store.cited_claims(models=_with_children(store, it.models), attributes=["release_date"])
        )
        return cited
    if it.models:
        models = _with_children(store, it.models)
    else:
        limit = max(10, 3 * (it.top or 5)) * (4 if it.description.developers else 1)
        models = store.ranked_models(attr, descending=it.order != "min", name=it.name, limit=limit)
        if it.description.developers:
            devs = developer_models(store, it.description.developers)
            models = [m for m in models if m in devs] or models
    return filter_name(store.cited_claims(models=models, attributes=[attr]), it)


def _with_children(store: Store, models: list[str]) -> list[str]:
    keys = ModelKeys(store)
    out = list(models)
    for m in models:
        out += [c for c in children(m, keys) if c not in out]
    return out


def set_claims(store: Store, it: Intent) -> tuple[list[CitedClaim], str]:
    """Claims that answer a set question: (claims, what the set is, for notes)."""
    if it.license:
        lic = it.license
        first = lic.split()[0]
        found = [
            c
            for c in store.claims_with_value("license", like=f"%{first}%")
            if re.search(r"(?<![a-z0-9])" + re.escape(lic) + r"(?![a-z0-9])", _license_words(c.claim.value))
        ]
        return found, f"{lic.upper() if len(lic) <= 4 else lic} license"
    if it.window is not None and it.window.by == "release":
        w = it.window
        found = []
        for c in store.claims_with_value("release_date", like='"%'):
            value = str(c.claim.value)
            if len(value) >= 7 and _month_in(value, w):
                found.append(c)
        if it.description.developers:
            devs = developer_models(store, it.description.developers)
            found = [c for c in found if c.claim.model in devs]
        return found, f"released {w.label}"
    if it.window is not None:
        w = it.window
        start = datetime(w.start.year, w.start.month, w.start.day, tzinfo=UTC)
        end = datetime(w.end.year, w.end.month, w.end.day, tzinfo=UTC)
        dated = [c for c, _ in store.dated_claims(start=start, end=end)]
        if it.description.developers:
            devs = developer_models(store, it.description.developers)
            dated = [c for c in dated if c.claim.model in devs]
        return dated, f"reported {w.label}"
    names = it.description.developers
    found = [c for dev in names for c in store.claims_with_value("developer", like=f'"%{dev}%')]
    return found, f"by {', '.join(names)}"


def _month_in(value: str, w: object) -> bool:
    """A release value (a day or a month) falls in the window: a month counts when it overlaps."""
    from datetime import date

    start, end = w.start, w.end  # type: ignore[attr-defined]
    parts = value[:10].split("-")
    try:
        year, month = int(parts[0]), int(parts[1])
        day = int(parts[2]) if len(parts) > 2 else None
    except (ValueError, IndexError):
        return False
    if day is not None:
        return bool(start <= date(year, month, day) < end)
    first = date(year, month, 1)
    last = date(year + (month == 12), month % 12 + 1, 1)
    return bool(first < end and start < last)


def describe_models(store: Store, it: Intent) -> list[str]:
    """Models that fit a description ("Meta's December 2024 70B instruct model"), best first."""
    d = it.description
    pool: set[str] = set()
    if d.developers:
        pool |= developer_models(store, d.developers)
    if d.month:
        pool |= {c.claim.model for c in store.claims_with_value("release_date", like=f'"{d.month}%')}
    sized = _sized(store, d.size) if d.size else set()
    pool |= sized
    if not pool:
        return []
    # A variant shares its family's developer: Magistral-Small is Mistral's when Magistral is.
    keys = ModelKeys(store)
    family_of: dict[str, str] = {}
    for m in list(pool):
        for kid in children(m, keys):
            family_of.setdefault(kid, m)
            pool.add(kid)
    scores: dict[str, float] = {}
    released: set[str] = set()
    if d.month:
        released = {c.claim.model for c in store.claims_with_value("release_date", like=f'"{d.month}%')}
    per_dev = [developer_models(store, [dev]) for dev in d.developers]
    if d.developers and not any(per_dev):
        return []  # the developer named owns no stored model: nothing else fits the description
    answerable: set[str] = set()
    if it.attribute:
        answerable = {
            c.claim.model for c in store.cited_claims(models=sorted(pool)[:500], attributes=[it.attribute])
        }
    licensed = (
        {c.claim.model for c in store.cited_claims(models=sorted(pool), attributes=["license"])}
        if d.open_weights
        else set()
    )
    for m in pool:
        s = description_score(store, it, m)
        s += sum(1.0 for devs in per_dev if m in devs or family_of.get(m) in devs)
        s += 1.0 if m in released else 0.0
        if d.size and m in sized and not name_has_size(m, d.size):
            s += 1.0  # the size is in its claims (the name did not already say it)
        if d.open_weights and m in licensed:
            s += 1.0  # open weights come with a license; API-only models have none
        key = alias_key(m)
        s += 0.5 * sum(1 for w in d.name_words if w in key)  # "on-device" in AFM-on-device
        if it.attribute and m in answerable:
            s += 0.5  # of two fits, the one the store can answer about
        scores[m] = s
    need = sum(1 for x in (d.developers, d.month, d.size, d.words) if x)
    best = sorted(pool, key=lambda m: (-scores[m], len(m), m))
    return [m for m in best if scores[m] >= min(need, 2)][:3]


def smallest_variant(models: list[str], order: str) -> list[str]:
    """Variants ordered by their size word (nano < mini < ... < ultra), for "the smallest GPT-5 variant"."""

    def rank(m: str) -> int:
        parts = [alias_key(p) for p in re.split(r"[-\s]", m)]
        for n, w in enumerate(VARIANT_ORDER):
            if w in parts:
                return n
        return VARIANT_ORDER.index("base")

    return sorted(models, key=lambda m: rank(m) if order == "min" else -rank(m))


def _sized(store: Store, size: float) -> set[str]:
    """Models with a parameter count within 2 % of size ("its 21B model")."""
    found = store.claims_with_value("parameters_total", low=size * 0.98, high=size * 1.02)
    found += store.claims_with_value("parameters_active", low=size * 0.98, high=size * 1.02)
    return {c.claim.model for c in found}


def _license_words(value: object) -> str:
    """'Apache-2.0' -> 'apache 2.0': how license names are compared with a question's words."""
    return re.sub(r"[^a-z0-9.]+", " ", str(value).lower()).strip()


def _someone_elses(store: Store, keys: ModelKeys, model: str, theirs: set[str]) -> bool:
    """Whether the store says this model (or another of its brand: GPT-5.1 -> GPT-4o) is another
    developer's."""
    brand = model.split("-")[0]
    kin = [model] + [m for m in keys.prefixed(alias_key(brand)) if m.split("-")[0] == brand][:50]
    claims = store.cited_claims(models=kin, attributes=["developer"])
    return bool(claims) and not any(c.claim.model in theirs for c in claims)

"""Cross-source reconciliation: stored claims -> facts with consensus values, support and conflicts.

A *fact* is everything the sources say about one (model, attribute[, benchmark name]). Its claims are
grouped into *values* that agree with each other (numbers within a tolerance, dates at different
granularity, the same chip or developer spelled differently); each value counts its support in distinct
stories, so syndicated copies of one story count once. A fact is a *conflict* when sources give genuinely
different values for an attribute that can have only one (parameters, context, prices, release date at
the same granularity, license, a benchmark score). Softer disagreements - the same chip given different
roles or statuses by different sources, a date given at different precision - are kept as *notes*
(`conflict_kind` "extent" / "framing") without setting `conflict`.

Used by `ask`, `tracker conflicts`, `tracker summary` and the digest, so they all show the same facts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from .models import Answer, CitedClaim, ClaimValue, Role, Source, Status
from .sanitize import safe_text  # ask.render imports it from here

if TYPE_CHECKING:
    from .config import Paths
    from .store import Store

# Attributes where several values can all be true at once (a model runs on several chips; a model can be
# built by two organizations together). Different values there are not conflicts.
CONFLICT_BATCH = 500  # models reconciled at a time by `tracker conflicts`
MULTI_VALUED = frozenset({"hardware", "developer"})
NUMBER_TOLERANCE = 0.01
CONTEXT_TOLERANCE = 0.03  # 128K is written 128000 or 131072
BENCHMARK_TOLERANCE = 0.5  # absolute, in score points

VENDOR_WORDS = frozenset(
    {
        "huawei",
        "nvidia",
        "google",
        "amd",
        "intel",
        "aws",
        "amazon",
        "apple",
        "cambricon",
        "microsoft",
        "qualcomm",
    }
)
LICENSE_ALIASES = {
    "mitlicense": "mit",
    "apache2": "apache20",
    "apachelicense20": "apache20",
    "apachelicense2": "apache20",
    "apachelicenseversion20": "apache20",
}
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
ROLE_RANK = {"training": 3, "inference": 2, "unspecified": 1, None: 0}
# Words that tell a model's variants or release stages apart. Two values whose evidence carries different
# ones ("the preview on May 1" vs "general availability on June 15"; a base vs an instruct model) describe
# different things, so they are a softer note, not a conflict.
QUALIFIERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, flags))
    for name, pattern, flags in (
        ("preview", r"\bpreview\b", re.IGNORECASE),
        ("beta", r"\bbeta\b", re.IGNORECASE),
        ("alpha", r"\balpha\b", re.IGNORECASE),
        ("experimental", r"\bexperimental\b", re.IGNORECASE),
        ("early access", r"\bearly[- ]access\b", re.IGNORECASE),
        ("general availability", r"\bGA\b", 0),
        ("general availability", r"\bgeneral(?:ly)?[- ]availab", re.IGNORECASE),
        ("base", r"\bbase[- ](?:model|version|variant|checkpoint)\b|\bpre-?trained\b", re.IGNORECASE),
        ("instruct", r"\binstruct(?:ion[- ]tuned)?\b|\bchat[- ](?:model|version|variant)\b", re.IGNORECASE),
    )
)
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


class FactValue(BaseModel):
    """One value the sources give for a fact, with the sources behind it."""

    value: ClaimValue
    status: Status = "stated"  # stated as soon as one source states it
    role: Role | None = None  # hardware: the most specific role any source gives
    roles: list[str] = Field(default_factory=list)  # hardware: every role given, most specific first
    support: int = 0  # distinct stories (syndicated copies count once)
    sources: list[Source] = Field(default_factory=list)
    first_reported: datetime | None = None
    last_reported: datetime | None = None
    story_ids: list[int] = Field(default_factory=list)
    expected_only_stories: list[int] = Field(default_factory=list)  # stories that only expect it
    story_roles: dict[int, str] = Field(default_factory=dict)  # hardware: the most specific role per story
    story_labels: dict[int, str] = Field(default_factory=dict)  # story -> site or title, for notes


class Fact(BaseModel):
    """Everything the sources say about one (model, attribute[, name])."""

    model: str
    attribute: str
    name: str | None = None
    values: list[FactValue] = Field(default_factory=list)  # best first
    conflict: bool = False  # sources give genuinely different values for a single-valued attribute
    conflict_kind: str | None = None  # "value" when conflict; else "extent" / "framing" for soft notes
    tie: bool = False  # a conflict whose leading values have the same support (e.g. 1 source each)
    notes: list[str] = Field(default_factory=list)  # human-readable explanation of the disagreement

    @property
    def support(self) -> int:
        return len({s for v in self.values for s in v.story_ids})


class ModelSummary(BaseModel):
    """The fact sheet of one model: every attribute with its consensus, conflicts and sources."""

    model: str
    developer: str | None = None
    aliases: list[str] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    first_reported: datetime | None = None
    last_reported: datetime | None = None
    sources: list[Source] = Field(default_factory=list)  # one per article, oldest first

    @property
    def conflicts(self) -> list[Fact]:
        return [f for f in self.facts if f.conflict]


# -- normalization -------------------------------------------------------------------------------------


def _alnum(text: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def norm_text(value: object) -> str:
    """Text values compared loosely: lower-case alphanumerics, a leading vendor word dropped."""
    words = re.findall(r"[a-z0-9.]+", str(value).lower())
    if len(words) > 1 and words[0] in VENDOR_WORDS:
        words = words[1:]
    text = "".join(words).replace(".", "")
    return LICENSE_ALIASES.get(text, text)


def norm_license(value: object) -> str:
    text = norm_text(value)
    if text.endswith("license") and len(text) > len("license"):
        text = LICENSE_ALIASES.get(text[: -len("license")], text[: -len("license")])
    return LICENSE_ALIASES.get(text, text)


def norm_developer(value: object) -> str:
    """`Mistral AI` = `Mistral`, `Google DeepMind` = `Google`, `Z.ai` = `Zhipu`, `Meta Inc.` = `Meta`."""
    text = _alnum(value)
    text = re.sub(r"(inc|corp|corporation|labs|ltd|llc|co)$", "", text) or text
    text = DEVELOPER_ALIASES.get(text, text)
    if text.endswith("ai") and len(text) > 4 and text[:-2] in DEVELOPER_ALIASES.values():
        text = text[:-2]
    return text


def hardware_tokens(value: object) -> list[str]:
    """`Nvidia H100 SXM` -> ['h100', 'sxm']: the chip name without the vendor word."""
    words = re.findall(r"[a-z0-9.]+", str(value).lower())
    if len(words) > 1 and words[0] in VENDOR_WORDS:
        words = words[1:]
    return words


def parse_date(value: object) -> tuple[int, ...] | None:
    """'2026-04-24' -> (2026, 4, 24); '2026-04' -> (2026, 4); '2026' -> (2026,); else None."""
    m = _DATE_RE.match(str(value).strip())
    if not m:
        return None
    return tuple(int(g) for g in m.groups() if g is not None)


def as_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return None


def values_agree(attribute: str, a: ClaimValue, b: ClaimValue) -> bool:
    """Whether two values of one attribute say the same thing (tolerances, granularity, spelling)."""
    if attribute == "release_date":
        da, db = parse_date(a), parse_date(b)
        if da is None or db is None:
            return norm_text(a) == norm_text(b)
        n = min(len(da), len(db))
        return da[:n] == db[:n]
    if attribute == "developer":
        return norm_developer(a) == norm_developer(b)
    if attribute == "license":
        return norm_license(a) == norm_license(b)
    if attribute == "hardware":
        ta, tb = hardware_tokens(a), hardware_tokens(b)
        n = min(len(ta), len(tb))
        # "Ascend" and "Ascend 910C" name one family with more or less detail.
        return n > 0 and ta[:n] == tb[:n]
    na, nb = as_number(a), as_number(b)
    if na is None or nb is None:
        return norm_text(a) == norm_text(b)
    if attribute == "benchmark":
        return abs(na - nb) <= BENCHMARK_TOLERANCE
    tolerance = CONTEXT_TOLERANCE if attribute == "context_window" else NUMBER_TOLERANCE
    if abs(na - nb) <= tolerance * max(abs(na), abs(nb), 1e-12):
        return True
    if attribute == "context_window" and min(na, nb) > 0:
        # "1M tokens" and 1,048,576 (2^20) are one window in decimal and binary units.
        ratio = max(na, nb) / min(na, nb)
        return abs(ratio - 1.024**2) <= CONTEXT_TOLERANCE
    return False


def _specificity(attribute: str, value: ClaimValue) -> int:
    """How much detail a value carries (a day beats a month; 'Ascend 910C' beats 'Ascend')."""
    if attribute == "release_date":
        parsed = parse_date(value)
        return len(parsed) if parsed else 0
    if attribute == "hardware":
        return len(hardware_tokens(value))
    return 0


def benchmark_key(name: str | None) -> str:
    return norm_text(name or "")


# -- reconciliation ------------------------------------------------------------------------------------


class _Cluster:
    """Claims that agree on one value, being built."""

    def __init__(self, attribute: str, first: CitedClaim) -> None:
        self.attribute = attribute
        self.members: list[CitedClaim] = [first]

    @property
    def stories(self) -> set[int]:
        return {m.story_id for m in self.members}

    def representative(self) -> ClaimValue:
        """The value the cluster shows: the most specific, then the one most stories use, then stated."""
        groups: dict[str, list[CitedClaim]] = {}
        for m in self.members:
            groups.setdefault(repr(m.claim.value), []).append(m)
        best: tuple[int, int, int, int] | None = None
        value: ClaimValue = self.members[0].claim.value
        for i, same in enumerate(groups.values()):
            key = (
                _specificity(self.attribute, same[0].claim.value),
                len({x.story_id for x in same}),
                int(any(x.claim.status == "stated" for x in same)),
                -i,
            )
            if best is None or key > best:
                best, value = key, same[0].claim.value
        return value


def _cluster(attribute: str, cited: list[CitedClaim]) -> list[_Cluster]:
    """Group agreeing claims. Specific values first, so a vague one joins the best specific match."""
    if attribute in ("release_date", "hardware"):
        order = sorted(cited, key=lambda c: -_specificity(attribute, c.claim.value))
    else:
        order = list(cited)
    clusters: list[_Cluster] = []
    for c in order:
        best: _Cluster | None = None
        for cl in clusters:
            if attribute == "hardware":
                # Several chips per model are allowed, so only the same chip joins: "Ascend" stays apart from
                # "Ascend 910C" (agreement, not conflict, but not the same claim either).
                agree = hardware_tokens(c.claim.value) == hardware_tokens(cl.members[0].claim.value)
            elif attribute == "release_date":
                agree = all(values_agree(attribute, c.claim.value, m.claim.value) for m in cl.members)
            else:
                agree = values_agree(attribute, c.claim.value, cl.members[0].claim.value)
            if agree and (best is None or len(cl.stories) > len(best.stories)):
                best = cl
        if best is None:
            clusters.append(_Cluster(attribute, c))
        else:
            best.members.append(c)
    return clusters


def _fact_value(cluster: _Cluster) -> FactValue:
    members = cluster.members
    stated_stories = {m.story_id for m in members if m.claim.status == "stated"}
    all_stories = sorted(cluster.stories)
    roles = sorted({m.claim.role for m in members if m.claim.role}, key=lambda r: -ROLE_RANK.get(r, 0))
    dates = [m.published for m in members if m.published is not None]
    sources: list[Source] = []
    seen_articles: set[tuple[int, str]] = set()
    # Cite stated claims first, then by date, one citation per (article, evidence).
    for m in sorted(members, key=lambda m: (m.claim.status != "stated", _ts(m.published), m.claim.id or 0)):
        key = (m.article_id, m.claim.evidence)
        if key in seen_articles:
            continue
        seen_articles.add(key)
        sources.append(m.as_source())
    return FactValue(
        value=cluster.representative(),
        status="stated" if stated_stories else "expected",
        role=roles[0] if roles else None,
        roles=[str(r) for r in roles],
        support=len(all_stories),
        sources=sources,
        first_reported=min(dates, default=None, key=_ts),
        last_reported=max(dates, default=None, key=_ts),
        story_ids=all_stories,
        expected_only_stories=sorted(set(all_stories) - stated_stories),
        story_roles=_story_roles(members),
        story_labels={m.story_id: _story_label(members, m.story_id) for m in members},
    )


def _story_roles(members: list[CitedClaim]) -> dict[int, str]:
    out: dict[int, str] = {}
    for m in members:
        role = m.claim.role or "unspecified"
        if ROLE_RANK.get(role, 0) > ROLE_RANK.get(out.get(m.story_id), 0):
            out[m.story_id] = role
    return out


def _ts(d: datetime | None) -> float:
    if d is None:
        return float("inf")
    try:
        return d.timestamp()
    except (OverflowError, OSError, ValueError):
        return 0.0


def _rank_key(v: FactValue) -> tuple[int, int, float, int]:
    """Most stories, then stated over expected, then most recent; last, the tightest evidence (a span that
    states only this value beats one that lists several)."""
    tightest = min((len(s.evidence) for s in v.sources), default=0)
    return (
        -v.support,
        0 if v.status == "stated" else 1,
        -(_ts(v.last_reported) if v.last_reported else 0.0),
        tightest,
    )


def _earliest_first_on_ties(values: list[FactValue]) -> list[FactValue]:
    """A release date is the *first* public release: among equally supported stated dates, the earliest
    (a preview) comes before a later general availability."""

    def key(v: FactValue) -> tuple[int, int, str]:
        return (-v.support, 0 if v.status == "stated" else 1, str(v.value))

    return sorted(values, key=key)


def reconcile(cited: Iterable[CitedClaim]) -> list[Fact]:
    """Group claims by (model, attribute, name) into facts with consensus values and conflicts."""
    groups: dict[tuple[str, str, str], list[CitedClaim]] = defaultdict(list)
    names: dict[tuple[str, str, str], str | None] = {}
    for c in cited:
        bench = benchmark_key(c.claim.name) if c.claim.attribute == "benchmark" else ""
        key: tuple[str, str, str] = (c.claim.model, str(c.claim.attribute), bench)
        groups[key].append(c)
        names.setdefault(key, c.claim.name)
    facts = []
    for key, members in groups.items():
        model, attribute, _ = key
        values = sorted((_fact_value(cl) for cl in _cluster(attribute, members)), key=_rank_key)
        if attribute == "release_date":
            values = _earliest_first_on_ties(values)
        fact = Fact(model=model, attribute=attribute, name=names[key], values=values)
        _judge(fact, members)
        facts.append(fact)
    facts.sort(key=lambda f: (f.model, f.attribute, f.name or ""))
    return facts


def _judge(fact: Fact, members: list[CitedClaim]) -> None:
    """Set conflict / conflict_kind / notes on a fact from its values."""
    values = fact.values
    if fact.attribute not in MULTI_VALUED and len(values) > 1:
        stated = [v for v in values if v.status == "stated"]
        # An expected value that a stated one supersedes is history, not a disagreement.
        contenders = stated if stated else values
        clashing = _clashing(contenders)
        if clashing:
            fact.conflict = True
            fact.conflict_kind = "value"
            fact.tie = len(clashing) > 1 and clashing[0].support == clashing[1].support
            fact.notes.append(
                "; ".join(
                    f"{_plain_str(v.value)}: {v.support} source{'s' if v.support != 1 else ''}"
                    for v in contenders
                )
            )
        elif len(contenders) > 1:
            fact.conflict_kind = "extent"
            fact.notes.append(_separated_note(contenders))
        superseded = [v for v in values if v.status == "expected"] if stated else []
        for v in superseded:
            fact.notes.append(f"superseded: {_plain_str(v.value)} was expected before the stated value")
    if fact.conflict:
        return
    if fact.attribute == "release_date" and values:
        # Framing: one value, but some sources only give the month (or year) of it.
        top = values[0]
        precisions = set()
        for m in members:
            if values_agree("release_date", m.claim.value, top.value):
                parsed = parse_date(m.claim.value)
                precisions.add(len(parsed) if parsed else 0)
        expected = top.expected_only_stories
        if len(precisions) > 1 or (expected and top.status == "stated"):
            fact.conflict_kind = "framing"
            parts = []
            if len(precisions) > 1:
                vaguer = sorted(
                    {
                        _plain_str(m.claim.value)
                        for m in members
                        if (len(parse_date(m.claim.value) or ()) < max(precisions))
                    }
                )
                parts.append(f"some sources give only {', '.join(vaguer)}")
            if expected:
                plural = "s" if len(expected) != 1 else ""
                parts.append(f"{len(expected)} source{plural} reported it as expected")
            fact.notes.append(f"{_plain_str(top.value)} agreed; " + "; ".join(parts))
    if fact.attribute == "hardware":
        # Extent: a chip family that different stories tie to different roles or statuses.
        families: dict[str, list[CitedClaim]] = defaultdict(list)
        for m in members:
            tokens = hardware_tokens(m.claim.value)
            families[tokens[0] if tokens else ""].append(m)
        for family, ms in families.items():
            by_story: dict[int, set[str]] = defaultdict(set)
            status_by_story: dict[int, set[str]] = defaultdict(set)
            for m in ms:
                by_story[m.story_id].add(m.claim.role or "unspecified")
                status_by_story[m.story_id].add(m.claim.status)
            if len(by_story) < 2:
                continue
            top_roles = {max(r, key=lambda x: ROLE_RANK.get(x, 0)) for r in by_story.values()}
            statuses = {"stated" if "stated" in s else "expected" for s in status_by_story.values()}
            if len(top_roles) > 1 or len(statuses) > 1:
                fact.conflict_kind = "extent"
                detail = ", ".join(
                    f"{_story_label(ms, sid)}: {'/'.join(sorted(roles, key=lambda x: -ROLE_RANK.get(x, 0)))}"
                    + (" (expected)" if status_by_story[sid] == {"expected"} else "")
                    for sid, roles in by_story.items()
                )
                label = ms[0].claim.value if len(ms) == 1 else family.capitalize() if family else "?"
                fact.notes.append(f"{label} family: sources differ on role/status ({detail})")


def qualifiers(value: FactValue) -> frozenset[str]:
    """The variant / stage words (QUALIFIERS) in the evidence of a value's sources."""
    found = set()
    for source in value.sources:
        for name, pattern in QUALIFIERS:
            if pattern.search(source.evidence or ""):
                found.add(name)
    return frozenset(found)


def _clashing(contenders: list[FactValue]) -> list[FactValue]:
    """The values (in rank order) that take part in a real conflict with another value.

    Two values clash only when different sources stand behind them (each has a story the other lacks: one
    article giving 8,192 and 32,768 for two variants is not a disagreement) and no variant or stage word
    tells them apart.
    """
    out: list[FactValue] = []
    words = [qualifiers(v) for v in contenders]
    for i, a in enumerate(contenders):
        for j, b in enumerate(contenders):
            if i == j:
                continue
            sa, sb = set(a.story_ids), set(b.story_ids)
            if sa - sb and sb - sa and words[i] == words[j]:
                out.append(a)
                break
    return out


def _separated_note(contenders: list[FactValue]) -> str:
    """Why several values are not a conflict: one source gives them all, or words separate them."""
    parts = []
    for v in contenders:
        words = sorted(qualifiers(v))
        parts.append(_plain_str(v.value) + (f" ({', '.join(words)})" if words else ""))
    stories = {s for v in contenders for s in v.story_ids}
    why = "values for different variants or stages"
    if len(stories) == 1:
        why = "one source gives several values"
    return f"{why}: {'; '.join(parts)}"


def _story_label(ms: list[CitedClaim], story_id: int) -> str:
    for m in ms:
        if m.story_id == story_id:
            # The title tells stories of one site apart; the site name is the fallback.
            title = m.title.strip()
            if title:
                return title if len(title) <= 48 else title[:47] + "…"
            return m.source or m.url or f"story {story_id}"
    return f"story {story_id}"


def _plain_str(value: ClaimValue) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def conflicts(facts: Iterable[Fact], *, soft: bool = False) -> list[Fact]:
    """Facts whose sources disagree on the value; with soft=True also extent / framing notes."""
    facts = list(facts)
    out = [f for f in facts if f.conflict or (soft and f.conflict_kind is not None)]
    if soft:
        out += family_extent(facts)
    out.sort(key=lambda f: (not f.conflict, f.model, f.attribute, f.name or ""))
    return out


def _family_root(model: str, models: set[str]) -> str | None:
    """The shortest stored name that is a family of this model (DeepSeek-V4 for DeepSeek-V4-Pro)."""
    parts = model.split("-")
    for n in range(1, len(parts)):
        root = "-".join(parts[:n])
        if root in models:
            return root
    return None


def family_extent(facts: Iterable[Fact]) -> list[Fact]:
    """Extent notes across a family: which stories tie which members to *training* on a chip family.

    E.g. one story says the flagship and the family were trained on a chip, another that only part of the
    small variant's training used it, others only say the models run on it: no value conflicts, but the
    sources disagree on how far the chip was used, which a reader should see.
    """
    hardware = [f for f in facts if f.attribute == "hardware"]
    models = {f.model for f in hardware}
    families: dict[str, list[Fact]] = defaultdict(list)
    for f in hardware:
        root = _family_root(f.model, models) or f.model
        families[root].append(f)
    out = []
    for root, members in sorted(families.items()):
        if len({f.model for f in members}) < 2:
            continue
        by_chip: dict[str, dict[int, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
        labels: dict[int, str] = {}
        for f in members:
            for v in f.values:
                tokens = hardware_tokens(v.value)
                chip = tokens[0] if tokens else ""
                labels.update(v.story_labels)
                for story, role in v.story_roles.items():
                    prev = by_chip[chip][story].get(f.model)
                    if ROLE_RANK.get(role, 0) > ROLE_RANK.get(prev, 0):
                        by_chip[chip][story][f.model] = role
        for chip, stories in sorted(by_chip.items()):
            trained = {s: frozenset(m for m, r in ms.items() if r == "training") for s, ms in stories.items()}
            training_stories = {s: ms for s, ms in trained.items() if ms}
            if not training_stories or len(stories) < 2:
                continue
            others = [s for s in stories if not trained[s]]
            if len(set(training_stories.values())) < 2 and not others:
                continue
            parts = [
                f"{labels.get(s, s)}: trained {', '.join(sorted(ms))}" for s, ms in training_stories.items()
            ]
            if others:
                parts.append(f"{', '.join(str(labels.get(s, s)) for s in others)}: no training claim")
            out.append(
                Fact(
                    model=root,
                    attribute="hardware",
                    conflict=False,
                    conflict_kind="extent",
                    notes=[f"{chip.capitalize()} training across the {root} family: " + "; ".join(parts)],
                )
            )
    return out


ATTRIBUTE_ORDER = (
    "developer",
    "release_date",
    "parameters_total",
    "parameters_active",
    "context_window",
    "price_input",
    "price_output",
    "license",
    "hardware",
    "benchmark",
)


def model_summary(store: Store, model: str, *, since: datetime | None = None) -> ModelSummary:
    """The fact sheet of one model (resolved through the alias table); empty facts when unknown."""
    canonical = store.resolve_alias(model) or model
    cited = store.cited_claims(models=[canonical], since=since)
    facts = reconcile(cited)
    order = {a: i for i, a in enumerate(ATTRIBUTE_ORDER)}
    facts.sort(key=lambda f: (order.get(f.attribute, 99), f.name or ""))
    info = store.model_info(canonical)
    developer = info["developer"] if info else None
    dev_fact = next((f for f in facts if f.attribute == "developer" and f.values), None)
    if dev_fact is not None:
        developer = str(dev_fact.values[0].value)
    dates = [c.published for c in cited if c.published is not None]
    sources: list[Source] = []
    seen: set[int] = set()
    for c in sorted(cited, key=lambda c: (_ts(c.published), c.article_id)):
        if c.article_id in seen:
            continue
        seen.add(c.article_id)
        src = c.as_source()
        sources.append(src.model_copy(update={"evidence": ""}))
    return ModelSummary(
        model=canonical,
        developer=developer,
        aliases=list(info["aliases"]) if info else [],
        facts=facts,
        first_reported=min(dates, default=None, key=_ts),
        last_reported=max(dates, default=None, key=_ts),
        sources=sources,
    )


# -- rendering: human units and terminal-safe text (shared by ask, conflicts, summary, digest) -------------


def human_value(attribute: str, value: ClaimValue) -> str:
    """A value in human units (tracker.units, the one formatter): 1.6T, 284B, 1M tokens, $0.14."""
    from .units import format_value

    return safe_text(format_value(attribute, value))


def describe(answer: Answer | FactValue, attribute: str, name: str | None = None) -> str:
    """'49B active parameters', '$0.14 per 1M input tokens', '81 on SWE-bench Verified', 'Ascend 910C'."""
    v = human_value(attribute, answer.value)
    text = {
        "parameters_total": f"{v} parameters",
        "parameters_active": f"{v} active parameters",
        "context_window": f"{v} tokens of context",
        "price_input": f"{v} per 1M input tokens",
        "price_output": f"{v} per 1M output tokens",
        "release_date": f"released {v}",
        "hardware": v + (f" ({answer.role})" if answer.role and answer.role != "unspecified" else ""),
        "license": f"{v} license" if "licen" not in v.lower() else v,
        "benchmark": f"{v} on {safe_text(name or 'benchmark')}",
        "developer": f"developed by {v}",
    }.get(attribute, v)
    if answer.status == "expected":
        text = f"{text} (expected)"
    return text


def _plural(n: int, word: str = "source") -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _value_json(v: FactValue) -> dict[str, object]:
    return {
        "value": _plain(v.value),
        "status": v.status,
        "role": v.role,
        "support": v.support,
        "first_reported": v.first_reported.isoformat() if v.first_reported else None,
        "last_reported": v.last_reported.isoformat() if v.last_reported else None,
        "sources": [s.model_dump(include={"title", "url", "published", "evidence"}) for s in v.sources],
    }


def fact_json(f: Fact) -> dict[str, object]:
    """A fact as JSON: consensus first, then the other values, with conflict and notes."""
    return {
        "model": f.model,
        "attribute": f.attribute,
        "name": f.name,
        "conflict": f.conflict,
        "tie": f.tie,
        "kind": f.conflict_kind,
        "notes": f.notes,
        "values": [_value_json(v) for v in f.values],
    }


def _plain(value: ClaimValue) -> ClaimValue:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return int(value)
    return value


def conflicts_report(paths: Paths, *, model: str | None = None, soft: bool = True) -> dict[str, object]:
    """`tracker conflicts`: value conflicts (and, with soft, extent / framing notes) over the store."""
    from .store import Store

    if not Store.exists(paths):
        return {"conflicts": [], "notes": [], "note": "nothing ingested yet"}
    found: list[Fact] = []
    with Store.open(paths, "read") as store:
        names = store.model_names()
        if model:
            canonical = store.resolve_alias(model) or model
            names = [n for n in names if n == canonical or n.startswith(canonical + "-")]
        # Model by model in sorted batches (a family sorts together), so memory stays bounded at any size.
        for i in range(0, len(names), CONFLICT_BATCH):
            found += conflicts(reconcile(store.cited_claims(models=names[i : i + CONFLICT_BATCH])), soft=soft)
        empty = not store.has_claims()
    found.sort(key=lambda f: (not f.conflict, f.model, f.attribute, f.name or ""))
    out: dict[str, object] = {
        "conflicts": [fact_json(f) for f in found if f.conflict],
        "notes": [fact_json(f) for f in found if not f.conflict],
    }
    if empty:
        out["note"] = "nothing ingested yet"
    return out


def render_conflicts(report: dict[str, object]) -> str:
    """The conflicts report for a terminal."""
    lines: list[str] = []
    hard = report.get("conflicts") or []
    soft = report.get("notes") or []
    assert isinstance(hard, list) and isinstance(soft, list)
    if report.get("note"):
        return f"{report['note']}\n"
    if not hard:
        lines.append("no value conflicts")
    for i, f in enumerate(hard, 1):
        label = f"{f['attribute']}{' ' + str(f['name']) if f['name'] else ''}"
        verdict = "a tie, sources evenly split" if f.get("tie") else "sources disagree"
        lines.append(f"{i}. {safe_text(f['model'])} {safe_text(label)}: {verdict}")
        lines.extend(_value_lines(f))
    if soft:
        lines.append("")
        lines.append("softer disagreements (not value conflicts):")
        for f in soft:
            label = f"{f['attribute']}{' ' + str(f['name']) if f['name'] else ''}"
            lines.append(f"- {safe_text(f['model'])} {safe_text(label)} [{f['kind']}]")
            for note in f["notes"]:
                lines.append(f"    {safe_text(note)}")
    return "\n".join(lines) + "\n"


def _value_lines(f: dict[str, object]) -> list[str]:
    lines = []
    values = f["values"]
    assert isinstance(values, list)
    for v in values:
        status = " (expected)" if v["status"] == "expected" else ""
        lines.append(f"   {human_value(str(f['attribute']), v['value'])}{status}: {_plural(v['support'])}")
        for s in v["sources"]:
            date = f" ({s['published']})" if s.get("published") else ""
            lines.append(f"      - {safe_text(s['title'])[:90]}{date} {safe_text(s['url'])}")
            lines.append(f'        "{safe_text(s["evidence"])}"')
    return lines


def summary_json(paths: Paths, model: str) -> dict[str, object]:
    """`tracker summary --format json`."""
    from .store import Store

    if not Store.exists(paths):
        return {"model": model, "facts": [], "note": "nothing ingested yet"}
    with Store.open(paths, "read") as store:
        s = model_summary(store, model)
    out: dict[str, object] = {
        "model": s.model,
        "developer": s.developer,
        "aliases": s.aliases,
        "first_reported": s.first_reported.isoformat() if s.first_reported else None,
        "last_reported": s.last_reported.isoformat() if s.last_reported else None,
        "facts": [fact_json(f) for f in s.facts],
        "sources": [x.model_dump(include={"title", "url", "published"}) for x in s.sources],
    }
    if not s.facts:
        out["note"] = f"no claims about {model}"
    return out


def summary_markdown(paths: Paths, model: str) -> str:
    """`tracker summary --format md`: the fact sheet as Markdown."""
    from .store import Store

    if not Store.exists(paths):
        return "nothing ingested yet\n"
    with Store.open(paths, "read") as store:
        s = model_summary(store, model)
    return render_summary_markdown(s, requested=model)


def _md(text: object) -> str:
    """Terminal-safe text with Markdown table / emphasis characters escaped."""
    return re.sub(r"([\\`*_\[\]|<>])", r"\\\1", safe_text(text))


def render_summary_markdown(s: ModelSummary, *, requested: str | None = None) -> str:
    """A ModelSummary as Markdown: a table of attributes, conflicts, and the numbered sources."""
    if not s.facts:
        return f"no claims about {safe_text(requested or s.model)}\n"
    lines = [f"# {_md(s.model)}", ""]
    if s.developer:
        lines.append(f"- Developer: {_md(s.developer)}")
    if s.aliases:
        lines.append(f"- Also written: {', '.join(_md(a) for a in s.aliases)}")
    if s.first_reported:
        lines.append(f"- First reported: {s.first_reported.date().isoformat()}")
    if s.last_reported:
        lines.append(f"- Latest report: {s.last_reported.date().isoformat()}")
    lines += ["", "| attribute | value | status | sources | disagreement |", "|---|---|---|---|---|"]
    numbers: dict[str, int] = {x.url: i for i, x in enumerate(s.sources, 1)}
    for f in s.facts:
        if not f.values:
            continue
        top = f.values[0]
        label = f.attribute.replace("_", " ") + (f" ({f.name})" if f.name else "")
        value = human_value(f.attribute, top.value)
        if f.attribute in MULTI_VALUED and len(f.values) > 1:
            value = ", ".join(human_value(f.attribute, v.value) for v in f.values)
        refs = sorted(
            {
                numbers[x.url]
                for v in (f.values if f.attribute in MULTI_VALUED else [top])
                for x in v.sources
                if x.url in numbers
            }
        )
        disagreement = ""
        if f.tie:
            tied = [v for v in f.values if v.support == top.support and v.status == top.status]
            value = " or ".join(human_value(f.attribute, v.value) for v in tied)
            disagreement = f"**conflict**, a tie: {_plural(top.support)} each"
        elif f.conflict:
            disagreement = "**conflict**: " + _md(
                "; ".join(f"{human_value(f.attribute, v.value)} ({_plural(v.support)})" for v in f.values[1:])
            )
        elif f.notes:
            disagreement = _md(f"{f.conflict_kind}: " + "; ".join(f.notes))
        lines.append(
            f"| {_md(label)} | {_md(value)} | {top.status} | {_plural(top.support)} "
            f"{' '.join(f'[{n}]' for n in refs)} | {disagreement} |"
        )
    lines += ["", "## Sources", ""]
    for i, x in enumerate(s.sources, 1):
        date = f" ({x.published})" if x.published else ""
        lines.append(f"{i}. [{_md(x.title or x.url)}]({x.url.replace(')', '%29')}){date}")
    return "\n".join(lines) + "\n"

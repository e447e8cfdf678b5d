"""Cross-source reconciliation: stored claims -> facts with consensus values, support and conflicts.

A *fact* is everything the sources say about one (model, attribute[, benchmark name]). Its claims are
grouped into *values* that agree with each other (numbers within a tolerance, dates at different
granularity, the same chip or developer spelled differently); each value counts its support in distinct
stories, so syndicated copies of one story count once. A fact is a *conflict* when sources give genuinely
different values for an attribute that can have only one (parameters, context, prices, release date at
the same granularity, license, a benchmark score). Softer disagreements - the same chip given different
roles or statuses by different sources, a date given at different precision - are kept as *notes*
(`conflict_kind` "extent" / "framing") without setting `conflict`.

Pure: claims in, facts out (when values agree is tracker.normalize; reading the store is
tracker.service; text for a terminal or Markdown is tracker.render). Used by `ask`, `tracker conflicts`,
`tracker summary` and the digest, so they all show the same facts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, Field

from .attributes import MULTI_VALUED
from .normalize import agreement_rule, benchmark_key, hardware_tokens, parse_date, specificity, values_agree
from .records import CitedClaim, ClaimValue, Role, Source, Status, plain_value
from .vocab import ROLE_RANK

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
                specificity(self.attribute, same[0].claim.value),
                len({x.story_id for x in same}),
                int(any(x.claim.status == "stated" for x in same)),
                -i,
            )
            if best is None or key > best:
                best, value = key, same[0].claim.value
        return value


def _cluster(attribute: str, cited: list[CitedClaim]) -> list[_Cluster]:
    """Group agreeing claims. Specific values first, so a vague one joins the best specific match."""
    rule = agreement_rule(attribute)
    if rule in ("date", "chip"):
        order = sorted(cited, key=lambda c: -specificity(attribute, c.claim.value))
    else:
        order = list(cited)
    clusters: list[_Cluster] = []
    for c in order:
        best: _Cluster | None = None
        for cl in clusters:
            if rule == "chip":
                # Several chips per model are allowed, so only the same chip joins: "Ascend" stays apart from
                # "Ascend 910C" (agreement, not conflict, but not the same claim either).
                agree = hardware_tokens(c.claim.value) == hardware_tokens(cl.members[0].claim.value)
            elif rule == "date":
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
    for m in sorted(
        members, key=lambda m: (m.claim.status != "stated", time_key(m.published), m.claim.id or 0)
    ):
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
        first_reported=min(dates, default=None, key=time_key),
        last_reported=max(dates, default=None, key=time_key),
        story_ids=all_stories,
        expected_only_stories=sorted(set(all_stories) - stated_stories),
        story_roles=_story_roles(members),
        story_labels={m.story_id: _story_label(members, m.story_id) for m in members},
    )


def _story_roles(members: list[CitedClaim]) -> dict[int, str]:
    out: dict[int, str] = {}
    for m in members:
        role = m.claim.role or "unspecified"
        if ROLE_RANK.get(role, 0) > ROLE_RANK.get(out.get(m.story_id, ""), 0):
            out[m.story_id] = role
    return out


def time_key(d: datetime | None) -> float:
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
        -(time_key(v.last_reported) if v.last_reported else 0.0),
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
        if agreement_rule(attribute) == "date":
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
    if agreement_rule(fact.attribute) == "date" and values:
        # Framing: one value, but some sources only give the month (or year) of it.
        top = values[0]
        precisions = set()
        for m in members:
            if values_agree(fact.attribute, m.claim.value, top.value):
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
    if agreement_rule(fact.attribute) == "chip":
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
                    prev = by_chip[chip][story].get(f.model, "")
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


def _value_json(v: FactValue) -> dict[str, object]:
    return {
        "value": plain_value(v.value),
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

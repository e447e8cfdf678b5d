"""Claims -> answers: reconciled facts ranked for the intent, verdicts for comparisons, honest notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from ..attributes import MULTI_VALUED, comparative, sheet_rank, words
from ..records import Answer, CitedClaim
from .understand import Constraint, Intent

if TYPE_CHECKING:
    from ..facts import Fact, FactValue


class AskResult(BaseModel):
    """What `tracker ask` returns: the answers best first, a verdict for comparisons, notes and warnings."""

    model_config = ConfigDict(defer_build=True)  # built when first used (see prebuild_records)

    question: str
    answers: list[Answer] = Field(default_factory=list)
    note: str | None = None
    verdict: str | None = None  # "Mixtral-8x22B is cheaper: $2 vs $3 per 1M input tokens"
    warnings: list[str] = Field(default_factory=list)  # e.g. the index is stale: lexical answers only
    kind: str = "open"  # the question's shape (see ask.understand)
    models: list[str] = Field(default_factory=list)  # models understood from the question
    attribute: str | None = None  # attribute understood from the question
    name: str | None = None  # benchmark understood from the question

    def jsonable(self) -> dict[str, object]:
        out: dict[str, object] = {"question": self.question, "answers": [a.jsonable() for a in self.answers]}
        if self.verdict:
            out["verdict"] = self.verdict
        if self.note:
            out["note"] = self.note
        if self.warnings:
            out["warnings"] = list(self.warnings)
        out["kind"] = self.kind
        return out


def prebuild_records() -> None:
    """Build the (deferred) pydantic validators of the records an answer is made of, now rather than on
    first use: run while a forked dense search computes, so this otherwise idle wait does the work."""
    from ..records import Claim, Source

    for record in (Claim, CitedClaim, Source, Answer, AskResult):
        record.model_rebuild()


def key_of(c: CitedClaim) -> tuple[str, str, str]:
    from ..normalize import benchmark_key

    name = benchmark_key(c.claim.name) if c.claim.attribute == "benchmark" else ""
    return (c.claim.model, str(c.claim.attribute), name)


def fact_key(f: Fact) -> tuple[str, str, str]:
    from ..normalize import benchmark_key

    return (f.model, f.attribute, benchmark_key(f.name) if f.attribute == "benchmark" else "")


def answers_for(
    facts: list[Fact],
    scores: dict[tuple[str, str, str], float],
    it: Intent,
    k: int,
    *,
    numeric_order: bool = False,
    firsts: dict[int, FactValue] | None = None,
) -> list[Answer]:
    """Facts -> answers, best first; a conflict's (or a multi-valued fact's) other values follow it.

    firsts: id(fact) -> the value to put first (the one the question's words point at; see ask.context)."""
    ranked = sorted(
        (f for f in facts if f.values),
        key=lambda f: (-scores.get(fact_key(f), 0.0), -f.values[0].support, f.model, f.attribute),
    )
    if numeric_order and it.order:
        ranked = order_by_value(ranked, it.order)
    out: list[Answer] = []
    for fact in ranked[: max(k, 1)]:
        first = (firsts or {}).get(id(fact))
        out.extend(fact_answers(fact, scores.get(fact_key(fact), 0.0), it, first))
    return out


def order_by_value(facts: list[Fact], order: str) -> list[Fact]:
    """Facts by their consensus value (numbers, or ISO dates), largest first for "max"."""
    from ..units import as_number

    def value(f: Fact) -> float | str | None:
        v = f.values[0].value
        if f.attribute == "release_date":
            return str(v)
        return as_number(v)

    have = [f for f in facts if value(f) is not None]
    rest = [f for f in facts if value(f) is None]
    if have and isinstance(value(have[0]), str):
        have.sort(key=lambda f: str(value(f)), reverse=order == "max")
    else:
        have.sort(key=lambda f: float(value(f) or 0.0), reverse=order == "max")
    return have + rest


def fact_answers(
    fact: Fact, score: float, it: Intent | None = None, first: FactValue | None = None
) -> list[Answer]:
    """One fact as answers: the main value (`first`, else the consensus), then the other sides."""
    values = list(fact.values)
    if fact.attribute == "release_date" and first is None and len(values) > 1:
        # "2025-01" and "2025-01-26" from as many sources: the day says more than the month.
        top = values[0]
        finer = [
            v
            for v in values[1:]
            if str(v.value).startswith(str(top.value)) and v.support >= top.support and v.status == top.status
        ]
        if finer:
            values.remove(finer[0])
            values.insert(0, finer[0])
    if first is not None and first in values:
        values.remove(first)
        values.insert(0, first)
    elif fact.attribute == "hardware" and it is not None and it.role:
        values.sort(key=lambda v: 0 if it.role in v.roles else 1)  # stable: support order kept within
    out = [answer(fact, values[0], values[1:], score)]
    if _every_side(fact):
        # The other values as answers of their own, so a reader (or a scorer) sees every side.
        for v in values[1:]:
            out.append(answer(fact, v, [o for o in values if o is not v], score * 0.5))
    return out


def _every_side(fact: Fact) -> bool:
    """Whether every value is an answer of its own: a conflict, a many-valued attribute, or one source giving
    several values (tiers, a prose figure and a spec-box figure)."""
    extent = fact.conflict_kind == "extent" and len(fact.values) > 1
    return fact.conflict or fact.attribute in MULTI_VALUED or extent


def answer(fact: Fact, value: FactValue, others: list[FactValue], score: float) -> Answer:
    show_others = _every_side(fact)
    return Answer(
        model=fact.model,
        attribute=fact.attribute,
        value=value.value,
        name=fact.name,
        role=value.role,
        status=value.status,
        support=value.support,
        conflict=fact.conflict,
        others=[
            Answer(
                model=fact.model,
                attribute=fact.attribute,
                value=o.value,
                name=fact.name,
                role=o.role,
                status=o.status,
                support=o.support,
                conflict=fact.conflict,
            )
            for o in others
        ]
        if show_others
        else [],
        sources=value.sources,
        score=score,
    )


def matching_value(fact: Fact, con: Constraint) -> FactValue | None:
    """The value of a fact that meets the constraint (not necessarily its consensus)."""
    from ..units import as_number

    for v in fact.values:
        if con.attribute == "release_date":
            if str(v.value).startswith(str(con.value)):
                return v
            continue
        x = as_number(v.value)
        low, high = con.bounds()
        if x is not None and low <= x <= high:
            return v
    return None


def value_answers(cited: list[CitedClaim], it: Intent, k: int) -> list[Answer]:
    """Answers to "which model has / costs / scored ...": each candidate with the value that matched."""
    from ..facts import reconcile

    facts = reconcile(cited)
    order = list(dict.fromkeys(c.claim.model for c in cited))
    out: list[Answer] = []
    for rank, model in enumerate(order[: max(k, 1)]):
        for fact in (f for f in facts if f.model == model):
            for con in it.constraints:
                if con.attribute != fact.attribute:
                    continue
                v = matching_value(fact, con)
                if v is not None:
                    out.append(answer(fact, v, [], 1.0 / (1 + rank)))
                    break
            else:
                continue
            break
    return out


def verdict(facts: list[Fact], it: Intent) -> tuple[list[Answer], str | None]:
    """A comparison's answers (the winner first) and its verdict line."""
    from ..units import as_number, format_value

    order = it.order or "max"
    by_model = {f.model: f for f in facts if f.values}
    ranked = order_by_value([by_model[m] for m in it.models if m in by_model], order)
    answers = [a for n, f in enumerate(ranked) for a in fact_answers(f, 1.0 / (1 + n), it)]
    missing = [m for m in it.models if m not in by_model]
    attr = ranked[0].attribute if ranked else (it.attribute or "")
    named = words(attr)
    if missing:
        known = ", ".join(f"{f.model} {format_value(f.attribute, f.values[0].value)}" for f in ranked)
        text = f"cannot compare: no claim about the {named} of {', '.join(missing)}"
        return answers, text + (f" (known: {known})" if known else "")
    if len(ranked) < 2:
        return answers, None
    a, b = ranked[0], ranked[1]
    va, vb = a.values[0].value, b.values[0].value
    na, nb = as_number(va), as_number(vb)
    if (na is not None and nb is not None and abs(na - nb) <= 1e-9 * max(abs(na), abs(nb), 1)) or va == vb:
        return answers, f"a tie: {a.model} and {b.model} both have {format_value(attr, va)} ({named})"
    adjective = comparative(attr, order)
    return answers, (
        f"{a.model} is {adjective}: {format_value(attr, va)} vs {format_value(attr, vb)} ({named})"
    )


def known_attributes(attributes: list[str]) -> str:
    """'context window, parameters, release date' from attribute ids, in fact-sheet order."""
    names = [words(a) for a in sorted(set(attributes), key=sheet_rank)]
    return ", ".join(dict.fromkeys(names))

"""`tracker ask`: question -> intent -> claims -> reconciled, cited answers.

Stages, one module each:
- names.py: the model names a question uses (aliases, families, versions, typos), linear in its length;
- understand.py: the intent (models, attribute, values, superlatives, comparisons, time windows, sets,
  descriptions);
- retrieve.py: claims for the intent, straight from SQL, or hybrid (BM25 + dense) for open questions;
- context.py: which of a fact's several values the question's words point at ("on a cache miss");
- answer.py: facts (tracker.facts.reconcile) ranked into answers, verdicts, honest notes;
- render.py: the terminal text.
Dense neighbours come from tracker.dense through a callable (`dense=`), so this package never forks and
imports nothing from the CLI. A question about a model the store knows nothing about says so; it is never
answered with another model. This path imports no torch, httpx or trafilatura.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from ..records import ATTRIBUTES, Answer
from ..store import Store
from .answer import (
    AskResult,
    answers_for,
    fact_key,
    key_of,
    known_attributes,
    prebuild_records,
    value_answers,
    verdict,
)
from .context import preferred_values
from .names import ModelKeys, children, find_models, tokens
from .render import headline, render
from .retrieve import (
    attributes_of,
    by_role,
    content_words,
    describe_models,
    hybrid_search,
    lookup_claims,
    open_claims,
    rank_claims,
    set_claims,
    smallest_variant,
    value_claims,
)
from .understand import Intent, find_attribute, find_benchmark, understand
from .words import COMMON_WORDS

if TYPE_CHECKING:
    from ..config import Paths
    from ..records import CitedClaim

__all__ = [
    "AskResult",
    "DenseHandle",
    "Intent",
    "ModelKeys",
    "ask",
    "find_attribute",
    "find_benchmark",
    "find_models",
    "headline",
    "render",
    "understand",
]


class DenseHandle(Protocol):
    """Dense neighbours being computed elsewhere (tracker.dense.Job)."""

    def result(self, while_waiting: Callable[[], None] | None = None) -> list[tuple[int, float]]: ...

    def cancel(self) -> None: ...


DenseStarter = Callable[[str, "Paths"], "DenseHandle | None"]

# Index states an open question repairs from the store's vectors before searching it (_index_state).
RESTORABLE = ("missing", "corrupt", "foreign", "empty")

EXAMPLE = 'ask about a model, e.g. "What is the context window of Llama 3.1 405B?"'


def ask(
    question: str,
    paths: Paths,
    *,
    k: int = 5,
    model: str | None = None,
    attribute: str | None = None,
    since: datetime | None = None,
    source: str | None = None,
    dense: DenseStarter | None = None,
    release: Callable[[], None] | None = None,
    now: datetime | None = None,
) -> AskResult:
    """Answer a question from the stored claims: best answer first, each with its sources.

    dense: starts the dense search of a question elsewhere (tracker.dense.start: a forked child) so it
    runs while the SQL side does; without it the dense search runs in this process. Answers are the same.
    release: called as soon as this ask knows it will start no dense search, to free what was readied for
    one (tracker.dense.discard: the warm child) rather than let it take CPU until the answer is out.
    """
    result = AskResult.model_construct(
        question=question,
        answers=[],
        warnings=[],
        models=[],
        kind="open",
        note=None,
        verdict=None,
        attribute=None,
        name=None,
    )
    if attribute is not None and attribute not in ATTRIBUTES:
        from ..errors import UsageError

        raise UsageError(f"unknown attribute {attribute!r}; one of: {', '.join(ATTRIBUTES)}")
    if not Store.exists(paths):
        result.note = "nothing ingested yet"
        return result
    with Store.open(paths, "read") as store:
        if not store.has_claims():
            result.note = "nothing ingested yet"
            return result
        # The dense search starts before the question is understood, so that it runs while understanding
        # and the SQL side do; a question that turns out to need no dense neighbours stops it.
        pending: list[DenseHandle] = []
        if dense is not None and question.strip():
            health = _index_state(paths, store, restore=False)
            if health == "ok":
                started = dense(question, paths)
                pending += [started] if started is not None else []
            elif health not in RESTORABLE and release is not None:
                release()  # a stale index stays stale in an ask: keyword search only, no dense search
        try:
            it = understand(question, store, model=model, attribute=attribute, now=now)
            if it.kind != "open":
                # Only an open question reads dense neighbours: stop the search now, not after the answer,
                # so that on a busy machine it no longer takes CPU from the SQL side.
                for handle in pending:
                    handle.cancel()
                pending.clear()
                if release is not None:
                    release()
            result.kind, result.models = it.kind, it.models
            result.attribute, result.name = it.attribute, it.name
            _answer(
                question,
                store,
                paths,
                it,
                result,
                k=k,
                since=since,
                source=source,
                dense=dense,
                pending=pending,
            )
        finally:
            for handle in pending:
                handle.cancel()
    if it.excluded and result.answers:
        result.answers = _others_first(result.answers, it.excluded)
    if it.typo and result.answers:
        read = "; ".join(f"{span!r} read as {m}" for span, m in it.typo.items())
        result.note = "; ".join(n for n in (result.note, read) if n)
    return result


def _answer(
    question: str,
    store: Store,
    paths: Paths,
    it: Intent,
    result: AskResult,
    *,
    k: int,
    since: datetime | None,
    source: str | None,
    dense: DenseStarter | None,
    pending: list[DenseHandle],
) -> None:
    """pending: a dense search already started for this question (taken here when it is needed)."""
    from ..facts import reconcile

    if it.kind == "empty":
        result.note = f"empty question: {EXAMPLE}"
        return
    if it.kind == "foreign":
        result.note = f"only questions in English are understood: {EXAMPLE}"
        return
    words = content_words(question) if it.kind == "open" and not it.attribute else []
    if words and (
        not any(store.fts_term_count(w, 1) for w in words)
        or (
            it.unknown
            and not it.models
            and not any(store.phrase_in_claims(u) for u in it.unknown)
            and _asks_about_unknown(question, store, it)
        )
    ):
        # Off-topic: words the store has never seen find nothing worth saying.
        result.note = f"nothing in the store matches this question ({', '.join(words[:5])}); {EXAMPLE}"
        return
    if it.kind == "describe":
        found = describe_models(store, it)
        if not found:
            result.note = (
                f"no claims about {', '.join(it.unknown)}"
                if it.unknown
                else f"no stored model fits that description ({_description_text(it)})"
            )
            return
        it.models = found[:1]
        result.models = it.models
        it.kind = "lookup"
    if (
        not it.models
        and it.unknown
        and it.kind in ("lookup", "open", "unsupported")
        and not _known_terms(store, it)
        and _asks_about_unknown(question, store, it)
    ):
        result.note = f"no claims about {', '.join(dict.fromkeys(it.unknown))}"
        return
    if it.kind == "unsupported":
        if it.models:
            m = it.models[0]
            known = known_attributes(store.model_attributes(m))
            result.note = (
                f"no claim about {m}'s {it.unsupported} (the tracker records no {it.unsupported})"
                + (f"; known: {known}" if known else "")
            )
        else:
            result.note = f"the tracker records no {it.unsupported}"
        return
    if (
        it.kind == "lookup"
        and it.order
        and it.models
        and it.attribute is not None
        and any(children(m, ModelKeys(store)) for m in it.models)
        and _asks_variant(question)
    ):
        # "the smallest GPT-5 variant": a variant by its size word.
        kids = [c for m in it.models for c in children(m, ModelKeys(store))]
        it.models = smallest_variant(kids, it.order)[:1]
        result.models = it.models
    if it.kind == "value":
        result.answers = value_answers(value_claims(store, it), it, k)
        if not result.answers:
            want = ", ".join(_constraint_text(c) for c in it.constraints)
            who = f" by {', '.join(it.description.developers)}" if it.description.developers else ""
            among = f" {' or '.join(it.scope)}" if it.scope else ""
            result.note = f"no stored{among} model{who} has {want}"
        return
    if it.kind == "rank":
        cited = rank_claims(store, it)
        facts = reconcile(cited)
        it.order = it.order or "max"
        flat = {fact_key(f): 1.0 for f in facts}
        answers = answers_for(facts, flat, it, len(facts), numeric_order=True)
        result.answers = _first_per_fact(answers, it.top or max(k, 1))  # "top 3": three; else the k best
        if not result.answers:
            result.note = f"no claims about {_attr_text(it)}"
        return
    if it.kind == "compare":
        cited, note = lookup_claims(store, it, since=since, source=source)
        facts = [f for f in reconcile(cited) if f.model in it.models]
        if it.attributes:
            facts = [f for f in facts if f.attribute == it.attributes[0]] or facts
        result.answers, result.verdict = verdict(facts, it)
        result.note = note
        return
    if it.kind == "set":
        cited, what = set_claims(store, it)
        facts = reconcile(cited)
        same = {fact_key(f): 1.0 for f in facts}
        if it.window is not None and it.window.by == "release":
            it.order = "max"
            answers = answers_for(facts, same, it, 50, numeric_order=True)
        else:
            answers = answers_for(facts, same, it, 50)
        result.answers = answers
        if not answers:
            result.note = f"no stored model {what}"
        return
    if it.kind == "lookup":
        cited, note = lookup_claims(store, it, since=since, source=source)
        facts = reconcile(cited)
        firsts = preferred_values(question, store, cited, facts, it.spans) if it.attribute else None
        result.answers = answers_for(facts, _lookup_scores(question, it, cited), it, k, firsts=firsts)
        if (
            it.detail
            and result.answers
            and not any(it.detail.lower() in a.model.lower() for a in result.answers)
            and note is None
        ):
            # "Qwen2-57B-A14B" where only Qwen2 is stored: say whose value this is.
            note = f"no model {it.models[0]} {it.detail} stored; showing {it.models[0]}"
        if it.attributes and len(it.attributes) > 1:
            result.answers = _both_prices(result.answers, it)
        notes = [note] if note else []
        if not result.answers and not (it.attribute == "hardware" and it.role and note):
            notes.append(_nothing_known(store, it))
        result.note = "; ".join(notes) or None
        return
    # open: hybrid retrieval (off-topic questions were turned away above).
    handle = None
    health = _index_state(paths, store, result)
    if health != "ok":
        result.warnings.append(
            f"the vector index is {health}: answered from keyword search only (run `tracker reindex`)"
        )
    try:
        if health == "ok":
            handle = pending.pop() if pending else (dense(question, paths) if dense is not None else None)

        def neighbours() -> list[tuple[int, float]]:
            if health != "ok":
                return []
            if handle is not None:
                found = handle.result(prebuild_records)
            else:
                from ..dense import search

                found = search(question, paths)
            if not found:
                # A healthy-looking index of claims always has neighbours: none means it could not be read
                # (a file damaged without changing its size, a missing runtime).
                result.warnings.append(
                    "the vector index could not be read: answered from keyword search only "
                    "(run `tracker reindex`)"
                )
            return found

        fused = hybrid_search(question, store, neighbours)
        handle = None
    finally:
        if handle is not None:
            handle.cancel()
    cited, fused = open_claims(question, store, it, fused, k=k, since=since, source=source)
    if it.attribute == "hardware" and it.role:
        cited, role_note = by_role(cited, it.role)
        result.note = role_note if len({c.claim.model for c in cited}) <= 1 else None
    scores: dict[tuple[str, str, str], float] = {}
    for c in cited:
        key = key_of(c)
        scores[key] = max(scores.get(key, 0.0), fused.get(c.claim.id or -1, 0.0))
    result.answers = answers_for(reconcile(cited), scores, it, k, numeric_order=bool(it.order))
    if not result.answers:
        result.note = result.note or f"no claims about this question{_attr_suffix(it)}"


def _others_first(answers: list[Answer], excluded: list[str]) -> list[Answer]:
    """ "Besides TPU v5e, which ...": answers with a value the question already names go last."""
    named = {_plain(x) for x in excluded}
    return sorted(answers, key=lambda a: _plain(str(a.value)) in named)  # stable: the order kept otherwise


def _plain(text: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", text.lower())


def _description_text(it: Intent) -> str:
    from ..units import format_count

    d = it.description
    parts = [f"by {', '.join(d.developers)}"] if d.developers else []
    parts += [format_count(d.size)] if d.size else []
    parts += [f"released {d.month}"] if d.month else []
    parts += d.words + d.families
    parts += ["open weights"] if d.open_weights else []
    parts += ["reasoning"] if d.reasoning else []
    return ", ".join(parts) or "no detail"


def _asks_variant(question: str) -> bool:
    import re

    return re.search(r"\b(?:variant|version|model|one)\b", question, re.I) is not None


def _first_per_fact(answers: list[Answer], n: int) -> list[Answer]:
    """The first n facts' answers (a fact's other sides stay with it)."""
    out: list[Answer] = []
    seen: list[tuple[str, str, str | None]] = []
    for a in answers:
        key = (a.model, str(a.attribute), a.name)
        if key not in seen:
            if len(seen) == n:
                break
            seen.append(key)
        out.append(a)
    return out


def _both_prices(answers: list[Answer], it: Intent) -> list[Answer]:
    """ "price of X": the input price first, then the output price, per model."""
    order = {"price_input": 0, "price_output": 1}
    return sorted(
        answers,
        key=lambda a: (
            it.models.index(a.model) if a.model in it.models else 99,
            order.get(str(a.attribute), 2),
        ),
    )


def _lookup_scores(question: str, it: Intent, cited: list[CitedClaim]) -> dict[tuple[str, str, str], float]:
    """Both understood: rank by question order of the models, then support; the model alone: by the words
    a fact shares with the question, then in fact-sheet order."""
    from ..attributes import SHEET_ORDER, sheet_rank

    scores: dict[tuple[str, str, str], float] = {}
    if it.attribute:
        order = {m: i for i, m in enumerate(it.models)}
        for c in cited:
            sc = 1.0 / (1 + order.get(c.claim.model, len(order)))
            if it.attribute == "benchmark" and not it.name:  # which score: the words the question shares
                sc += 0.001 * _lexical_overlap(question, c)
            scores[key_of(c)] = max(scores.get(key_of(c), 0.0), sc)
        return scores
    for c in cited:
        s = _lexical_overlap(question, c) + 0.01 * (len(SHEET_ORDER) - sheet_rank(c.claim.attribute))
        scores[key_of(c)] = max(scores.get(key_of(c), 0.0), s)
    return scores


def _lexical_overlap(question: str, c: CitedClaim) -> float:
    """A small tie-breaker: how many content words of the question the claim's text shares."""
    q = {w.lower() for w, _, _ in tokens(question)} - COMMON_WORDS
    text = f"{c.claim.attribute.replace('_', ' ')} {c.claim.name or ''} {c.claim.evidence}".lower()
    return sum(1 for w in q if w in text)


def _known_terms(store: Store, it: Intent) -> bool:
    """Whether the name-like words are chips or benchmarks the store knows ("run on Ascend 910C")."""
    if it.attribute not in ("hardware", "benchmark", None):
        return False
    return all(store.phrase_in_claims(span) for span in it.unknown)


def _asks_about_unknown(question: str, store: Store, it: Intent) -> bool:
    """Whether the unknown names are what the question is about: one with a version ("Zorblax-9"), or
    capitalized words ("Zorblax", "France") when less than two other words of it are in the store. In a long
    question, capitalized words of its prose ("Some tickets arrive in French") do not make it one about a
    model."""
    versioned = [span for span in it.unknown if any(ch.isdigit() for ch in span)]
    if any(not store.phrase_in_claims(span) for span in versioned):
        return True
    unknown_words = {w.lower() for span in it.unknown for w, _, _ in tokens(span)}
    rest = {w.lower() for w in content_words(question) if w.lower() not in unknown_words}
    # "the capital of France": one known word is not a question about what the store holds.
    return sum(1 for w in rest if store.fts_term_count(w, 1)) < 2


def _nothing_known(store: Store, it: Intent) -> str:
    """'no claim about Llama-2's training tokens; known: context window, parameters'."""
    what = _attr_text(it)
    parts = []
    for m in it.models[:3]:
        known = known_attributes(store.model_attributes(m))
        parts.append(f"no claim about {m}'s {what}" + (f"; known: {known}" if known else ""))
    return "; ".join(parts) or f"no claims about {what}"


def _attr_text(it: Intent) -> str:
    from ..attributes import words

    if it.attribute == "benchmark" and it.name:
        return f"{it.name} score"
    attrs = attributes_of(it) or []
    return " and ".join(words(a) for a in attrs) or "this"


def _attr_suffix(it: Intent) -> str:
    return f" ({_attr_text(it)})" if it.attribute else ""


def _constraint_text(c: object) -> str:
    from ..units import format_value

    attribute = c.attribute  # type: ignore[attr-defined]
    value = c.value  # type: ignore[attr-defined]
    from ..attributes import words

    shown = format_value(attribute, value)
    name = c.name  # type: ignore[attr-defined]
    return f"{words(attribute)} {shown}" + (f" on {name}" if name else "")


def _index_state(paths: Paths, store: Store, result: AskResult | None = None, *, restore: bool = True) -> str:
    """ok, or what is wrong with the vector index (missing, empty, stale, corrupt, foreign).

    With `restore`, a missing, corrupt or foreign index is first rebuilt from the vectors the store keeps (no
    embedding), and the rebuild is said in the result's warnings, so that it is never silent. Only a question
    that needs the index asks for that: a lookup answered from SQL changes nothing on disk."""
    from ..dense import index_health

    health = str(index_health(paths, store.max_claim_id(), store.get_meta("store_uuid"))["health"])
    if restore and health in RESTORABLE:
        from ..index import restore_from_store

        restored = restore_from_store(paths, store)
        if restored:
            was = health
            health = str(index_health(paths, store.max_claim_id(), store.get_meta("store_uuid"))["health"])
            if result is not None:
                result.warnings.append(
                    f"the vector index was {was}: rebuilt from the store's vectors ({restored} claims)"
                )
    return health

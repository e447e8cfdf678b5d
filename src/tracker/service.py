"""The service layer between the store and the facts: a model's fact sheet and the conflicts report.

Opens the store (read-only), reconciles with tracker.facts and hands records or rendered text to the CLI.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .attributes import sheet_rank
from .facts import Fact, ModelSummary, conflicts, fact_json, reconcile, time_key
from .records import Source

if TYPE_CHECKING:
    from .config import Paths
    from .store import Store

CONFLICT_BATCH = 500  # models reconciled at a time by `tracker conflicts`


def model_summary(store: Store, model: str, *, since: datetime | None = None) -> ModelSummary:
    """The fact sheet of one model (resolved through the alias table); empty facts when unknown."""
    canonical = store.resolve_alias(model) or model
    cited = store.cited_claims(models=[canonical], since=since)
    facts = reconcile(cited)
    facts.sort(key=lambda f: (sheet_rank(f.attribute), f.name or ""))
    info = store.model_info(canonical)
    developer = info["developer"] if info else None
    dev_fact = next((f for f in facts if f.attribute == "developer" and f.values), None)
    if dev_fact is not None:
        developer = str(dev_fact.values[0].value)
    dates = [c.published for c in cited if c.published is not None]
    sources: list[Source] = []
    seen: set[int] = set()
    for c in sorted(cited, key=lambda c: (time_key(c.published), c.article_id)):
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
        first_reported=min(dates, default=None, key=time_key),
        last_reported=max(dates, default=None, key=time_key),
        sources=sources,
    )


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
    from .render.markdown import render_summary_markdown

    return render_summary_markdown(s, requested=model)

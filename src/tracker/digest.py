"""The digest: store + period -> a Markdown report (and a price-vs-size chart beside it).

The report is GitHub-flavoured Markdown that reads well on a phone: bullets per model, one narrow table.
Every figure links to the article that states it; values are the consensus of `facts.reconcile`, so the
digest tells the same story as `ask` and `summary`. Output is deterministic: the same store and period
give byte-identical Markdown and PNG (everything sorted, no wall-clock time, PNG metadata stripped).

Everything that came from a feed or a page (titles, model names, values) goes through `md_text`, and
only http(s) URLs ever become links: no raw HTML, no `javascript:` links, no terminal escapes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from .attributes import FACT_LINE, MULTI_VALUED, label
from .dates import as_utc
from .errors import UsageError
from .facts import Fact, FactValue, conflicts, qualifiers, reconcile
from .fileio import atomic_write_bytes
from .normalize import values_agree
from .records import CitedClaim, Source
from .sanitize import safe_text
from .store import Store
from .units import as_number, format_value
from .urls import is_http

MAX_MODEL_LINES = 25  # new models with a full fact line; the rest are named in one line
MAX_BENCHMARK_ROWS = 30
MAX_CHANGES = 30
MAX_DISAGREEMENTS = 30
MAX_CHART_POINTS = 30
MAX_NAMED = 40  # models named (without facts) in one line

# -- safe Markdown (tracker.sanitize.safe_text drops escapes, controls and bidi characters first) -----------
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>#!|~&$])")
# "_" only makes emphasis at a word boundary, so "d15_hunyuan_large" can stay readable in the raw text.
_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
# Not links once escaped, but no reader should see "javascript:" in a digest either.
_SCHEME = re.compile(r"\b(javascript|vbscript|data|file):", re.IGNORECASE)


def md_text(value: object, limit: int = 200) -> str:
    """Text from strangers, safe inside Markdown: one line, every inline-special character escaped."""
    text = safe_text(value)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    # Every line of ours starts with our own text, so block markers (-, 1., >) in the middle are inert;
    # what is left to defuse is inline syntax: emphasis, code, links, HTML, entities, math, table pipes.
    text = _UNDERSCORE.sub(r"\\_", _MD_SPECIAL.sub(r"\\\1", text))
    return _SCHEME.sub(r"\1\\:", text)


def safe_url(url: str | None) -> str | None:
    """The URL as a Markdown link destination when it is http(s) with a host, else None."""
    if not url:
        return None
    url = safe_text(url).replace(" ", "")
    if not is_http(url) or not urlsplit(url).netloc:  # is_http: the one http(s) test (tracker.urls)
        return None
    # Percent-encode what could end or confuse the destination (spaces, parentheses, brackets, quotes).
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


def link(text: str, url: str | None) -> str:
    """`[text](url)` when the URL is http(s); the bare text otherwise. `text` must already be escaped."""
    dest = safe_url(url)
    return f"[{text}]({dest})" if dest else text


# -- the digest -------------------------------------------------------------------------------------------
@dataclass
class Digest:
    """A rendered digest: the Markdown, and the chart PNG when one was drawn."""

    markdown: str
    since: datetime
    until: datetime
    empty: bool
    chart_png: bytes | None = None
    chart_name: str | None = None
    chart_path: Path | None = None
    models_new: list[str] = field(default_factory=list)
    models_changed: list[str] = field(default_factory=list)


@dataclass
class _Sources:
    """Every article the digest cites, for the list at the end (keyed by the article's URL)."""

    by_url: dict[str, Source] = field(default_factory=dict)

    def cite(self, source: Source) -> str | None:
        """Record the source; return its link destination (None when its URL is not http(s))."""
        key = safe_text(source.url)
        known = self.by_url.get(key)
        if known is None or (source.published or "~") < (known.published or "~"):
            self.by_url[key] = source
        return safe_url(source.url)


def _best_source(value: FactValue) -> Source | None:
    """The source a figure links to: the first (stated, earliest) one with an http(s) URL."""
    for s in value.sources:
        if safe_url(s.url):
            return s
    return value.sources[0] if value.sources else None


class _Writer:
    def __init__(self) -> None:
        self.sources = _Sources()

    def figure(self, attribute: str, value: FactValue, *, disputed: bool = False) -> str:
        """A value linked to its source, marked when expected or disputed."""
        text = md_text(format_value(attribute, value.value), 80)
        src = _best_source(value)
        url = self.sources.cite(src) if src else None
        out = link(text, url)
        if value.status == "expected":
            out += " *(expected)*"
        if disputed:
            out += " *(disputed)*"
        return out


def _fmt_time(d: datetime) -> str:
    d = as_utc(d)
    return (
        d.strftime("%Y-%m-%d") if (d.hour, d.minute, d.second) == (0, 0, 0) else d.strftime("%Y-%m-%d %H:%M")
    )


def _index(facts: Iterable[Fact]) -> dict[str, dict[tuple[str, str], Fact]]:
    out: dict[str, dict[tuple[str, str], Fact]] = defaultdict(dict)
    for f in facts:
        out[f.model][(f.attribute, f.name or "")] = f
    return out


def _fact_line(w: _Writer, facts: dict[tuple[str, str], Fact]) -> list[str]:
    """The parts of a model's compact fact line, in a fixed order."""

    def get(attr: str) -> Fact | None:
        fact = facts.get((attr, ""))
        return fact if fact and fact.values else None

    def fig(fact: Fact, v: FactValue | None = None) -> str:
        if fact.tie and v is None:  # evenly split: show every tied value, none of them as the answer
            top = fact.values[0]
            tied = [x for x in fact.values if x.support == top.support and x.status == top.status]
            return " or ".join(w.figure(fact.attribute, x) for x in tied) + " *(tie)*"
        if v is None and not fact.conflict and len(fact.values) > 1 and fact.conflict_kind == "extent":
            # Values for different variants or stages (or several from one article): all of them, each
            # with the word that tells it apart.
            shown = [x for x in fact.values if x.status == "stated"] or fact.values
            return " / ".join(
                w.figure(fact.attribute, x) + "".join(f" ({q})" for q in sorted(qualifiers(x))) for x in shown
            )
        return w.figure(fact.attribute, v or fact.values[0], disputed=fact.conflict)

    parts: list[str] = []
    if dev := get("developer"):
        parts.append("by " + ", ".join(w.figure("developer", v) for v in dev.values[:2]))
    total, active = get("parameters_total"), get("parameters_active")
    if total and active:
        parts.append(f"{fig(total)} parameters, {fig(active)} active")
    elif total:
        parts.append(f"{fig(total)} parameters")
    elif active:
        parts.append(f"{fig(active)} active parameters")
    if ctx := get("context_window"):
        parts.append(f"{fig(ctx)} context")
    p_in, p_out = get("price_input"), get("price_output")
    if p_in and p_out:
        parts.append(f"{fig(p_in)} in / {fig(p_out)} out per 1M tokens")
    elif p_in:
        parts.append(f"{fig(p_in)} per 1M input tokens")
    elif p_out:
        parts.append(f"{fig(p_out)} per 1M output tokens")
    if hw := get("hardware"):
        chips = []
        for v in hw.values[:3]:
            role = f" ({v.role})" if v.role in ("training", "inference") else ""
            chips.append(w.figure("hardware", v) + role)
        parts.append("on " + ", ".join(chips))
    if rel := get("release_date"):
        parts.append(f"released {fig(rel)}")
    if lic := get("license"):
        named = re.search(r"licen[cs]e\b", str(lic.values[0].value), re.IGNORECASE)
        parts.append(fig(lic) if named else f"{fig(lic)} license")
    return parts


def _support(facts: dict[tuple[str, str], Fact]) -> int:
    return len({s for f in facts.values() for v in f.values for s in v.story_ids})


def _source_name(s: Source) -> str:
    """Who says it: the site for web articles, the title for local files (whose site says nothing)."""
    if safe_url(s.url):
        return safe_text(s.source or urlsplit(s.url).hostname or s.title)
    return safe_text(s.title or s.source)


def _who(value: FactValue) -> str:
    names = sorted({_source_name(s) for s in value.sources} - {""})
    shown = ", ".join(md_text(n, 60) for n in names[:4])
    return shown + (f" and {len(names) - 4} more" if len(names) > 4 else "")


def _label(fact: Fact) -> str:
    if fact.attribute == "benchmark":
        return md_text(fact.name or "benchmark", 80)
    return label(fact.attribute)


def _changes(w: _Writer, now: dict[tuple[str, str], Fact], before: dict[tuple[str, str], Fact]) -> list[str]:
    """What the period changed about a known model: new values, revisions, expectations that came true."""
    out = []
    for attr in FACT_LINE:
        fact = now.get((attr, ""))
        if not fact or not fact.values:
            continue
        new = fact.values[0]
        old_fact = before.get((attr, ""))
        name = label(attr)
        if old_fact is None or not old_fact.values:
            out.append(f"{name} {w.figure(attr, new, disputed=fact.conflict)} (first report)")
            continue
        if attr in MULTI_VALUED:  # several values can be true: report only new ones
            fresh = [
                v
                for v in fact.values
                if not any(values_agree(attr, v.value, o.value) for o in old_fact.values)
            ]
            if fresh:
                out.append(f"{name} " + ", ".join(w.figure(attr, v) for v in fresh[:3]) + " (new)")
            continue
        old = old_fact.values[0]
        same = values_agree(attr, old.value, new.value)
        if same and not (old.status == "expected" and new.status == "stated"):
            continue
        if same:
            out.append(
                f"{name} confirmed: {w.figure(attr, old)} → {w.figure(attr, new, disputed=fact.conflict)}"
            )
        else:
            out.append(f"{name} {w.figure(attr, old)} → {w.figure(attr, new, disputed=fact.conflict)}")
    return out


def render_digest(
    store: Store,
    *,
    since: datetime,
    until: datetime,
    out_dir: Path | None = None,
    chart_name: str = "digest.png",
    by: str = "published",
) -> Digest:
    """The digest of [since, until). With out_dir, the chart (when drawn) is written there as chart_name.

    by="published" dates articles by publication (fetch time when they have none); by="fetched" by the
    time they were stored (the nightly digest: every article appears in exactly one).
    """
    since, until = as_utc(since), as_utc(until)
    if until <= since:
        raise UsageError(f"empty period: {_fmt_time(since)} is not before {_fmt_time(until)}")
    in_period = store.dated_claims(start=since, end=until, by=by)
    articles = store.period_articles(start=since, end=until, by=by)
    runs = store.period_runs(start=since, end=until)
    models = sorted({c.claim.model for c, _ in in_period})
    prior = store.dated_claims(start=None, end=since, by=by, models=models)
    now_facts = _index(reconcile(c for c, _ in in_period))
    before_facts = _index(reconcile(c for c, _ in prior))

    w = _Writer()
    lines: list[str] = []
    title = f"AI model digest: {_fmt_time(since)} to {_fmt_time(until)}"
    lines += [f"# {title}", ""]
    basis = "publication date" if by == "published" else "date fetched"
    minute = "%Y-%m-%d %H:%M"
    lines.append(
        f"Period: from {since.strftime(minute)} up to, not including, {until.strftime(minute)} UTC "
        f"(articles by {basis})."
    )
    lines.append("")
    lines.append(_scanned(runs, articles, in_period))
    lines.append("")

    new_models = [m for m in models if m not in before_facts]
    known_models = [m for m in models if m in before_facts]
    if not in_period:
        lines += ["Nothing new in this period: no claims about AI models were found.", ""]
        return Digest(markdown=_finish(lines), since=since, until=until, empty=True)

    lines += [
        "Values marked *(expected)* are announced, planned or rumoured, not confirmed; *(disputed)* means "
        "sources disagree (see Disagreements), *(tie)* that they are evenly split between the values shown. "
        "Every figure links to the article that states it.",
        "",
    ]

    # New models, most widely reported first.
    lines += [f"## New models ({len(new_models)})", ""]
    ranked = sorted(new_models, key=lambda m: (-_support(now_facts[m]), m))
    full = [(m, _fact_line(w, now_facts[m])) for m in ranked]
    with_facts = [(m, parts) for m, parts in full if parts][:MAX_MODEL_LINES]
    rest = sorted(m for m, parts in full if (m, parts) not in with_facts)
    if not new_models:
        lines += ["No model was reported for the first time in this period.", ""]
    for m, parts in with_facts:
        n = _support(now_facts[m])
        lines.append(
            f"- **{md_text(m, 80)}**: " + " · ".join(parts) + f" ({n} source{'s' if n != 1 else ''})"
        )
    if rest:
        if with_facts:
            lines.append("")
        names = ", ".join(md_text(m, 80) for m in rest[:MAX_NAMED])
        more = f" and {len(rest) - MAX_NAMED} more" if len(rest) > MAX_NAMED else ""
        lines.append(f"Also mentioned for the first time: {names}{more}.")
    lines.append("")

    # Chart: price vs size of the models of the digest.
    # Only drawn when there is a directory to put it in (Markdown on stdout cannot embed a file).
    chart_png, points = _chart(now_facts, before_facts, models) if out_dir is not None else (None, [])
    chart_path = None
    if chart_png is not None and out_dir is not None:
        chart_path = out_dir / chart_name
        atomic_write_bytes(chart_path, chart_png)
        lines += ["## Price vs size", ""]
        lines.append(
            f"![Input price per 1M tokens vs total parameters, {len(points)} models]({quote(chart_name)})"
        )
        lines.append("")

    # Changes to known models.
    changed: list[tuple[str, list[str]]] = []
    for m in known_models:
        parts = _changes(w, now_facts[m], before_facts[m])
        if parts:
            changed.append((m, parts))
    unchanged = len(known_models) - len(changed)
    if known_models:
        lines += [f"## Changes to known models ({len(changed)})", ""]
        for m, parts in changed[:MAX_CHANGES]:
            lines.append(f"- **{md_text(m, 80)}**: " + " · ".join(parts))
        if len(changed) > MAX_CHANGES:
            lines.append(f"- … and {len(changed) - MAX_CHANGES} more models")
        if changed and unchanged:
            lines.append("")
        if unchanged:
            were = "s were" if unchanged != 1 else " was"
            lines.append(
                f"{'Another ' if changed else ''}{unchanged} known model{were} mentioned with nothing new."
            )
        lines.append("")

    # Disagreements between sources.
    disputed = conflicts(f for facts in now_facts.values() for f in facts.values())
    if disputed:
        lines += [f"## Disagreements ({len(disputed)})", ""]
        # The most reported disagreements, shown in the order `conflicts` gives (by model).
        widest = sorted(disputed, key=lambda f: (-f.support, f.model, f.attribute, f.name or ""))
        shown = {id(f) for f in widest[:MAX_DISAGREEMENTS]}
        for fact in (f for f in disputed if id(f) in shown):
            # Only sources disagreeing get here: several values from one article are not a conflict (facts).
            contenders = [v for v in fact.values if v.status == "stated"] or fact.values
            says = "; ".join(
                f"{w.figure(fact.attribute, v)} according to {_who(v) or 'an unnamed source'}"
                for v in contenders
            )
            lines.append(f"- **{md_text(fact.model, 80)}**, {_label(fact)}: {says}")
        if len(disputed) > MAX_DISAGREEMENTS:
            lines.append(
                f"- … and {len(disputed) - MAX_DISAGREEMENTS} more (`tracker conflicts` lists them all)"
            )
        lines.append("")

    # Benchmark claims: the most widely reported, shown by model.
    bench = [
        f for facts in now_facts.values() for f in facts.values() if f.attribute == "benchmark" and f.values
    ]
    bench = sorted(bench, key=lambda f: (-f.support, f.model, f.name or ""))[:MAX_BENCHMARK_ROWS]
    if bench:
        lines += ["## Benchmarks", "", "| Model | Benchmark | Score |", "| --- | --- | ---: |"]
        for f in sorted(bench, key=lambda f: (f.model, (f.name or "").casefold())):
            score = w.figure("benchmark", f.values[0], disputed=f.conflict)
            lines.append(f"| {md_text(f.model, 60)} | {_label(f)} | {score} |")
        lines.append("")

    # Sources.
    lines += ["## Sources", ""]
    cited = sorted(
        w.sources.by_url.items(), key=lambda kv: (kv[1].published or "9999", safe_text(kv[1].title), kv[0])
    )
    for n, (key, s) in enumerate(cited, start=1):
        url = safe_url(s.url)
        who = _source_name(s) if url else "no web address"
        extra = ", ".join(x for x in (md_text(who, 60) if who else "", s.published or "") if x)
        lines.append(f"{n}. {link(md_text(s.title or key, 160), url)}" + (f" ({extra})" if extra else ""))
    uncited = sum(1 for a in articles if safe_text(a["url"]) not in w.sources.by_url)
    notes = []
    if uncited:
        notes.append(
            f"{uncited} other article{'s' if uncited != 1 else ''} of the period added no new figure."
        )
    if notes:
        lines += ["", " ".join(notes)]
    lines.append("")
    return Digest(
        markdown=_finish(lines),
        since=since,
        until=until,
        empty=False,
        chart_png=chart_png,
        chart_name=chart_name if chart_png is not None else None,
        chart_path=chart_path,
        models_new=new_models,
        models_changed=[m for m, _ in changed],
    )


def _scanned(
    runs: list[dict[str, Any]], articles: list[dict[str, Any]], claims: list[tuple[CitedClaim, datetime]]
) -> str:
    feeds = max((int(r["feeds_ok"] or 0) + int(r["feeds_failed"] or 0) for r in runs), default=0)
    failed = sum(int(r["feeds_failed"] or 0) for r in runs)
    sites = len({str(a.get("source") or "") for a in articles} - {""})
    models = len({c.claim.model for c, _ in claims})

    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"

    if not runs:
        scan = "no ingest run"
    else:
        scan = f"{n(len(runs), 'ingest run')} polling {'up to ' if len(runs) > 1 else ''}{n(feeds, 'feed')}"
    if failed:
        scan += f" ({n(failed, 'feed failure')})"
    return (
        f"Scanned: {scan}; {n(len(articles), 'article')} from {n(sites, 'site')}; "
        f"{n(len(claims), 'new claim')} about {n(models, 'model')}."
    )


def _finish(lines: list[str]) -> str:
    text = "\n".join(lines).rstrip("\n") + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


# -- chart ------------------------------------------------------------------------------------------------
def _current(
    now: dict[tuple[str, str], Fact], before: dict[tuple[str, str], Fact], attr: str
) -> FactValue | None:
    for facts in (now, before):
        fact = facts.get((attr, ""))
        if fact and fact.values:
            return fact.values[0]
    return None


def _chart(
    now_facts: dict[str, dict[tuple[str, str], Fact]],
    before_facts: dict[str, dict[tuple[str, str], Fact]],
    models: list[str],
) -> tuple[bytes | None, list[tuple[str, float, float, bool]]]:
    """PNG bytes of input price vs total parameters, or None when fewer than two models have both."""
    ranked: list[tuple[int, str, tuple[str, float, float, bool]]] = []
    for m in models:
        size = _current(now_facts.get(m, {}), before_facts.get(m, {}), "parameters_total")
        price = _current(now_facts.get(m, {}), before_facts.get(m, {}), "price_input")
        if size is None or price is None:
            continue
        x, y = as_number(size.value), as_number(price.value)
        if x is None or y is None or x <= 0 or y <= 0:
            continue
        point = (safe_text(m)[:40], x, y, "expected" in (size.status, price.status))
        ranked.append((-_support(now_facts.get(m, {})), m, point))
    # A readable chart (and a fast one: every label is laid out) holds the most reported models only.
    points = [p for _, _, p in sorted(ranked)[:MAX_CHART_POINTS]]
    if len(points) < 2:
        return None, points
    from .chart import price_size_png

    return price_size_png(points), points


# -- writing ----------------------------------------------------------------------------------------------
def write_digest(
    store: Store, *, since: datetime, until: datetime, out: Path, by: str = "published"
) -> Digest:
    """Render the digest of [since, until) to `out` (atomically), the chart beside it as <stem>.png."""
    out = Path(out)
    chart_name = out.stem + ".png"
    digest = render_digest(store, since=since, until=until, out_dir=out.parent, chart_name=chart_name, by=by)
    if digest.chart_png is None:
        stale = out.parent / chart_name
        if stale.exists():  # a chart from an earlier render of this file would now be misleading
            stale.unlink()
    atomic_write_bytes(out, digest.markdown.encode("utf-8"))
    return digest


def digest_json(
    store: Store, *, since: datetime, until: datetime, by: str = "published"
) -> dict[str, object]:
    """`tracker digest --json`: the period, its articles, the new and changed models and the Markdown."""
    digest = render_digest(store, since=since, until=until, by=by)
    articles = store.period_articles(start=as_utc(since), end=as_utc(until), by=by)
    return {
        "since": digest.since.isoformat(),
        "until": digest.until.isoformat(),
        "by": by,
        "empty": digest.empty,
        "articles": articles,
        "models_new": digest.models_new,
        "models_changed": digest.models_changed,
        "markdown": digest.markdown,
    }

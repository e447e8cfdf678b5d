"""The Markdown side of rendering: a model's fact sheet (`tracker summary --format md`)."""

from __future__ import annotations

import re

from ..attributes import MULTI_VALUED
from ..facts import ModelSummary
from ..sanitize import safe_text
from ..units import plural
from . import human_value


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
            disagreement = f"**conflict**, a tie: {plural(top.support)} each"
        elif f.conflict:
            disagreement = "**conflict**: " + _md(
                "; ".join(f"{human_value(f.attribute, v.value)} ({plural(v.support)})" for v in f.values[1:])
            )
        elif f.notes:
            disagreement = _md(f"{f.conflict_kind}: " + "; ".join(f.notes))
        lines.append(
            f"| {_md(label)} | {_md(value)} | {top.status} | {plural(top.support)} "
            f"{' '.join(f'[{n}]' for n in refs)} | {disagreement} |"
        )
    lines += ["", "## Sources", ""]
    for i, x in enumerate(s.sources, 1):
        date = f" ({x.published})" if x.published else ""
        lines.append(f"{i}. [{_md(x.title or x.url)}]({x.url.replace(')', '%29')}){date}")
    return "\n".join(lines) + "\n"

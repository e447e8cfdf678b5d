"""The terminal side of rendering: the conflicts report (`tracker conflicts`)."""

from __future__ import annotations

from ..sanitize import safe_text
from ..units import plural
from . import human_value


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
        lines.append(f"   {human_value(str(f['attribute']), v['value'])}{status}: {plural(v['support'])}")
        for s in v["sources"]:
            date = f" ({s['published']})" if s.get("published") else ""
            lines.append(f"      - {safe_text(s['title'])[:90]}{date} {safe_text(s['url'])}")
            lines.append(f'        "{safe_text(s["evidence"])}"')
    return lines

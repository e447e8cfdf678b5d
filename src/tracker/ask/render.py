"""Rendering: the terminal text of an answer (the CLI prints it)."""

from __future__ import annotations

from ..records import Answer
from ..units import plural
from .answer import AskResult


def headline(answer: Answer) -> str:
    """'DeepSeek-V4-Pro: 49B active parameters (2 sources); 1 source says 37B'."""
    from ..attributes import MULTI_VALUED
    from ..render import describe
    from ..sanitize import safe_text
    from ..units import format_value

    what = describe(answer.model_copy(update={"status": "stated"}), answer.attribute, answer.name)
    hedge = "expected, not confirmed; " if answer.status == "expected" else ""
    line = f"{safe_text(answer.model)}: {what} ({hedge}{plural(answer.support)})"
    if answer.conflict and answer.others:
        rest = "; ".join(
            f"{plural(o.support)} {'say' if o.support != 1 else 'says'} "
            f"{safe_text(format_value(o.attribute, o.value))}"
            f"{' (expected)' if o.status == 'expected' else ''}"
            for o in answer.others
        )
        line += f"; {rest}"
    elif answer.attribute in MULTI_VALUED and answer.others:
        line += "; also " + ", ".join(describe(o, o.attribute, o.name) for o in answer.others)
    return line


def render(result: AskResult) -> str:
    """The terminal answer: a verdict, a direct line per fact (a conflict once, with who says what), notes,
    then numbered citations."""
    from ..sanitize import safe_text
    from ..units import format_value

    if not result.answers:
        lines = [safe_text(result.note or "no answer")]
        if result.verdict:
            lines.insert(0, safe_text(result.verdict))
        return "\n".join(lines) + "\n"
    lines = [safe_text(result.verdict)] if result.verdict else []
    # A conflict's other sides (and a chip list's other chips) are answers of their own for scripts, but
    # the headline of the first already says them: one line per fact.
    folded: set[tuple[str, str, str | None]] = set()
    for a in result.answers:
        key = (a.model, str(a.attribute), a.name)
        if key in folded:
            continue
        folded.add(key)
        lines.append(headline(a))
    if result.note:
        lines.append(f"note: {safe_text(result.note)}")
    lines.append("")
    n = 0
    cited: set[tuple[str, str]] = set()
    for a in result.answers:
        for s in a.sources:
            key2 = (s.url, s.evidence)
            if key2 in cited:
                continue
            cited.add(key2)
            n += 1
            date = f" ({s.published})" if s.published else ""
            lines.append(f"[{n}] {safe_text(s.title) or safe_text(s.url)}{date}")
            lines.append(f"    {safe_text(s.url)}")
            lines.append(
                f'    "{safe_text(s.evidence)}"  '
                f"[supports {safe_text(a.model)}: {safe_text(format_value(a.attribute, a.value))}]"
            )
    return "\n".join(lines) + "\n"

"""Facts and answers as text: the plain phrases every medium shares (here), a terminal (terminal.py) and
Markdown (markdown.py). Values are shown in human units (tracker.units) and pass the one sanitizer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..attributes import SPECS
from ..records import Answer, ClaimValue
from ..sanitize import safe_text
from ..units import format_value

if TYPE_CHECKING:
    from ..facts import FactValue


def human_value(attribute: str, value: ClaimValue) -> str:
    """A value in human units (tracker.units, the one formatter): 1.6T, 284B, 1M tokens, $0.14."""
    return safe_text(format_value(attribute, value))


def describe(answer: Answer | FactValue, attribute: str, name: str | None = None) -> str:
    """'49B active parameters', '$0.14 per 1M input tokens', '81 on SWE-bench Verified', 'Ascend 910C'."""
    v = human_value(attribute, answer.value)
    spec = SPECS.get(attribute)
    text = spec.phrase(v, safe_text(name or "")) if spec else v
    if answer.role and answer.role != "unspecified":
        text += f" ({answer.role})"
    if answer.status == "expected":
        text = f"{text} (expected)"
    return text

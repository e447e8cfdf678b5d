"""The one value formatter: a claim value in human units, the same in ask, summary, conflicts and digest.

    parameters   1.6e12 -> 1.6T, 284e9 -> 284B, 3.8e9 -> 3.8B, 12.5e6 -> 12.5M
    context      128000 -> 128K, 1000000 -> 1M, 131072 -> 131,072 (not a round number: shown exactly,
                 since "131K" and "128K" would both be wrong for it)
    prices       3 -> $3, 2.5 -> $2.50, 0.075 -> $0.075
    benchmarks   81 -> 81, 44.4 -> 44.4, 86.57 -> 86.57
    anything else (dates, licenses, chips, developers) as stored.

Which of these an attribute takes is its unit in tracker.attributes. Returns plain text; callers escape
it for their medium (terminal, Markdown).
"""

from __future__ import annotations

from collections.abc import Callable

from .attributes import SPECS
from .records import ClaimValue

COUNT_UNITS = (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3))


def _trim(x: float, places: int = 2) -> str:
    """At most `places` decimals, no trailing zeros: 1.60 -> 1.6, 32.00 -> 32."""
    return f"{x:.{places}f}".rstrip("0").rstrip(".")


def as_number(value: ClaimValue) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return None


def format_count(x: float) -> str:
    """1.6e12 -> 1.6T, 3.2e10 -> 32B, 1.5e6 -> 1.5M, 128000 -> 128K (two decimals at most)."""
    for unit, size in COUNT_UNITS:
        if abs(x) >= size:
            return f"{_trim(x / size)}{unit}"
    return _trim(x)


def format_tokens(x: float) -> str:
    """A context length: 128K, 1M, 1.05M when exact to two decimals of the unit, else 131,072."""
    for unit, size in (("M", 1e6), ("K", 1e3)):
        if abs(x) >= size:
            scaled = x / size
            if abs(scaled * 100 - round(scaled * 100)) < 1e-6:
                return f"{_trim(scaled)}{unit}"
            return f"{int(round(x)):,}"
    return _trim(x)


def format_price(x: float) -> str:
    """Dollars per 1M tokens: $3, $2.50, $0.075 (cents always shown when not whole)."""
    if float(x).is_integer():
        return f"${int(x):,}"
    text = f"{x:,.4f}".rstrip("0")
    return "$" + (text + "0" if len(text.split(".")[1]) < 2 else text)


# An attribute's unit -> how its numbers are shown; other units show numbers with two decimals at most.
FORMATTERS: dict[str, Callable[[float], str]] = {
    "count": format_count,
    "tokens": format_tokens,
    "usd": format_price,
}


def format_value(attribute: str, value: ClaimValue) -> str:
    """A claim value in human units (see the module docstring)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    spec = SPECS.get(attribute)
    return FORMATTERS.get(spec.unit if spec else "", _trim)(float(value))


def plural(n: int, word: str = "source") -> str:
    """'1 source', '2 sources'."""
    return f"{n} {word}{'' if n == 1 else 's'}"

"""Numbers, magnitudes, prices and dates as articles write them, turned into plain values.

Everything here is pure: relative dates ("today", "on Friday", "this month") resolve against the
article's publication date passed in, never against the clock.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from ..vocab import CALENDAR_MONTHS, MONTHS, SCALES, WEEKDAYS, WORD_NUMBERS  # noqa: F401 - read here too

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# A month as articles capitalise it: the name, or its abbreviation with an optional dot ("Sept." too).
MONTH_NAMES = (
    "(?:"
    + "|".join(CALENDAR_MONTHS)
    + "|"
    + "|".join(("Sept?" if m == "September" else m[:3]) + r"\.?" for m in CALENDAR_MONTHS if m != "May")
    + ")"
)


def parse_number(text: str) -> float:
    """'1,048,576' -> 1048576.0; '1.6' -> 1.6; 'two' -> 2. Raises ValueError on anything else."""
    cleaned = text.strip().replace(",", "").replace("\u202f", "").replace("\u00a0", "")
    low = cleaned.lower()
    if low in WORD_NUMBERS:
        return float(WORD_NUMBERS[low])
    if not re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", cleaned):
        raise ValueError(f"not a number: {text!r}")
    return float(cleaned)


def scale_of(word: str | None) -> float:
    """Multiplier of a magnitude word or suffix ('B', 'billion', 'K'); 1 when absent."""
    if not word:
        return 1.0
    key = word.strip().lower().rstrip(".")
    if key not in SCALES:
        raise ValueError(f"not a magnitude: {word!r}")
    return SCALES[key]


def tidy(value: float) -> int | float:
    """Integral values as int (1.6e12 -> 1600000000000); others rounded to 6 decimals."""
    rounded = round(value)
    if abs(value - rounded) <= 1e-9 * max(1.0, abs(value)):
        return int(rounded)
    return round(value, 6)


def magnitude(number: str, scale: str | None) -> int | float:
    """'1.6' + 'trillion' -> 1600000000000."""
    return tidy(parse_number(number) * scale_of(scale))


def per_million(price: str, unit: str | None) -> float:
    """A dollar price given per `unit` tokens ('1M', 'million', '1,000', '1K') -> dollars per million."""
    value = parse_number(price)
    tokens = unit_tokens(unit)
    return float(tidy(value * 1e6 / tokens))


def unit_tokens(unit: str | None) -> float:
    """How many tokens 'M', '1M', 'million', '1,000', 'thousand', '1K', '1k tokens' stand for."""
    if not unit:
        return 1e6
    u = unit.strip().lower().replace(" ", "")
    m = re.fullmatch(r"(\d[\d,]*(?:\.\d+)?)?([a-z]*)", u)
    if not m:
        raise ValueError(f"not a token unit: {unit!r}")
    count = parse_number(m.group(1)) if m.group(1) else 1.0
    word = m.group(2)
    if word in ("", "tokens", "token"):
        return count
    return count * scale_of(word)


def iso_date(year: int, month: int, day: int | None = None) -> str:
    """'YYYY-MM-DD' or 'YYYY-MM'; raises ValueError for impossible dates."""
    if day is None:
        date(year, month, 1)
        return f"{year:04d}-{month:02d}"
    return date(year, month, day).isoformat()


def month_number(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def as_date(published: date | datetime | None) -> date | None:
    if published is None:
        return None
    if isinstance(published, datetime):
        return published.date()
    return published


def relative_day(word: str, published: date | datetime | None) -> str | None:
    """'today' / 'yesterday' / a weekday name -> ISO date against the publication date, else None.

    A weekday means the most recent such day on or before publication ("on Friday" in a Friday story
    is that day)."""
    pub = as_date(published)
    if pub is None:
        return None
    w = word.lower()
    if w in ("today", "tonight", "this morning", "this afternoon", "this evening"):
        return pub.isoformat()
    if w == "yesterday":
        return (pub - timedelta(days=1)).isoformat()
    if w in WEEKDAYS:
        back = (pub.weekday() - WEEKDAYS[w]) % 7
        return (pub - timedelta(days=back)).isoformat()
    return None


def relative_month(word: str, published: date | datetime | None) -> str | None:
    """'this month' / 'last month' -> 'YYYY-MM' against the publication date, else None."""
    pub = as_date(published)
    if pub is None:
        return None
    w = " ".join(word.lower().split())
    if w == "this month":
        return f"{pub.year:04d}-{pub.month:02d}"
    if w == "last month":
        first = pub.replace(day=1) - timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}"
    return None

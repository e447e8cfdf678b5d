"""ISO 8601 dates and periods, defined once: parse stored or fetched text, write it back, pin it to UTC;
the one period parser (`parse_when`: --since / --until of ask, digest, export ...)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from .errors import UsageError


def as_utc(value: datetime) -> datetime:
    """A naive time read as UTC; an aware one converted to UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso_utc(value: datetime) -> str:
    """The canonical stored form: UTC, to the second (`2026-11-24T06:00:00+00:00`)."""
    return as_utc(value).isoformat(timespec="seconds")


def parse_iso(value: object, *, utc: bool = False, strict: bool = False) -> datetime | None:
    """ISO 8601 text (or a datetime) -> an aware datetime; None when empty.

    A naive time is read as UTC. An offset is kept unless `utc` (feeds and pages: compare and store
    in UTC). Unparsable text is None, or ValueError when `strict` (our own store: corruption must show).
    """
    if isinstance(value, datetime):
        when = value
    elif not isinstance(value, str) or not value:
        if strict and value:
            raise ValueError(f"not an ISO 8601 time: {value!r}")
        return None
    else:
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            if strict:
                raise
            return None
    if utc:
        return as_utc(when)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# -- periods --------------------------------------------------------------------------------------------
_SPAN = re.compile(
    r"^\s*(\d+)\s*(h|d|w|m|y|hours?|days?|weeks?|months?|years?)\s*(?:ago)?\s*$", re.IGNORECASE
)
_LAST = re.compile(r"^\s*(?:last|past|previous)\s+(hour|day|week|month|year)\s*$", re.IGNORECASE)
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_UNITS = {
    "h": "h",
    "hour": "h",
    "hours": "h",
    "d": "d",
    "day": "d",
    "days": "d",
    "w": "w",
    "week": "w",
    "weeks": "w",
    "m": "m",
    "month": "m",
    "months": "m",
    "y": "y",
    "year": "y",
    "years": "y",
}
PERIOD_FORMS = "7d, 24h, 2w, 1m (months), 1y, 2026-04-01, 2026-04, today, yesterday, last week / month / year"


def _months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's last day)."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    if year < 1:
        raise OverflowError("before year 1")
    last_day = (datetime(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - timedelta(days=1)).day
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last_day))


def _span_before(now: datetime, amount: int, unit: str) -> datetime:
    if unit == "m":
        return _months_before(now, amount)
    if unit == "y":
        return _months_before(now, amount * 12)
    return now - timedelta(**{{"h": "hours", "d": "days", "w": "weeks"}[unit]: amount})


def parse_when(text: str, *, now: datetime) -> datetime:
    """A moment from a period word: a span before now ('7d', '24h', '2w', '1m' = a calendar month, '1y',
    '3 days'), 'today' / 'yesterday' (midnight UTC), 'last week' / 'last month' / 'last year' (a span),
    a month '2026-04' (its first day), or an ISO date / datetime (UTC when no zone).

    Raises UsageError, never OverflowError: '10000000000d' is "too far back", not a traceback.
    """
    now = as_utc(now)
    word = text.strip().lower()
    try:
        m = _SPAN.match(text)
        if m:
            return _span_before(now, int(m.group(1)), _UNITS[m.group(2).lower()])
        m = _LAST.match(text)
        if m:
            return _span_before(now, 1, _UNITS[m.group(1).lower()])
        if word in ("today", "yesterday"):
            midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
            return midnight - timedelta(days=1 if word == "yesterday" else 0)
        m = _MONTH.match(text)
        if m:
            return datetime(int(m.group(1)), int(m.group(2)), 1, tzinfo=UTC)
    except (OverflowError, ValueError) as exc:
        reason = "too far back" if isinstance(exc, OverflowError) or "year" in str(exc) else str(exc)
        raise UsageError(f"{text!r}: {reason}") from None
    value = parse_iso(text.strip(), utc=True)
    if value is None:
        raise UsageError(f"not a date or a period ({PERIOD_FORMS}): {text!r}")
    return value

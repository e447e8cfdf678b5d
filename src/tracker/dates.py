"""ISO 8601 dates, defined once: parse stored or fetched text, write it back, pin it to UTC."""

from __future__ import annotations

from datetime import UTC, datetime


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

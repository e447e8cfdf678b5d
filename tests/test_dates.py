"""The one ISO-date helper (naive means UTC, offsets kept or converted, lenient or strict) and the one
period parser (parse_when: ask --since and the digest read the same words)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tracker.dates import as_utc, iso_utc, parse_iso, parse_when
from tracker.errors import UsageError

PLUS2 = timezone(timedelta(hours=2))


def test_naive_text_is_read_as_utc() -> None:
    assert parse_iso("2026-11-24T06:00:00") == datetime(2026, 11, 24, 6, tzinfo=UTC)
    assert parse_iso("2026-11-24T06:00:00", utc=True) == datetime(2026, 11, 24, 6, tzinfo=UTC)


def test_offset_is_kept_unless_utc_is_asked_for() -> None:
    kept = parse_iso("2026-11-24T08:00:00+02:00")
    assert kept is not None and kept.utcoffset() == timedelta(hours=2)
    moved = parse_iso("2026-11-24T08:00:00+02:00", utc=True)
    assert moved is not None and moved.tzinfo is UTC and moved.hour == 6
    assert kept == moved  # the same instant either way


def test_datetimes_pass_through_with_the_same_rules() -> None:
    naive = datetime(2026, 1, 2, 3)
    assert parse_iso(naive) == naive.replace(tzinfo=UTC)
    aware = datetime(2026, 1, 2, 5, tzinfo=PLUS2)
    assert parse_iso(aware) is aware
    assert parse_iso(aware, utc=True) == aware and parse_iso(aware, utc=True).tzinfo is UTC  # type: ignore[union-attr]


@pytest.mark.parametrize("value", [None, "", "garbage", "2026-13-01", 42])
def test_lenient_by_default(value: object) -> None:
    assert parse_iso(value) is None


def test_strict_raises_on_text_that_is_not_a_date() -> None:
    assert parse_iso(None, strict=True) is None  # empty is still "no date"
    with pytest.raises(ValueError):
        parse_iso("garbage", strict=True)
    with pytest.raises(ValueError):
        parse_iso(42, strict=True)


def test_written_form_round_trips() -> None:
    when = datetime(2026, 11, 24, 8, 30, 15, 999, tzinfo=PLUS2)
    text = iso_utc(when)
    assert text == "2026-11-24T06:30:15+00:00"
    assert parse_iso(text) == when.replace(microsecond=0)
    assert as_utc(datetime(2026, 1, 1)) == datetime(2026, 1, 1, tzinfo=UTC)


def test_parse_when() -> None:
    now = datetime(2026, 11, 17, 6, tzinfo=UTC)
    assert parse_when("7d", now=now) == datetime(2026, 11, 10, 6, tzinfo=UTC)
    assert parse_when("24h", now=now) == datetime(2026, 11, 16, 6, tzinfo=UTC)
    assert parse_when("2w", now=now) == datetime(2026, 11, 3, 6, tzinfo=UTC)
    assert parse_when("2026-11-01", now=now) == datetime(2026, 11, 1, tzinfo=UTC)
    with pytest.raises(UsageError):
        parse_when("last tuesday", now=now)


def test_parse_when_takes_what_ask_since_took() -> None:
    now = datetime(2031, 3, 20, tzinfo=UTC)
    assert parse_when("7d", now=now) == datetime(2031, 3, 13, tzinfo=UTC)
    assert parse_when("2031-03-01", now=now) == datetime(2031, 3, 1, tzinfo=UTC)
    with pytest.raises(UsageError):
        parse_when("last tuesday", now=now)

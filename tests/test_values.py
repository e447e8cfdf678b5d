"""Property tests (hypothesis) for number, price and date parsing, alone and through the extractor."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.claims import extract_claims
from tracker.claims.values import (
    iso_date,
    magnitude,
    parse_number,
    per_million,
    relative_day,
    relative_month,
    tidy,
    unit_tokens,
)
from tracker.vocab import CALENDAR_MONTHS as MONTHS

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
cents = st.integers(min_value=1, max_value=99_999)  # prices as whole cents: $0.01 .. $999.99


# -- numbers ---------------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**15))
def test_parse_number_reads_thousands_separators(n: int) -> None:
    assert parse_number(f"{n:,}") == n
    assert parse_number(str(n)) == n


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=0, max_value=9))
def test_parse_number_decimals(whole: int, tenth: int) -> None:
    assert parse_number(f"{whole}.{tenth}") == pytest.approx(whole + tenth / 10)


@given(st.text(alphabet="abcxyz$%-/ ", min_size=1, max_size=8))
def test_parse_number_rejects_non_numbers(junk: str) -> None:
    with pytest.raises(ValueError):
        parse_number(junk)


@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=9),
    st.sampled_from(
        [("B", 10**9), ("billion", 10**9), ("T", 10**12), ("trillion", 10**12), ("M", 10**6), ("K", 10**3)]
    ),
)
def test_magnitude_is_exact_and_integral(whole: int, tenth: int, scale: tuple[str, int]) -> None:
    word, factor = scale
    value = magnitude(f"{whole}.{tenth}", word)
    assert isinstance(value, int)
    assert value == (whole * 10 + tenth) * factor // 10


@given(st.floats(min_value=0, max_value=1e15, allow_nan=False))
def test_tidy_keeps_the_value(x: float) -> None:
    assert tidy(x) == pytest.approx(x, rel=1e-9, abs=1e-6)


# -- prices ----------------------------------------------------------------------------------------


@given(cents)
def test_per_thousand_prices_are_converted_to_per_million(c: int) -> None:
    price = f"{c / 100:.2f}"
    assert per_million(price, "1,000") == pytest.approx(c / 100 * 1000)
    assert per_million(price, "1K") == pytest.approx(c / 100 * 1000)
    assert per_million(price, "M") == pytest.approx(c / 100)
    assert per_million(price, "million") == pytest.approx(c / 100)


@given(st.sampled_from(["M", "1M", "million", "1 million", "MTok", "1,000", "1K", "thousand", "1000"]))
def test_unit_tokens(unit: str) -> None:
    assert unit_tokens(unit) in (1e3, 1e6)


@given(cents, cents, st.sampled_from(["per million", "per 1M", "/M", "/1M", "per 1,000", "per 1K"]))
@settings(max_examples=60, deadline=None)
def test_extracted_prices_match_the_text(c_in: int, c_out: int, unit: str) -> None:
    p_in, p_out = f"{c_in / 100:.2f}", f"{c_out / 100:.2f}"
    sep = "" if unit.startswith("/") else " "
    text = f"Mistral Medium 5 costs ${p_in}{sep}{unit} input tokens and ${p_out}{sep}{unit} output tokens."
    factor = 1000 if ("1,000" in unit or "1K" in unit) else 1
    got = {c.attribute: c.value for c in extract_claims(text)}
    assert got["price_input"] == pytest.approx(c_in / 100 * factor)
    assert got["price_output"] == pytest.approx(c_out / 100 * factor)


# -- dates -----------------------------------------------------------------------------------------


@given(dates)
def test_iso_date_round_trip(d: date) -> None:
    assert date.fromisoformat(iso_date(d.year, d.month, d.day)) == d
    assert iso_date(d.year, d.month) == d.isoformat()[:7]


@given(dates, st.sampled_from(WEEKDAYS))
def test_weekday_resolves_to_the_last_such_day(published: date, weekday: str) -> None:
    got = date.fromisoformat(relative_day(weekday, published) or "")
    assert got <= published
    assert published - got < timedelta(days=7)
    assert got.weekday() == WEEKDAYS.index(weekday)


@given(dates)
def test_today_yesterday_and_months(published: date) -> None:
    assert relative_day("today", published) == published.isoformat()
    assert relative_day("yesterday", published) == (published - timedelta(days=1)).isoformat()
    assert relative_month("this month", published) == published.isoformat()[:7]
    last = relative_month("last month", published) or ""
    assert last < published.isoformat()[:7]
    assert relative_day("today", None) is None


@given(dates, st.sampled_from(["{month} {day}, {year}", "{day} {month} {year}", "{iso}"]))
@settings(max_examples=80, deadline=None)
def test_extracted_release_dates_match_the_text(d: date, form: str) -> None:
    written = form.format(month=MONTHS[d.month - 1], day=d.day, year=d.year, iso=d.isoformat())
    text = f"Meta released Llama 7 on {written}, alongside new safety tools."
    got = [c for c in extract_claims(text) if c.attribute == "release_date"]
    assert [(c.model, c.value) for c in got] == [("Llama-7", d.isoformat())]
    assert got[0].evidence in text


@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=9),
    st.sampled_from([("billion", 10**9), ("B", 10**9), ("trillion", 10**12), ("T", 10**12)]),
)
@settings(max_examples=60, deadline=None)
def test_extracted_parameter_counts_match_the_text(whole: int, tenth: int, scale: tuple[str, int]) -> None:
    word, factor = scale
    number = f"{whole}.{tenth}"
    sep = " " if len(word) > 1 else ""
    text = f"Grok 8 has {number}{sep}{word} parameters in total."
    got = [c for c in extract_claims(text) if c.attribute == "parameters_total"]
    if (whole * 10 + tenth) * factor // 10 < 10**8:
        assert got == []  # too small to be a model size
    else:
        assert [c.value for c in got] == [(whole * 10 + tenth) * factor // 10]

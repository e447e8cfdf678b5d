"""tracker.attributes (one spec per attribute) and tracker.vocab (words once), as every layer reads them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from tracker.ask.understand import find_attribute, find_constraints, find_window
from tracker.attributes import (
    ATTRIBUTES,
    FACT_LINE,
    MULTI_VALUED,
    SHEET_ORDER,
    SPECS,
    comparative,
    sheet_rank,
)
from tracker.normalize import values_agree
from tracker.records import Answer, Claim
from tracker.render import describe
from tracker.units import FORMATTERS, format_value
from tracker.vocab import MONTHS


def test_every_spec_is_complete_and_ordered() -> None:
    assert set(SHEET_ORDER) == set(ATTRIBUTES) == set(SPECS)
    assert sorted(SPECS[a].sheet for a in ATTRIBUTES) == sorted(set(SPECS[a].sheet for a in ATTRIBUTES))
    assert len({s.cue_rank for s in SPECS.values() if s.cue}) == sum(1 for s in SPECS.values() if s.cue)
    assert set(FACT_LINE) <= set(ATTRIBUTES)
    for s in SPECS.values():
        assert s.unit in (*FORMATTERS, "text", "date", "score"), s.name
        assert s.agreement in ("number", "date", "developer", "license", "chip"), s.name
        if s.cue:
            re.compile(s.cue)
        assert s.phrase("X", "") and s.label and s.words


def test_records_accept_exactly_the_specs() -> None:
    base = {"model": "Quillon-7", "value": 1, "evidence": "e", "start": 0, "end": 1}
    for attribute in ATTRIBUTES:
        assert Claim.model_validate({**base, "attribute": attribute}).attribute == attribute
    with pytest.raises(ValidationError, match="unknown attribute"):
        Claim.model_validate({**base, "attribute": "colour"})


def test_layers_read_the_spec() -> None:
    # units: the spec's unit picks the formatter
    assert format_value("parameters_total", 284e9) == "284B"
    assert format_value("context_window", 131072) == "131,072"
    assert format_value("price_output", 2.5) == "$2.50"
    # facts: tolerance and agreement rule
    assert values_agree("context_window", 128000, 131072)
    assert not values_agree("parameters_total", 128000, 131072)
    assert values_agree("benchmark", 81.2, 81.6) and not values_agree("benchmark", 81.0, 82.0)
    assert values_agree("release_date", "2026-04", "2026-04-24")
    assert MULTI_VALUED == {a for a, s in SPECS.items() if s.multi_valued} >= {"hardware", "developer"}
    # describe: the spec's phrase, with the role of a chip
    answer = Answer(model="M", attribute="hardware", value="Ascend 910C", role="training")
    assert describe(answer, "hardware") == "Ascend 910C (training)"
    license_answer = Answer(model="M", attribute="license", value="MIT")
    assert describe(license_answer, "license") == "MIT license"
    assert describe(license_answer.model_copy(update={"value": "MIT License"}), "license") == "MIT License"
    # ask: cues in their priority order, comparatives, fact-sheet order
    assert find_attribute("What does the output cost per million tokens?") == "price_output"
    assert find_attribute("How long is its context window?") == "context_window"
    assert comparative("price_input", "min") == "cheaper" and comparative("license", "max") == "ahead"
    assert sheet_rank("developer") == 0 and sheet_rank("no such attribute") == len(SHEET_ORDER)


def test_months_once_with_sept() -> None:
    assert MONTHS["sept"] == MONTHS["sep"] == MONTHS["september"] == 9
    # ask reads the same (wider) table: "Sept" was unknown to it when it built its own from `calendar`
    found = find_constraints(
        "Which model was released Sept. 5, 2024?", benchmark=None, attribute=None, blocked=[]
    )
    assert [(c.attribute, c.value) for c in found] == [("release_date", "2024-09-05")]
    window = find_window("Which models came out in Sept 2024?", datetime(2026, 1, 1, tzinfo=UTC))
    assert window is not None and (window.start.isoformat(), window.end.isoformat()) == (
        "2024-09-01",
        "2024-10-01",
    )

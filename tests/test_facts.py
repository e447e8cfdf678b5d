"""Cross-source reconciliation: agreements, conflicts, syndication, date granularity, summaries."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import claim_at
from tracker.facts import conflicts, reconcile
from tracker.normalize import norm_developer, values_agree
from tracker.records import Article, CitedClaim, Claim
from tracker.render import human_value
from tracker.render.markdown import render_summary_markdown
from tracker.sanitize import safe_text
from tracker.service import model_summary
from tracker.store import Store


def cited(
    model: str,
    attribute: str,
    value: object,
    *,
    story: int,
    article: int | None = None,
    status: str = "stated",
    role: str | None = None,
    name: str | None = None,
    day: int = 1,
    evidence: str | None = None,
) -> CitedClaim:
    """A stored claim as reconcile sees it; one article per story unless told otherwise."""
    article = story if article is None else article
    ev = evidence or f"{model} {attribute} {value}"
    claim = Claim(
        model=model,
        attribute=attribute,
        value=value,
        status=status,
        role=role,  # type: ignore[arg-type]
        name=name,
        evidence=ev,
        start=0,
        end=len(ev),
        id=article * 100 + story,
    )
    return CitedClaim(
        claim=claim,
        article_id=article,
        story_id=story,
        title=f"Story {story}",
        url=f"https://news.example/{article}",
        source=f"site{article}",
        published=datetime(2031, 3, day, tzinfo=UTC),
    )


def only(facts, attribute):  # type: ignore[no-untyped-def]
    [fact] = [f for f in facts if f.attribute == attribute]
    return fact


def test_agreeing_numbers_within_tolerance_are_one_value() -> None:
    facts = reconcile(
        [
            cited("Nimbus-7", "parameters_total", 70_000_000_000, story=1),
            cited("Nimbus-7", "parameters_total", 70_400_000_000, story=2),  # 0.6 % apart: rounding
            cited("Nimbus-7", "context_window", 128_000, story=1),
            cited("Nimbus-7", "context_window", 131_072, story=2),  # 128K written in binary
        ]
    )
    params = only(facts, "parameters_total")
    assert len(params.values) == 1 and params.values[0].support == 2 and not params.conflict
    ctx = only(facts, "context_window")
    assert len(ctx.values) == 1 and not ctx.conflict


def test_value_conflict_majority_first_and_flagged() -> None:
    facts = reconcile(
        [
            cited("Nimbus-7-Max", "parameters_active", 22e9, story=1),
            cited("Nimbus-7-Max", "parameters_active", 22e9, story=2),
            cited("Nimbus-7-Max", "parameters_active", 30e9, story=3),
        ]
    )
    fact = only(facts, "parameters_active")
    assert fact.conflict and fact.conflict_kind == "value"
    assert [v.value for v in fact.values] == [22e9, 30e9]
    assert [v.support for v in fact.values] == [2, 1]
    assert conflicts(facts) == [fact]


def test_syndicated_copies_count_once() -> None:
    # Three articles of one story say 5; two independent stories say 6: the independent value wins.
    facts = reconcile(
        [
            cited("Corvid-2", "price_input", 5.0, story=1, article=1),
            cited("Corvid-2", "price_input", 5.0, story=1, article=2),
            cited("Corvid-2", "price_input", 5.0, story=1, article=3),
            cited("Corvid-2", "price_input", 6.0, story=4),
            cited("Corvid-2", "price_input", 6.0, story=5),
        ]
    )
    fact = only(facts, "price_input")
    assert fact.values[0].value == 6.0 and fact.values[0].support == 2
    assert fact.values[1].support == 1 and len(fact.values[1].sources) == 3
    assert fact.conflict


def test_month_and_day_agree_and_the_day_is_the_consensus() -> None:
    facts = reconcile(
        [
            cited("Corvid-2", "release_date", "2031-03", story=1),
            cited("Corvid-2", "release_date", "2031-03-14", story=2),
            cited("Corvid-2", "release_date", "2031-03", story=3, status="expected"),
        ]
    )
    fact = only(facts, "release_date")
    assert not fact.conflict
    assert fact.values[0].value == "2031-03-14" and fact.values[0].support == 3
    assert fact.values[0].status == "stated"
    assert fact.conflict_kind == "framing"  # a soft note, not a conflict
    assert conflicts(facts) == [] and conflicts(facts, soft=True) == [fact]


def test_two_days_in_one_month_conflict() -> None:
    fact = only(
        reconcile(
            [
                cited("Corvid-2", "release_date", "2031-03-14", story=1),
                cited("Corvid-2", "release_date", "2031-03-20", story=2),
            ]
        ),
        "release_date",
    )
    assert fact.conflict


def test_expected_value_superseded_by_stated_is_not_a_conflict() -> None:
    fact = only(
        reconcile(
            [
                cited("Orla-1", "parameters_total", 2e12, story=1, status="expected"),
                cited("Orla-1", "parameters_total", 1.2e12, story=2),
            ]
        ),
        "parameters_total",
    )
    assert not fact.conflict
    assert fact.values[0].value == 1.2e12 and fact.values[0].status == "stated"
    assert any("superseded" in n for n in fact.notes)


def test_rumours_that_disagree_with_each_other_conflict() -> None:
    fact = only(
        reconcile(
            [
                cited("Orla-1", "parameters_total", 2e12, story=1, status="expected"),
                cited("Orla-1", "parameters_total", 3e12, story=2, status="expected"),
            ]
        ),
        "parameters_total",
    )
    assert fact.conflict and fact.values[0].status == "expected"


def test_several_chips_and_chip_detail_are_not_conflicts() -> None:
    facts = reconcile(
        [
            cited("Nimbus-7", "hardware", "Tessera", story=1, role="inference"),
            cited("Nimbus-7", "hardware", "Tessera T9", story=2, role="training"),
            cited("Nimbus-7", "hardware", "Tessera T12", story=2, role="inference"),
            cited("Nimbus-7", "hardware", "Nvidia H100", story=3, role="inference"),
            cited("Nimbus-7", "hardware", "H100", story=4, role="inference"),
        ]
    )
    fact = only(facts, "hardware")
    assert not fact.conflict
    h100 = next(v for v in fact.values if "H100" in str(v.value))
    assert h100.support == 2  # the vendor word does not make it another chip
    assert conflicts(facts) == []
    # The Tessera family is tied to training by one story and to inference by another: an extent note.
    assert fact.conflict_kind == "extent"


def test_developer_spellings_agree_and_two_developers_are_allowed() -> None:
    facts = reconcile(
        [
            cited("Corvid-2", "developer", "Mistral AI", story=1),
            cited("Corvid-2", "developer", "Mistral", story=2),
            cited("Corvid-2", "developer", "Mosaic ML", story=3),
        ]
    )
    fact = only(facts, "developer")
    assert fact.values[0].support == 2 and not fact.conflict
    assert norm_developer("Google DeepMind") == norm_developer("Google")
    assert norm_developer("Z.ai") == norm_developer("Zhipu AI")


def test_family_and_variant_are_different_models() -> None:
    facts = reconcile(
        [
            cited("Nimbus-7", "parameters_total", 1e12, story=1),
            cited("Nimbus-7-Mini", "parameters_total", 3e11, story=2),
        ]
    )
    assert conflicts(facts) == []
    assert {f.model for f in facts} == {"Nimbus-7", "Nimbus-7-Mini"}


def test_benchmarks_group_by_name() -> None:
    facts = reconcile(
        [
            cited("Orla-1", "benchmark", 71.2, story=1, name="TrailQA"),
            cited("Orla-1", "benchmark", 71.5, story=2, name="trailqa"),
            cited("Orla-1", "benchmark", 40.0, story=1, name="KnotBench"),
        ]
    )
    assert len(facts) == 2 and conflicts(facts) == []
    licenses = reconcile(
        [
            cited("Orla-1", "license", "Apache 2.0", story=1),
            cited("Orla-1", "license", "Apache-2.0", story=2),
            cited("Orla-1", "license", "MIT", story=3),
        ]
    )
    assert only(licenses, "license").conflict and only(licenses, "license").values[0].support == 2


@given(st.floats(min_value=1, max_value=1e13), st.floats(min_value=-0.009, max_value=0.009))
def test_numbers_within_one_percent_agree(x: float, rel: float) -> None:
    assert values_agree("parameters_total", x, x * (1 + rel))


@given(st.floats(min_value=1, max_value=1e13), st.floats(min_value=0.02, max_value=5))
def test_numbers_far_apart_disagree(x: float, rel: float) -> None:
    assert not values_agree("price_input", x, x * (1 + rel))


@given(st.integers(2000, 2099), st.integers(1, 12), st.integers(1, 28))
def test_day_agrees_with_its_month_and_year(y: int, m: int, d: int) -> None:
    day = f"{y}-{m:02d}-{d:02d}"
    assert values_agree("release_date", day, f"{y}-{m:02d}")
    assert values_agree("release_date", f"{y}", day)
    assert not values_agree("release_date", day, f"{y}-{m % 12 + 1:02d}")


def test_human_units_and_safe_text() -> None:
    assert human_value("parameters_total", 1.6e12) == "1.6T"
    assert human_value("parameters_active", 284e9) == "284B"
    assert human_value("context_window", 1_000_000) == "1M"
    assert human_value("context_window", 1_048_576) == "1,048,576"
    assert human_value("price_input", 0.14) == "$0.14"
    assert safe_text("ok\x1b[31mred\x1b]0;title\x07 \u202eevil\x00") == "okred evil"


def _store_with(tmp_path: Path, articles: list[tuple[str, list[Claim]]]) -> Store:
    store = Store(tmp_path / "tracker.db")
    for i, (text, claims) in enumerate(articles):
        store.add_article(
            Article(
                url=f"https://news.example/{i}",
                canonical_url=f"https://news.example/{i}",
                title=f"Launch note {i}",
                source="news.example",
                text=text,
                published=datetime(2031, 3, 10 + i, tzinfo=UTC),
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
            ),
            claims,
        )
    return store


def test_model_summary_from_store(tmp_path: Path) -> None:
    a = "Quillon Labs shipped Quill-3 with 400 billion parameters and a 256K window."
    b = "Quill-3 from Quillon Labs has 410 billion parameters, one report says."
    store = _store_with(
        tmp_path,
        [
            (
                a,
                [
                    claim_at(
                        a,
                        "Quill-3 with 400 billion parameters",
                        model="Quill-3",
                        attribute="parameters_total",
                        value=400e9,
                    ),
                    claim_at(a, "256K window", model="Quill-3", attribute="context_window", value=256000),
                    claim_at(
                        a,
                        "Quillon Labs shipped Quill-3",
                        model="Quill-3",
                        attribute="developer",
                        value="Quillon Labs",
                    ),
                ],
            ),
            (
                b,
                [
                    claim_at(
                        b,
                        "Quill-3 from Quillon Labs has 410 billion parameters",
                        model="Quill-3",
                        attribute="parameters_total",
                        value=410e9,
                    )
                ],
            ),
        ],
    )
    with store:
        summary = model_summary(store, "quill 3")
    assert summary.model == "Quill-3" and summary.developer == "Quillon Labs"
    assert summary.first_reported is not None and summary.last_reported is not None
    assert summary.first_reported < summary.last_reported
    assert len(summary.sources) == 2
    params = next(f for f in summary.facts if f.attribute == "parameters_total")
    assert params.conflict and summary.conflicts == [params]
    md = render_summary_markdown(summary)
    assert "# Quill-3" in md and "conflict" in md and "https://news.example/1" in md


@pytest.mark.parametrize("attribute", ["parameters_total", "license", "release_date", "benchmark"])
def test_single_claim_is_never_a_conflict(attribute: str) -> None:
    value = {"parameters_total": 1e9, "license": "MIT", "release_date": "2031-01", "benchmark": 50}[attribute]
    facts = reconcile([cited("Orla-1", attribute, value, story=1, name="TrailQA")])
    assert not facts[0].conflict and facts[0].values[0].support == 1


def test_family_extent_note_names_who_says_training() -> None:
    facts = reconcile(
        [
            cited("Nimbus-7", "hardware", "Tessera", story=1, role="training"),
            cited("Nimbus-7-Max", "hardware", "Tessera T9", story=1, role="training"),
            cited("Nimbus-7-Mini", "hardware", "Tessera", story=2, role="training"),
            cited("Nimbus-7", "hardware", "Tessera", story=3, role="inference"),
        ]
    )
    notes = [
        f
        for f in conflicts(facts, soft=True)
        if f.model == "Nimbus-7" and "training across" in " ".join(f.notes)
    ]
    assert len(notes) == 1 and not notes[0].conflict
    text = notes[0].notes[0]
    assert "Story 1: trained Nimbus-7, Nimbus-7-Max" in text and "Story 2: trained Nimbus-7-Mini" in text
    assert "Story 3: no training claim" in text


@pytest.mark.slow
def test_dev_conflicts_on_gold_claims(shared_dir: Path, data_dir: Path) -> None:
    """On the dev gold claims: the one value conflict of conflicts.md, none of its listed agreements."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    subprocess.run(
        [sys.executable, str(root / "scripts" / "gold_store.py"), str(shared_dir / "dev"), str(data_dir)],
        check=True,
        capture_output=True,
    )
    with Store(data_dir / "tracker.db", readonly=True) as store:
        facts = reconcile(store.cited_claims())
    hard = conflicts(facts)
    assert [(f.model, f.attribute) for f in hard] == [("DeepSeek-V4-Pro", "parameters_active")]
    assert [v.value for v in hard[0].values] == [49000000000, 37000000000]
    soft = {(f.model, f.attribute, f.conflict_kind) for f in conflicts(facts, soft=True) if not f.conflict}
    assert ("DeepSeek-V4", "hardware", "extent") in soft  # training on Ascend: whole family vs a portion
    assert ("DeepSeek-V4", "release_date", "framing") in soft  # the 2026-04 preview framing


def test_one_article_with_two_variant_values_is_not_a_conflict() -> None:
    fact = only(
        reconcile(
            [
                cited("Corvid-4", "context_window", 8192, story=1, evidence="8,192 for the standard model"),
                cited("Corvid-4", "context_window", 32768, story=1, evidence="32,768 for the long version"),
            ]
        ),
        "context_window",
    )
    assert not fact.conflict and not fact.tie
    assert fact.conflict_kind == "extent" and "one source gives several values" in fact.notes[0]
    assert conflicts([fact]) == [] and conflicts([fact], soft=True) == [fact]


def test_a_source_that_agrees_with_one_of_two_variant_values_is_not_a_conflict() -> None:
    facts = reconcile(
        [
            cited("Corvid-4", "context_window", 8192, story=1),
            cited("Corvid-4", "context_window", 32768, story=1),
            cited("Corvid-4", "context_window", 8192, story=2),
        ]
    )
    assert not only(facts, "context_window").conflict
    clash = reconcile(
        [
            cited("Corvid-4", "context_window", 8192, story=1),
            cited("Corvid-4", "context_window", 32768, story=1),
            cited("Corvid-4", "context_window", 65536, story=2),
        ]
    )
    assert only(clash, "context_window").conflict


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Corvid-4 opened as a preview on 2031-03-03", "Corvid-4 reached general availability on 2031-03-20"),
        ("the beta of Corvid-4 shipped 2031-03-03", "Corvid-4 shipped on 2031-03-20"),
        ("the Corvid-4 base model reads 8K tokens", "the Corvid-4 instruct model reads 32K tokens"),
    ],
)
def test_values_a_stage_or_variant_word_separates_are_not_a_conflict(first: str, second: str) -> None:
    attribute, values = (
        ("context_window", (8192, 32768))
        if "tokens" in first
        else ("release_date", ("2031-03-03", "2031-03-20"))
    )
    fact = only(
        reconcile(
            [
                cited("Corvid-4", attribute, values[0], story=1, evidence=first),
                cited("Corvid-4", attribute, values[1], story=2, evidence=second),
            ]
        ),
        attribute,
    )
    assert not fact.conflict and fact.conflict_kind == "extent"
    assert "different variants or stages" in fact.notes[0]


def test_the_same_words_on_both_sides_still_conflict() -> None:
    fact = only(
        reconcile(
            [
                cited("Corvid-4", "release_date", "2031-03-03", story=1, evidence="a preview on 2031-03-03"),
                cited("Corvid-4", "release_date", "2031-03-09", story=2, evidence="a preview on 2031-03-09"),
            ]
        ),
        "release_date",
    )
    assert fact.conflict


def test_a_one_to_one_split_is_a_tie() -> None:
    tie = only(
        reconcile(
            [
                cited("Corvid-4", "context_window", 64_000, story=1),
                cited("Corvid-4", "context_window", 128_000, story=2),
            ]
        ),
        "context_window",
    )
    assert tie.conflict and tie.tie
    summary = model_summary_of([tie])
    assert "64K or 128K" in summary or "128K or 64K" in summary
    assert "**conflict**, a tie: 1 source each" in summary
    majority = only(
        reconcile(
            [
                cited("Corvid-4", "context_window", 64_000, story=1),
                cited("Corvid-4", "context_window", 64_000, story=3),
                cited("Corvid-4", "context_window", 128_000, story=2),
            ]
        ),
        "context_window",
    )
    assert majority.conflict and not majority.tie


def model_summary_of(facts):  # type: ignore[no-untyped-def]
    from tracker.facts import ModelSummary

    return render_summary_markdown(ModelSummary(model=facts[0].model, facts=facts, sources=[]))

"""The claim extractor: golden fixture articles (our own words), grounding on the eval kit, mentions, CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.claims import canonical_model_name, extract_claims, find_model_mentions
from tracker.records import Claim

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "claims"
PUBLISHED = date(2026, 5, 15)  # a Friday: "today", "on Tuesday", "on Friday" resolve against it


def _key(row: dict[str, object]) -> tuple[object, ...]:
    return (
        row["model"],
        row["attribute"],
        row["value"],
        row.get("name"),
        row.get("role"),
        row.get("status", "stated"),
    )


def _as_row(claim: Claim) -> dict[str, object]:
    out = claim.jsonable()
    return {k: out[k] for k in ("model", "attribute", "value", "name", "role", "status") if k in out}


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.txt")), ids=lambda p: p.stem)
def test_golden_fixture(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = [
        json.loads(line)
        for line in path.with_suffix(".expected.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    got = extract_claims(text, PUBLISHED)
    assert sorted(map(_key, map(_as_row, got)), key=repr) == sorted(map(_key, expected), key=repr)
    for claim in got:
        assert text[claim.start : claim.end] == claim.evidence


def test_every_attribute_has_a_fixture() -> None:
    seen = set()
    for path in FIXTURES.glob("*.expected.jsonl"):
        seen |= {json.loads(line)["attribute"] for line in path.read_text(encoding="utf-8").splitlines()}
    from tracker.records import ATTRIBUTES

    assert seen == set(ATTRIBUTES)


@pytest.mark.parametrize("corpus", ["dev", "dev2", "dev3"])
def test_grounding_on_eval_kit(shared_dir: Path, corpus: str) -> None:
    """text[start:end] == evidence for every claim of every article of the kit."""
    docs = sorted((shared_dir / corpus / "docs").glob("*.txt"))
    if not docs:
        pytest.skip(f"no {corpus} docs")
    total = 0
    for doc in docs:
        text = doc.read_text(encoding="utf-8")
        for published in (None, PUBLISHED):
            for claim in extract_claims(text, published):
                assert text[claim.start : claim.end] == claim.evidence, (doc.name, claim)
                assert Claim.model_validate(claim.model_dump()) == claim  # well-formed though unvalidated
                total += 1
    assert total > 0


def test_one_claim_per_model_attribute_value() -> None:
    text = (
        "Zeta Labs released Mistral Small 4 under the Apache 2.0 license. "
        "Mistral Small 4 is available under the Apache 2.0 license on every cloud."
    )
    claims = extract_claims(text)
    keys = [(c.model, c.attribute, str(c.value), c.name) for c in claims]
    assert len(keys) == len(set(keys))
    assert ("Mistral-Small-4", "license", "Apache-2.0", None) in keys


def test_most_specific_hardware_role_wins() -> None:
    text = (
        "DeepSeek V9 is optimized for Ascend chips. DeepSeek V9 runs on Ascend clusters in production. "
        "DeepSeek V9 was trained on Ascend hardware."
    )
    hw = [c for c in extract_claims(text) if c.attribute == "hardware" and c.value == "Ascend"]
    assert [c.role for c in hw] == ["training"]
    assert "trained" in hw[0].evidence


def test_both_variants_fan_out() -> None:
    text = (
        "DeepSeek V9 comes in two variants, V9-Pro and V9-Flash. Both models support a 2-million-token "
        "context window."
    )
    models = {c.model for c in extract_claims(text) if c.attribute == "context_window"}
    assert models == {"DeepSeek-V9-Pro", "DeepSeek-V9-Flash"}


def test_relative_dates_need_the_publication_date() -> None:
    text = "Moonshot AI released Kimi K5 today."
    assert not [c for c in extract_claims(text) if c.attribute == "release_date"]
    dated = [c for c in extract_claims(text, PUBLISHED) if c.attribute == "release_date"]
    assert [(c.model, c.value) for c in dated] == [("Kimi-K5", "2026-05-15")]


def test_expected_status_for_plans() -> None:
    text = "Zhipu AI is expected to launch GLM-7 in June 2026, with 1.2 trillion parameters."
    claims = {c.attribute: c for c in extract_claims(text)}
    assert claims["release_date"].status == "expected"
    assert claims["parameters_total"].status == "expected"
    assert claims["developer"].status == "stated"


def test_bounds_and_ratios_are_not_values() -> None:
    text = (
        "Phi-9 scores above 90% on MMLU. Phi-9 costs sub-$0.10 per million input tokens. "
        "Phi-9 ranges from 1B to 9B parameters."
    )
    assert extract_claims(text) == []


def test_empty_and_modelless_text() -> None:
    assert extract_claims("") == []
    assert (
        extract_claims("A 70-billion-parameter model was trained on H100s for $2 per million tokens.") == []
    )


@pytest.mark.parametrize(
    ("surface", "canonical"),
    [
        ("Llama 3.1 405B", "Llama-3.1-405B"),
        ("llama 3.1 405b", "Llama-3.1-405B"),
        ("GPT-4o mini", "GPT-4o-mini"),
        ("GPT 4.1", "GPT-4.1"),
        ("Claude 3.5 Sonnet", "Claude-3.5-Sonnet"),
        ("Claude Opus 4", "Claude-Opus-4"),
        ("DeepSeek V4 Pro", "DeepSeek-V4-Pro"),
        # the text's own order and pieces, hyphenated; no brand gets a spelling of its own
        ("V4-Pro", "V4-Pro"),
        ("Gemini-Pro-3.1", "Gemini-Pro-3.1"),
        ("Qwen 2.5 VL", "Qwen-2.5-VL"),
        ("Kimi K2.6", "Kimi-K2.6"),
        ("GLM-5.1", "GLM-5.1"),
        ("Mixtral 8x7B", "Mixtral-8x7B"),
        ("Mistral Small 3", "Mistral-Small-3"),
        ("Falcon 180B", "Falcon-180B"),
        ("Phi-4", "Phi-4"),
        ("DBRX", "DBRX"),
        ("Grok-1", "Grok-1"),
        ("Nemotron 4 340B", "Nemotron-4-340B"),
        ("Hunyuan-Large", "Hunyuan-Large"),
        ("Qwen2.5-72B-Instruct", "Qwen2.5-72B-Instruct"),
        ("Qwen3-235B-A22B", "Qwen3-235B-A22B"),
        ("GLM-4.5V", "GLM-4.5V"),
        ("o3-mini", "o3-mini"),
        ("DeepSeek-R1-Distill-Qwen-32B", "DeepSeek-R1-Distill-Qwen-32B"),
        ("Llama-3.1-Nemotron-70B-Instruct", "Llama-3.1-Nemotron-70B-Instruct"),
        ("Snowflake Arctic", "Snowflake-Arctic"),
        ("Zephyr-9", "Zephyr-9"),
        ("Aurora 2 Pro", "Aurora-2-Pro"),
        ("Vorket 3.1 405B", "Vorket-3.1-405B"),
        ("Kestrel-V3", "Kestrel-V3"),
        ("qux-oss-120b", "qux-oss-120b"),
        ("Xylo-8x7B", "Xylo-8x7B"),
        ("Nimbus 235B-A22B", "Nimbus-235B-A22B"),
    ],
)
def test_canonical_model_name(surface: str, canonical: str) -> None:
    assert canonical_model_name(surface) == canonical


def test_canonical_model_name_rejects_non_models() -> None:
    assert canonical_model_name("the weather in Paris") is None
    assert canonical_model_name("") is None


def test_find_model_mentions_spans_and_shorthand() -> None:
    text = "DeepSeek V4 launched in two versions. V4-Pro is the larger; the Pro version of V4 costs more."
    mentions = find_model_mentions(text)
    for m in mentions:
        assert text[m.start : m.end] == m.surface
    canon = [m.canonical for m in mentions]
    assert canon[0] == "DeepSeek-V4"
    assert canon.count("DeepSeek-V4-Pro") == 2


def test_size_and_variant_references_resolve_in_context() -> None:
    text = (
        "Meta released Llama 3.1 in three sizes. Llama 3.1 405B is the flagship. "
        "The 405-billion-parameter model was trained on 16,000 H100 GPUs. "
        "Meta also shipped Llama 4 Scout. Scout fits on a single H100."
    )
    hw = {(c.model, c.role) for c in extract_claims(text) if c.attribute == "hardware"}
    assert hw == {("Llama-3.1-405B", "training"), ("Llama-4-Scout", "inference")}


def test_comparison_objects_do_not_own_values() -> None:
    text = "GPT-7 is 50% cheaper than GPT-6 Turbo, at $5 per million input tokens."
    assert [(c.model, c.value) for c in extract_claims(text) if c.attribute == "price_input"] == [
        ("GPT-7", 5)
    ]


def test_shorthand_takes_the_brand_and_order_of_the_article() -> None:
    """'Sonnet 4' takes the brand of a full name in the article; 'Opus 3' after 'Claude 3 Opus', its order."""
    text = (
        "Anthropic compared Claude 3.7 Sonnet and Claude 3 Opus with Claude Sonnet 4. "
        "Opus 3 and Sonnet 4 lag."
    )
    names = [m.canonical for m in find_model_mentions(text)]
    assert names == [
        "Claude-3.7-Sonnet",
        "Claude-3-Opus",
        "Claude-Sonnet-4",
        "Claude-3-Opus",
        "Claude-Sonnet-4",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Acme AI released Zephyr-9, a 70 billion parameter language model, on March 3, 2026.",
        "Quillon Labs released Zephyr-9, a 70 billion parameter language model, on March 3, 2026.",
        "The Tarnwick Institute released Zephyr-9, a 70 billion parameter language model, on March 3, 2026.",
    ],
)
def test_unknown_model_by_unknown_lab(text: str) -> None:
    """No catalog: a launch by a lab and a brand never seen is read from how the sentence is written."""
    got = {(c.model, c.attribute, c.value) for c in extract_claims(text)}
    org = text.split(" released")[0].removeprefix("The ")
    assert got == {
        ("Zephyr-9", "parameters_total", 70_000_000_000),
        ("Zephyr-9", "release_date", "2026-03-03"),
        ("Zephyr-9", "developer", org),
    }


@pytest.mark.parametrize(
    "text",
    [
        "The Pixel 9 phone ships with a Tensor G4 chip and 12 GB of memory, Google said on March 3, 2026.",
        "ChatGPT Pro costs $200 per month, and Windows 11 users in Berlin can install the app.",
        "Table 2 compares the 2024 budget with Section 3 of the report; Figure 4 shows a 70 billion gap.",
        "Ivan Petrov scored 86.5% on the exam in Chapter 7 of his 2025 book.",
        "The orla-8 tokenizer reads a context of 131,072 tokens into 256,000 vocabulary entries.",
    ],
)
def test_things_that_are_not_models(text: str) -> None:
    assert [m.canonical for m in find_model_mentions(text)] == []


# -- the CLI --------------------------------------------------------------------------------------


def test_a_pages_own_dateline_dates_it_and_is_no_release() -> None:
    text = (
        " date 2026-02-10 Tamsel Labs is said to be ready to roll out its Orla 5 model by as early as March,"
        " people familiar with the plan say."
    )
    claims = {(c.model, c.attribute): c for c in extract_claims(text)}
    assert claims[("Orla-5", "release_date")].value == "2026-03"  # the year from the dateline
    assert claims[("Orla-5", "release_date")].status == "expected"
    assert all(c.value != "2026-02-10" for c in claims.values())
    # a byline ending with its date dates the page too; a headline with a month in it does not
    byline = "Ann Lee · 11, July 2026\nOn June 26, Tamsel Labs open-sourced Orla 6, a small model for phones."
    assert {c.value for c in extract_claims(byline) if c.attribute == "release_date"} == {"2026-06-26"}
    headline = "Orla 6 arrives in August 2026\nOn June 26, Tamsel Labs open-sourced Orla 6, a small model."
    assert "2026-06-26" not in {c.value for c in extract_claims(headline)}
    # a date given by the caller wins over the page's own
    later = {(c.model, c.attribute): c for c in extract_claims(text, date(2027, 1, 5))}
    assert later[("Orla-5", "release_date")].value == "2027-03"


def test_cli_extract_jsonl(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "launch-note.txt"
    article.write_text(
        "Mistral AI released Codestral 3 on March 4, 2026 under the Apache 2.0 license.", encoding="utf-8"
    )
    result = run_cli("extract", str(article), "--format", "jsonl")
    assert result.code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {(r["doc"], r["attribute"], r["value"]) for r in rows} >= {
        ("launch-note", "release_date", "2026-03-04"),
        ("launch-note", "license", "Apache-2.0"),
    }
    text = article.read_text(encoding="utf-8")
    for r in rows:
        assert text[r["start"] : r["end"]] == r["evidence"]


def test_cli_extract_table_and_published(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "a.txt"
    article.write_text("xAI released Grok 9 today.", encoding="utf-8")
    result = run_cli("extract", str(article), "--published", "2026-05-15")
    assert result.code == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    assert header.split()[:4] == ["doc", "model", "attribute", "value"]
    assert any("2026-05-15" in line and "Grok-9" in line for line in lines)


def test_cli_extract_bad_path_is_usage_error(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("extract", str(tmp_path / "missing.txt"))
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "missing.txt" in result.stderr


def test_cli_extract_bad_format(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "a.txt"
    article.write_text("Phi-4 has 14 billion parameters.", encoding="utf-8")
    assert run_cli("extract", str(article), "--format", "xml").code == 2


# -- robustness -----------------------------------------------------------------------------------

_PIECES = [
    "Llama 3.1 405B",
    "GPT-4o",
    "DeepSeek V3",
    "V3-Pro",
    " both models ",
    "Meta's ",
    " released ",
    " on March 3, 2025",
    " 1.6T parameters",
    " (37B active)",
    " $0.14/M input",
    " $2/$8 per million tokens input/output",
    " 128K context",
    " trained on H100s",
    " under the MIT license",
    " scored 81% on MMLU",
    "\n| Model | Context |\n|---|---|\n| GPT-4o | 128K |\n",
    " today",
    " on Friday",
    " ",
    ".",
    "\n",
    "—",
    "’s",
    "€",
    "İ",
    "\u00a0",
    "9",
    "$",
    "%",
    "(",
    ")",
    "|",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.none() | st.dates())
@settings(max_examples=150, deadline=None)
def test_never_crashes_and_always_grounded(pieces: list[str], published: date | None) -> None:
    text = "".join(pieces)
    for claim in extract_claims(text, published):
        assert text[claim.start : claim.end] == claim.evidence
        assert claim.evidence
        assert Claim.model_validate(claim.model_dump()) == claim


@given(st.text(max_size=300))
@settings(max_examples=150, deadline=None)
def test_arbitrary_text(text: str) -> None:
    for claim in extract_claims(text):
        assert text[claim.start : claim.end] == claim.evidence
    for mention in find_model_mentions(text):
        assert text[mention.start : mention.end] == mention.surface

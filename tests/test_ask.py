"""`tracker ask`: question understanding, answers from a store we build, the real CLI, the eval kit."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers import claim_at
from tracker.ask import ask, find_attribute, find_models
from tracker.config import Paths
from tracker.records import Article
from tracker.store import Store, alias_key

ROOT = Path(__file__).resolve().parent.parent

# Invented launches, in our own words. Two stories agree on Nimbus-7-Max's active parameters, one differs;
# a syndicated copy of story A repeats it and must not count twice.
STORY_A = (
    "Halcyon AI released Nimbus-7 on 3 March 2031. The flagship Nimbus-7-Max holds 1.2 trillion parameters "
    "with 40 billion active per token, and reads a 512K token context. Input costs $0.90 per million tokens "
    "and output $2.70 per million. It was trained on Tessera T9 accelerators. Weights are under Apache 2.0. "
    "Nimbus-7-Mini is smaller at 90 billion parameters. Nimbus-7-Max scores 77.1 on TrailQA."
)
STORY_B = (
    "Nimbus-7-Max, the largest Halcyon model, activates 40 billion parameters per token; Nimbus-7-Mini costs "
    "$0.10 per million input tokens."
)
STORY_C = "A later teardown claims Nimbus-7-Max activates about 52 billion parameters for each token."


def build_store(db: Path) -> None:
    """The fixture store: stories A (plus a syndicated copy), B and C."""
    a = STORY_A
    claims_a = [
        claim_at(
            a, "Halcyon AI released Nimbus-7", model="Nimbus-7", attribute="developer", value="Halcyon AI"
        ),
        claim_at(
            a,
            "released Nimbus-7 on 3 March 2031",
            model="Nimbus-7",
            attribute="release_date",
            value="2031-03-03",
        ),
        claim_at(
            a,
            "Nimbus-7-Max holds 1.2 trillion parameters",
            model="Nimbus-7-Max",
            attribute="parameters_total",
            value=1.2e12,
        ),
        claim_at(
            a, "40 billion active per token", model="Nimbus-7-Max", attribute="parameters_active", value=40e9
        ),
        claim_at(a, "512K token context", model="Nimbus-7-Max", attribute="context_window", value=512000),
        claim_at(
            a,
            "Input costs $0.90 per million tokens",
            model="Nimbus-7-Max",
            attribute="price_input",
            value=0.9,
        ),
        claim_at(a, "output $2.70 per million", model="Nimbus-7-Max", attribute="price_output", value=2.7),
        claim_at(
            a,
            "trained on Tessera T9 accelerators",
            model="Nimbus-7-Max",
            attribute="hardware",
            value="Tessera T9",
            role="training",
        ),
        claim_at(
            a, "Weights are under Apache 2.0", model="Nimbus-7-Max", attribute="license", value="Apache-2.0"
        ),
        claim_at(
            a,
            "Nimbus-7-Mini is smaller at 90 billion parameters",
            model="Nimbus-7-Mini",
            attribute="parameters_total",
            value=90e9,
        ),
        claim_at(
            a,
            "Nimbus-7-Max scores 77.1 on TrailQA",
            model="Nimbus-7-Max",
            attribute="benchmark",
            value=77.1,
            name="TrailQA",
        ),
    ]
    b, c = STORY_B, STORY_C
    claims_b = [
        claim_at(
            b,
            "Nimbus-7-Max, the largest Halcyon model, activates 40 billion parameters",
            model="Nimbus-7-Max",
            attribute="parameters_active",
            value=40e9,
        ),
        claim_at(
            b,
            "Nimbus-7-Mini costs $0.10 per million input tokens",
            model="Nimbus-7-Mini",
            attribute="price_input",
            value=0.1,
        ),
    ]
    claims_c = [
        claim_at(
            c,
            "Nimbus-7-Max activates about 52 billion parameters",
            model="Nimbus-7-Max",
            attribute="parameters_active",
            value=52e9,
        ),
    ]
    with Store(db) as store:
        first, _ = store.add_article(_article("a", a, day=3), claims_a)
        store.add_article(_article("a-copy", a, day=3, story=first), claims_a)  # syndicated copy of story A
        store.add_article(_article("b", b, day=5), claims_b)
        store.add_article(_article("c", c, day=20), claims_c)
        store.add_alias("Nimbus Max", "Nimbus-7-Max")


def _article(slug: str, text: str, *, day: int, story: int | None = None) -> Article:
    url = f"https://wire.example/{slug}"
    return Article(
        url=url,
        canonical_url=url,
        title=f"Wire story {slug}",
        source="wire.example",
        text=text,
        published=datetime(2031, 3, day, tzinfo=UTC),
        story_id=story,
        content_hash=hashlib.sha256((slug + text).encode()).hexdigest(),
    )


@pytest.fixture
def paths(data_dir: Path) -> Paths:
    p = Paths(data_dir)
    build_store(p.db)
    return p


KEYS = {alias_key(m): m for m in ("Nimbus-7", "Nimbus-7-Max", "Nimbus-7-Mini", "Orla-2", "Orla-2-Instruct")}


@pytest.mark.parametrize(
    ("question", "attribute"),
    [
        ("How many parameters does it have?", "parameters_total"),
        ("How big is Orla 2?", "parameters_total"),
        ("How many active parameters per token?", "parameters_active"),
        ("What does it cost per million input tokens?", "price_input"),
        ("output token price of Orla-2", "price_output"),
        ("launch price of Orla 2 output tokens, per million", "price_output"),
        ("Which chips was it trained on?", "hardware"),
        ("What GPUs does it run on?", "hardware"),
        ("When was Orla 2 released?", "release_date"),
        ("How large was its context window at launch?", "context_window"),
        ("Under which license was it released?", "license"),
        ("Who built Orla 2?", "developer"),
        ("What did it score on TrailQA?", "benchmark"),
    ],
)
def test_attribute_understanding(question: str, attribute: str) -> None:
    assert find_attribute(question) == attribute


@pytest.mark.parametrize(
    ("question", "models"),
    [
        ("How big is Nimbus 7 Max?", ["Nimbus-7-Max"]),
        ("how big is nimbus-7-max", ["Nimbus-7-Max"]),
        ("When did Nimbus 7 come out?", ["Nimbus-7"]),
        ("What context does the instruct version of Orla-2 support?", ["Orla-2-Instruct"]),
        ("Compare Orla 2's and Nimbus-7-Mini's prices", ["Orla-2", "Nimbus-7-Mini"]),
    ],
)
def test_model_understanding_prefers_the_most_specific(question: str, models: list[str]) -> None:
    found, _, _ = find_models(question, KEYS)
    assert found == models


def test_word_order_and_newer_versions() -> None:
    keys = dict(KEYS, orla="Orla", vegasonnet4="Vega-Sonnet-4")
    assert find_models("What does Vega 4 Sonnet cost?", keys)[0] == ["Vega-Sonnet-4"]
    # Only the old "Orla" family is known: a question about Orla 3.5 must not be answered with it.
    found, _, unknown = find_models("How big is Orla 3.5?", keys)
    assert found == [] and unknown == ["Orla 3.5"]
    # A single variant word names no model, even if the alias table learned it for one.
    assert find_models("how big is the mini?", dict(KEYS, mini="Nimbus-7-Mini"))[0] == []


def test_unknown_model_is_reported_not_replaced() -> None:
    found, _, unknown = find_models("How many parameters does Falcon-9 Ultra have?", KEYS)
    assert found == [] and unknown == ["Falcon-9 Ultra"]
    assert find_models("what does gpt-9 cost?", KEYS)[2] == ["gpt-9"]


def test_answer_with_conflict_and_syndication(paths: Paths) -> None:
    result = ask("How many active parameters does Nimbus 7 Max have?", paths)
    first = result.answers[0]
    assert (first.model, first.attribute, first.value) == ("Nimbus-7-Max", "parameters_active", 40e9)
    assert first.support == 2  # story A (twice, syndicated) and story B
    assert first.conflict and [o.value for o in first.others] == [52e9]
    assert any(a.value == 52e9 for a in result.answers[1:])  # the other side is an answer too
    urls = {s.url for s in first.sources}
    assert "https://wire.example/b" in urls and "https://wire.example/c" not in urls


def test_answers_cite_only_stored_sources(paths: Paths) -> None:
    with Store(paths.db, readonly=True) as store:
        stored = {a.url: a.text for a in store.articles()}
    for q in (
        "Who made Nimbus 7?",
        "Nimbus Max price",
        "Which chips was Nimbus-7-Max trained on?",
        "What did Nimbus 7 Max score on TrailQA?",
        "Tell me about Nimbus-7-Mini",
    ):
        result = ask(q, paths)
        assert result.answers, q
        for answer in result.answers:
            for source in answer.sources:
                assert source.evidence in stored[source.url]


def test_filters_and_family_fallback(paths: Paths) -> None:
    # Nimbus-7-Max has no release date of its own: the family's is shown, labelled with the family's name.
    result = ask("When was Nimbus 7 Max released?", paths)
    assert result.answers[0].model == "Nimbus-7" and result.answers[0].value == "2031-03-03"
    assert result.note and "Nimbus-7" in result.note
    late = ask(
        "How many active parameters does Nimbus 7 Max have?", paths, since=datetime(2031, 3, 10, tzinfo=UTC)
    )
    assert [a.value for a in late.answers] == [52e9] and not late.answers[0].conflict
    forced = ask("how big?", paths, model="Nimbus Max", attribute="parameters_total")
    assert forced.answers[0].value == 1.2e12
    bench = ask("What did Nimbus 7 Max score on TrailQA?", paths)
    assert bench.answers[0].name == "TrailQA" and bench.answers[0].value == 77.1


def test_unknown_model_gets_no_answer(paths: Paths) -> None:
    result = ask("How many parameters does Falcon-9 Ultra have?", paths)
    assert result.answers == [] and result.note and "Falcon-9" in result.note and "Ultra" in result.note


# -- through the real CLI ---------------------------------------------------------------------------------


def test_cli_ask_json_shape(paths: Paths, run_cli: Callable[..., object]) -> None:
    res = run_cli("ask", "--json", "output token price of Nimbus-7-Max")
    assert res.code == 0, res.stderr  # type: ignore[attr-defined]
    out = json.loads(res.stdout)  # type: ignore[attr-defined]
    assert out["question"] == "output token price of Nimbus-7-Max"
    first = out["answers"][0]
    assert {"model", "attribute", "value", "name", "support", "conflict", "sources"} <= set(first)
    assert (first["model"], first["attribute"], first["value"]) == ("Nimbus-7-Max", "price_output", 2.7)
    assert set(first["sources"][0]) == {"title", "url", "published", "evidence"}


def test_cli_ask_text_answer_first_then_citations(paths: Paths, run_cli: Callable[..., object]) -> None:
    res = run_cli("ask", "How many active parameters does Nimbus 7 Max have?")
    lines = res.stdout.splitlines()  # type: ignore[attr-defined]
    assert lines[0] == "Nimbus-7-Max: 40B active parameters (2 sources); 1 source says 52B"
    assert any(line.startswith("[1] Wire story") for line in lines)
    assert any("https://wire.example/c" in line for line in lines)


def test_cli_ask_empty_store(run_cli: Callable[..., object]) -> None:
    res = run_cli("ask", "How big is anything?")
    # an empty store is not "nothing found" (exit 4 is for a store with data and no answer)
    assert res.code == 0 and "nothing ingested yet" in res.stdout  # type: ignore[attr-defined]
    assert "Traceback" not in res.stderr  # type: ignore[attr-defined]
    res = run_cli("ask", "--json", "How big is anything?")
    assert res.code == 0 and json.loads(res.stdout)["answers"] == []  # type: ignore[attr-defined]
    for args in (("conflicts",), ("summary", "Nimbus-7")):
        res = run_cli(*args)
        assert res.code == 0 and "nothing ingested yet" in res.stdout, args  # type: ignore[attr-defined]


def test_cli_escapes_terminal_sequences(data_dir: Path, run_cli: Callable[..., object]) -> None:
    text = "Sly-1 has \x1b[2J\x1b]0;pwned\x07 8 billion parameters."
    with Store(Paths(data_dir).db) as store:
        store.add_article(
            _article("sly", text, day=1),
            [claim_at(text, text[:-1], model="Sly-1", attribute="parameters_total", value=8e9)],
        )
    res = run_cli("ask", "How big is Sly-1?")
    assert "\x1b" not in res.stdout and "\x07" not in res.stdout  # type: ignore[attr-defined]
    assert res.stdout.startswith("Sly-1: 8B parameters")  # type: ignore[attr-defined]


def test_cli_conflicts_and_summary(paths: Paths, run_cli: Callable[..., object]) -> None:
    res = run_cli("conflicts", "--json")
    report = json.loads(res.stdout)  # type: ignore[attr-defined]
    assert [(c["model"], c["attribute"]) for c in report["conflicts"]] == [
        ("Nimbus-7-Max", "parameters_active")
    ]
    text = run_cli("conflicts").stdout  # type: ignore[attr-defined]
    assert "Nimbus-7-Max parameters_active" in text and "52B" in text
    md = run_cli("summary", "Nimbus Max").stdout  # type: ignore[attr-defined]
    assert md.startswith("# Nimbus-7-Max") and "1.2T" in md and "https://wire.example/b" in md
    assert "no claims about Falcon-9" in run_cli("summary", "Falcon-9").stdout  # type: ignore[attr-defined]
    js = json.loads(run_cli("summary", "Nimbus-7-Max", "--format", "json").stdout)  # type: ignore[attr-defined]
    assert js["model"] == "Nimbus-7-Max" and any(f["conflict"] for f in js["facts"])


# -- the eval kit (skipped when ../shared is absent) ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("split", ["dev", "dev2"])
def test_ask_accuracy_on_gold_claims(split: str, shared_dir: Path, data_dir: Path) -> None:
    """With the gold claims stored, ask must answer >= 95 % of the eval questions first time."""
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gold_store.py"), str(shared_dir / split), str(data_dir)],
        check=True,
        capture_output=True,
    )
    exe = Path(sys.executable).with_name("tracker")
    proc = subprocess.run(
        [
            sys.executable,
            str(shared_dir / "score_ask.py"),
            "--questions",
            str(shared_dir / split / "questions.jsonl"),
            "--cmd",
            f"{exe} ask --json --data-dir {data_dir}",
            "--min-acc",
            "0.95",
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_family_size_is_not_passed_off_as_a_variants(data_dir: Path) -> None:
    text = (
        "Kestrel-2 arrives with 500 billion parameters. Kestrel-2-Max is the 500 billion parameter flagship. "
        "Kestrel-2-Lite costs $0.05 per million input tokens. Kestrel-2 was released on 9 May 2031."
    )
    claims = [
        claim_at(
            text,
            "Kestrel-2 arrives with 500 billion parameters",
            model="Kestrel-2",
            attribute="parameters_total",
            value=500e9,
        ),
        claim_at(
            text,
            "Kestrel-2-Max is the 500 billion parameter flagship",
            model="Kestrel-2-Max",
            attribute="parameters_total",
            value=500e9,
        ),
        claim_at(
            text,
            "Kestrel-2-Lite costs $0.05 per million input tokens",
            model="Kestrel-2-Lite",
            attribute="price_input",
            value=0.05,
        ),
        claim_at(
            text,
            "Kestrel-2 was released on 9 May 2031",
            model="Kestrel-2",
            attribute="release_date",
            value="2031-05-09",
        ),
    ]
    paths = Paths(data_dir)
    with Store(paths.db) as store:
        store.add_article(_article("kestrel", text, day=9), claims)
    size = ask("How many parameters does Kestrel 2 Lite have?", paths)
    assert size.answers == [] and size.note and "Kestrel-2-Lite" in size.note
    date = ask("When was Kestrel 2 Lite released?", paths)
    assert (date.answers[0].model, date.answers[0].value) == ("Kestrel-2", "2031-05-09")

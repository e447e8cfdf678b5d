"""Issue 10, item by item: every kind of question over a small store of invented launches (our own words).

Value lookups, superlatives, comparisons with a verdict, time windows (release and publication dates),
sets, descriptions, "price of X", typo-tolerant names, honest notes, hardware roles, conflicts shown once,
index health, one value formatter, and question understanding that grows linearly with the question.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers import CliResult
from tracker.ask import ask, render, understand
from tracker.config import Paths
from tracker.records import Article, Claim
from tracker.store import Store

NOW = datetime(2031, 4, 25, 12, 0, tzinfo=UTC)

# (slug, published day in April 2031 or (month, day), text, [(model, attribute, value, evidence, role, name)])
Row = tuple[str, str, object, str, str | None, str | None]
ARTICLES: list[tuple[str, tuple[int, int], str, list[Row]]] = [
    (
        "quorra",
        (4, 10),
        "Veltrix Labs released Quorra-3 253B on April 8, 2031. Quorra-3 253B has 253 billion parameters "
        "and a 131,072-token context window. It was trained on Tessera T9 chips. It scored 44.4% on "
        "Humanity's Last Exam. The weights are under the MIT license.",
        [
            ("Quorra-3-253B", "developer", "Veltrix Labs", "Veltrix Labs released Quorra-3 253B", None, None),
            (
                "Quorra-3-253B",
                "release_date",
                "2031-04-08",
                "released Quorra-3 253B on April 8, 2031",
                None,
                None,
            ),
            (
                "Quorra-3-253B",
                "parameters_total",
                253e9,
                "Quorra-3 253B has 253 billion parameters",
                None,
                None,
            ),
            ("Quorra-3-253B", "context_window", 131072, "131,072-token context window", None, None),
            ("Quorra-3-253B", "hardware", "Tessera T9", "trained on Tessera T9 chips", "training", None),
            (
                "Quorra-3-253B",
                "benchmark",
                44.4,
                "scored 44.4% on Humanity's Last Exam",
                None,
                "Humanity's Last Exam",
            ),
            ("Quorra-3-253B", "license", "MIT", "under the MIT license", None, None),
        ],
    ),
    (
        "pexa",
        (4, 20),
        "Brindle AI launched Pexa-2 Flash on April 19, 2031 at $0.14 per million input tokens and $0.56 per "
        "million output tokens. Pexa-2 Flash reads 1 million tokens of context. Pexa-2 Pro costs $1.20 per "
        "million input tokens and $4.80 per million output tokens, with 600 billion parameters. Pexa-2 Pro "
        "runs inference on Tessera T9 chips. Pexa-2 Pro reads 512K tokens.",
        [
            ("Pexa-2-Flash", "developer", "Brindle AI", "Brindle AI launched Pexa-2 Flash", None, None),
            (
                "Pexa-2-Flash",
                "release_date",
                "2031-04-19",
                "launched Pexa-2 Flash on April 19, 2031",
                None,
                None,
            ),
            ("Pexa-2-Flash", "price_input", 0.14, "$0.14 per million input tokens", None, None),
            ("Pexa-2-Flash", "price_output", 0.56, "$0.56 per million output tokens", None, None),
            ("Pexa-2-Flash", "context_window", 1_000_000, "Pexa-2 Flash reads 1 million tokens", None, None),
            ("Pexa-2-Pro", "price_input", 1.2, "Pexa-2 Pro costs $1.20 per million input tokens", None, None),
            ("Pexa-2-Pro", "price_output", 4.8, "$4.80 per million output tokens", None, None),
            ("Pexa-2-Pro", "parameters_total", 600e9, "with 600 billion parameters", None, None),
            (
                "Pexa-2-Pro",
                "hardware",
                "Tessera T9",
                "Pexa-2 Pro runs inference on Tessera T9 chips",
                "inference",
                None,
            ),
            ("Pexa-2-Pro", "context_window", 512_000, "Pexa-2 Pro reads 512K tokens", None, None),
        ],
    ),
    (
        "teardown",
        (3, 2),
        "A teardown of Pexa-2 Pro measured a 256K token window. Quorra-3 253B, it says, holds 262,144 "
        "tokens. Brindle AI developed Pexa-2 Pro.",
        [
            ("Pexa-2-Pro", "context_window", 256_000, "Pexa-2 Pro measured a 256K token window", None, None),
            (
                "Quorra-3-253B",
                "context_window",
                262_144,
                "Quorra-3 253B, it says, holds 262,144 tokens",
                None,
                None,
            ),
            ("Pexa-2-Pro", "developer", "Brindle AI", "Brindle AI developed Pexa-2 Pro", None, None),
        ],
    ),
]


ARTICLES.append(
    (
        "talon",
        (2, 10),
        "Corvid Systems released Talon-1 Thinking, an open-weights reasoning model with 32 billion "
        "parameters, under Apache 2.0. Its closed sibling Talon-1 Pro has 70 billion parameters. Corvid "
        "Systems built both.",
        [
            (
                "Talon-1-Thinking",
                "parameters_total",
                32e9,
                "open-weights reasoning model with 32 billion parameters",
                None,
                None,
            ),
            ("Talon-1-Thinking", "license", "Apache-2.0", "under Apache 2.0", None, None),
            ("Talon-1-Pro", "parameters_total", 70e9, "Talon-1 Pro has 70 billion parameters", None, None),
            ("Talon-1-Thinking", "developer", "Corvid Systems", "Corvid Systems", None, None),
            ("Talon-1-Pro", "developer", "Corvid Systems", "Corvid Systems released", None, None),
        ],
    )
)


def build(paths: Paths) -> None:
    with Store(paths.db) as store:
        for n, (slug, (month, day), text, rows) in enumerate(ARTICLES, start=1):
            claims = []
            for model, attribute, value, evidence, role, name in rows:
                start = text.index(evidence)
                claims.append(
                    Claim(
                        model=model,
                        attribute=attribute,
                        value=value,
                        evidence=evidence,  # type: ignore[arg-type]
                        start=start,
                        end=start + len(evidence),
                        role=role,
                        name=name,
                    )
                )  # type: ignore[arg-type]
            url = f"https://news.example/{slug}"
            article = Article(
                url=url,
                canonical_url=url,
                title=f"Story {slug}",
                source="news.example",
                text=text,
                published=datetime(2031, month, day, tzinfo=UTC),
                story_id=None,
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
            )
            store.add_article(article, claims)
            assert n


@pytest.fixture
def paths(data_dir: Path) -> Paths:
    p = Paths(data_dir)
    build(p)
    return p


def first(paths: Paths, question: str) -> tuple[str, str, object]:
    result = ask(question, paths, now=NOW)
    assert result.answers, result.note
    a = result.answers[0]
    return a.model, str(a.attribute), a.value


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which model has 253 billion parameters?", ("Quorra-3-253B", "parameters_total", 253e9)),
        (
            "Which model launched at about $0.14 per million input tokens?",
            ("Pexa-2-Flash", "price_input", 0.14),
        ),
        ("Which model scored 44.4% on Humanity's Last Exam?", ("Quorra-3-253B", "benchmark", 44.4)),
        ("Which model costs $4.80 per million output tokens?", ("Pexa-2-Pro", "price_output", 4.8)),
    ],
)
def test_value_lookups_answer_with_the_model(
    paths: Paths, question: str, expected: tuple[str, str, object]
) -> None:
    assert first(paths, question) == expected


def test_value_lookup_keeps_to_the_developer_named(paths: Paths) -> None:
    result = ask("Which Brindle AI model scored 44.4% on Humanity's Last Exam?", paths, now=NOW)
    assert result.answers == [] and result.note and "no stored model by Brindle" in result.note


def test_superlatives_and_rankings(paths: Paths) -> None:
    assert first(paths, "Which model has the largest context window?")[:2] == (
        "Pexa-2-Flash",
        "context_window",
    )
    assert first(paths, "What is the cheapest model per output token?") == (
        "Pexa-2-Flash",
        "price_output",
        0.56,
    )
    assert first(paths, "most expensive per input token")[:2] == ("Pexa-2-Pro", "price_input")
    top = ask("top 2 by input price", paths, now=NOW, k=2)
    assert [a.model for a in top.answers][:2] == ["Pexa-2-Pro", "Pexa-2-Flash"]


def test_comparisons_give_a_verdict(paths: Paths) -> None:
    cheap = ask("Which is cheaper, Pexa-2 Pro or Pexa-2 Flash?", paths, now=NOW)
    assert cheap.verdict and cheap.verdict.startswith("Pexa-2-Flash is cheaper")
    assert [a.model for a in cheap.answers][:2] == ["Pexa-2-Flash", "Pexa-2-Pro"]
    big = ask("Which is bigger, Quorra-3 253B or Pexa-2 Pro?", paths, now=NOW)
    assert big.verdict and big.verdict.startswith("Pexa-2-Pro is bigger")
    missing = ask("Which is bigger, Pexa-2 Flash or Pexa-2 Pro?", paths, now=NOW)
    assert missing.verdict and "no claim about the parameters of Pexa-2-Flash" in missing.verdict


def test_price_of_a_model_gives_input_and_output(paths: Paths) -> None:
    result = ask("price of pexa-2 pro", paths, now=NOW)
    assert [(a.attribute, a.value) for a in result.answers][:2] == [
        ("price_input", 1.2),
        ("price_output", 4.8),
    ]
    output = ask("How much is Pexa-2 Pro per million output tokens?", paths, now=NOW)
    assert (output.answers[0].attribute, output.answers[0].value) == ("price_output", 4.8)


@pytest.mark.parametrize(
    ("question", "models"),
    [
        ("Which models were released in April 2031?", {"Quorra-3-253B", "Pexa-2-Flash"}),
        ("What was released last week?", {"Pexa-2-Flash"}),  # 2031-04-18 to now: the 19 April launch
        ("What launched this year?", {"Quorra-3-253B", "Pexa-2-Flash"}),
        ("What was reported in March 2031?", {"Pexa-2-Pro", "Quorra-3-253B"}),  # by publication date
        (
            "Which models were covered in the news since April?",
            {"Quorra-3-253B", "Pexa-2-Flash", "Pexa-2-Pro"},
        ),
    ],
)
def test_time_windows(paths: Paths, question: str, models: set[str]) -> None:
    result = ask(question, paths, now=NOW)
    assert {a.model for a in result.answers} == models, result.note


def test_sets(paths: Paths) -> None:
    assert {a.model for a in ask("Which models are MIT licensed?", paths, now=NOW).answers} == {
        "Quorra-3-253B"
    }
    brindle = ask("What did Brindle AI release?", paths, now=NOW)
    assert {a.model for a in brindle.answers} == {"Pexa-2-Flash", "Pexa-2-Pro"}


def test_descriptions_resolve_against_the_store(paths: Paths) -> None:
    assert first(paths, "How many parameters does Corvid's open-weights thinking model have?") == (
        "Talon-1-Thinking",
        "parameters_total",
        32e9,
    )
    assert first(paths, "How big is Corvid's pro model?") == ("Talon-1-Pro", "parameters_total", 70e9)
    assert first(paths, "What is the output price of Brindle's flash model?") == (
        "Pexa-2-Flash",
        "price_output",
        0.56,
    )
    assert first(paths, "What license did Veltrix Labs use for its 253B model?") == (
        "Quorra-3-253B",
        "license",
        "MIT",
    )


@pytest.mark.parametrize(
    "question", ["quorra-3 253b license", "QUORRA 3 253B LICENSE", "Quora-3 253B license"]
)
def test_names_are_case_insensitive_and_typo_tolerant(paths: Paths, question: str) -> None:
    assert first(paths, question) == ("Quorra-3-253B", "license", "MIT")


def test_honest_about_what_is_not_stored(paths: Paths) -> None:
    result = ask("How many tokens was Quorra-3 253B trained on?", paths, now=NOW)
    assert result.answers == []
    assert result.note and "training tokens" in result.note and "known: developer" in result.note
    assert "context window" in result.note
    missing = ask("What is the license of Pexa-2 Pro?", paths, now=NOW)
    assert missing.answers == [] and missing.note and "no claim about Pexa-2-Pro's license" in missing.note


def test_hardware_role_is_respected(paths: Paths) -> None:
    trained = ask("What hardware was Pexa-2 Pro trained on?", paths, now=NOW)
    assert trained.answers == []
    assert trained.note and "inference" in trained.note
    served = ask("Which chips does Pexa-2 Pro run inference on?", paths, now=NOW)
    assert (served.answers[0].value, served.answers[0].role) == ("Tessera T9", "inference")


def test_every_conflict_is_shown_once(paths: Paths) -> None:
    result = ask("context window of Pexa-2 Pro and Quorra-3 253B", paths, now=NOW)
    assert {a.model for a in result.answers} == {"Pexa-2-Pro", "Quorra-3-253B"}
    assert all(a.conflict for a in result.answers)
    text = render(result)
    headlines = [line for line in text.splitlines() if line.startswith(("Pexa-2-Pro:", "Quorra-3-253B:"))]
    assert len(headlines) == 2, text
    assert "1 source says" in headlines[0] and "1 source says" in headlines[1]


def test_one_value_formatter_everywhere(paths: Paths) -> None:
    from tracker.digest import format_value
    from tracker.render import human_value
    from tracker.render.terminal import render_conflicts
    from tracker.service import conflicts_report, summary_markdown
    from tracker.units import format_value as units_format

    shown = units_format("context_window", 131072)
    assert shown == human_value("context_window", 131072) == format_value("context_window", 131072)
    assert shown in render(ask("context window of Quorra-3 253B", paths, now=NOW))
    assert shown in summary_markdown(paths, "Quorra-3-253B")
    assert shown in render_conflicts(conflicts_report(paths))


def test_understanding_grows_linearly_with_the_question(
    paths: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted, not timed: the alias keys looked up per word stay bounded as the question grows."""
    looked_up: list[int] = []
    real = Store.aliases_for

    def counting(self: Store, keys: object) -> dict[str, str]:
        keys = list(keys)  # type: ignore[call-overload]
        looked_up.append(len(keys))
        return real(self, keys)

    monkeypatch.setattr(Store, "aliases_for", counting)
    filler = "reviewers Looked Closely At Pricing Tiers Quotas Hardware Licenses And Benchmarks Everywhere "
    counts = []
    with Store(paths.db, readonly=True) as store:
        for words in (40, 120, 200):
            question = " ".join((filler.split() * 40)[:words]) + " what is the license of Quorra-3 253B?"
            looked_up.clear()
            intent = understand(question, store, now=NOW)
            assert intent.models == ["Quorra-3-253B"]
            counts.append(sum(looked_up))
    assert counts[2] <= 6 * counts[0], counts  # 5x the words: at most ~5x the keys (quadratic would be 25x)


@pytest.mark.parametrize(
    ("question", "note"),
    [
        ("", "empty question"),
        ("Wie groß ist das Kontextfenster von Quorra-3 253B?", "only questions in English"),
        ("What is the capital of France?", "nothing in the store matches"),
    ],
)
def test_cli_nothing_found_exits_4(
    paths: Paths, run_cli: Callable[..., CliResult], question: str, note: str
) -> None:
    res = run_cli("ask", question)
    assert res.code == 4 and note in res.stdout and "Traceback" not in res.stderr
    res = run_cli("ask", "--json", question)
    assert res.code == 4 and note in json.loads(res.stdout)["note"]


def test_index_missing_or_empty_is_reported(run_cli: Callable[..., CliResult], data_dir: Path) -> None:
    docs = sorted(str(p) for p in (Path(__file__).parent / "fixtures" / "claims").glob("*.txt"))
    assert run_cli("add", *docs).code == 0
    assert json.loads(run_cli("status", "--json").stdout)["index"]["health"] == "ok"
    shutil.rmtree(data_dir / "index")
    (data_dir / "index").mkdir()  # left empty by an interrupted ingest
    status = run_cli("status", "--json")
    assert json.loads(status.stdout)["index"]["health"] == "missing"
    assert "index: missing" in run_cli("status").stdout
    res = run_cli("ask", "which chips were these models trained on")
    assert "rebuilt from the store's vectors" in res.stderr  # from the store's vectors, and said
    assert json.loads(run_cli("status", "--json").stdout)["index"]["health"] == "ok"
    shutil.rmtree(data_dir / "index")
    with Store(data_dir / "tracker.db") as store:  # a store without vectors: nothing to rebuild from
        store.db.execute("DELETE FROM vectors")
    res = run_cli("ask", "which chips were these models trained on")
    assert "warning: the vector index is missing" in res.stderr
    assert "tracker reindex" in res.stderr
    assert run_cli("reindex").code == 0
    assert json.loads(run_cli("status", "--json").stdout)["index"]["health"] == "ok"
    # Stale: the index stops short of the store's newest claims (an ingest killed before its index save).
    meta_path = data_dir / "index" / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["max_id"] = 1
    meta_path.write_text(json.dumps(meta))
    assert json.loads(run_cli("status", "--json").stdout)["index"]["health"] == "stale"
    assert "the vector index is stale" in run_cli("ask", "which chips were these models trained on").stderr

"""Which value, which model: the words a question shares with a value's own stretch of its source, names
written with a "+", variants found by the words of a description, license words inside a model's name.

A small store of invented launches in our own words, built directly (no extractor).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tracker.ask import ask
from tracker.config import Paths
from tracker.records import Article, Claim
from tracker.store import Store

NOW = datetime(2031, 9, 1, tzinfo=UTC)

# One article a text; each claim: (model, attribute, value, evidence, benchmark name).
STORIES: dict[str, tuple[str, list[tuple[str, str, object, str, str | None]]]] = {
    "ostra": (
        "Halvard Works teased Ostra-4 in May 2031. Ostra-4 was formally announced by Halvard Works on "
        "July 2, 2031. On the Quarry-Math test, Ostra-4 scored 61.5 percent and Ostra-4 Mini 55.0 percent, "
        "rising to 72.5 and 66.0 percent respectively with majority voting over 32 samples. The API "
        "charges $0.031 per million input tokens on a cache hit and $0.31 on a cache miss.",
        [
            ("Ostra-4", "release_date", "2031-05", "teased Ostra-4 in May 2031", None),
            ("Ostra-4", "release_date", "2031-07-02", "Ostra-4 was formally announced", None),
            ("Ostra-4", "benchmark", 61.5, "Ostra-4 scored 61.5 percent", "Quarry-Math"),
            ("Ostra-4", "benchmark", 72.5, "rising to 72.5 and 66.0 percent", "Quarry-Math"),
            ("Ostra-4", "price_input", 0.031, "$0.031 per million input tokens on a cache hit", None),
            ("Ostra-4", "price_input", 0.31, "$0.31 on a cache miss", None),
        ],
    ),
    "brakk": (
        "Fennic released two models. Brakk R has 30 billion parameters; Brakk R+ has 98 billion parameters. "
        "Fennic's Quill-2.5-VL-9B reads a 24,576-token context window, and Quill-3-Max reads 300,000 tokens. "
        "Brakk R ships under the Pell Open License; Fennic also made Pell-6.",
        [
            ("Brakk-R", "parameters_total", 30e9, "Brakk R has 30 billion parameters", None),
            ("Brakk-R+", "parameters_total", 98e9, "Brakk R+ has 98 billion parameters", None),
            ("Quill-2.5-VL-9B", "context_window", 24576, "Quill-2.5-VL-9B reads a 24,576-token", None),
            ("Quill-3-Max", "context_window", 300000, "Quill-3-Max reads 300,000 tokens", None),
            ("Quill", "developer", "Fennic", "Fennic's Quill-2.5-VL-9B", None),
            ("Brakk-R", "license", "Pell Open License", "Brakk R ships under the Pell Open License", None),
            ("Pell-6", "developer", "Fennic", "Fennic also made Pell-6", None),
        ],
    ),
    "tolva": (
        "Tolva-3 is the cheapest model on the list - $0.12/$0.24 input, $0.60 output per million tokens. "
        "Its weights ship under Apache 2.0 and its code under the Tolva Community License.",
        [
            ("Tolva-3", "price_input", 0.12, "$0.12/$0.24 input", None),
            ("Tolva-3", "price_input", 0.24, "$0.12/$0.24 input", None),
            ("Tolva-3", "license", "Apache-2.0", "Its weights ship under Apache 2.0", None),
            ("Tolva-3", "license", "Tolva Community License", "code under the Tolva Community License", None),
        ],
    ),
    "tolva-review": (
        "A review of Tolva-3: the weights are Apache 2.0, so any team may run them.",
        [("Tolva-3", "license", "Apache-2.0", "the weights are Apache 2.0", None)],
    ),
    "granary": (
        "Granary-2 Small: a 40-billion-parameter mixture-of-experts model with 8 billion active parameters. "
        "Granary-2 Tiny: a 6-billion-parameter hybrid model with 1 billion active parameters. The Granary-2 "
        "line came out in March 2031.",
        [
            ("Granary", "parameters_active", 8e9, "with 8 billion active parameters", None),
            ("Granary", "parameters_active", 1e9, "hybrid model with 1 billion active parameters", None),
            ("Granary-2", "release_date", "2031-03", "The Granary-2 line came out in March 2031", None),
        ],
    ),
}


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = Paths(tmp_path_factory.mktemp("context"))
    with Store(where.db) as store:
        for slug, (text, rows) in STORIES.items():
            claims = [
                Claim(
                    model=model,
                    attribute=attribute,  # type: ignore[arg-type]
                    value=value,  # type: ignore[arg-type]
                    evidence=evidence,
                    start=text.index(evidence),
                    end=text.index(evidence) + len(evidence),
                    name=name,
                )
                for model, attribute, value, evidence, name in rows
            ]
            url = f"https://launches.example/{slug}"
            store.add_article(
                Article(
                    url=url,
                    canonical_url=url,
                    title=slug,
                    text=text,
                    published=datetime(2031, 8, 1, tzinfo=UTC),
                    content_hash=hashlib.sha256(text.encode()).hexdigest(),
                ),
                claims,
            )
    return where.data_dir


def top(data: Path, question: str) -> tuple[str, str, object]:
    result = ask(question, Paths(data), now=NOW)
    assert result.answers, result.note
    a = result.answers[0]
    return a.model, str(a.attribute), a.value


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("When was Ostra-4 announced?", "2031-07-02"),
        ("When was Ostra-4 teased?", "2031-05"),
        ("What did Ostra-4 score on Quarry-Math with majority voting?", 72.5),
        ("What did Ostra-4 score on Quarry-Math without majority voting?", 61.5),
        ("What does Ostra-4 cost per million input tokens on a cache miss?", 0.31),
        ("What does Ostra-4 cost per million input tokens on a cache hit?", 0.031),
        # tiers with no words to tell them apart: a cache hit is billed below a miss
        ("What does Tolva-3 cost per million input tokens on a cache miss?", 0.24),
        ("What does Tolva-3 cost per million input tokens on a cache hit?", 0.12),
    ],
)
def test_the_value_the_question_words_point_at(paths: Path, question: str, value: object) -> None:
    assert top(paths, question)[2] == value


def test_every_value_of_one_source_is_shown(paths: Path) -> None:
    result = ask("What did Ostra-4 score on Quarry-Math?", Paths(paths), now=NOW)
    assert sorted(float(a.value) for a in result.answers) == [61.5, 72.5]  # type: ignore[arg-type]


def test_a_number_in_the_question_picks_the_value_of_its_sentence(paths: Path) -> None:
    question = "How many parameters does the 40B Granary-2 model activate per token?"
    assert top(paths, question) == ("Granary", "parameters_active", 8e9)


def test_a_name_with_a_plus(paths: Path) -> None:
    assert top(paths, "How large is Brakk R+?") == ("Brakk-R+", "parameters_total", 98e9)
    assert top(paths, "How large is Brakk R?") == ("Brakk-R", "parameters_total", 30e9)
    both = ask("Which is bigger, Brakk R or Brakk R+?", Paths(paths), now=NOW)
    assert both.verdict and both.verdict.startswith("Brakk-R+ is bigger")


def test_variants_found_by_the_words_of_the_question(paths: Path) -> None:
    question = "How long a prompt can Fennic's Quill vision-language models take?"
    assert top(paths, question) == ("Quill-2.5-VL-9B", "context_window", 24576)


def test_a_license_word_inside_a_model_name_is_not_the_license_asked(paths: Path) -> None:
    result = ask("Which license does Pell-6 use?", Paths(paths), now=NOW)
    assert result.kind == "lookup" and result.answers == []
    assert result.note and "no claim about Pell-6's license" in result.note


def test_a_value_question_kept_to_the_family_it_names(paths: Path) -> None:
    """Brakk-R has 30 billion parameters, but the question asks among Granary's models."""
    result = ask("Which Granary model has 30 billion parameters?", Paths(paths), now=NOW)
    assert result.answers == [] and result.note and "no stored Granary model has" in result.note
    assert top(paths, "Which model has 30 billion parameters?")[0] == "Brakk-R"


class _FakeDense:
    """Records how ask uses a dense search started elsewhere."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.collected = 0
        self.cancelled = 0

    def __call__(self, question: str, paths: Paths) -> _FakeDense:
        self.started.append(question)
        return self

    def result(self, while_waiting: object = None) -> list[tuple[int, float]]:
        self.collected += 1
        return [(1, 1.0)]

    def cancel(self) -> None:
        self.cancelled += 1


def test_the_dense_search_starts_before_understanding_and_stops_when_not_needed(
    paths: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracker.ask as ask_mod

    monkeypatch.setattr(ask_mod, "_index_state", lambda paths, store, result=None, restore=True: "ok")
    lookup = _FakeDense()
    ask("How large is Brakk R?", Paths(paths), now=NOW, dense=lookup)
    assert (lookup.started, lookup.collected, lookup.cancelled) == (["How large is Brakk R?"], 0, 1)
    open_question = _FakeDense()
    ask("mixture-of-experts with hybrid layers", Paths(paths), now=NOW, dense=open_question)
    assert (len(open_question.started), open_question.collected, open_question.cancelled) == (1, 1, 0)


def test_capitalized_prose_in_a_long_question_is_not_an_unknown_model(paths: Path) -> None:
    question = (
        "Our support desk answers tickets in French and German. Some of them quote long logs. Which "
        "hybrid model or cache pricing would suit us?"
    )
    result = ask(question, Paths(paths), now=NOW)
    assert result.answers and result.note is None, result.note
    unknown = ask("What is the context window of Zorblax?", Paths(paths), now=NOW)
    assert unknown.answers == [] and unknown.note == "no claims about Zorblax"


def test_the_words_never_overrule_a_consensus(tmp_path: Path) -> None:
    """Two sources say 40B, one says 44B in a sentence that shares a word with the question: 40B first."""
    where = Paths(tmp_path)
    texts = [
        ("a", "Tarrow-2 has 40 billion parameters.", 40e9, "Tarrow-2 has 40 billion parameters"),
        ("b", "Tarrow-2 is a 40 billion parameter model.", 40e9, "Tarrow-2 is a 40 billion parameter model"),
        ("c", "Tarrow-2 has 44 billion total parameters.", 44e9, "Tarrow-2 has 44 billion total parameters"),
    ]
    with Store(where.db) as store:
        for slug, text, value, evidence in texts:
            url = f"https://launches.example/{slug}"
            claim = Claim(
                model="Tarrow-2",
                attribute="parameters_total",
                value=value,
                evidence=evidence,
                start=0,
                end=len(evidence),
            )
            article = Article(
                url=url,
                canonical_url=url,
                title=slug,
                text=text,
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
            )
            store.add_article(article, [claim])
    result = ask("How many total parameters does Tarrow-2 have?", where, now=NOW)
    assert result.answers[0].value == 40e9 and result.answers[0].conflict


def test_words_without_digits_do_not_load_the_extractor(paths: Path) -> None:
    """The claims package (~55 ms to import) is only for names with a version or a size."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tracker.ask import ask\n"
        "from tracker.config import Paths\n"
        f"ask('Our desk answers in French and German. Some logs are long. Which hybrid model?', "
        f"Paths(Path({str(paths)!r})))\n"
        "print('tracker.claims' in sys.modules)\n"
        f"ask('What is the context window of Brakk R 9?', Paths(Path({str(paths)!r})))\n"
        "print('tracker.claims' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "True"]


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("What did Ostra-4 score on Tidewater Reasoning Suite?", "Tidewater Reasoning Suite score"),
        ("What score did Kelvane's Ostra-4 get on the Tidewater benchmark?", "Tidewater score"),
    ],
)
def test_an_unknown_benchmark_is_named_in_the_note(paths: Path, question: str, named: str) -> None:
    result = ask(question, Paths(paths), now=NOW)
    assert result.answers == [] and result.note and f"no claim about Ostra-4's {named}" in result.note


def test_a_description_by_an_owner_the_store_does_not_know(paths: Path) -> None:
    """Brakk-R (Fennic's) is a 30B model under a license, but the question asks for Nvidia's: nothing fits."""
    result = ask("What license does Nvidia's ~30B model use?", Paths(paths), now=NOW)
    assert result.answers == [] and result.note and "by Nvidia" in result.note
    assert top(paths, "What license does the ~30B model use?")[0] == "Brakk-R"


@pytest.mark.parametrize(
    "besides", ["Besides Apache 2.0", "Other than Apache-2.0", "Apart from the Apache 2.0"]
)
def test_a_value_the_question_already_names_goes_last(paths: Path, besides: str) -> None:
    result = ask(f"{besides}, which license covers Tolva-3?", Paths(paths), now=NOW)
    assert [a.value for a in result.answers] == ["Tolva Community License", "Apache-2.0"]
    plain = ask("Which license covers Tolva-3?", Paths(paths), now=NOW)
    assert plain.answers[0].value == "Apache-2.0"  # two sources: first unless the question sets it aside

"""training_tokens end to end, the worked example of docs/adding-an-attribute.md: our own article ->
claims -> store -> `ask` (and the answer's text), with nothing but its spec and its rules added. A model
without the claim gets an honest note: test_ask_kinds.test_honest_about_what_is_not_stored."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from helpers import FIXTURES
from tracker.ask import ask, render
from tracker.claims import extract_claims
from tracker.config import Paths
from tracker.records import Article
from tracker.store import Store
from tracker.units import format_value

ARTICLE = FIXTURES / "claims" / "training_tokens.txt"
PUBLISHED = datetime(2026, 5, 15, tzinfo=UTC)


def _paths(data_dir: Path) -> Paths:
    paths = Paths(data_dir)
    text = ARTICLE.read_text(encoding="utf-8")
    url = "https://news.example/orrery-4"
    article = Article(
        url=url,
        canonical_url=url,
        title="Tarnwick Labs opens Orrery-4 weights",
        source="news.example",
        text=text,
        published=PUBLISHED,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )
    with Store(paths.db) as store:
        store.add_article(article, extract_claims(text, PUBLISHED))
    return paths


def test_ask_how_many_tokens_a_model_was_trained_on(data_dir: Path) -> None:
    paths = _paths(data_dir)
    result = ask("How many tokens was Orrery-4 trained on?", paths, now=PUBLISHED)
    assert result.answers, result.note
    top = result.answers[0]
    assert (top.model, top.attribute, top.value) == ("Orrery-4", "training_tokens", 14_500_000_000_000)
    assert "Orrery-4: trained on 14.5T tokens" in render(result)
    mini = ask("How much training data did Orrery-4-Mini see?", paths, now=PUBLISHED)
    assert [(a.model, a.value) for a in mini.answers[:1]] == [("Orrery-4-Mini", 3_000_000_000_000)]
    # the context question is still a context question
    ctx = ask("How many tokens of context does Orrery-4 take?", paths, now=PUBLISHED)
    assert ctx.answers and ctx.answers[0].attribute == "context_window"


def test_shown_in_human_units() -> None:
    assert format_value("training_tokens", 15e12) == "15T"

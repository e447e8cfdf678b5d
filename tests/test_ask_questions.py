"""Our own question set (tests/fixtures/questions/*.jsonl) over the gold claims of dev + dev2 + dev3 and of
our invented launches (tests/fixtures/invented, each article with its publication date).

The store holds the eval kit's gold claims (scripts/gold_store.py), so this measures `ask` apart from the
extractor; it skips when ../shared is absent. ask.jsonl: questions of every kind (lookups, value lookups,
superlatives and rankings, comparisons with a verdict, time windows, sets, descriptions, open questions),
each with its expected first answer; honest.jsonl: questions the store cannot answer, with the note they
must get. `now` is fixed (2026-10-15) so that "this year" and "since February" mean the same every run.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tracker.ask import AskResult, ask
from tracker.config import Paths
from tracker.normalize import benchmark_key, values_agree
from tracker.records import Answer
from tracker.store import Store, alias_key

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = Path(__file__).resolve().parent / "fixtures" / "questions"
INVENTED = Path(__file__).resolve().parent / "fixtures" / "invented"
NOW = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)  # after every article of the store
MIN_ACCURACY = 0.90


def _load(name: str) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for line in (QUESTIONS / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


@pytest.fixture(scope="module")
def gold_paths(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    from helpers import SHARED

    eval_dir = SHARED / "eval"
    if not eval_dir.is_dir():
        pytest.skip("../shared/eval is not present")
    spec = importlib.util.spec_from_file_location("gold_store", ROOT / "scripts" / "gold_store.py")
    assert spec is not None and spec.loader is not None
    gold_store = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gold_store)
    paths = Paths(tmp_path_factory.mktemp("gold"))
    with Store(paths.db) as store:
        for split in ("dev", "dev2", "dev3"):
            gold_store.load_gold(eval_dir / split, store)
        gold_store.load_gold(INVENTED, store)  # our own invented launches, dated by their meta.json
    return paths


def _model_ok(item: dict[str, Any], model: str) -> bool:
    wanted = item["model"] if isinstance(item["model"], list) else [item["model"]]
    return alias_key(model) in {alias_key(m) for m in wanted}


def _matches(item: dict[str, Any], a: Answer) -> bool:
    if not _model_ok(item, a.model) or (a.attribute != item["attribute"] and not item.get("any_attribute")):
        return False
    if item.get("name") and benchmark_key(a.name) != benchmark_key(item["name"]):
        return False
    return item.get("value") is None or values_agree(item["attribute"], a.value, item["value"])


def judge(item: dict[str, Any], result: AskResult) -> str | None:
    """None when the result is right at 1; else what is wrong."""
    if not result.answers:
        return f"no answer ({result.note})"
    first = result.answers[0]
    if not _matches(item, first):
        return f"first answer {first.model} {first.attribute} {first.value!r}"
    for attribute, value in (item.get("also_attributes") or {}).items():
        if not any(
            a.model == first.model and a.attribute == attribute and values_agree(attribute, a.value, value)
            for a in result.answers
        ):
            return f"no {attribute} {value} for {first.model}"
    if item.get("verdict") and not (result.verdict or "").startswith(item["verdict"]):
        return f"verdict {result.verdict!r}"
    shown = {alias_key(a.model) for a in result.answers}
    missing = [m for m in item.get("all_models", []) if alias_key(m) not in shown]
    if missing:
        return f"missing {missing}"
    if item.get("count"):
        facts = list(dict.fromkeys((a.model, a.attribute, a.name) for a in result.answers))
        if len(facts) != item["count"]:
            return f"{len(facts)} answers, not {item['count']}"
    return None


def test_question_set_covers_every_kind() -> None:
    items = _load("ask.jsonl")
    assert len(items) >= 50
    kinds = {item["kind"] for item in items}
    assert {"lookup", "value", "rank", "compare", "set", "describe", "open"} <= kinds
    assert all(sum(1 for i in items if i["kind"] == kind) >= 3 for kind in kinds - {"open"})


def test_accuracy_at_1_on_our_question_set(gold_paths: Paths) -> None:
    items = _load("ask.jsonl")
    misses = []
    for item in items:
        result = ask(item["q"], gold_paths, now=NOW, k=item.get("count") or 5)
        problem = judge(item, result)
        if problem is not None:
            misses.append(f"{item['q']}: {problem}")
    accuracy = 1 - len(misses) / len(items)
    assert accuracy >= MIN_ACCURACY, f"accuracy@1 {accuracy:.3f}:\n" + "\n".join(misses)


@pytest.mark.parametrize("item", _load("honest.jsonl"), ids=lambda item: item["q"][:40] or "empty")
def test_honest_answers(gold_paths: Paths, item: dict[str, Any]) -> None:
    """Nothing to say: no answers, and a note that says why (and what the store does know)."""
    result = ask(item["q"], gold_paths, now=NOW)
    assert result.answers == [], [(a.model, a.attribute, a.value) for a in result.answers]
    assert result.note is not None
    for text in item["note"]:
        assert text.lower() in result.note.lower(), result.note

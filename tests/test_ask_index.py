"""A vector index that is gone, cut short or damaged: `tracker ask` rebuilds it from the vectors the store
keeps and says so, or answers from keyword search with a warning on stderr and in --json when it cannot;
`tracker status` names the problem; `tracker reindex` puts it right.

The real CLI over our own claim fixtures (tests/fixtures/claims); `test_ask_kinds` covers an emptied index
directory and a stale one.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import CliResult

OPEN_QUESTION = "which chips were these models trained on"  # no model named: hybrid retrieval


@pytest.fixture
def added(run_cli: Callable[..., CliResult], data_dir: Path) -> Path:
    docs = sorted(str(p) for p in (Path(__file__).parent / "fixtures" / "claims").glob("*.txt"))
    assert run_cli("add", *docs).code == 0
    return data_dir / "index"


def _vectors(index_dir: Path) -> Path:
    meta = json.loads((index_dir / "meta.json").read_text())
    return index_dir / str(meta["file"])


def _asked(run_cli: Callable[..., CliResult]) -> tuple[CliResult, dict[str, object]]:
    text = run_cli("ask", OPEN_QUESTION)
    as_json = run_cli("ask", "--json", OPEN_QUESTION)
    return text, json.loads(as_json.stdout)


def _health(run_cli: Callable[..., CliResult]) -> str:
    return str(json.loads(run_cli("status", "--json").stdout)["index"]["health"])


def test_removed_index_directory(run_cli: Callable[..., CliResult], added: Path) -> None:
    """The store keeps every claim's vector: ask rebuilds the index from them and says so, once."""
    shutil.rmtree(added)
    assert _health(run_cli) == "missing"
    assert "tracker reindex" in run_cli("status").stdout
    text = run_cli("ask", OPEN_QUESTION)
    assert text.code == 0 and "the vector index was missing: rebuilt from the store's vectors" in text.stderr
    assert _health(run_cli) == "ok"
    data = json.loads(run_cli("ask", "--json", OPEN_QUESTION).stdout)
    assert data["answers"] and "warnings" not in data  # rebuilt once, then nothing to say


def test_truncated_vectors_file(run_cli: Callable[..., CliResult], added: Path) -> None:
    vectors = _vectors(added)
    vectors.write_bytes(vectors.read_bytes()[:100])  # an ingest killed while writing
    assert _health(run_cli) == "corrupt"
    text, data = _asked(run_cli)
    assert "the vector index was corrupt: rebuilt from the store's vectors" in text.stderr
    assert data["answers"]
    assert _health(run_cli) == "ok"


def test_damaged_vectors_file_of_the_right_size(run_cli: Callable[..., CliResult], added: Path) -> None:
    vectors = _vectors(added)
    vectors.write_bytes(bytes(vectors.stat().st_size))  # same size, nothing readable: only reading tells
    text, data = _asked(run_cli)
    assert "warning: the vector index could not be read" in text.stderr
    assert data["answers"]
    assert any("could not be read" in w for w in data["warnings"])  # type: ignore[attr-defined]
    assert run_cli("reindex").code == 0
    assert "warning" not in run_cli("ask", OPEN_QUESTION).stderr


def test_a_named_model_needs_no_index(run_cli: Callable[..., CliResult], added: Path) -> None:
    """Lookups are answered from SQL: a missing index changes nothing there, so nothing is said."""
    shutil.rmtree(added)
    res = run_cli("ask", "--json", "What hardware was Nova Pro trained on?")
    data = json.loads(res.stdout)
    assert data["answers"][0]["model"] == "Nova-Pro" and "warnings" not in data

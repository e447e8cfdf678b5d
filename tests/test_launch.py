"""The console script's warm dense child: started only for `ask`, same answers as without it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import FIXTURES, CliResult
from tracker import launch


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["ask", "how big is it"], True),
        (["--data-dir", "ask", "ask", "q"], True),  # the option's value is not the command
        (["-v", "--feeds", "f.yaml", "ask", "q", "--json"], True),
        (["--data-dir", "ask", "status"], False),
        (["ask", "--help"], False),
        (["digest", "--since", "7d"], False),
        ([], False),
    ],
)
def test_only_ask_gets_a_warm_child(argv: list[str], expected: bool) -> None:
    assert launch._is_ask(argv) is expected


def test_discard_without_a_child_is_harmless() -> None:
    launch.discard()
    assert launch.submit("q", Path("."), 5) is None


def test_warm_child_gives_the_same_answers(run_cli: Callable[..., CliResult]) -> None:
    docs = sorted(str(p) for p in (FIXTURES / "claims").glob("*.txt"))
    assert run_cli("add", *docs).code == 0
    # No model named: hybrid retrieval, so the dense side (the warm child) is used.
    question = "which chips were these models trained on and how long are their context windows"
    with_child = run_cli("ask", "--json", question)
    without = run_cli("ask", "--json", question, env={"TRACKER_ASK_FORK": "0"})
    assert with_child.code == without.code == 0
    assert with_child.stdout == without.stdout
    assert '"answers": [{' in with_child.stdout

"""The hostile-feed suite: every scripted server behaviour next to a good control feed.

Each case asserts its own expectations, and the suite-wide invariants: the poller never crashes, no
entry of the good control feed is lost, no request reaches a refused address, and no request reaches a
host inside its Retry-After window.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile.behaviours import BEHAVIOURS, Ctx


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[Ctx]:
    context = Ctx.open(tmp_path)
    try:
        yield context
    finally:
        context.close()


def test_suite_is_large_enough() -> None:
    assert len(BEHAVIOURS) >= 40


@pytest.mark.parametrize("name", sorted(BEHAVIOURS))
def test_behaviour(name: str, ctx: Ctx) -> None:
    BEHAVIOURS[name](ctx)
    assert ctx.polls >= 1
    assert ctx.crashes == 0
    assert ctx.lost == 0, "entries of the good control feed went missing"
    assert ctx.refused_hits == 0, "a request reached a refused address"
    assert ctx.early_hits == 0, "a request reached a host before its Retry-After deadline"

"""Helpers shared by the test files (import them: `from helpers import ...`); fixtures live in conftest.py."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.config import FeedsConfig
from tracker.embed import DIM, MODEL_ID
from tracker.records import Claim, Entry, Feed
from tracker.text import strip_html

if TYPE_CHECKING:
    import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TRACKER_SHARED", ROOT.parent / "shared"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def tracker_exe() -> str:
    """The `tracker` script of the running virtualenv, else the one on PATH."""
    exe = Path(sys.executable).with_name("tracker")
    return str(exe) if exe.exists() else "tracker"


def claim_at(text: str, evidence: str, **kw: object) -> Claim:
    """A claim whose evidence span is found in `text` (exact offsets, as the extractor gives them)."""
    start = text.index(evidence)
    return Claim(evidence=evidence, start=start, end=start + len(evidence), **kw)  # type: ignore[arg-type]


def entry_rows(entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """Parsed feed entries as the golden feed fixtures write them (*.expected.json)."""
    return [
        {
            "guid": e.guid,
            "link": e.link,
            "title": e.title,
            "published": e.published.isoformat() if e.published else None,
            "text": strip_html(e.content),
        }
        for e in entries
    ]


def local_feeds(server: Any, *feeds: Feed) -> FeedsConfig:
    """A feeds config for feeds served by a test server on 127.0.0.1 (its port allowed, nothing else)."""
    return FeedsConfig(allow_private=[f"127.0.0.1:{server.port}"], feeds=list(feeds))


class FakeEmbedder:
    """Deterministic unit vectors from a hash of the text; counts what it embeds."""

    model_id = MODEL_ID
    dim = DIM

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        import numpy as np  # only the tests that embed pay for it

        self.embedded.extend(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            out[row] = np.random.default_rng(seed).normal(size=DIM)
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

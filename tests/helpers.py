"""Helpers shared by the test files (import them: `from helpers import ...`); fixtures live in conftest.py."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.config import FeedsConfig
from tracker.embed import DIM, MODEL_ID
from tracker.models import Claim, Feed

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


Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    handler: Handler | None = None  # full control: write the response yourself


@dataclass
class LocalServer:
    """A threaded HTTP server on 127.0.0.1 with scripted routes and a request log."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        status: int = 200,
        content_type: str = "text/html",
        headers: dict[str, str] | None = None,
        handler: Handler | None = None,
    ) -> str:
        if isinstance(body, str):
            body = body.encode("utf-8")
        hdrs = {"Content-Type": content_type, **(headers or {})}
        self.routes[path] = Route(status, body, hdrs, handler)
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for _, p, _ in self.requests if p == path)


def claim_at(text: str, evidence: str, **kw: object) -> Claim:
    """A claim whose evidence span is found in `text` (exact offsets, as the extractor gives them)."""
    start = text.index(evidence)
    return Claim(evidence=evidence, start=start, end=start + len(evidence), **kw)  # type: ignore[arg-type]


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

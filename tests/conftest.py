"""Shared fixtures: a temp data dir, the eval kit path, the real CLI, the local HTTP server on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helpers import SHARED, CliResult, tracker_exe
from localserver import LocalServer

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def shared_dir() -> Path:
    """../shared/eval, or skip when the evaluation kit is absent."""
    eval_dir = SHARED / "eval"
    if not eval_dir.is_dir():
        pytest.skip("../shared/eval is not present")
    return eval_dir


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def run_cli(data_dir: Path) -> Callable[..., CliResult]:
    """Run the real `tracker` entry point in a subprocess with a temp data dir."""

    def run(
        *args: str, env: dict[str, str] | None = None, input: str | None = None, timeout: float = 300
    ) -> CliResult:
        full_env = dict(os.environ, TRACKER_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1")
        full_env.update(env or {})
        proc = subprocess.run(
            [tracker_exe(), *args],
            capture_output=True,
            text=True,
            env=full_env,
            input=input,
            timeout=timeout,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """The one local server (tests/localserver.py) for the length of a test."""
    with LocalServer() as server:
        yield server

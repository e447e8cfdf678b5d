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
        full_env.pop("TRACKER_DATABASE_URL", None)  # SQLite unless the test says otherwise
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


# -- PostgreSQL ---------------------------------------------------------------------------------------
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A fresh database for this test session on the server TRACKER_TEST_DATABASE_URL names (an admin
    connection; default: ADMIN_URL), dropped at the end. No server: skip, unless CI is set (then fail)."""
    from tracker.store.postgres import mask, reason

    admin = os.environ.get("TRACKER_TEST_DATABASE_URL") or ADMIN_URL
    try:
        import psycopg

        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001 - any reason means: no server to test against
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the PostgreSQL server at {mask(admin)}: {reason(exc, admin)}")
        pytest.skip(
            f"no PostgreSQL at {mask(admin)}; point TRACKER_TEST_DATABASE_URL at a server to run these tests"
        )
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from pgtemp import database_on  # the one way to make a throwaway database (the bench uses it too)

    with conn, database_on(conn, admin, "tracker_test") as url:
        yield url


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """The session's database, emptied for this test."""
    import psycopg

    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return pg_server


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str | None:
    """Each backend in turn: None for SQLite (the data dir's file), else the PostgreSQL URL."""
    if request.param == "sqlite":
        return None
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def backend_env(backend: str | None) -> dict[str, str]:
    """Environment for the real CLI on this backend."""
    return {"TRACKER_DATABASE_URL": backend} if backend else {}


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """The one local server (tests/localserver.py) for the length of a test."""
    with LocalServer() as server:
        yield server

"""A throwaway PostgreSQL database for a benchmark: created on the server TRACKER_BENCH_DATABASE_URL names
(an admin connection; default the local test server), dropped afterwards. None when no server answers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


@contextmanager
def temp_database(prefix: str = "tracker_bench") -> Iterator[str | None]:
    admin = os.environ.get("TRACKER_BENCH_DATABASE_URL") or ADMIN_URL
    try:
        import psycopg

        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except Exception:  # noqa: BLE001 - no server: the caller reports PostgreSQL as skipped
        yield None
        return
    with conn, database_on(conn, admin, prefix) as url:
        yield url


@contextmanager
def database_on(conn: Any, admin: str, prefix: str) -> Iterator[str]:
    """Create a uniquely named database through an admin connection, yield its URL, drop it afterwards.

    The one way the bench and the test suite make a throwaway database. C collation: text sorts by code
    point on both backends, as SQLite sorts it."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    conn.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    try:
        yield urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))
    finally:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

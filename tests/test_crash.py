"""kill -9 the real ingest (real store, real embedder, real FAISS index) and check that it recovers.

The loop lives in bench/crash.py (which runs many more kills); here a modest count, on each backend (SQLite,
and PostgreSQL through conftest's server: skipped locally without one, required in CI): every named crash
point once (after an article's commit, before a feed's state is saved, before the index sync, half-way
through writing the index file, before its rename) and a few kills at random moments. Every run gets a
fresh store (data dir, and database on PostgreSQL).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import corpus as corpus_mod  # noqa: E402
from crash import BACKENDS, NAMED_POINTS, Databases, reference_run, scenario  # noqa: E402

ARTICLES = 8

pytestmark = pytest.mark.slow

Served = tuple[Path, Path, dict[str, int], float]


@pytest.fixture(scope="module", params=BACKENDS)
def databases(request: pytest.FixtureRequest) -> Iterator[Databases]:
    """Fresh stores on one backend: SQLite's file in each data dir, or new databases on the test server."""
    if request.param == "sqlite":
        yield Databases()
        return
    import psycopg

    admin = str(request.getfixturevalue("pg_server"))  # skips (or fails in CI) without a server
    with psycopg.connect(admin, autocommit=True) as conn:
        yield Databases(admin, conn)


@pytest.fixture
def database(databases: Databases) -> Iterator[str | None]:
    """This test's store: None (SQLite in the scenario's data dir) or a fresh PostgreSQL database."""
    with databases.fresh() as url:
        yield url


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Served]:
    work = tmp_path_factory.mktemp("crash")
    with corpus_mod.serve(ARTICLES, feeds=2) as corpus, databases.fresh() as url:
        feeds = corpus.feeds_yaml(work / "feeds.yaml")
        reference, duration = reference_run(work, feeds, url)
        yield work, feeds, reference, duration


def test_the_uninterrupted_run_stores_the_corpus(served: Served) -> None:
    _work, _feeds, reference, _duration = served
    assert reference["articles"] == ARTICLES


@pytest.mark.parametrize("point", NAMED_POINTS)
def test_kill_at_named_point(served: Served, database: str | None, point: str) -> None:
    work, feeds, reference, _duration = served
    nth = {"after_commit": ARTICLES // 2, "before_feed_state": 2}.get(point, 1)
    outcome = scenario(work, feeds, reference, point, database=database, crash_at=f"{point}:{nth}")
    assert outcome.killed, f"the crash point {point} was never reached"
    assert outcome.integrity, outcome.detail
    assert outcome.index_ok, outcome.detail
    assert outcome.converged, outcome.detail


@pytest.mark.parametrize("seed", range(5))
def test_kill_at_random_moment(served: Served, database: str | None, seed: int) -> None:
    work, feeds, reference, duration = served
    when = random.Random(seed).uniform(0.2, max(0.5, duration))
    outcome = scenario(work, feeds, reference, f"kill at {when:.2f}s", database=database, kill_after=when)
    assert outcome.integrity, outcome.detail
    assert outcome.index_ok, outcome.detail
    assert outcome.converged, outcome.detail


def test_crash_hook_fires_on_the_named_pass_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker import pipeline

    pipeline._crash_hits.clear()
    monkeypatch.setenv("TRACKER_CRASH_AT", "after_commit:3")
    assert [pipeline.crash_due("after_commit") for _ in range(3)] == [False, False, True]
    assert not pipeline.crash_due("before_rename")
    monkeypatch.delenv("TRACKER_CRASH_AT")
    assert not pipeline.crash_due("after_commit")
    pipeline._crash_hits.clear()


def test_readers_during_an_ingest_never_see_half_an_article(tmp_path: Path) -> None:
    """While the real ingest writes, a reader polls the store: never locked, never a partial article.

    SQLite only: its WAL and lock are what is tested (PostgreSQL's readers see committed rows by design)."""
    import os
    import sqlite3
    import subprocess
    import time

    from tracker.store import Store

    seen: dict[int, set[int]] = {}  # article id -> claim counts observed
    with corpus_mod.serve(ARTICLES, feeds=2, seed=11) as corpus:
        feeds = corpus.feeds_yaml(tmp_path / "feeds.yaml")
        data = tmp_path / "data"
        env = dict(os.environ, TRACKER_DATA_DIR=str(data), TRACKER_FEEDS=str(feeds))
        exe = Path(sys.executable).with_name("tracker")
        proc = subprocess.Popen(
            [str(exe), "ingest", "-q"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        reads = 0
        while proc.poll() is None:
            if (data / "tracker.db").exists():
                try:
                    with Store(data / "tracker.db", readonly=True) as store:
                        rows = store.db.execute(
                            "SELECT a.id, count(c.id) FROM articles a "
                            "LEFT JOIN claims c ON c.article_id = a.id GROUP BY a.id"
                        ).fetchall()
                    reads += 1
                except sqlite3.OperationalError as exc:
                    assert "locked" not in str(exc), exc
                    rows = []  # the file exists but the schema is not there yet
                for article_id, count in rows:
                    seen.setdefault(article_id, set()).add(count)
            time.sleep(0.05)
        _, err = proc.communicate()
        assert proc.returncode == 0, err.decode()
    with Store(data / "tracker.db", readonly=True) as store:
        final = dict(
            store.db.execute("SELECT article_id, count(*) FROM claims GROUP BY article_id").fetchall()
        )
    assert reads > 0 and seen
    for article_id, counts in seen.items():
        assert counts == {final.get(article_id, 0)}, f"article {article_id} seen with {counts} claims"

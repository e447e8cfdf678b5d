"""Several pollers on one PostgreSQL store: feeds leased (FOR UPDATE SKIP LOCKED, with expiry), articles
stored once whoever fetched them, a poller killed with -9 losing nothing, the nightly advisory lock.

The pollers are the real `tracker ingest`, each with its own data dir (a host's index), over a generated
corpus served from 127.0.0.1 (bench/corpus.py). The 300-feed run is bench/ingest_pollers.py's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from helpers import tracker_exe
from tracker.config import Paths
from tracker.errors import LockedError
from tracker.nightly import run_lock
from tracker.store import Store, utcnow

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import corpus as corpus_mod  # noqa: E402

ARTICLES, FEEDS = 24, 12

pytestmark = pytest.mark.slow


def test_leases_are_disjoint_and_expire(pg_url: str) -> None:
    urls = [f"https://feeds.example/{n}" for n in range(5)]
    start = utcnow()
    with Store(pg_url) as a, Store(pg_url) as b, Store(pg_url) as c:
        first = a.claim_feeds(urls, "A", lease_seconds=60, round_started=start, limit=2)
        second = b.claim_feeds(urls, "B", lease_seconds=60, round_started=start, limit=10)
        assert len(first) == 2 and sorted(first + second) == urls
        assert c.claim_feeds(urls, "C", lease_seconds=60, round_started=start) == []
        b.release_feed(second[0], "B")  # done with it this round: nobody else polls it again
        assert c.claim_feeds(urls, "C", lease_seconds=60, round_started=start) == []
        later = utcnow() + timedelta(seconds=1)  # the next round: polled feeds are due again
        assert c.claim_feeds(urls, "C", lease_seconds=60, round_started=later) == [second[0]]
        gone = a.claim_feeds(["https://feeds.example/new"], "A", lease_seconds=0, round_started=start)
        time.sleep(1.1)  # A "died" holding it: its lease has run out (times are kept to the second)
        assert (
            c.claim_feeds(["https://feeds.example/new"], "C", lease_seconds=60, round_started=start) == gone
        )


def test_a_lease_ends_with_its_holders_connection(pg_url: str) -> None:
    """A poller killed with its feeds in hand (its connection gone) frees them at once, not at expiry."""
    urls = [f"https://feeds.example/{n}" for n in range(3)]
    start = utcnow()
    with Store(pg_url) as alive, Store(pg_url) as other:
        held = alive.claim_feeds(urls[:1], "alive", lease_seconds=600, round_started=start)
        dead = Store(pg_url)
        taken = dead.claim_feeds(urls[1:], "dead", lease_seconds=600, round_started=start)
        assert held == urls[:1] and taken == urls[1:]
        assert other.claim_feeds(urls, "next", lease_seconds=600, round_started=start) == []
        dead.close()  # what the server does for a process killed with -9
        deadline = time.monotonic() + 10
        while not (got := other.claim_feeds(urls, "next", lease_seconds=600, round_started=start)):
            assert time.monotonic() < deadline, "the dead holder's leases were never freed"
            time.sleep(0.05)  # the server drops a closed connection's locks as its backend exits
        assert got == urls[1:]  # the live holder keeps its feed


def test_nightly_lock_is_an_advisory_lock_on_postgres(tmp_path: Path, pg_url: str) -> None:
    paths = Paths(tmp_path, database=pg_url)
    with run_lock(paths):
        with pytest.raises(LockedError, match="another `tracker nightly`"), run_lock(paths):
            pass
        assert not (tmp_path / "nightly.lock").exists()  # not the kernel lock
    with run_lock(paths):  # released with its connection
        pass


@pytest.fixture(scope="module")
def corpus() -> Iterator[corpus_mod.Corpus]:
    with corpus_mod.serve(ARTICLES, feeds=FEEDS, seed=13) as served:
        yield served


def _poller(tmp_path: Path, name: str, feeds: Path, pg_url: str, **env: str) -> subprocess.Popen[str]:
    data = tmp_path / name
    full = dict(
        os.environ,
        TRACKER_DATA_DIR=str(data),
        TRACKER_FEEDS=str(feeds),
        TRACKER_DATABASE_URL=pg_url,
        HF_HUB_OFFLINE="1",
        **env,
    )
    return subprocess.Popen(
        [tracker_exe(), "ingest", "--json"],
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stored(pg_url: str) -> list[str]:
    with Store(pg_url, readonly=True) as store:
        return [a.canonical_url for a in store.articles()]


def test_three_pollers_store_every_article_once(
    tmp_path: Path, pg_url: str, corpus: corpus_mod.Corpus
) -> None:
    feeds = corpus.feeds_yaml(tmp_path / "feeds.yaml")
    procs = [_poller(tmp_path, f"host{n}", feeds, pg_url) for n in range(3)]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        reports.append(json.loads(out))
    stored = _stored(pg_url)
    assert len(stored) == len(set(stored)) == ARTICLES
    assert sum(r["articles_new"] for r in reports) == ARTICLES
    polled = [f["url"] for r in reports for f in r["feeds"]]
    assert sorted(polled) == sorted(set(polled)) and len(polled) == FEEDS  # each feed by one poller
    assert sum(1 for r in reports if r["feeds"]) >= 2  # the work was shared


def test_a_poller_killed_mid_run_loses_nothing(
    tmp_path: Path, pg_url: str, corpus: corpus_mod.Corpus
) -> None:
    feeds = corpus.feeds_yaml(tmp_path / "feeds.yaml")
    lease = {"TRACKER_LEASE_SECONDS": "4"}
    Store(pg_url).close()  # the schema exists before the pollers start, so the watch below can read it
    procs = [_poller(tmp_path, f"host{n}", feeds, pg_url, **lease) for n in range(3)]
    import psycopg

    victim = None
    with psycopg.connect(pg_url, autocommit=True) as conn:
        deadline = time.monotonic() + 120
        # kill the first poller seen holding leases (mid-run, feeds in hand); which one gets there first is
        # up to the scheduler, and two pollers may take every feed before the third leases any
        while victim is None and time.monotonic() < deadline:
            for proc in procs:
                held = conn.execute(
                    "SELECT count(*) FROM feeds WHERE lease_owner LIKE %s", (f"%:{proc.pid}:%",)
                ).fetchone()
                if held and held[0]:
                    victim = proc
                    break
            time.sleep(0.05)
    if victim is None:
        pytest.fail("no poller leased a feed")
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=30)
    for proc in [p for p in procs if p is not victim]:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    time.sleep(4.5)  # the dead poller's leases run out
    last = _poller(tmp_path, "host3", feeds, pg_url, **lease)
    out, err = last.communicate(timeout=600)
    assert last.returncode == 0, err
    stored = _stored(pg_url)
    assert len(stored) == len(set(stored)) == ARTICLES
    with Store(pg_url, readonly=True) as store:
        assert not [s for s in store.feed_states() if s["lease_owner"]]  # every lease released

"""The store: migrations, atomic article + claims, lookups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tracker.records import Article, Claim
from tracker.store import MIGRATIONS, Store


def _article(n: int = 1) -> Article:
    url = f"https://example.org/{n}"
    return Article(
        url=url,
        canonical_url=url,
        title=f"Launch {n}",
        text="Acme released Zephyr-2 with 70B parameters.",
        content_hash=f"h{n}",
    )


def _claim() -> Claim:
    return Claim(
        model="Acme-Zephyr-2",
        attribute="parameters_total",
        value=70_000_000_000,
        evidence="70B parameters",
        start=29,
        end=43,
    )


def test_migrations_apply_once(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store(db) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    with Store(db) as store:
        assert store.migrate() == []
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_article_and_claims_round_trip(tmp_path: Path) -> None:
    with Store(tmp_path / "t.db") as store:
        article_id, claim_ids = store.add_article(_article(), [_claim()])
        cited = store.cited_claims(models=["Acme-Zephyr-2"])
        assert [c.claim.id for c in cited] == claim_ids
        assert cited[0].claim.value == 70_000_000_000
        assert cited[0].story_id == article_id
        assert store.find_article(content_hash="h1") == article_id
        assert store.counts() == {"articles": 1, "claims": 1, "models": 1, "stories": 1}
        assert store.fts_search("Zephyr-2 parameters")[0][0] == claim_ids[0]


def test_failed_insert_leaves_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "t.db") as store:
        store.add_article(_article(), [_claim()])
        # Same canonical URL: the unique constraint fails mid-transaction, nothing of it may remain.
        with pytest.raises(sqlite3.IntegrityError):
            store.add_article(_article(), [_claim(), _claim()])
        assert store.counts()["claims"] == 1


def test_claims_by_id_are_found_by_the_primary_key(tmp_path: Path) -> None:
    """With ids and another filter, SQLite must not scan an index of the other column (at 1M claims every
    claim of an attribute, ~30 ms, where the ids take < 1 ms)."""
    with Store(tmp_path / "t.db") as store:
        store.add_article(_article(), [_claim()])
        seen: list[str] = []
        store.db.set_trace_callback(seen.append)
        try:
            found = store.cited_claims(ids=range(1, 201), attributes=["parameters_total"])  # as ask does
        finally:
            store.db.set_trace_callback(None)
        sql = next(s for s in seen if s.lstrip().startswith("SELECT c.*"))
        plans = [str(row[-1]) for row in store.db.execute("EXPLAIN QUERY PLAN " + sql)]
        assert len(found) == 1
        scans_of_c = [p for p in plans if p.startswith(("SEARCH c", "SCAN c"))]
        assert scans_of_c and all("PRIMARY KEY" in p for p in scans_of_c), plans

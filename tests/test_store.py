"""The store: migrations, atomic article + claims, lookups."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tracker.errors import StoreError
from tracker.models import Article, Claim
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


def test_migrations_are_recorded_by_name(tmp_path: Path) -> None:
    with Store(tmp_path / "t.db") as store:
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]


def test_a_store_from_before_names_gets_its_names(tmp_path: Path) -> None:
    """A store that only counted its migrations (user_version) records the names that count meant."""
    db = tmp_path / "t.db"
    with Store(db) as store:
        store.db.execute("DROP TABLE migrations")
    with Store(db, readonly=True) as store:
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
    with Store(db) as store:
        assert store.migrate() == []
        names = [r[0] for r in store.db.execute("SELECT name FROM migrations ORDER BY rowid")]
        assert names == [name for name, _ in MIGRATIONS]


@pytest.mark.parametrize("readonly", [False, True])
def test_a_newer_schema_is_refused_by_name(tmp_path: Path, readonly: bool) -> None:
    db = tmp_path / "t.db"
    with Store(db) as store:
        store.db.execute("INSERT INTO migrations (name, applied) VALUES ('999_from_the_future', 'x')")
        store.db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="999_from_the_future") as err:
        Store(db, readonly=readonly)
    assert f"schema version {len(MIGRATIONS) + 1}" in str(err.value)


def test_an_older_schema_read_only_says_which(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store(db) as store:
        last = MIGRATIONS[-1][0]
        store.db.execute("DELETE FROM migrations WHERE name = ?", (last,))
        store.db.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    with pytest.raises(StoreError, match=f"older schema.*next {last}"):
        Store(db, readonly=True)


def test_open_owns_read_write_and_upgrade(tmp_path: Path) -> None:
    from tracker.config import Paths

    paths = Paths(tmp_path / "data")
    assert not Store.exists(paths)
    with Store.open(paths, "write") as store:
        assert not store.readonly
    with Store.open(paths, "read") as store:
        assert store.readonly and store.has_claims() is False
    with Store.open(paths, "upgrade") as store:
        assert not store.readonly


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


def test_upgrade_gives_old_claims_their_text_hash(tmp_path: Path) -> None:
    """A store from before vectors were kept (no 005): its claims get the key of their embedded text."""
    from tracker.store import embedding_text, text_hash

    db = tmp_path / "t.db"
    with Store(db) as store:
        _, (claim_id,) = store.add_article(_article(), [_claim()])
        store.db.executescript(
            "DROP INDEX claims_text_hash; ALTER TABLE claims DROP COLUMN text_hash; DROP TABLE vectors;"
            "DELETE FROM migrations WHERE name = '005_claim_vectors'; PRAGMA user_version = 4;"
        )
    with Store(db) as store:
        row = store.db.execute("SELECT text_hash FROM claims WHERE id = ?", (claim_id,)).fetchone()
        c = _claim()
        assert row[0] == text_hash(embedding_text(c.model, c.attribute, c.name, c.evidence))
        assert store.applied_migrations()[-1] == "005_claim_vectors"

"""The store: migrations, atomic article + claims, lookups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tracker.errors import StoreError
from tracker.records import Article, Claim
from tracker.store import MIGRATIONS, DuplicateArticle, Store


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


@pytest.fixture
def target(backend: str | None, tmp_path: Path) -> str | Path:
    """Where the store of a test lives: an SQLite file, or the PostgreSQL test database."""
    return backend or tmp_path / "t.db"


def test_article_and_claims_round_trip(target: str | Path) -> None:
    with Store(target) as store:
        article_id, claim_ids = store.add_article(_article(), [_claim()])
        cited = store.cited_claims(models=["Acme-Zephyr-2"])
        assert [c.claim.id for c in cited] == claim_ids
        assert cited[0].claim.value == 70_000_000_000
        assert cited[0].story_id == article_id
        assert store.find_article(content_hash="h1") == article_id
        assert store.counts() == {"articles": 1, "claims": 1, "models": 1, "stories": 1}
        assert store.fts_search("Zephyr-2 parameters")[0][0] == claim_ids[0]


def test_failed_insert_leaves_nothing(target: str | Path) -> None:
    with Store(target) as store:
        store.add_article(_article(), [_claim()])
        # Same canonical URL: the unique constraint fails mid-transaction, nothing of it may remain.
        with pytest.raises(DuplicateArticle):
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


# -- both backends: the interface every stage relies on ----------------------------------------------------
def test_migrations_by_name_on_either_backend(target: str | Path) -> None:
    with Store(target) as store:
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
        assert store.migrate() == []
    with Store(target, readonly=True) as store:
        assert store.readonly and not store.has_claims()


def test_integrity_problems_say_what_is_broken(target: str | Path) -> None:
    """The crash suite's check, on either backend: a sound store has none; a claim whose article is gone
    and a migration missing from the record are each named."""
    with Store(target) as store:
        store.add_article(_article(), [_claim()])
        assert store.integrity_problems() == [] and store.integrity_ok()
        # get past the foreign key the way a damaged store would have (no cascade to the claim)
        if store.dialect == "sqlite":
            store.db.execute("PRAGMA foreign_keys = OFF")
        else:
            store.db.execute("ALTER TABLE claims DROP CONSTRAINT claims_article_id_fkey")
        store.db.execute("DELETE FROM articles")
        store.db.execute("DELETE FROM migrations WHERE name = ?", (MIGRATIONS[-1][0],))
        problems = store.integrity_problems()
        assert not store.integrity_ok()
    assert len(problems) == 2, problems
    assert problems[0].startswith("schema: an older schema") and MIGRATIONS[-1][0] in problems[0]
    assert problems[1] == "1 claims of a missing article"


def test_read_only_store_refuses_writes(target: str | Path) -> None:
    with Store(target) as store:
        store.add_article(_article(), [_claim()])
    with Store(target, readonly=True) as store:
        assert store.counts()["claims"] == 1
        with pytest.raises(store.errors):
            store.set_meta("k", "v")


def test_values_names_and_periods(target: str | Path) -> None:
    license_claim = Claim(
        model="Acme-Zephyr-2", attribute="license", value="MIT", evidence="under MIT", start=0, end=9
    )
    with Store(target) as store:
        store.add_article(_article(1), [_claim(), license_claim], aliases=[("Zephyr 2", "Acme-Zephyr-2")])
        assert [c.claim.attribute for c in store.claims_with_value("parameters_total", low=1e10)] == [
            "parameters_total"
        ]
        assert store.claims_with_value("parameters_total", high=1e9) == []
        assert store.claims_with_value("license", like='"MI%')[0].claim.value == "MIT"
        assert store.ranked_models("parameters_total", descending=True) == ["Acme-Zephyr-2"]
        assert store.ranked_models("license", descending=True) == []  # a text value is no number
        assert store.resolve_alias("zephyr-2") == "Acme-Zephyr-2"
        assert store.models_with_alias_containing("zephyr") == ["Acme-Zephyr-2"]
        assert store.distinct_values("license") == ["MIT"]
        assert len(store.cited_claims(source="EXAMPLE.ORG")) == 2  # case-insensitive, as on SQLite
        run = store.start_run()
        store.finish_run(run, articles_new=1)
        assert store.last_run()["articles_new"] == 1  # type: ignore[index]
        store.save_feed_state("https://example.org/feed", name="Example", consecutive_errors=2)
        assert store.feed_states()[0]["consecutive_errors"] == 2
        guids, urls = store.known_keys()
        assert "https://example.org/1" in urls
        gone = store.delete_article(1)
        assert gone is not None and gone["claims"] == 2
        assert store.counts()["claims"] == 0 and "https://example.org/1" in store.known_keys()[1]


def test_story_fingerprints_survive_all_64_bits(target: str | Path) -> None:
    with Store(target) as store:
        first, _ = store.add_article(_article(1), [], fingerprint=(1 << 64) - 3)
        assert store.find_story((1 << 64) - 1) == first  # 1 bit away, top bit set
        assert store.find_story(0x0F0F_0F0F_0F0F_0F0F) is None


SEARCH_CLAIMS = [
    ("Acme-Zephyr-2", "parameters_total", "Zephyr-2 has 70B parameters in total"),
    ("Acme-Zephyr-2", "license", "The Zephyr-2 weights ship under the MIT license"),
    ("Borealis-9", "context_window", "Borealis-9 reads a 1M token context; parameters were not given"),
    ("Borealis-9", "benchmark", "Borealis-9 scores 81.5 on TrailQA, a benchmark of trail questions"),
    ("Cirrus-GPT-4.5", "parameters_total", "Cirrus GPT-4.5 parameters parameters parameters stay secret"),
]


@pytest.mark.parametrize(
    ("query", "matching", "first"),
    [
        ("TrailQA", {3}, 3),  # a rare token: the one claim holding it
        ("Borealis-9 context", {2, 3}, 2),  # both tokens beat one
        ("gpt-4.5", {4}, 4),  # '.' and '-' stay inside a token
        ("MIT licence license", {1}, 1),
        ("parameters", {0, 2, 4}, None),  # attribute words count: '_' splits parameters_total
        ("total.", set(), None),  # a trailing '.' is part of the token, as in FTS5
    ],
)
def test_search_contract(target: str | Path, query: str, matching: set[int], first: int | None) -> None:
    """The same tokens match the same claims on both backends, best first (store/search.py)."""
    with Store(target) as store:
        ids = []
        for n, (model, attribute, evidence) in enumerate(SEARCH_CLAIMS):
            claim = Claim(model=model, attribute=attribute, value=n, evidence=evidence, start=0, end=5)
            ids.append(store.add_article(_article(n), [claim])[1][0])
        hits = store.fts_search(query)
        assert {i for i, _ in hits} == {ids[n] for n in matching}
        if first is not None:
            assert hits[0][0] == ids[first]
        assert all(score > 0 for _, score in hits)
        assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
        assert store.phrase_in_claims("MIT license") and not store.phrase_in_claims("license MIT")
        assert not store.phrase_in_claims("total Zephyr-2")  # never across two columns
        assert store.fts_term_count("parameters", 10) == 3
        assert store.fts_term_count("parameters", 2) == 2


def test_vectors_are_kept_once_per_text(target: str | Path) -> None:
    with Store(target) as store:
        _, ids = store.add_article(_article(1), [_claim()])
        _, more = store.add_article(_article(2), [_claim()])  # the same text again
        rows = store.claims_without_vectors("m")
        assert [r[0] for r in rows] == ids + more and rows[0][1] == rows[1][1]
        store.put_vectors("m", 2, [(rows[0][1], b"\x00" * 8)])
        store.put_vectors("m", 2, [(rows[0][1], b"\x01" * 8)])  # kept, not replaced
        got_ids, blobs = store.stored_vectors("m", 2)
        assert got_ids == ids + more and blobs == [b"\x00" * 8] * 2
        assert store.vector_count("m") == 1 and store.claims_without_vectors("m") == []


# -- choosing and reaching the PostgreSQL store through the real CLI ---------------------------------------
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgresql://bob:s3cret@127.0.0.1:1/tracker", "cannot connect"),  # nothing listens on port 1
        ("postgresql://bob:s3cret@127.0.0.1:notaport/tracker", "invalid"),
    ],
)
def test_bad_database_url_is_one_line_exit_2_password_masked(run_cli: Any, url: str, reason: str) -> None:
    result = run_cli("status", env={"TRACKER_DATABASE_URL": url})
    assert result.code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0] and "bob:***@127.0.0.1" in lines[0], lines
    assert "s3cret" not in result.stderr + result.stdout


def test_refused_credentials_are_one_line_exit_2_password_masked(run_cli: Any, pg_url: str) -> None:
    """The server turns the login down (here an unknown role: the test server trusts every password)."""
    from urllib.parse import urlsplit

    where = urlsplit(pg_url)
    url = f"postgresql://no_such_role_x:s3cret@{where.hostname}:{where.port or 5432}{where.path}"
    result = run_cli("status", env={"TRACKER_DATABASE_URL": url})
    assert result.code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no_such_role_x:***@" in lines[0] and "cannot connect" in lines[0], lines
    assert "s3cret" not in result.stderr + result.stdout


def test_missing_database_is_one_line_exit_2(run_cli: Any, pg_url: str) -> None:
    url = pg_url.rsplit("/", 1)[0] + "/no_such_tracker_db"
    result = run_cli("status", env={"TRACKER_DATABASE_URL": url})
    assert result.code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "no_such_tracker_db" in result.stderr


def test_another_schema_version_on_postgres_says_which(run_cli: Any, pg_url: str) -> None:
    with Store(pg_url) as store:
        store.db.execute("INSERT INTO migrations (name, applied) VALUES ('999_from_the_future', 'x')")
    result = run_cli("status", env={"TRACKER_DATABASE_URL": pg_url})
    assert result.code == 1 and "999_from_the_future" in result.stderr, result.stderr
    assert f"schema version {len(MIGRATIONS) + 1}" in result.stderr


def test_database_line_in_feeds_yaml_chooses_postgres(run_cli: Any, pg_url: str, tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"database: {pg_url}\nfeeds: []\n", encoding="utf-8")
    result = run_cli("status", "--json", env={"TRACKER_FEEDS": str(feeds)})
    assert result.code == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["backend"] == "postgresql" and info["database"] == pg_url
    plain = run_cli("status", env={"TRACKER_FEEDS": str(feeds)})
    assert f"store: postgresql {pg_url}" in plain.stdout
    sqlite = json.loads(run_cli("status", "--json").stdout)
    assert sqlite["backend"] == "sqlite"


# -- tracker db copy ---------------------------------------------------------------------------------------
def test_db_copy_both_ways_keeps_everything(
    run_cli: Any, data_dir: Path, pg_url: str, tmp_path: Path
) -> None:
    """SQLite -> PostgreSQL -> a new SQLite file: articles, claims (ids kept), vectors, feed state, runs."""
    with Store(data_dir / "tracker.db") as store:
        _, ids = store.add_article(_article(1), [_claim()], aliases=[("Zephyr 2", "Acme-Zephyr-2")])
        store.add_article(_article(2), [_claim()], fingerprint=(1 << 64) - 1)
        store.put_vectors("m", 2, [(store.claims_without_vectors("m")[0][1], b"\x07" * 8)])
        store.save_feed_state("https://example.org/feed", name="Example", etag='"v1"')
        store.finish_run(store.start_run(), articles_new=2)
        store.set_meta("store_uuid", "u-1")
        before = {"cited": store.cited_claims(), "counts": store.counts(), "feeds": store.feed_states()}
    to_pg = run_cli("db", "copy", "--to", pg_url, "--json")
    assert to_pg.code == 0, to_pg.stderr
    assert json.loads(to_pg.stdout)["rows"]["claims"] == 2
    again = run_cli("db", "copy", "--to", pg_url)
    assert again.code == 1 and "already holds articles" in again.stderr
    back = tmp_path / "back.db"
    to_sqlite = run_cli("db", "copy", "--to", str(back), env={"TRACKER_DATABASE_URL": pg_url})
    assert to_sqlite.code == 0, to_sqlite.stderr
    assert "postgresql" in to_sqlite.stdout and "2 claims" in to_sqlite.stdout
    for target in (pg_url, back):
        with Store(target) as store:
            assert store.cited_claims() == before["cited"] and store.counts() == before["counts"]
            assert store.feed_states() == before["feeds"] and store.get_meta("store_uuid") == "u-1"
            assert store.stored_vectors("m", 2) == (ids + [ids[0] + 1], [b"\x07" * 8] * 2)
            assert store.fts_search("parameters")[0][0] in (ids[0], ids[0] + 1)
            assert store.find_story((1 << 64) - 2) is not None
            assert store.resolve_alias("Zephyr 2") == "Acme-Zephyr-2"
            _, new = store.add_article(_article(3), [_claim()])  # ids continue after the copied ones
            assert new[0] == ids[0] + 2


def test_writers_opening_a_new_store_together_migrate_it_once(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "new.db"
    code = f"from tracker.store import Store\nStore({str(db)!r}).close()\n"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True) for _ in range(4)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    with Store(db, readonly=True) as store:
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]


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

"""The schema: named, append-only migrations, recorded by name in the database they were applied to.

A migration is never edited or removed once released; a change is a new entry at the end. Each database
records the names it has applied in the `migrations` table (SQLite also keeps `user_version` = how many,
so a read-only open can check the schema with one pragma). A database holding a name this tracker does not
know was written by a newer tracker: it is refused with that name, never guessed at.
"""

from __future__ import annotations

MIGRATIONS_TABLE = "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)"

# (name, SQLite DDL). The PostgreSQL bodies of the same names live in postgres.py.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "001_initial",
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            etag TEXT,
            last_modified TEXT,
            last_checked TEXT,
            last_success TEXT,
            last_new TEXT,
            consecutive_errors INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            retry_after TEXT,
            entries_seen INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            canonical_url TEXT NOT NULL UNIQUE,
            guid TEXT,
            feed_url TEXT,
            title TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            published TEXT,
            fetched TEXT NOT NULL,
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            story_id INTEGER
        );
        CREATE INDEX articles_guid ON articles (feed_url, guid);
        CREATE INDEX articles_hash ON articles (content_hash);
        CREATE INDEX articles_published ON articles (published);
        CREATE TABLE claims (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            attribute TEXT NOT NULL,
            value TEXT NOT NULL,          -- JSON, so 1.6e12 stays a number and 'MIT' a string
            value_num REAL,
            name TEXT,
            role TEXT,
            status TEXT NOT NULL DEFAULT 'stated',
            evidence TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL
        );
        CREATE INDEX claims_model_attr ON claims (model, attribute);
        CREATE INDEX claims_article ON claims (article_id);
        CREATE TABLE models (
            name TEXT PRIMARY KEY,
            developer TEXT,
            first_seen TEXT
        );
        CREATE TABLE aliases (
            alias TEXT PRIMARY KEY,       -- normalized: lower-case alphanumerics
            model TEXT NOT NULL REFERENCES models (name)
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,
            finished TEXT,
            feeds_ok INTEGER NOT NULL DEFAULT 0,
            feeds_failed INTEGER NOT NULL DEFAULT 0,
            articles_new INTEGER NOT NULL DEFAULT 0,
            claims_new INTEGER NOT NULL DEFAULT 0
        );
        CREATE VIRTUAL TABLE claims_fts USING fts5 (
            model, attribute, name, evidence, content='claims', content_rowid='id',
            tokenize="unicode61 tokenchars '.-'"
        );
        CREATE TRIGGER claims_ai AFTER INSERT ON claims BEGIN
            INSERT INTO claims_fts (rowid, model, attribute, name, evidence)
            VALUES (new.id, new.model, new.attribute, coalesce(new.name, ''), new.evidence);
        END;
        CREATE TRIGGER claims_ad AFTER DELETE ON claims BEGIN
            INSERT INTO claims_fts (claims_fts, rowid, model, attribute, name, evidence)
            VALUES ('delete', old.id, old.model, old.attribute, coalesce(old.name, ''), old.evidence);
        END;
        """,
    ),
    (
        # pipeline: entries we fetched but did not store (off-topic, empty), so a re-run skips them;
        # and the surface form of each alias, for `tracker models`.
        "002_pipeline_skipped",
        """
        CREATE TABLE skipped (
            key TEXT PRIMARY KEY,         -- 'guid ' + feed_url + ' ' + guid, or 'url ' + canonical url
            reason TEXT NOT NULL,
            seen TEXT NOT NULL
        );
        ALTER TABLE aliases ADD COLUMN surface TEXT;
        """,
    ),
    (
        # poll/text: a 64-bit simhash of each article's text, so syndicated copies join one story.
        "003_story_fingerprint",
        """
        ALTER TABLE articles ADD COLUMN fingerprint INTEGER;
        CREATE INDEX articles_fingerprint ON articles (fingerprint);
        """,
    ),
    (
        # ask: questions by value ("which model has 253B parameters", "largest context window", "which
        # models are MIT licensed") and the vocabularies of developers and benchmarks, without a table scan.
        "004_claims_by_value",
        """
        CREATE INDEX claims_attr_name_value ON claims (attribute, name, value);
        """,
    ),
    (
        # index: each claim's embedding kept in the database, once per (embedded text, model), so a lost,
        # corrupt or foreign FAISS file is rebuilt from here without running the model. text_hash is the
        # sha256 of the claim's embedding_text; claims stored before this migration get it on upgrade.
        "005_claim_vectors",
        """
        ALTER TABLE claims ADD COLUMN text_hash TEXT;
        CREATE INDEX claims_text_hash ON claims (text_hash);
        CREATE TABLE vectors (
            text_hash TEXT NOT NULL,
            model TEXT NOT NULL,          -- embed.MODEL_ID: model, runtime, pooling, dimension
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,         -- dim float32, little-endian
            PRIMARY KEY (text_hash, model)
        );
        """,
    ),
    (
        # several pollers on one store: a poller leases the feeds it polls (lease_until, by lease_owner), so
        # no two poll one feed at once and a killed poller's feeds come back when the lease runs out;
        # polled_at (set when a poller is done with a feed) keeps pollers of one round off each other's feeds.
        "006_feed_leases",
        """
        ALTER TABLE feeds ADD COLUMN lease_owner TEXT;
        ALTER TABLE feeds ADD COLUMN lease_until TEXT;
        ALTER TABLE feeds ADD COLUMN polled_at TEXT;
        """,
    ),
]

NAMES = [name for name, _ in MIGRATIONS]


def unknown_names(applied: list[str]) -> list[str]:
    """Applied migrations this tracker does not know (the database was written by a newer tracker)."""
    known = set(NAMES)
    return [name for name in applied if name not in known]


def pending(applied: list[str]) -> list[str]:
    """Known migrations not applied yet, in order."""
    done = set(applied)
    return [name for name in NAMES if name not in done]


def describe_mismatch(applied: list[str]) -> str | None:
    """None when `applied` is exactly this tracker's schema, else the one-line reason (naming the version)."""
    unknown = unknown_names(applied)
    if unknown:
        return (
            f"schema version {len(applied)} is newer than this tracker knows "
            f"(unknown migration {unknown[-1]}; this tracker knows up to {NAMES[-1]})"
        )
    missing = pending(applied)
    if missing:
        return (
            f"an older schema (version {len(applied)}, {len(missing)} migration(s) behind, "
            f"next {missing[0]}); "
            "run `tracker ingest` or `tracker reindex` once with write access"
        )
    return None

"""The SQLite store: the source of truth, and the only module that speaks SQL.

Schema changes are an append-only list of named migrations (MIGRATIONS); `user_version` counts how many
have been applied. WAL mode and a busy timeout let `ask` read while `ingest` writes; every article is
committed together with its claims or not at all.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .dates import iso_utc, parse_iso
from .errors import StoreError
from .records import FEED_STATE_FIELDS, Article, CitedClaim, Claim, ClaimValue

BUSY_TIMEOUT_MS = 30_000

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
]


def _reason(exc: BaseException) -> str:
    """SQLite's message, with a hint for the ones users meet."""
    text = str(exc)
    if "file is not a database" in text:
        return "file is not a database (corrupt or not a tracker store)"
    if "readonly" in text or "read-only" in text:
        return f"{text} (the data dir or tracker.db is read-only; read commands still work)"
    return text


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else iso_utc(value)


def _from_iso(value: str | None) -> datetime | None:
    return parse_iso(value, strict=True)


def _int64(value: int) -> int:
    """A 64-bit unsigned fingerprint as SQLite's signed INTEGER (same bits; find_story masks them back)."""
    value &= 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= 1 << 63 else value


def alias_key(name: str) -> str:
    """How aliases are compared: lower-case alphanumerics only."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


class Store:
    """A connection to tracker.db with the queries the stages need."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        try:
            if readonly:
                self.db = self._connect_readonly()
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
                self.migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {_reason(exc)}") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: {exc.strerror or exc}") from None

    def _connect_readonly(self) -> sqlite3.Connection:
        """A read-only connection that works where nothing may be written; it never writes itself.

        `mode=ro` first (sees a live writer's WAL). When the directory or the file is read-only, SQLite cannot
        create the WAL index (-shm) and fails to read: then `immutable=1`, which reads the file as it is
        (no writer can be appending to a store nobody may write). The schema is checked here, so a file of
        random bytes or a foreign database is one clear error, not a failure deep inside a query.
        """
        if not self.path.is_file():
            raise StoreError(f"{self.path}: {'not a file' if self.path.exists() else 'no such store'}")
        uri = "file:" + quote(str(self.path.absolute()))
        last: sqlite3.DatabaseError | None = None
        for flags in ("mode=ro", "mode=ro&immutable=1"):
            db = sqlite3.connect(f"{uri}?{flags}", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                version = int(db.execute("PRAGMA user_version").fetchone()[0])
                tables = int(db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
            except sqlite3.OperationalError as exc:
                db.close()
                last = exc  # could not open the file or its WAL index for reading: try immutable
                continue
            except sqlite3.DatabaseError as exc:
                db.close()
                raise StoreError(f"{self.path}: {_reason(exc)}") from None
            problem = None
            if version > len(MIGRATIONS):
                problem = f"schema version {version} is newer than this tracker knows"
            elif version == 0 and tables:
                problem = "not a tracker store (an SQLite file without our schema)"
            elif 0 < version < len(MIGRATIONS):
                problem = "an older schema; run `tracker ingest` or `tracker reindex` once with write access"
            if problem:
                db.close()
                raise StoreError(f"{self.path}: {problem}")
            # version 0 and no tables: a store being created right now; its tables appear on commit.
            return db
        raise StoreError(f"{self.path}: cannot read ({_reason(last) if last else 'unknown error'})")

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def migrate(self) -> list[str]:
        """Apply the migrations this file has not seen yet; return their names."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path}: schema version {version} is newer than this tracker knows")
        applied = []
        for number, (name, sql) in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits first, so the DDL and the version bump share one explicit transaction.
            self.db.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
            applied.append(name)
        return applied

    def integrity_ok(self) -> bool:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # -- meta --------------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # -- feeds -------------------------------------------------------------------------------------
    FEED_FIELDS = FEED_STATE_FIELDS

    def save_feed_state(self, url: str, **fields: Any) -> None:
        unknown = set(fields) - set(self.FEED_FIELDS)
        if unknown:
            raise ValueError(f"unknown feed fields: {sorted(unknown)}")
        self.db.execute("INSERT OR IGNORE INTO feeds (url) VALUES (?)", (url,))
        if fields:
            sets = ", ".join(f"{k} = ?" for k in fields)
            self.db.execute(f"UPDATE feeds SET {sets} WHERE url = ?", (*fields.values(), url))

    def clear_backoff(self, urls: Iterable[str]) -> None:
        """Forget these feeds' error backoff and Retry-After deadline, so the next run polls them now."""
        for url in urls:
            self.db.execute("UPDATE feeds SET retry_after = NULL WHERE url = ?", (url,))

    def delete_article(self, article_id: int) -> dict[str, Any] | None:
        """Remove one article and its claims (one transaction), and models left without any claim.

        Its URLs and GUID are remembered as skipped ("forgotten") so ingest does not store it again.
        Returns {id, url, title, claims} or None when there is no such article.
        """
        with self.transaction() as db:
            row = db.execute(
                "SELECT id, url, canonical_url, title, feed_url, guid FROM articles WHERE id = ?",
                (article_id,),
            ).fetchone()
            if row is None:
                return None
            models = [
                r[0]
                for r in db.execute("SELECT DISTINCT model FROM claims WHERE article_id = ?", (article_id,))
            ]
            claims = db.execute("DELETE FROM claims WHERE article_id = ?", (article_id,)).rowcount
            db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            for model in models:
                if db.execute("SELECT 1 FROM claims WHERE model = ? LIMIT 1", (model,)).fetchone() is None:
                    db.execute("DELETE FROM aliases WHERE model = ?", (model,))
                    db.execute("DELETE FROM models WHERE name = ?", (model,))
            self.mark_skipped(
                "forgotten",
                feed_url=row["feed_url"],
                guid=row["guid"],
                urls=(row["url"], row["canonical_url"]),
            )
        return {"id": row["id"], "url": row["url"], "title": row["title"], "claims": claims}

    def article_ids_for(self, key: str) -> list[int]:
        """Ids of the articles a user means by `key`: an id, a URL or canonical URL."""
        if key.strip().isdigit():
            return [int(key)] if self.article(int(key)) is not None else []
        rows = self.db.execute(
            "SELECT id FROM articles WHERE url = ? OR canonical_url = ?", (key.strip(), key.strip())
        )
        return [int(r[0]) for r in rows]

    def feed_states(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM feeds ORDER BY name, url")]

    # -- articles ----------------------------------------------------------------------------------
    def find_article(
        self,
        *,
        canonical_url: str | None = None,
        guid: str | None = None,
        feed_url: str | None = None,
        content_hash: str | None = None,
    ) -> int | None:
        """Id of an article already stored under any of these keys, else None."""
        if canonical_url:
            row = self.db.execute(
                "SELECT id FROM articles WHERE canonical_url = ?", (canonical_url,)
            ).fetchone()
            if row:
                return int(row[0])
        if guid and feed_url:
            row = self.db.execute(
                "SELECT id FROM articles WHERE feed_url = ? AND guid = ?", (feed_url, guid)
            ).fetchone()
            if row:
                return int(row[0])
        if content_hash:
            row = self.db.execute(
                "SELECT id FROM articles WHERE content_hash = ?", (content_hash,)
            ).fetchone()
            if row:
                return int(row[0])
        return None

    def add_article(
        self,
        article: Article,
        claims: Iterable[Claim],
        *,
        aliases: Iterable[tuple[str, str]] = (),
        fingerprint: int | None = None,
    ) -> tuple[int, list[int]]:
        """Store one article with its claims, model aliases ((surface, canonical)) and story fingerprint
        in one transaction. Returns (article id, claim ids).
        """
        claims = list(claims)
        with self.transaction() as db:
            cur = db.execute(
                """INSERT INTO articles (url, canonical_url, guid, feed_url, title, source, published,
                                         fetched, text, content_hash, story_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    article.url,
                    article.canonical_url,
                    article.guid,
                    article.feed_url,
                    article.title,
                    article.source,
                    _iso(article.published),
                    _iso(utcnow()),
                    article.text,
                    article.content_hash,
                    article.story_id,
                ),
            )
            article_id = int(cur.lastrowid or 0)
            if article.story_id is None:
                db.execute("UPDATE articles SET story_id = id WHERE id = ?", (article_id,))
            if fingerprint is not None:
                db.execute(
                    "UPDATE articles SET fingerprint = ? WHERE id = ?", (_int64(fingerprint), article_id)
                )
            claim_ids = [self._insert_claim(db, article_id, c) for c in claims]
            published = _iso(article.published) or _iso(utcnow())
            for c in claims:
                db.execute(
                    "INSERT OR IGNORE INTO models (name, first_seen) VALUES (?, ?)", (c.model, published)
                )
                self._insert_alias(db, c.model, c.model, published)
                if c.attribute == "developer" and isinstance(c.value, str):
                    db.execute(
                        "UPDATE models SET developer = ? WHERE name = ? AND developer IS NULL",
                        (c.value, c.model),
                    )
            for surface, model in aliases:
                self._insert_alias(db, surface, model, published)
        return article_id, claim_ids

    @staticmethod
    def _insert_claim(db: sqlite3.Connection, article_id: int, c: Claim) -> int:
        num = float(c.value) if isinstance(c.value, (int, float)) else None
        cur = db.execute(
            """INSERT INTO claims (article_id, model, attribute, value, value_num, name, role, status,
                                   evidence, start, "end")
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                article_id,
                c.model,
                c.attribute,
                json.dumps(c.value),
                num,
                c.name,
                c.role,
                c.status,
                c.evidence,
                c.start,
                c.end,
            ),
        )
        return int(cur.lastrowid or 0)

    def article(self, article_id: int) -> Article | None:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def articles(self, *, since: datetime | None = None) -> list[Article]:
        sql, args = "SELECT * FROM articles", []
        if since is not None:
            sql += " WHERE coalesce(published, fetched) >= ?"
            args.append(_iso(since))
        return [self._article(r) for r in self.db.execute(sql + " ORDER BY id", args)]

    @staticmethod
    def _article(row: sqlite3.Row) -> Article:
        return Article(
            id=row["id"],
            url=row["url"],
            canonical_url=row["canonical_url"],
            title=row["title"],
            source=row["source"],
            feed_url=row["feed_url"],
            guid=row["guid"],
            published=_from_iso(row["published"]),
            text=row["text"],
            content_hash=row["content_hash"],
            story_id=row["story_id"],
        )

    # -- claims ------------------------------------------------------------------------------------
    def cited_claims(
        self,
        *,
        ids: Iterable[int] | None = None,
        models: Iterable[str] | None = None,
        attributes: Iterable[str] | None = None,
        since: datetime | None = None,
        source: str | None = None,
    ) -> list[CitedClaim]:
        """Claims joined with their articles, filtered; ordered by claim id."""
        where: list[str] = []
        args: list[Any] = []
        filters: tuple[tuple[str, Iterable[Any] | None], ...] = (
            ("c.id", ids),
            ("c.model", models),
            ("c.attribute", attributes),
        )
        for column, values in filters:
            if values is not None:
                wanted = list(values)
                if not wanted:
                    return []
                # Ids given: the primary key finds the rows. A unary + keeps SQLite from scanning an index on
                # another column instead (every claim of an attribute: ~30 ms at 1M claims, vs <1 ms).
                column = f"+{column}" if ids is not None and column != "c.id" else column
                where.append(f"{column} IN ({','.join('?' * len(wanted))})")
                args.extend(wanted)
        if since is not None:
            where.append("coalesce(a.published, a.fetched) >= ?")
            args.append(_iso(since))
        if source:
            where.append("(a.source LIKE ? OR a.url LIKE ?)")
            args.extend([f"%{source}%", f"%{source}%"])
        sql = """SELECT c.*, a.title, a.url, a.source, a.published, a.story_id
                 FROM claims c JOIN articles a ON a.id = c.article_id"""
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [self._cited(r) for r in self.db.execute(sql + " ORDER BY c.id", args)]

    @staticmethod
    def _cited(row: sqlite3.Row) -> CitedClaim:
        value: ClaimValue = json.loads(row["value"])
        claim = Claim(
            id=row["id"],
            article_id=row["article_id"],
            model=row["model"],
            attribute=row["attribute"],
            value=value,
            name=row["name"],
            role=row["role"],
            status=row["status"],
            evidence=row["evidence"],
            start=row["start"],
            end=row["end"],
        )
        return CitedClaim(
            claim=claim,
            article_id=row["article_id"],
            story_id=row["story_id"] or row["article_id"],
            title=row["title"],
            url=row["url"],
            source=row["source"],
            published=_from_iso(row["published"]),
        )

    def claim_texts(self, after_id: int = 0) -> list[tuple[int, str]]:
        """(claim id, text to embed) for claims with id > after_id, in id order."""
        rows = self.db.execute(
            "SELECT id, model, attribute, name, evidence FROM claims WHERE id > ? ORDER BY id", (after_id,)
        )
        return [(r["id"], embedding_text(r["model"], r["attribute"], r["name"], r["evidence"])) for r in rows]

    def claim_ids(self) -> list[int]:
        return [int(r[0]) for r in self.db.execute("SELECT id FROM claims ORDER BY id")]

    def fts_search(self, query: str, limit: int = 50) -> list[tuple[int, float]]:
        """BM25 over claim model / attribute / name / evidence: [(claim id, score)], best first."""
        terms = [t for t in "".join(ch if ch.isalnum() or ch in ".-" else " " for ch in query).split() if t]
        if not terms:
            return []
        match = " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
        try:
            rows = self.db.execute(
                "SELECT rowid, bm25(claims_fts) AS s FROM claims_fts WHERE claims_fts MATCH ? "
                "ORDER BY s LIMIT ?",
                (match, limit),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        return [(int(r[0]), -float(r[1])) for r in rows]

    # -- models and aliases ------------------------------------------------------------------------
    def add_alias(self, alias: str, model: str) -> None:
        self._insert_alias(self.db, alias, model, None)

    @staticmethod
    def _insert_alias(db: sqlite3.Connection, alias: str, model: str, first_seen: str | None) -> None:
        key = alias_key(alias)
        if not key:
            return
        db.execute("INSERT OR IGNORE INTO models (name, first_seen) VALUES (?, ?)", (model, first_seen))
        db.execute(
            "INSERT INTO aliases (alias, model, surface) VALUES (?, ?, ?) ON CONFLICT (alias) DO "
            "UPDATE SET surface = coalesce(aliases.surface, excluded.surface) "
            "WHERE aliases.model = excluded.model",
            (key, model, alias),
        )

    def resolve_alias(self, name: str) -> str | None:
        row = self.db.execute("SELECT model FROM aliases WHERE alias = ?", (alias_key(name),)).fetchone()
        return row[0] if row else None

    def models(self) -> list[dict[str, Any]]:
        """Canonical models with developer, first report and aliases."""
        out = []
        for r in self.db.execute("SELECT name, developer, first_seen FROM models ORDER BY name"):
            aliases = [
                a[0]
                for a in self.db.execute(
                    "SELECT DISTINCT coalesce(surface, alias) AS a FROM aliases WHERE model = ? ORDER BY a",
                    (r["name"],),
                )
            ]
            out.append(
                {
                    "name": r["name"],
                    "developer": r["developer"],
                    "first_seen": r["first_seen"],
                    "aliases": aliases,
                }
            )
        return out

    def model_names(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM models ORDER BY name")]

    # -- runs and counts ---------------------------------------------------------------------------
    def start_run(self) -> int:
        cur = self.db.execute("INSERT INTO runs (started) VALUES (?)", (_iso(utcnow()),))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, **counts: int) -> None:
        sets = ", ".join(f"{k} = ?" for k in counts)
        self.db.execute(
            f"UPDATE runs SET finished = ?{', ' + sets if sets else ''} WHERE id = ?",
            (_iso(utcnow()), *counts.values(), run_id),
        )

    def last_run(self) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT * FROM runs WHERE finished IS NOT NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return dict(row) if row else None

    def counts(self) -> dict[str, int]:
        one = lambda sql: int(self.db.execute(sql).fetchone()[0])  # noqa: E731
        return {
            "articles": one("SELECT count(*) FROM articles"),
            "claims": one("SELECT count(*) FROM claims"),
            "models": one("SELECT count(DISTINCT model) FROM claims"),
            "stories": one("SELECT count(DISTINCT story_id) FROM articles"),
        }

    # -- pipeline: what ingest has already seen ---------------------------------------------------
    def known_keys(self) -> tuple[set[tuple[str, str]], set[str]]:
        """Everything ingest has seen: ({(feed_url, guid)}, {canonical or page URL}), stored or skipped.

        Loaded once per run so the poller's `is_known` is a pure set lookup (safe from any thread).
        """
        guids: set[tuple[str, str]] = set()
        urls: set[str] = set()
        for r in self.db.execute("SELECT feed_url, guid, url, canonical_url FROM articles"):
            if r["feed_url"] and r["guid"]:
                guids.add((r["feed_url"], r["guid"]))
            urls.update((r["url"], r["canonical_url"]))
        for (key,) in self.db.execute("SELECT key FROM skipped"):
            kind, _, rest = key.partition(" ")
            if kind == "guid":
                feed_url, _, guid = rest.partition(" ")
                guids.add((feed_url, guid))
            elif kind == "url":
                urls.add(rest)
        return guids, urls

    def mark_skipped(
        self, reason: str, *, feed_url: str | None = None, guid: str | None = None, urls: Iterable[str] = ()
    ) -> None:
        """Remember an entry we fetched but chose not to store (e.g. off-topic), so re-runs skip it."""
        keys = [f"url {u}" for u in urls if u]
        if feed_url and guid:
            keys.append(f"guid {feed_url} {guid}")
        now = _iso(utcnow())
        for key in keys:
            self.db.execute(
                "INSERT INTO skipped (key, reason, seen) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
                (key, reason, now),
            )

    def runs(self, limit: int = 10) -> list[dict[str, Any]]:
        """The latest ingest runs, newest first."""
        return [dict(r) for r in self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))]

    # -- ask: question understanding (cheap lookups on the ask path) -----------------------------------
    def aliases_for(self, keys: Iterable[str]) -> dict[str, str]:
        """Alias key -> model for those of these keys that exist (primary-key lookups, cheap at any size)."""
        keys = list(dict.fromkeys(keys))
        out: dict[str, str] = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            rows = self.db.execute(
                f"SELECT alias, model FROM aliases WHERE alias IN ({','.join('?' * len(chunk))})", chunk
            )
            out.update({r[0]: r[1] for r in rows})
        return out

    def aliases_with_prefix(self, prefix: str, limit: int = 200) -> list[tuple[str, str]]:
        """(alias key, model) whose key starts with prefix (a range scan of the alias primary key)."""
        if not prefix:
            return []
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        rows = self.db.execute(
            "SELECT alias, model FROM aliases WHERE alias >= ? AND alias < ? LIMIT ?", (prefix, upper, limit)
        )
        return [(r[0], r[1]) for r in rows]

    def model_info(self, name: str) -> dict[str, Any] | None:
        """One canonical model with developer, first report and aliases (for `tracker summary`)."""
        sql = "SELECT name, developer, first_seen FROM models WHERE name = ?"
        row = self.db.execute(sql, (name,)).fetchone()
        if row is None:
            return None
        aliases = [
            a[0]
            for a in self.db.execute(
                "SELECT DISTINCT coalesce(surface, alias) AS a FROM aliases WHERE model = ? ORDER BY a",
                (name,),
            )
        ]
        return {
            "name": row["name"],
            "developer": row["developer"],
            "first_seen": row["first_seen"],
            "aliases": aliases,
        }

    def benchmark_names(self, models: Iterable[str] | None) -> list[str]:
        """Distinct benchmark names claimed for these models (the (model, attribute) index); None: all."""
        if models is None:
            rows = self.db.execute(
                "SELECT DISTINCT name FROM claims WHERE attribute = 'benchmark' AND name IS NOT NULL "
                "LIMIT 20000"
            )
            return [r[0] for r in rows]
        models = list(models)
        if not models:
            return []
        rows = self.db.execute(
            # "+attribute": look the models up by the (model, attribute) index, never scan every benchmark
            # claim through the (attribute, name, value) one.
            f"SELECT DISTINCT name FROM claims WHERE +attribute = 'benchmark' AND name IS NOT NULL "
            f"AND model IN ({','.join('?' * len(models))})",
            models,
        )
        return [r[0] for r in rows]

    def phrase_in_claims(self, phrase: str) -> bool:
        """Whether any claim's model / name / evidence contains this phrase (FTS phrase query)."""
        terms = "".join(ch if ch.isalnum() or ch in ".-" else " " for ch in phrase).split()
        if not terms:
            return False
        try:
            row = self.db.execute(
                "SELECT 1 FROM claims_fts WHERE claims_fts MATCH ? LIMIT 1", ('"' + " ".join(terms) + '"',)
            ).fetchone()
        except sqlite3.OperationalError:
            return False
        return row is not None

    def fts_term_count(self, term: str, cap: int) -> int:
        """How many claims match one term, counted up to cap (cost grows with min(count, cap) only)."""
        clean = "".join(ch if ch.isalnum() or ch in ".-" else " " for ch in term).strip()
        if not clean:
            return 0
        try:
            row = self.db.execute(
                "SELECT count(*) FROM (SELECT 1 FROM claims_fts WHERE claims_fts MATCH ? LIMIT ?)",
                ('"' + clean.replace('"', "") + '"', cap),
            ).fetchone()
        except sqlite3.OperationalError:
            return 0
        return int(row[0])

    def has_claims(self) -> bool:
        return self.db.execute("SELECT 1 FROM claims LIMIT 1").fetchone() is not None

    def max_claim_id(self) -> int:
        """The highest claim id (0 when there are none): what an up-to-date index must cover."""
        row = self.db.execute("SELECT max(id) FROM claims").fetchone()
        return int(row[0] or 0)

    def distinct_values(self, attribute: str, limit: int = 5000) -> list[str]:
        """Distinct text values of one attribute (developers, licenses), most claimed first."""
        rows = self.db.execute(
            "SELECT value, count(*) AS n FROM claims WHERE attribute = ? GROUP BY value "
            "ORDER BY n DESC LIMIT ?",
            (attribute, limit),
        )
        out = []
        for r in rows:
            value = json.loads(r[0])
            if isinstance(value, str):
                out.append(value)
        return out

    def claims_with_value(
        self,
        attribute: str,
        *,
        low: float | None = None,
        high: float | None = None,
        like: str | None = None,
        limit: int = 5000,
    ) -> list[CitedClaim]:
        """Claims of one attribute whose value is in [low, high] (numbers) or matches a LIKE pattern on the
        stored JSON text (dates by prefix: '"2026-04%'); a query for "which model has / costs / scored"."""
        where: list[str] = ["c.attribute = ?"]
        args: list[Any] = [attribute]
        if low is not None:
            where.append("CAST(c.value AS REAL) >= ?")
            args.append(low)
        if high is not None:
            where.append("CAST(c.value AS REAL) <= ?")
            args.append(high)
        if like is not None:
            where.append("c.value LIKE ?")
            args.append(like)
        sql = f"""SELECT c.*, a.title, a.url, a.source, a.published, a.story_id
                  FROM claims c JOIN articles a ON a.id = c.article_id
                  WHERE {" AND ".join(where)} ORDER BY c.id LIMIT ?"""
        return [self._cited(r) for r in self.db.execute(sql, [*args, limit])]

    def ranked_models(
        self, attribute: str, *, descending: bool, name: str | None = None, limit: int = 50
    ) -> list[str]:
        """Models with the highest (or lowest) values of a numeric attribute: candidates for superlatives."""
        where, args = ["attribute = ?", "typeof(value) IN ('text', 'real', 'integer')"], [attribute]
        if name is not None:
            where.append("name = ? COLLATE NOCASE")
            args.append(name)
        direction = "DESC" if descending else "ASC"
        rows = self.db.execute(
            f"SELECT model, CAST(value AS REAL) AS v FROM claims WHERE {' AND '.join(where)} "
            f"AND CAST(value AS REAL) != 0 ORDER BY v {direction} LIMIT ?",
            [*args, limit * 4],
        )
        return list(dict.fromkeys(r[0] for r in rows))[:limit]

    def models_with_alias_containing(self, key: str, limit: int = 50) -> list[str]:
        """Models with an alias key that contains this key ("haiku45" -> Claude-Haiku-4.5); one pass in C."""
        if not key:
            return []
        pattern = "%" + key.replace("%", "").replace("_", "") + "%"
        sql = "SELECT DISTINCT model FROM aliases WHERE alias LIKE ? LIMIT ?"
        rows = self.db.execute(sql, (pattern, limit))
        return [r[0] for r in rows]

    def model_attributes(self, model: str) -> list[str]:
        """The attributes this model has claims on (for "known: context window, parameters ...")."""
        rows = self.db.execute("SELECT DISTINCT attribute FROM claims WHERE model = ?", (model,))
        return [r[0] for r in rows]

    # -- digest: claims, articles and runs of a period ------------------------------------------------
    # A period is [start, end) on an article's date: its publication date (fetch time when it has none),
    # or with by="fetched" the time we stored it (what the nightly digest uses: each article once).
    @staticmethod
    def _date_column(by: str) -> str:
        if by not in ("published", "fetched"):
            raise ValueError(f"by must be 'published' or 'fetched', not {by!r}")
        return "coalesce(a.published, a.fetched)" if by == "published" else "a.fetched"

    def dated_claims(
        self,
        *,
        start: datetime | None,
        end: datetime,
        by: str = "published",
        models: Iterable[str] | None = None,
    ) -> list[tuple[CitedClaim, datetime]]:
        """Claims of articles dated in [start, end) (start None: everything before end), with that date."""
        col = self._date_column(by)
        where, args = [f"{col} < ?"], [_iso(end)]
        if start is not None:
            where.append(f"{col} >= ?")
            args.append(_iso(start))
        if models is not None:
            names = sorted(set(models))
            if not names:
                return []
            where.append(f"c.model IN ({','.join('?' * len(names))})")
            args.extend(names)
        rows = self.db.execute(
            f"""SELECT c.*, a.title, a.url, a.source, a.published, a.story_id, {col} AS dated
                FROM claims c JOIN articles a ON a.id = c.article_id
                WHERE {" AND ".join(where)} ORDER BY c.id""",
            args,
        )
        return [(self._cited(r), datetime.fromisoformat(r["dated"])) for r in rows]

    def period_articles(
        self, *, start: datetime, end: datetime, by: str = "published"
    ) -> list[dict[str, Any]]:
        """id, url, title, source, published of the articles dated in [start, end), in id order."""
        col = self._date_column(by)
        rows = self.db.execute(
            f"""SELECT a.id, a.url, a.title, a.source, a.published FROM articles a
                WHERE {col} >= ? AND {col} < ? ORDER BY a.id""",
            (_iso(start), _iso(end)),
        )
        return [dict(r) for r in rows]

    def period_runs(self, *, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Finished ingest runs started in [start, end), oldest first."""
        rows = self.db.execute(
            "SELECT * FROM runs WHERE finished IS NOT NULL AND started >= ? AND started < ? ORDER BY id",
            (_iso(start), _iso(end)),
        )
        return [dict(r) for r in rows]

    # -- stories (poll/text) ----------------------------------------------------------------------
    STORY_MAX_DISTANCE = 12  # differing bits; mirrors text.SAME_STORY_BITS (a test keeps them equal)

    def find_story(
        self, fingerprint: int, *, since_days: int = 30, max_distance: int | None = None
    ) -> int | None:
        """story_id of the closest article fetched in the last `since_days` whose fingerprint is within
        `max_distance` bits of this one (a syndicated copy of the same story), else None."""
        limit = self.STORY_MAX_DISTANCE if max_distance is None else max_distance
        since = _iso(utcnow() - timedelta(days=since_days))
        best: tuple[int, int] | None = None
        rows = self.db.execute(
            "SELECT id, story_id, fingerprint FROM articles WHERE fingerprint IS NOT NULL AND fetched >= ?",
            (since,),
        )
        for r in rows:
            distance = ((int(r["fingerprint"]) ^ fingerprint) & 0xFFFFFFFFFFFFFFFF).bit_count()
            if distance <= limit and (best is None or distance < best[0]):
                best = (distance, int(r["story_id"] or r["id"]))
        return best[1] if best else None


def embedding_text(model: str, attribute: str, name: str | None, evidence: str) -> str:
    """The text a claim is embedded as: what it is about plus the sentence that says it."""
    label = attribute.replace("_", " ")
    if name:
        label += f" {name}"
    return f"{model} {label}: {evidence}"

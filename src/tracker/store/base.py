"""Opening a store: the one place that connects, decides read-only vs read-write and migrates.

SQLite (the default, a file in the data dir): WAL mode and a busy timeout let `ask` read while `ingest`
writes; every article is committed together with its claims or not at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..dates import iso_utc, parse_iso
from ..errors import StoreError
from . import postgres, schema

BUSY_TIMEOUT_MS = 30_000


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


class StoreBase:
    """A connection with its lifecycle, transactions, schema and the meta table.

    `target` is the SQLite file, or a postgresql:// URL (store/postgres.py)."""

    dialect = "sqlite"
    begin_sql = "BEGIN IMMEDIATE"  # SQLite: take the write lock at once, so a writer never waits mid-way
    like = "LIKE"  # case-insensitive for ASCII on SQLite; PostgreSQL's LIKE is not, its ILIKE is
    # what a malformed full-text query raises (it then matches nothing)
    search_errors: tuple[type[BaseException], ...] = (sqlite3.OperationalError,)
    # what the driver raises: any database trouble, and a unique key taken by another writer
    errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
    integrity_errors: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)
    db: Any  # sqlite3.Connection, or the PostgreSQL adapter with the same execute / row interface

    def __init__(self, target: str | Path, *, readonly: bool = False) -> None:
        self.readonly = readonly
        self.added_claim_ids: list[int] = []  # claims stored through this handle (ingest embeds these)
        if postgres.is_url(target):
            self._open_postgres(str(target))
            return
        self.path = Path(target)
        self.location = str(self.path)
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

    def _open_postgres(self, url: str) -> None:
        self.dialect, self.begin_sql, self.like = "postgresql", "BEGIN", "ILIKE"
        import psycopg

        self.search_errors = ()
        self.errors, self.integrity_errors = (psycopg.Error,), (psycopg.IntegrityError,)
        self.path = Path(url)  # for messages only; nothing on disk
        self.location = postgres.mask(url)
        self.db = postgres.connect(url, readonly=self.readonly)
        try:
            if self.readonly:
                applied = self._pg_applied()
                if applied is None:
                    raise StoreError(
                        f"{self.location}: no tracker store in this database yet (run `tracker ingest`)"
                    )
                problem = schema.describe_mismatch(applied)
                if problem:
                    raise StoreError(f"{self.location}: {problem}")
            else:
                self.migrate()
        except BaseException:
            self.db.close()
            raise

    def _pg_applied(self) -> list[str] | None:
        """Migration names recorded in the PostgreSQL database, None when it has no tracker schema.

        One round trip, every open pays it: the names are asked for, and "no such table" means no schema.
        Not for inside a transaction before the table exists (the error would abort it): migrate creates
        the table first."""
        from psycopg.errors import UndefinedTable

        try:
            # names are numbered and append-only: their order is the order they were applied in
            return [r[0] for r in self.db.execute("SELECT name FROM migrations ORDER BY name")]
        except UndefinedTable:
            return None

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
            if version == 0 and tables:
                problem = "not a tracker store (an SQLite file without our schema)"
            elif version:
                problem = schema.describe_mismatch(_sqlite_applied(db, version))
            if problem:
                db.close()
                raise StoreError(f"{self.path}: {problem}")
            # version 0 and no tables: a store being created right now; its tables appear on commit.
            return db
        raise StoreError(f"{self.path}: cannot read ({_reason(last) if last else 'unknown error'})")

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """BEGIN (IMMEDIATE on SQLite) ... COMMIT, rolled back on any exception."""
        self.db.execute(self.begin_sql)
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def migrate(self) -> list[str]:
        """Apply the migrations this database has not recorded yet; return their names."""
        if self.dialect == "postgresql":
            return self._migrate_postgres()
        if not self._sqlite_pending():
            return []
        # Re-read under the write lock: pollers opening a new store together must not both migrate it.
        with self.transaction() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            applied = _sqlite_applied(db, version)
            if schema.unknown_names(applied) or version > len(schema.NAMES):
                raise StoreError(f"{self.path}: {schema.describe_mismatch(applied)}")
            now = _iso(utcnow())
            if applied and not self._has_migrations_table():
                # A store from before names were recorded: write down the names its version counted.
                db.execute(schema.MIGRATIONS_TABLE)
                db.executemany(
                    "INSERT INTO migrations (name, applied) VALUES (?, ?)", [(n, now) for n in applied]
                )
            done = schema.pending(applied)
            bodies = dict(schema.MIGRATIONS)
            for name in done:
                db.execute(schema.MIGRATIONS_TABLE)
                for statement in _statements(bodies[name]):
                    db.execute(statement)
                db.execute("INSERT INTO migrations (name, applied) VALUES (?, ?)", (name, now))
            db.execute(f"PRAGMA user_version = {len(applied) + len(done)}")
        return done

    def _sqlite_pending(self) -> bool:
        """Whether anything is to do (checked without a lock; `migrate` checks again under one)."""
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        applied = _sqlite_applied(self.db, version)
        if schema.unknown_names(applied) or version > len(schema.NAMES):
            raise StoreError(f"{self.path}: {schema.describe_mismatch(applied)}")
        return bool(schema.pending(applied)) or (bool(applied) and not self._has_migrations_table())

    def _migrate_postgres(self) -> list[str]:
        """All pending migrations in one transaction, under an advisory lock (hosts starting together)."""
        with self.transaction() as db:
            db.execute("SELECT pg_advisory_xact_lock(?)", (postgres.MIGRATION_LOCK,))
            db.execute(schema.MIGRATIONS_TABLE)
            applied = self._pg_applied() or []
            if schema.unknown_names(applied):
                raise StoreError(f"{self.location}: {schema.describe_mismatch(applied)}")
            done = schema.pending(applied)
            now = _iso(utcnow())
            for name in done:
                db.execute(postgres.MIGRATIONS[name])
                db.execute("INSERT INTO migrations (name, applied) VALUES (?, ?)", (name, now))
        return done

    def _has_migrations_table(self) -> bool:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
        return self.db.execute(sql).fetchone() is not None

    def applied_migrations(self) -> list[str]:
        """The migration names recorded in this database, in the order they were applied."""
        if self.dialect == "postgresql":
            return self._pg_applied() or []
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        return _sqlite_applied(self.db, version)

    def integrity_ok(self) -> bool:
        return not self.integrity_problems()

    def integrity_problems(self) -> list[str]:
        """What is wrong with this store's structure, one line each (empty: nothing), on either backend.

        Both: the recorded migrations are exactly this tracker's schema, and no row points at a missing
        one (a claim at its article, an alias at its model). SQLite adds its file check (`PRAGMA
        integrity_check`); PostgreSQL guards its own pages, so there it is the indexes the server marks
        invalid instead."""
        problems: list[str] = []
        if self.dialect == "sqlite":
            check = [str(r[0]) for r in self.db.execute("PRAGMA integrity_check")]
            if check != ["ok"]:
                return [f"integrity_check: {'; '.join(check[:3])}"]  # the rows below cannot be trusted
        else:
            invalid = [r[0] for r in self.db.execute(_PG_INVALID_INDEXES)]
            problems += [f"index {name} is marked invalid" for name in invalid]
        mismatch = schema.describe_mismatch(self.applied_migrations())
        if mismatch:
            problems.append(f"schema: {mismatch}")
        for what, sql in _ORPHANS:
            n = int(self.db.execute(sql).fetchone()[0])
            if n:
                problems.append(f"{n} {what}")
        return problems

    # A period is [start, end) on an article's date: its publication date (fetch time when it has none),
    # or with by="fetched" the time we stored it (what the nightly digest uses: each article once).
    @staticmethod
    def _date_column(by: str) -> str:
        if by not in ("published", "fetched"):
            raise ValueError(f"by must be 'published' or 'fetched', not {by!r}")
        return "coalesce(a.published, a.fetched)" if by == "published" else "a.fetched"

    def try_advisory_lock(self, key: int) -> bool:
        """PostgreSQL: take a session advisory lock at once or say no; held until this store closes."""
        if self.dialect != "postgresql":
            raise StoreError(f"{self.location}: advisory locks need PostgreSQL (SQLite uses the kernel lock)")
        return bool(self.db.execute("SELECT pg_try_advisory_lock(?)", (key,)).fetchone()[0])

    # -- dialect ---------------------------------------------------------------------------------------
    def _num(self, column: str) -> str:
        """A JSON text value as a number the way SQLite's CAST does (its leading number, else 0)."""
        return f"CAST({column} AS REAL)" if self.dialect == "sqlite" else f"tracker_num({column})"

    def _no_index(self, column: str) -> str:
        """The column in a form SQLite's planner will not use an index for (PostgreSQL plans by cost)."""
        return f"+{column}" if self.dialect == "sqlite" else column

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


# Rows that point at a missing row: what a foreign key forbids, checked rather than trusted (SQLite
# enforces keys only on connections that turned them on).
_ORPHANS = [
    (
        "claims of a missing article",
        "SELECT count(*) FROM claims c LEFT JOIN articles a ON a.id = c.article_id WHERE a.id IS NULL",
    ),
    (
        "aliases of a missing model",
        "SELECT count(*) FROM aliases x LEFT JOIN models m ON m.name = x.model WHERE m.name IS NULL",
    ),
]

# PostgreSQL: indexes of this schema the server will not use (a build that failed half-way).
_PG_INVALID_INDEXES = (
    "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
    "WHERE NOT i.indisvalid AND c.relnamespace = current_schema()::regnamespace ORDER BY c.relname"
)


def _statements(script: str) -> list[str]:
    """The SQL statements of a migration, one by one (a trigger's body keeps its own semicolons)."""
    out: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            out.append(pending.strip())
            pending = ""
    if pending.strip():
        out.append(pending.strip())
    return [s for s in out if s.strip(" ;\n")]


def _sqlite_applied(db: sqlite3.Connection, version: int) -> list[str]:
    """Applied migration names. Stores made before migrations were recorded by name only have
    `user_version` (a count): those are the first `version` names, which is what that count meant."""
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'"
    if db.execute(sql).fetchone():
        return [r[0] for r in db.execute("SELECT name FROM migrations ORDER BY rowid")]
    if version > len(schema.NAMES):
        return schema.NAMES + [f"<unknown #{i}>" for i in range(len(schema.NAMES) + 1, version + 1)]
    return schema.NAMES[:version]

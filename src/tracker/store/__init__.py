"""The store: the source of truth, and the only package that speaks SQL.

Split by domain the way lemon24/reader splits its storage: one mixin per domain (feeds, articles, claims,
names, search, runs, vectors) over one base (base.py) that owns opening, read-only vs read-write and the
named migrations (schema.py). Two backends behind it: an SQLite file in the data dir (the default) or a
PostgreSQL database (postgres.py) when `paths.database` names one (TRACKER_DATABASE_URL or `database:` in
feeds.yaml). `Store` is their union; `Store.open(paths, ...)` is how the stages open it; copy.py moves a
store between backends.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Literal

from ..errors import StoreError
from .articles import ArticlesMixin, DuplicateArticle
from .base import StoreBase, utcnow
from .claims import ClaimsMixin, embedding_text
from .feeds import FeedsMixin
from .names import NamesMixin, alias_key
from .runs import RunsMixin
from .schema import MIGRATIONS
from .search import SearchMixin
from .vectors import VectorsMixin, text_hash

if TYPE_CHECKING:
    from ..config import Paths

__all__ = ["MIGRATIONS", "DuplicateArticle", "Store", "alias_key", "embedding_text", "text_hash", "utcnow"]

Access = Literal["read", "write", "upgrade"]


class Store(
    FeedsMixin, ArticlesMixin, ClaimsMixin, NamesMixin, SearchMixin, RunsMixin, VectorsMixin, StoreBase
):
    """A connection to the tracker's database with the queries the stages need."""

    def copy_to(self, target: Store) -> dict[str, int]:
        """Every row of this store into `target` (empty), ids kept; rows copied per table."""
        from .copy import copy_rows

        return copy_rows(self, target)

    @property
    def backend(self) -> str:
        """What `tracker status` shows: the SQLite file, or PostgreSQL and its URL (password masked)."""
        return f"sqlite {self.location}" if self.dialect == "sqlite" else f"postgresql {self.location}"

    def migrate(self) -> list[str]:
        done = super().migrate()
        if "005_claim_vectors" in done:
            self.fill_text_hashes()
        return done

    @classmethod
    def open(cls, paths: Paths, access: Access = "read") -> Store:
        """The store of this data dir (check `exists` first for a read: nothing is created then).

        read: read-only, never writes (ask, digest, facts). write: read-write, created and migrated when
        needed (ingest, nightly, forget). upgrade: read-write where the files may be written, so pending
        migrations apply, else read-only (status, reports).
        """
        if paths.database:
            return cls(paths.database, readonly=access == "read")
        if access == "write":
            return cls(paths.ensure().db)
        if access == "read":
            return cls(paths.db, readonly=True)
        writable = os.access(paths.db, os.W_OK) and os.access(paths.data_dir, os.W_OK)
        try:
            return cls(paths.db, readonly=not writable)
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise StoreError(f"{paths.db}: {exc}") from None

    @classmethod
    def exists(cls, paths: Paths) -> bool:
        """Whether this data dir has a store to read (a database server always counts: opening says more)."""
        return bool(paths.database) or paths.db.exists()

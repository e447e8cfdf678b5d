"""Articles: storing one with its claims and names in one transaction, lookups, what ingest has seen,
stories (syndicated copies joined by fingerprint)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from ..errors import StoreError
from ..fingerprint import SAME_STORY_BITS, fingerprint_distance
from ..records import Article, Claim
from .base import StoreBase, _from_iso, _iso, utcnow
from .claims import embedding_text
from .names import NamesMixin
from .search import tsvector
from .vectors import text_hash


def _int64(value: int) -> int:
    """A 64-bit unsigned fingerprint as SQLite's signed INTEGER (same bits; find_story masks them back)."""
    value &= 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= 1 << 63 else value


class DuplicateArticle(StoreError):
    """Another writer stored an article under the same canonical URL first (nothing of this one was kept)."""


class ArticlesMixin(StoreBase):
    """Articles queries of the store."""

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
        try:
            article_id, claim_ids = self._add_article(article, claims, aliases, fingerprint)
            self.added_claim_ids.extend(claim_ids)
            return article_id, claim_ids
        except self.integrity_errors:
            raise DuplicateArticle(f"{self.location}: {article.canonical_url} is already stored") from None

    def _add_article(
        self,
        article: Article,
        claims: list[Claim],
        aliases: Iterable[tuple[str, str]],
        fingerprint: int | None,
    ) -> tuple[int, list[int]]:
        with self.transaction() as db:
            cur = db.execute(
                """INSERT INTO articles (url, canonical_url, guid, feed_url, title, source, published,
                                         fetched, text, content_hash, story_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
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
            article_id = int(cur.fetchall()[0][0])
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
                    "INSERT INTO models (name, first_seen) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (c.model, published),
                )
                NamesMixin._insert_alias(db, c.model, c.model, published)
                if c.attribute == "developer" and isinstance(c.value, str):
                    db.execute(
                        "UPDATE models SET developer = ? WHERE name = ? AND developer IS NULL",
                        (c.value, c.model),
                    )
            for surface, model in aliases:
                NamesMixin._insert_alias(db, surface, model, published)
        return article_id, claim_ids

    def _insert_claim(self, db: Any, article_id: int, c: Claim) -> int:
        num = float(c.value) if isinstance(c.value, (int, float)) else None
        # PostgreSQL: the claim's search document, built here (SQLite's FTS5 table is filled by a trigger)
        tsv = ", tsv" if self.dialect == "postgresql" else ""
        cur = db.execute(
            f"""INSERT INTO claims (article_id, model, attribute, value, value_num, name, role, status,
                                    evidence, start, "end", text_hash{tsv})
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?{", ?::tsvector" if tsv else ""}) RETURNING id""",
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
                text_hash(embedding_text(c.model, c.attribute, c.name, c.evidence)),
                *([tsvector(c.model, c.attribute, c.name, c.evidence)] if tsv else []),
            ),
        )
        return int(cur.fetchall()[0][0])

    def article(self, article_id: int) -> Article | None:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def article_texts(self, ids: Iterable[int]) -> dict[int, str]:
        """Article id -> its text, for those of these ids that exist: one query per 500 ids, not one each."""
        wanted = list(dict.fromkeys(ids))
        out: dict[int, str] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            rows = self.db.execute(
                f"SELECT id, text FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            out.update({int(r[0]): r[1] for r in rows})
        return out

    def articles(self, *, since: datetime | None = None) -> list[Article]:
        sql, args = "SELECT * FROM articles", []
        if since is not None:
            sql += " WHERE coalesce(published, fetched) >= ?"
            args.append(_iso(since))
        return [self._article(r) for r in self.db.execute(sql + " ORDER BY id", args)]

    @staticmethod
    def _article(row: Any) -> Article:
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

    def find_story(
        self, fingerprint: int, *, since_days: int = 30, max_distance: int | None = None
    ) -> int | None:
        """story_id of the closest article fetched in the last `since_days` whose fingerprint is within
        `max_distance` bits of this one (a syndicated copy of the same story), else None."""
        limit = SAME_STORY_BITS if max_distance is None else max_distance
        since = _iso(utcnow() - timedelta(days=since_days))
        best: tuple[int, int] | None = None
        rows = self.db.execute(
            "SELECT id, story_id, fingerprint FROM articles WHERE fingerprint IS NOT NULL AND fetched >= ?",
            (since,),
        )
        for r in rows:
            distance = fingerprint_distance(int(r["fingerprint"]), fingerprint)
            if distance <= limit and (best is None or distance < best[0]):
                best = (distance, int(r["story_id"] or r["id"]))
        return best[1] if best else None

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

"""Claims: reading them back with their sources, by id, model, attribute, value or period."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..records import CitedClaim, Claim, ClaimValue
from .base import StoreBase, _from_iso, _iso


class ClaimsMixin(StoreBase):
    """Claims queries of the store."""

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
                column = self._no_index(column) if ids is not None and column != "c.id" else column
                where.append(f"{column} IN ({','.join('?' * len(wanted))})")
                args.extend(wanted)
        if since is not None:
            where.append("coalesce(a.published, a.fetched) >= ?")
            args.append(_iso(since))
        if source:
            where.append(f"(a.source {self.like} ? OR a.url {self.like} ?)")
            args.extend([f"%{source}%", f"%{source}%"])
        sql = """SELECT c.*, a.title, a.url, a.source, a.published, a.story_id
                 FROM claims c JOIN articles a ON a.id = c.article_id"""
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [self._cited(r) for r in self.db.execute(sql + " ORDER BY c.id", args)]

    @staticmethod
    def _cited(row: Any) -> CitedClaim:
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
            where.append(f"{self._num('c.value')} >= ?")
            args.append(low)
        if high is not None:
            where.append(f"{self._num('c.value')} <= ?")
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
        where, args = ["attribute = ?"], [attribute]
        if name is not None:
            where.append("lower(name) = lower(?)")
            args.append(name)
        direction = "DESC" if descending else "ASC"
        rows = self.db.execute(
            f"SELECT model, {self._num('value')} AS v FROM claims WHERE {' AND '.join(where)} "
            f"AND {self._num('value')} != 0 ORDER BY v {direction} LIMIT ?",
            [*args, limit * 4],
        )
        return list(dict.fromkeys(r[0] for r in rows))[:limit]

    def model_attributes(self, model: str) -> list[str]:
        """The attributes this model has claims on (for "known: context window, parameters ...")."""
        rows = self.db.execute("SELECT DISTINCT attribute FROM claims WHERE model = ?", (model,))
        return [r[0] for r in rows]

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
            f"SELECT DISTINCT name FROM claims WHERE {self._no_index('attribute')} = 'benchmark' "
            f"AND name IS NOT NULL "
            f"AND model IN ({','.join('?' * len(models))})",
            models,
        )
        return [r[0] for r in rows]

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


def embedding_text(model: str, attribute: str, name: str | None, evidence: str) -> str:
    """The text a claim is embedded as: what it is about plus the sentence that says it."""
    label = attribute.replace("_", " ")
    if name:
        label += f" {name}"
    return f"{model} {label}: {evidence}"

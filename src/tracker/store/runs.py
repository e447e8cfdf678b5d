"""Ingest runs and store-wide counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .base import StoreBase, _iso, utcnow


class RunsMixin(StoreBase):
    """Ingest runs and store-wide counts."""

    def start_run(self) -> int:
        cur = self.db.execute("INSERT INTO runs (started) VALUES (?) RETURNING id", (_iso(utcnow()),))
        return int(cur.fetchall()[0][0])

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

    def runs(self, limit: int = 10) -> list[dict[str, Any]]:
        """The latest ingest runs, newest first."""
        return [dict(r) for r in self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))]

    def period_runs(self, *, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Finished ingest runs started in [start, end), oldest first."""
        rows = self.db.execute(
            "SELECT * FROM runs WHERE finished IS NOT NULL AND started >= ? AND started < ? ORDER BY id",
            (_iso(start), _iso(end)),
        )
        return [dict(r) for r in rows]

    def counts(self) -> dict[str, int]:
        one = lambda sql: int(self.db.execute(sql).fetchone()[0])  # noqa: E731
        return {
            "articles": one("SELECT count(*) FROM articles"),
            "claims": one("SELECT count(*) FROM claims"),
            "models": one("SELECT count(DISTINCT model) FROM claims"),
            "stories": one("SELECT count(DISTINCT story_id) FROM articles"),
        }

"""Feeds: per-feed polling state (validators, errors, backoff)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..models import FEED_STATE_FIELDS
from .base import StoreBase


class FeedsMixin(StoreBase):
    """Feeds queries of the store."""

    FEED_FIELDS = FEED_STATE_FIELDS

    def save_feed_state(self, url: str, **fields: Any) -> None:
        unknown = set(fields) - set(self.FEED_FIELDS)
        if unknown:
            raise ValueError(f"unknown feed fields: {sorted(unknown)}")
        self.db.execute("INSERT INTO feeds (url) VALUES (?) ON CONFLICT DO NOTHING", (url,))
        if fields:
            sets = ", ".join(f"{k} = ?" for k in fields)
            self.db.execute(f"UPDATE feeds SET {sets} WHERE url = ?", (*fields.values(), url))

    def clear_backoff(self, urls: Iterable[str]) -> None:
        """Forget these feeds' error backoff and Retry-After deadline, so the next run polls them now."""
        for url in urls:
            self.db.execute("UPDATE feeds SET retry_after = NULL WHERE url = ?", (url,))

    def feed_states(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM feeds ORDER BY name, url")]

"""Feeds: per-feed polling state (validators, errors, backoff)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from ..records import FEED_STATE_FIELDS
from . import postgres
from .base import StoreBase, _iso, utcnow


class FeedsMixin(StoreBase):
    """Feeds queries of the store."""

    FEED_FIELDS = FEED_STATE_FIELDS
    _lease_owners: frozenset[str] = frozenset()  # PostgreSQL: owners whose liveness lock this session holds

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

    # -- leases: several pollers on one store ----------------------------------------------------------
    def claim_feeds(
        self,
        urls: Iterable[str],
        owner: str,
        *,
        lease_seconds: float,
        round_started: datetime,
        limit: int | None = None,
    ) -> list[str]:
        """Lease up to `limit` of these feeds to `owner` and return them: those no live lease holds and
        no poller finished since `round_started`. PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED, so pollers
        claiming at the same moment get disjoint feeds without waiting on each other.

        A lease is live until it runs out, and on PostgreSQL only while its holder's connection lasts: the
        holder keeps a session advisory lock named after it (the server drops it when the connection ends,
        however the process died), so a killed poller's feeds are free for the next run at once, not after
        `lease_seconds`."""
        wanted = list(dict.fromkeys(urls))
        if not wanted:
            return []
        now = utcnow()
        held = "lease_until IS NULL OR lease_until < ?"
        if self.dialect == "postgresql":
            self._hold_lease_lock(owner)  # before the lease is visible: never a lease without its lock
            held += f" OR NOT ({_PG_HOLDER_CONNECTED})"
        free = f"({held}) AND (polled_at IS NULL OR polled_at < ?)"
        args: list[Any] = [_iso(now), _iso(round_started)]
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO feeds (url) VALUES (?) ON CONFLICT DO NOTHING", [(u,) for u in wanted]
            )
            if self.dialect == "postgresql":
                sql = (
                    f"SELECT url FROM feeds WHERE url = ANY(?) AND {free} "
                    "ORDER BY url LIMIT ? FOR UPDATE SKIP LOCKED"
                )
                rows = db.execute(sql, [wanted, *args, limit]).fetchall()
            else:  # one writer at a time (BEGIN IMMEDIATE): the select and the update cannot interleave
                marks = ",".join("?" * len(wanted))
                sql = f"SELECT url FROM feeds WHERE url IN ({marks}) AND {free} ORDER BY url LIMIT ?"
                rows = db.execute(sql, [*wanted, *args, -1 if limit is None else limit]).fetchall()
            got = [r[0] for r in rows]
            until = _iso(now + timedelta(seconds=lease_seconds))
            db.executemany(
                "UPDATE feeds SET lease_owner = ?, lease_until = ? WHERE url = ?",
                [(owner, until, u) for u in got],
            )
        return got

    def _hold_lease_lock(self, owner: str) -> None:
        """Take the session advisory lock that tells other pollers `owner` is alive (once per owner)."""
        if owner not in self._lease_owners:
            self.db.execute("SELECT pg_advisory_lock(?, hashtext(?))", (postgres.LEASE_LOCK_CLASS, owner))
            self._lease_owners = self._lease_owners | {owner}

    def release_feed(self, url: str, owner: str) -> None:
        """The poller is done with this feed (its state is saved): free it, and mark it polled this round."""
        self.db.execute(
            "UPDATE feeds SET lease_owner = NULL, lease_until = NULL, polled_at = ? "
            "WHERE url = ? AND lease_owner = ?",
            (_iso(utcnow()), url, owner),
        )

    def feed_states(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM feeds ORDER BY name, url")]


# PostgreSQL: the feed's lease holder still has its connection (it holds its advisory lock, see
# _hold_lease_lock; pg_locks shows the two-key form as classid, objid with objsubid 2).
_PG_HOLDER_CONNECTED = (
    "EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 "
    f"AND l.classid = {postgres.LEASE_LOCK_CLASS}::oid AND l.objid = hashtext(feeds.lease_owner)::oid "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))"
)

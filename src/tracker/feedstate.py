"""A feed's stored state, decided purely: backoff, Retry-After, staleness and health.

`next_state` computes the state after one poll (poll.py stores what it returns); `is_due` and
`feed_health` read it, for the poller, `tracker status` and `tracker feeds list` alike. Standard library
only, so reading health never imports the poller or the pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

from .dates import iso_utc, parse_iso
from .records import FEED_STATE_FIELDS

Outcome = Literal["ok", "not_modified", "error", "backoff"]
BACKOFF_BASE = timedelta(minutes=15)
BACKOFF_CAP = timedelta(hours=6)  # well under a day: a nightly run never skips a feed twice for one glitch
RETRY_AFTER_PREFIX = "retry-after: "  # last_error of a feed the server told to wait (the host is blocked)
STALE_AFTER = timedelta(days=30)  # a feed that answers but has had nothing new for this long is stale


def backoff_delay(consecutive_errors: int) -> timedelta:
    """Wait after the n-th failure in a row: 15 min, 30 min, 1 h, ... capped at 6 h."""
    if consecutive_errors <= 0:
        return timedelta(0)
    return min(BACKOFF_CAP, BACKOFF_BASE * (2 ** min(consecutive_errors - 1, 20)))


def next_state(
    old: Mapping[str, Any],
    outcome: Outcome,
    now: datetime,
    *,
    retry_after: datetime | None = None,
    new_entries: int = 0,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> dict[str, Any]:
    """The feed's state after one poll (pure). Keys: records.FEED_STATE_FIELDS minus `name`.

    ok / not_modified: health reset, validators stored, `last_new` moves when something was new (or on
    the first success, so staleness counts from there). error: one more consecutive error and a "not
    before" of max(Retry-After, exponential backoff). backoff (not contacted): unchanged, except a later
    Retry-After is kept.
    """
    state: dict[str, Any] = {k: old.get(k) for k in FEED_STATE_FIELDS if k != "name"}
    errors = int(old.get("consecutive_errors") or 0)
    seen = int(old.get("entries_seen") or 0)
    state.update(consecutive_errors=errors, entries_seen=seen)
    stamp = iso_utc(now)
    if outcome in ("ok", "not_modified"):
        if outcome == "ok" or etag is not None:
            state["etag"] = etag
        if outcome == "ok" or last_modified is not None:
            state["last_modified"] = last_modified
        state.update(
            last_checked=stamp, last_success=stamp, consecutive_errors=0, last_error=None, retry_after=None
        )
        if new_entries > 0 or not old.get("last_new"):
            state["last_new"] = stamp
        state["entries_seen"] = seen + max(0, new_entries)
    elif outcome == "error":
        errors += 1
        not_before = now + backoff_delay(errors)
        if retry_after is not None and retry_after > not_before:
            not_before = retry_after
        state.update(
            last_checked=stamp,
            consecutive_errors=errors,
            last_error=(error or "error")[:500],
            retry_after=iso_utc(not_before),
        )
    elif outcome == "backoff":
        current = parse_iso(old.get("retry_after"))
        if retry_after is not None and (current is None or retry_after > current):
            state["retry_after"] = iso_utc(retry_after)
    else:  # pragma: no cover - Literal guards it
        raise ValueError(f"unknown outcome {outcome!r}")
    return state


def is_due(state: Mapping[str, Any], now: datetime) -> bool:
    """False while a Retry-After or a backoff deadline lies in the future."""
    until = parse_iso(state.get("retry_after"))
    return until is None or now >= until


def is_stale(state: Mapping[str, Any], now: datetime) -> bool:
    """A feed that still answers but has had nothing new for STALE_AFTER."""
    since = parse_iso(state.get("last_new")) or parse_iso(state.get("last_success"))
    return since is not None and now - since > STALE_AFTER


def feed_health(
    url: str, name: str, state: Mapping[str, Any], *, enabled: bool | None, now: datetime
) -> dict[str, Any]:
    """One feed's row for `tracker status` / `feeds list`: health (never polled | failing | stale | ok |
    disabled) and the stored state behind it."""
    errors = int(state.get("consecutive_errors") or 0)
    if not state:
        health = "never polled"
    elif errors:
        health = "failing"
    elif is_stale(state, now):
        health = "stale"
    else:
        health = "ok"
    if enabled is False:
        health = "disabled"
    return {
        "name": name,
        "url": url,
        "health": health,
        "enabled": enabled,
        "last_checked": state.get("last_checked"),
        "last_success": state.get("last_success"),
        "last_new": state.get("last_new"),
        "consecutive_errors": errors,
        "last_error": state.get("last_error"),
        "retry_after": state.get("retry_after"),
    }

"""Feeds -> new entries with their page text, and the per-feed HTTP state / health.

`poll_feeds` polls every enabled feed concurrently through `fetch.Fetcher` (conditional GET; a 304 is
not parsed), parses the downloaded bytes with feedparser in a time-limited worker (never letting it fetch
or read a file), skips entries the store already knows, and fetches the new entries' pages (bounded
per host, each page at most once per run even when two feeds link it). One bad feed never stops the
others: every failure becomes that feed's `FeedResult`.

The pure decider for a feed's stored state (backoff, Retry-After, health) is tracker.feedstate, so that
`tracker status` and `tracker feeds list` read health without importing the poller.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, Field

from .config import FeedsConfig
from .dates import parse_iso
from .errors import FetchError, ParseError
from .feedstate import RETRY_AFTER_PREFIX, Outcome, is_due, next_state
from .fetch import AddressPolicy, Fetcher, FetchResult, Limits, RetryAfterError
from .jsonfeed import looks_like_json, parse_json_feed
from .records import Entry, Feed
from .text import PageText, canonical_url, extract_page, page_from_entry, sandbox, strip_html

MAX_ENTRIES = 1000  # per feed document
MAX_NEW_PER_FEED = 200  # pages fetched per feed per run
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5, */*;q=0.1"


# Page errors that mean "abandoned at a time or memory limit", not "this page is unusable": such a page
# is not stored from the feed's text, but retried on the next run (see pipeline.ingest).
GAVE_UP_MARKERS = ("gave up after", "worker process died", "worker process did not start", "deadline of")


def page_given_up(error: str | None) -> bool:
    """True for a page error that a later run may not hit (a time or memory limit)."""
    return error is not None and error.startswith("page: ") and any(m in error for m in GAVE_UP_MARKERS)


class FetchedItem(BaseModel):
    """A new entry with its page text (or the feed's own content when the page failed)."""

    entry: Entry
    page: PageText | None = None
    error: str | None = None  # why the page itself could not be used


class FeedResult(BaseModel):
    """What polling one feed gave: the outcome, the new state to store, the new items."""

    feed: Feed
    outcome: Outcome
    error: str | None = None
    state: dict[str, Any] = Field(default_factory=dict)  # for store.save_feed_state(feed.url, **state)
    items: list[FetchedItem] = Field(default_factory=list)


# -- feed parsing (runs in a sandbox worker) -------------------------------------------------------------


def _struct_to_iso(value: Any) -> str | None:
    try:
        year, month, day, hour, minute, second = (int(v) for v in value[:6])
        when = datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    return when.isoformat() if 1990 <= when.year <= 2100 else None


def _parse_feed_in_worker(body: bytes, base_url: str, content_type: str) -> dict[str, Any]:
    """feedparser on a byte stream (a stream, never a str / bytes it could take for a URL or a path).

    No base URL is given to feedparser, so GUIDs stay as the feed wrote them (feedparser would otherwise
    "resolve" a GUID like `post-12` against wherever the feed happens to be served from); links are
    resolved against the final URL afterwards, and xml:base still applies.
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # feedparser's deprecation chatter about updated_parsed
        return _parse_feed(body, content_type)


def _parse_feed(body: bytes, content_type: str) -> dict[str, Any]:
    import feedparser

    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-type": content_type or "application/xml"},
        resolve_relative_uris=True,
        sanitize_html=True,
    )
    entries = []
    for e in parsed.get("entries", [])[:MAX_ENTRIES]:
        contents = [c.get("value") or "" for c in e.get("content", []) if isinstance(c, dict)]
        content = max([*contents, e.get("summary") or ""], key=len)
        link = e.get("link") or ""
        if not link:
            for lk in e.get("links", []):
                if lk.get("rel", "alternate") == "alternate" and lk.get("href"):
                    link = lk["href"]
                    break
        published = None
        for key in ("published_parsed", "updated_parsed", "created_parsed"):
            if e.get(key):
                published = _struct_to_iso(e[key])
                if published:
                    break
        entries.append(
            {
                "guid": str(e.get("id") or e.get("guid") or "")[:2000],
                "link": str(link)[:4000],
                "title": str(e.get("title") or "")[:2000],
                "published": published,
                "content": str(content)[:1_000_000],
            }
        )
    exc = parsed.get("bozo_exception")
    channel = parsed.get("feed", {})
    return {
        "version": parsed.get("version") or "",
        "bozo": bool(parsed.get("bozo")),
        "bozo_exception": f"{type(exc).__name__}: {exc}"[:300] if exc else None,
        "title": str(channel.get("title") or "")[:500],
        # the channel itself was read (a title or a link): an empty feed, not a broken one
        "has_channel": bool(channel.get("title") or channel.get("link")),
        "entries": entries,
    }


def _parse_json_in_worker(body: bytes) -> dict[str, Any]:
    """`jsonfeed.parse_json_feed` in a sandbox worker; its ParseError comes back as {"error": reason}."""
    try:
        return parse_json_feed(body)
    except ParseError as exc:
        return {"error": str(exc)}


def _http_link(link: str, base: str) -> str | None:
    if not link:
        return None
    try:
        url = urljoin(base, link.strip())
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def entries_from_parsed(feed_url: str, base_url: str, parsed: Mapping[str, Any]) -> list[Entry]:
    """Entry records from a parsed feed: GUID else link else a content hash; duplicate GUIDs collapsed."""
    out: list[Entry] = []
    seen: set[str] = set()
    for raw in parsed.get("entries", []):
        link = _http_link(raw.get("link") or "", base_url)
        title = strip_html(raw.get("title") or "")
        content = raw.get("content") or ""
        guid = (raw.get("guid") or "").strip()
        if not guid:
            if link:
                guid = link
            elif title or content:
                digest = hashlib.sha256(f"{title}\n{content}".encode()).hexdigest()
                guid = f"sha256:{digest}"
            else:
                continue  # nothing to identify or read
        if guid in seen:
            continue
        seen.add(guid)
        published = parse_iso(raw.get("published"))
        out.append(
            Entry(feed_url=feed_url, guid=guid, link=link, title=title, published=published, content=content)
        )
    return out


async def parse_feed(result: FetchResult, feed_url: str, *, timeout: float = 20.0) -> list[Entry]:
    """Entries of a downloaded feed; ParseError when it is not a feed or parsing overran its limit.

    JSON Feed goes to `jsonfeed` (by its body or content type), everything else to feedparser with the
    full Content-Type header: its charset decides how a feed without an XML encoding declaration decodes.
    """
    if not result.body.strip():
        raise ParseError("empty feed body")
    if looks_like_json(result.body, result.content_type):
        # in a worker too: untrusted bytes get the same time and memory limits whatever their format
        parsed = await asyncio.to_thread(sandbox().run, _parse_json_in_worker, result.body, timeout=timeout)
        if "error" in parsed:
            raise ParseError(parsed["error"])
    else:
        header = result.headers.get("content-type", "").strip()[:200] or result.content_type
        parsed = await asyncio.to_thread(
            sandbox().run, _parse_feed_in_worker, result.body, result.url, header, timeout=timeout
        )
    entries = entries_from_parsed(feed_url, result.url, parsed)
    if not entries and not parsed["version"]:
        reason = parsed.get("bozo_exception") or "no feed elements"
        raise ParseError(f"not a feed ({result.content_type or 'no content type'}): {reason}")
    if not entries and parsed["bozo"] and not parsed.get("has_channel"):
        # broken with nothing usable; a valid empty feed, or an empty one whose channel was read despite a
        # recoverable error (an HTML entity in its title), counts as read
        raise ParseError(f"malformed feed: {parsed.get('bozo_exception') or 'unknown error'}")
    return entries


# -- the poller ------------------------------------------------------------------------------------------


# counters(stage, done, total): "feeds" when a feed is done, "pages" when a new entry's page is read (or
# failed); the pages total grows as feeds are parsed.
Counters = Callable[[str, int, int | None], None]


class _Poller:
    def __init__(
        self,
        fetcher: Fetcher,
        is_known: Callable[[Entry], bool],
        now: datetime,
        progress: Callable[[str], None] | None,
        page_timeout: float,
        parse_timeout: float,
        counters: Counters | None = None,
        feeds_total: int = 0,
    ) -> None:
        self.fetcher = fetcher
        self.is_known = is_known
        self.now = now
        self.progress = progress or (lambda _msg: None)
        self.counters = counters or (lambda _stage, _done, _total: None)
        self.page_timeout = page_timeout
        self.parse_timeout = parse_timeout
        self.pages: dict[str, asyncio.Task[tuple[PageText | None, str | None]]] = {}
        self.feeds_total, self.feeds_done = feeds_total, 0
        self.pages_total, self.pages_done = 0, 0

    async def feed(self, feed: Feed, old: Mapping[str, Any]) -> FeedResult:
        try:
            result = await self._feed(feed, old)
        except Exception as exc:  # noqa: BLE001 - a bug or surprise on one feed must not stop the others
            message = f"{type(exc).__name__}: {exc}"[:500]
            result = FeedResult(
                feed=feed,
                outcome="error",
                error=message,
                state=next_state(old, "error", self.now, error=message),
            )
        result.state["name"] = feed.name
        self.feeds_done += 1
        self.counters("feeds", self.feeds_done, self.feeds_total)
        self.progress(
            f"{feed.name}: {result.outcome}"
            + (f", {len(result.items)} new" if result.outcome == "ok" else "")
            + (f" ({result.error})" if result.error else "")
        )
        return result

    async def _feed(self, feed: Feed, old: Mapping[str, Any]) -> FeedResult:
        if not is_due(old, self.now):
            message = f"waiting until {old.get('retry_after')}"
            return FeedResult(
                feed=feed, outcome="backoff", error=message, state=next_state(old, "backoff", self.now)
            )
        try:
            fetched = await self.fetcher.get(
                feed.url, etag=old.get("etag"), last_modified=old.get("last_modified"), accept=FEED_ACCEPT
            )
        except RetryAfterError as exc:
            if exc.status is None:  # the host is inside a window another feed learned: not contacted
                return FeedResult(
                    feed=feed,
                    outcome="backoff",
                    error=str(exc),
                    state=next_state(old, "backoff", self.now, retry_after=exc.until),
                )
            message = RETRY_AFTER_PREFIX + str(exc)
            return FeedResult(
                feed=feed,
                outcome="error",
                error=message,
                state=next_state(old, "error", self.now, retry_after=exc.until, error=message),
            )
        except FetchError as exc:
            message = str(exc)
            return FeedResult(
                feed=feed,
                outcome="error",
                error=message,
                state=next_state(old, "error", self.now, error=message),
            )
        etag = fetched.headers.get("etag")
        last_modified = fetched.headers.get("last-modified")
        if fetched.not_modified:
            return FeedResult(
                feed=feed,
                outcome="not_modified",
                state=next_state(old, "not_modified", self.now, etag=etag, last_modified=last_modified),
            )
        try:
            entries = await parse_feed(fetched, feed.url, timeout=self.parse_timeout)
        except ParseError as exc:
            message = f"parse: {exc}"
            return FeedResult(
                feed=feed,
                outcome="error",
                error=message,
                state=next_state(old, "error", self.now, error=message),
            )
        new = [e for e in entries if not self.is_known(e)][:MAX_NEW_PER_FEED]
        if new:
            self.pages_total += len(new)
            self.counters("pages", self.pages_done, self.pages_total)
        items = await asyncio.gather(*(self._item(entry) for entry in new))
        return FeedResult(
            feed=feed,
            outcome="ok",
            items=list(items),
            state=next_state(
                old, "ok", self.now, new_entries=len(items), etag=etag, last_modified=last_modified
            ),
        )

    async def _item(self, entry: Entry) -> FetchedItem:
        page: PageText | None = None
        error: str | None = "entry has no link"
        if entry.link:
            key = canonical_url(entry.link)
            task = self.pages.get(key)
            if task is None:  # the same page linked by two feeds is fetched once
                task = self.pages[key] = asyncio.ensure_future(self._page(entry.link))
            page, error = await task
        self.pages_done += 1  # entries without a link count too: the total includes them
        self.counters("pages", self.pages_done, self.pages_total)
        if page is None:
            fallback = page_from_entry(entry)
            page = fallback if (fallback.text or fallback.title) else None
        elif not page.title and entry.title:
            page = page.model_copy(update={"title": entry.title})
        return FetchedItem(entry=entry, page=page, error=error)

    async def _page(self, url: str) -> tuple[PageText | None, str | None]:
        try:
            fetched = await self.fetcher.get(url, accept=PAGE_ACCEPT)
            kind = fetched.content_type
            if kind == "text/plain":
                text = fetched.body.decode("utf-8", errors="replace")
                return PageText(
                    url=fetched.url, canonical_url=canonical_url(fetched.url), text=strip_html(text)
                ), None
            if kind and kind not in ("text/html", "application/xhtml+xml", "application/xml", "text/xml"):
                return None, f"page is {kind}, not HTML"
            page = await asyncio.to_thread(extract_page, fetched.body, fetched.url, timeout=self.page_timeout)
            return page, None
        except (FetchError, ParseError) as exc:
            return None, f"page: {exc}"[:500]


def _seed_host_blocks(
    fetcher: Fetcher, config: FeedsConfig, states: Mapping[str, Mapping[str, Any]], now: datetime
) -> None:
    """Retry-After deadlines of earlier runs apply to the whole host, not just the feed that got them."""
    for feed in config.feeds:
        state = states.get(feed.url) or {}
        until = parse_iso(state.get("retry_after"))
        if until and until > now and str(state.get("last_error") or "").startswith(RETRY_AFTER_PREFIX):
            fetcher.block_host(feed.url, until)


async def poll_feeds_async(
    config: FeedsConfig,
    states: Mapping[str, Mapping[str, Any]],
    *,
    is_known: Callable[[Entry], bool],
    now: datetime,
    limits: Limits | None = None,
    progress: Callable[[str], None] | None = None,
    page_timeout: float = 10.0,
    parse_timeout: float = 20.0,
    counters: Counters | None = None,
) -> list[FeedResult]:
    """`poll_feeds` for callers already inside an event loop."""
    policy = AddressPolicy(config.allow_private)
    async with Fetcher(policy, limits) as fetcher:
        _seed_host_blocks(fetcher, config, states, now)
        feeds = config.enabled_feeds
        poller = _Poller(fetcher, is_known, now, progress, page_timeout, parse_timeout, counters, len(feeds))
        if counters:
            counters("feeds", 0, len(feeds))  # shown from the first second, before any answer
        return list(await asyncio.gather(*(poller.feed(f, states.get(f.url) or {}) for f in feeds)))


def poll_feeds(
    config: FeedsConfig,
    states: Mapping[str, Mapping[str, Any]],
    *,
    is_known: Callable[[Entry], bool],
    now: datetime,
    limits: Limits | None = None,
    progress: Callable[[str], None] | None = None,
    page_timeout: float = 10.0,
    parse_timeout: float = 20.0,
    counters: Counters | None = None,
) -> list[FeedResult]:
    """Poll every enabled feed concurrently; one FeedResult per feed, in config order.

    `progress` gets one line per finished feed; `counters` gets running counts of feeds and pages.
    """
    return asyncio.run(
        poll_feeds_async(
            config,
            states,
            is_known=is_known,
            now=now,
            limits=limits,
            progress=progress,
            page_timeout=page_timeout,
            parse_timeout=parse_timeout,
            counters=counters,
        )
    )

"""Feeds administration: list (with health), add, remove, OPML import and export of feeds.yaml.

Edits go through config.load_feeds / config.save_feeds, so feeds.yaml stays validated. OPML comes from
other feed readers, i.e. from strangers: it is parsed with defusedxml with DTDs refused outright, so
entity bombs (billion laughs) and external entities can never expand, read files or reach the network.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel

from .config import FeedsConfig, Paths, load_feeds, save_feeds
from .errors import UsageError
from .records import Feed
from .urls import AddressRules

MAX_OPML_BYTES = 5_000_000  # a reading list is a few KB; anything this big is not one


class FeedHealth(BaseModel):
    """One feed of feeds.yaml joined with what the store knows about it (see feedstate.feed_health)."""

    name: str
    url: str
    tags: list[str]
    enabled: bool
    health: str = "never polled"  # ok | failing | stale | disabled | never polled
    last_checked: str | None = None
    last_success: str | None = None
    last_new: str | None = None
    consecutive_errors: int = 0
    last_error: str | None = None
    retry_after: str | None = None


def list_feeds(feeds_path: Path, paths: Paths, *, now: datetime | None = None) -> list[FeedHealth]:
    """Every feed of feeds.yaml, in file order, with the health `tracker status` reports."""
    from .feedstate import feed_health  # one definition of health for `status` and `feeds list`
    from .store import Store, utcnow

    config = load_feeds(feeds_path)
    states: dict[str, dict[str, Any]] = {}
    if Store.exists(paths):
        with Store.open(paths, "read") as store:
            states = {s["url"]: s for s in store.feed_states()}
    now = now or utcnow()
    return [
        FeedHealth(
            tags=list(feed.tags),
            **{
                **feed_health(feed.url, feed.name, states.get(feed.url, {}), enabled=feed.enabled, now=now),
                "enabled": feed.enabled,
            },
        )
        for feed in config.feeds
    ]


def _check_url(url: str) -> str:
    from .config import check_feed_url

    url = url.strip()
    try:
        return check_feed_url(url)
    except ValueError as exc:
        raise UsageError(f"not a usable feed URL: {exc}") from None


def refused_reason(feeds_path: Path, url: str) -> str | None:
    """Why ingest will refuse this feed's address under feeds.yaml's `allow_private`, else None.

    Checks IP literals and local names (localhost, *.localhost) without touching the network; a name is
    checked again on its resolved addresses at fetch time.
    """
    config = load_feeds(feeds_path) if feeds_path.exists() else FeedsConfig()
    return AddressRules(config.allow_private).refusal(url)


def _find(config: FeedsConfig, key: str) -> Feed:
    """The feed whose URL is `key`, or whose name is `key` (case-insensitive, must be unique)."""
    matches = [f for f in config.feeds if f.url == key.strip()]
    if not matches:
        matches = [f for f in config.feeds if f.name.casefold() == key.strip().casefold()]
    if not matches:
        raise UsageError(f"no feed with URL or name {key!r}")
    if len(matches) > 1:
        raise UsageError(f"{len(matches)} feeds are named {key!r}; give its URL")
    return matches[0]


def set_enabled(feeds_path: Path, key: str, enabled: bool) -> tuple[Feed, bool]:
    """Set a feed's `enabled` flag in feeds.yaml; (the feed, whether anything changed)."""
    config = load_feeds(feeds_path)
    feed = _find(config, key)
    if feed.enabled == enabled:
        return feed, False
    feed.enabled = enabled
    save_feeds(config, feeds_path)
    return feed, True


def refresh_feeds(feeds_path: Path, paths: Paths, key: str | None) -> list[Feed]:
    """Clear the backoff of one feed (`key`: URL or name) or of all (None): the next ingest polls them."""
    from .store import Store

    config = load_feeds(feeds_path)
    feeds = list(config.feeds) if key is None else [_find(config, key)]
    if Store.exists(paths) and feeds:
        with Store.open(paths, "write") as store:
            store.clear_backoff([f.url for f in feeds])
    return feeds


def _default_name(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def add_feed(feeds_path: Path, url: str, *, name: str | None = None, tags: list[str] | None = None) -> Feed:
    """Append one feed to feeds.yaml (creating the file if needed); refuse a duplicate URL."""
    url = _check_url(url)
    config = load_feeds(feeds_path) if feeds_path.exists() else FeedsConfig()
    if any(f.url == url for f in config.feeds):
        raise UsageError(f"feed already present: {url}")
    feed = Feed(name=(name or "").strip() or _default_name(url), url=url, tags=sorted(set(tags or [])))
    config.feeds.append(feed)
    save_feeds(FeedsConfig.model_validate(config.model_dump()), feeds_path)
    return feed


def remove_feed(feeds_path: Path, key: str) -> Feed:
    """Remove the feed whose URL is `key`, or whose name is `key` (case-insensitive, must be unique)."""
    config = load_feeds(feeds_path)
    gone = _find(config, key)
    config.feeds = [f for f in config.feeds if f is not gone]
    save_feeds(config, feeds_path)
    return gone


# -- OPML -------------------------------------------------------------------------------------------


class ImportReport(BaseModel):
    """What `feeds import` did."""

    added: list[Feed]
    skipped: list[str]  # "url: reason"


def parse_opml(data: bytes) -> list[Feed]:
    """Feeds of an OPML document (nested folders become tags); raise UsageError when it is not OPML."""
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    if len(data) > MAX_OPML_BYTES:
        raise UsageError(f"OPML file too large ({len(data)} bytes, limit {MAX_OPML_BYTES})")
    try:
        root = DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UsageError(f"refused OPML: {type(exc).__name__} (DTDs and entities are not allowed)") from None
    except ET.ParseError as exc:
        raise UsageError(f"not valid XML: {exc}") from None
    if root.tag.lower() != "opml":
        raise UsageError(f"not an OPML document (root element is <{root.tag[:40]}>)")
    body = root.find("body")
    if body is None:
        raise UsageError("not an OPML document (no <body>)")
    feeds: list[Feed] = []

    def walk(node: ET.Element, folders: list[str]) -> None:
        for outline in node.findall("outline"):
            url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
            title = (outline.get("title") or outline.get("text") or "").strip()
            if url:
                tags = set(folders)
                for cat in (outline.get("category") or "").split(","):
                    cat = cat.strip().strip("/")
                    if cat:
                        tags.add(cat.rsplit("/", 1)[-1])
                name = " ".join(title.split()) or _default_name(url)
                feeds.append(Feed(name=name, url=url, tags=sorted(tags)))
            else:  # a folder
                walk(outline, folders + [title] if title else folders)

    walk(body, [])
    return feeds


def import_opml(feeds_path: Path, opml_path: Path) -> ImportReport:
    """Add the feeds of an OPML file to feeds.yaml; feeds already present or not http(s) are skipped."""
    try:
        data = opml_path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {opml_path}: {exc.strerror or exc}") from None
    found = parse_opml(data)
    config = load_feeds(feeds_path) if feeds_path.exists() else FeedsConfig()
    known = {f.url for f in config.feeds}
    added: list[Feed] = []
    skipped: list[str] = []
    for feed in found:
        try:
            _check_url(feed.url)
        except UsageError:
            skipped.append(f"{feed.url}: not an http(s) URL")
            continue
        if feed.url in known:
            skipped.append(f"{feed.url}: already present")
            continue
        known.add(feed.url)
        added.append(feed)
    if added:
        config.feeds.extend(added)
        save_feeds(FeedsConfig.model_validate(config.model_dump()), feeds_path)
    return ImportReport(added=added, skipped=skipped)


def export_opml(feeds_path: Path) -> str:
    """feeds.yaml as an OPML 2.0 document (deterministic: file order, fixed attribute order)."""
    config = load_feeds(feeds_path)
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "tracker feeds"
    body = ET.SubElement(root, "body")
    for feed in config.feeds:
        attrs = {"type": "rss", "text": feed.name, "title": feed.name, "xmlUrl": feed.url}
        if feed.tags:
            attrs["category"] = ",".join(feed.tags)
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1): bytes -> the parsed-feed dict `poll` uses.

feedparser reads RSS, Atom and RDF; JSON Feed gets this small parser of its own (one parser per format).
The document is validated with pydantic, then mapped to the same dict `poll._parse_feed` returns, so
`poll.entries_from_parsed` turns both into the same `Entry` records.

Strict where a reader cannot go on (not JSON, not an object, no `version` naming JSON Feed, `items`
not a list, or missing from an untitled document), lenient where the spec and real feeds are loose: a
titled feed without `items` (read as empty), a missing feed title, an item `id` written as a number
(the spec says readers coerce it to a string), an unparsable date (dropped). An item of the wrong shape
is skipped; a feed whose items are all unusable is an error that names the first problem.
"""

from __future__ import annotations

import contextlib
import html
import json
from typing import Any
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .dates import parse_iso
from .errors import ParseError

JSON_TYPES = frozenset({"application/feed+json", "application/json", "text/json"})
VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")
MAX_ITEMS = 1000  # == poll.MAX_ENTRIES


class _Item(BaseModel):
    """One item of a JSON Feed; unknown keys (extensions, attachments, authors) are ignored."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    url: str | None = None
    external_url: str | None = None
    title: str | None = None
    content_html: str | None = None
    content_text: str | None = None
    summary: str | None = None
    date_published: str | None = None
    date_modified: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        # JSON Feed 1.1: "if an id is presented as a number, a JSON Feed reader must coerce it to a string"
        if isinstance(value, bool):
            return value  # rejected below: true is not an identifier
        if isinstance(value, int | float):
            return str(value)
        return value


class _Feed(BaseModel):
    """The top level of a JSON Feed; `items` are validated one by one afterwards."""

    model_config = ConfigDict(extra="ignore")

    version: str
    title: str | None = None
    home_page_url: str | None = None
    feed_url: str | None = None
    items: list[Any] = Field(...)

    @field_validator("version")
    @classmethod
    def _jsonfeed_version(cls, value: str) -> str:
        if not value.strip().startswith(VERSION_PREFIXES):
            raise ValueError(f"not a JSON Feed version URL: {value[:80]!r}")
        return value.strip()


def looks_like_json(body: bytes, content_type: str = "") -> bool:
    """True when the bytes should go to this parser: a JSON body, or a JSON content type on a non-XML body."""
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head[:1] in (b"{", b"["):
        return True
    return content_type.lower() in JSON_TYPES and head[:1] != b"<"


def _date(value: str | None) -> str | None:
    """RFC 3339 -> ISO 8601 in UTC; anything unparsable (or out of 1990-2100) is dropped."""
    if not value:
        return None
    text = value.strip()
    if text[-1:] in ("z", "Z"):
        text = text[:-1] + "+00:00"
    when = parse_iso(text, utc=True)
    return when.isoformat() if when is not None and 1990 <= when.year <= 2100 else None


def _problem(exc: ValidationError, prefix: str = "") -> str:
    """The first validation error as `field: reason`, positions 0-based as in the document."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "")
    return f"{where or 'document'}: {err['msg']}"


def parse_json_feed(body: bytes) -> dict[str, Any]:
    """A JSON Feed document -> {"version", "bozo", "bozo_exception", "title", "entries": [...]}.

    Each entry has guid / link / title / published / content like `poll._parse_feed`'s; the content is
    HTML (content_text is escaped so that stripping tags later gives the text back unchanged).
    Raises ParseError with a one-line reason when the document is not a usable JSON Feed.
    """
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ParseError(f"JSON Feed is not UTF-8: {exc.reason} at byte {exc.start}") from None
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (RecursionError, ValueError) as exc:  # absurd nesting, giant integers
        raise ParseError(f"invalid JSON: {type(exc).__name__}: {str(exc)[:120]}") from None
    if not isinstance(doc, dict):
        raise ParseError(f"not a JSON Feed: the document is a JSON {type(doc).__name__}, not an object")
    if "version" not in doc and "items" not in doc:
        raise ParseError("not a JSON Feed: no version and no items")
    no_items = "items" not in doc and isinstance(doc.get("title"), str) and bool(doc["title"].strip())
    if no_items:
        # A titled feed with no `items` key: an empty feed that omits the key (Miniflux reads it so),
        # read as empty like an item-less RSS channel. With no title either, it is an error.
        doc = {**doc, "items": []}
    try:
        feed = _Feed.model_validate(doc)
    except ValidationError as exc:
        raise ParseError(f"invalid JSON Feed: {_problem(exc)}") from None

    # relative item URLs resolve against the site (as Miniflux does); without one, `poll` resolves them
    # against the URL the feed was fetched from
    home = (feed.home_page_url or "").strip()
    site = home if urlsplit(home).scheme in ("http", "https") else ""
    entries: list[dict[str, Any]] = []
    skipped: list[str] = []
    for n, raw in enumerate(feed.items[:MAX_ITEMS]):
        try:
            item = _Item.model_validate(raw)
        except ValidationError as exc:
            skipped.append(_problem(exc, f"items.{n}"))
            continue
        content = (
            item.content_html
            or (html.escape(item.content_text, quote=False) if item.content_text else "")
            or html.escape(item.summary or "", quote=False)
        )
        link = (item.url or item.external_url or "").strip()
        if link and site:
            with contextlib.suppress(ValueError):  # else left as written; poll drops non-http(s) links
                link = urljoin(site, link)
        entries.append(
            {
                "guid": (item.id or "").strip()[:2000],
                "link": link[:4000],
                "title": html.escape(item.title or "", quote=False)[:2000],
                "published": _date(item.date_published) or _date(item.date_modified),
                "content": content[:1_000_000],
            }
        )
    if skipped and not entries:
        raise ParseError(f"invalid JSON Feed: no usable item ({skipped[0]})")
    if no_items:
        skipped.append("items: missing (read as an empty feed)")
    version = feed.version.rstrip("/").rsplit("/", 1)[-1]
    return {
        "version": f"json{version.replace('.', '')}",  # json1, json11: as feedparser names them
        "bozo": bool(skipped),
        "bozo_exception": "; ".join(skipped)[:300] if skipped else None,
        "title": (feed.title or "")[:500],
        "has_channel": True,
        "entries": entries,
    }

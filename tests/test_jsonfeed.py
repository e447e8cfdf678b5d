"""jsonfeed: JSON Feed 1.0 / 1.1 golden parses, bad documents as one-line errors, detection in poll."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import entry_rows
from tracker.config import FeedsConfig
from tracker.errors import ParseError
from tracker.fetch import FetchResult
from tracker.jsonfeed import looks_like_json, parse_json_feed
from tracker.poll import entries_from_parsed, parse_feed, poll_feeds
from tracker.records import Feed

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
BASE = "https://feeds.example.test/feed.json"
T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("path", sorted(FEEDS.glob("jsonfeed_*[0-9].json")), ids=lambda p: p.stem)
def test_golden_json_feed(path: Path) -> None:
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    parsed = parse_json_feed(path.read_bytes())
    entries = entries_from_parsed(BASE, BASE, parsed)
    got = entry_rows(entries)
    assert parsed["version"] == expected["version"] and not parsed["bozo"]
    assert got == expected["entries"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("bad_jsonfeed_no_items.json", "items: Field required"),
        ("bad_jsonfeed_items_object.json", "items: Input should be a valid list"),
        ("bad_jsonfeed_item_types.json", "no usable item (items.0.title: Input should be a valid string"),
        ("bad_jsonfeed_version.json", "version: Input should be a valid string"),
        ("bad_jsonfeed_truncated.json", "invalid JSON: Unterminated string"),
    ],
)
def test_bad_json_feeds_are_one_line_parse_errors(name: str, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_json_feed((FEEDS / name).read_bytes())
    message = str(info.value)
    assert reason in message and "\n" not in message


def test_a_titled_feed_without_items_is_read_as_empty() -> None:
    parsed = parse_json_feed((FEEDS / "jsonfeed_empty_no_items.json").read_bytes())
    assert parsed["entries"] == [] and parsed["title"] == "Nothing posted yet"
    assert parsed["bozo"] and "items: missing" in parsed["bozo_exception"]
    result = FetchResult(
        BASE,
        200,
        {"content-type": "application/feed+json"},
        (FEEDS / "jsonfeed_empty_no_items.json").read_bytes(),
    )
    assert asyncio.run(parse_feed(result, BASE)) == []  # read, not failed


def test_a_bad_item_is_skipped_and_the_others_kept() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "t",
        "items": [
            {"id": "ok", "url": "https://a.example.test/1", "title": "Fine"},
            {"id": "bad", "url": {"not": "a string"}},
        ],
    }
    parsed = parse_json_feed(json.dumps(doc).encode())
    assert [e["guid"] for e in parsed["entries"]] == ["ok"]
    assert parsed["bozo"] and "items.1.url" in parsed["bozo_exception"]


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b'"text"',
        b"{}",
        b'{"version": "https://example.org/v1", "items": []}',
        b"\xff\xfe{",
        b"[" * 100_000,
        b'{"items": [], "version": 1' + b"0" * 5000 + b"}",
    ],
)
def test_documents_that_are_not_json_feeds(body: bytes) -> None:
    with pytest.raises(ParseError):
        parse_json_feed(body)


_KEYS = st.sampled_from(["version", "title", "items", "id", "url", "content_html", "date_published", "x"])


def _nested(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.lists(children, max_size=4), st.dictionaries(_KEYS, children, max_size=5))


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
        _nested,
        max_leaves=20,
    )
)
def test_any_json_gives_entries_or_a_parse_error(doc: Any) -> None:
    if isinstance(doc, dict) and "version" in doc:
        doc["version"] = "https://jsonfeed.org/version/1.1"
    try:
        parsed = parse_json_feed(json.dumps(doc).encode())
    except ParseError as exc:
        assert "\n" not in str(exc)
    else:
        entries_from_parsed(BASE, BASE, parsed)  # and the poller's mapping takes whatever came out


def test_detection_by_body_and_content_type() -> None:
    assert looks_like_json(b'  \n{"version": 1}', "text/plain")
    assert looks_like_json(b"\xef\xbb\xbf{", "")
    assert looks_like_json(b" \n\t" * 5000 + b'{"version": 1}', "")  # whitespace far past any sniff window
    assert looks_like_json(b"not json at all", "application/feed+json")
    assert not looks_like_json(b"<?xml version='1.0'?><rss/>", "application/json")
    assert not looks_like_json(b"<rss/>", "application/rss+xml")


@pytest.mark.parametrize(
    "content_type",
    ["application/feed+json", "application/json; charset=utf-8", "text/plain", "application/octet-stream"],
)
def test_parse_feed_routes_json_feeds_whatever_the_content_type(content_type: str) -> None:
    body = (FEEDS / "jsonfeed_v1.json").read_bytes()
    result = FetchResult(BASE, 200, {"content-type": content_type}, body)
    entries = asyncio.run(parse_feed(result, BASE))
    assert [e.guid for e in entries] == ["radar-1", "radar-2"]


def test_a_bad_json_feed_is_a_parse_error_not_a_crash() -> None:
    body = (FEEDS / "bad_jsonfeed_no_items.json").read_bytes()
    result = FetchResult(BASE, 200, {"content-type": "application/feed+json"}, body)
    with pytest.raises(ParseError, match="invalid JSON Feed: items: Field required"):
        asyncio.run(parse_feed(result, BASE))


def test_poll_reads_a_json_feed_from_a_local_server(http_server: Any) -> None:
    srv = http_server
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Local",
        "items": [
            {
                "id": "j1",
                "url": srv.url("/gone"),
                "title": "Kestrel-9 ships",
                "content_text": "Kestrel-9 has 9 billion parameters.",
                "date_published": "2026-11-20T10:00:00Z",
            },
        ],
    }
    srv.add("/gone", "x", status=404)
    srv.add("/feed.json", json.dumps(doc), content_type="application/feed+json")
    srv.add("/bad.json", '{"version": "https://jsonfeed.org/version/1.1"}', content_type="application/json")
    config = FeedsConfig(
        allow_private=[f"127.0.0.1:{srv.port}"],
        feeds=[Feed(name="json", url=srv.url("/feed.json")), Feed(name="bad", url=srv.url("/bad.json"))],
    )
    good, bad = poll_feeds(config, {}, is_known=lambda e: False, now=T0)
    assert good.outcome == "ok"
    (item,) = good.items
    assert item.entry.guid == "j1" and item.entry.published == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert item.page is not None and item.page.text == "Kestrel-9 has 9 billion parameters."
    assert bad.outcome == "error" and (bad.error or "").startswith("parse: invalid JSON Feed: items")
    accept = srv.sent("/feed.json")[0].get("Accept", "")
    assert "application/feed+json" in accept


def test_a_json_feed_that_overruns_its_parse_limit_is_abandoned() -> None:
    """JSON Feed is parsed in a sandbox worker too, under the same limit as XML feeds."""
    items = [
        {"id": str(n), "url": f"https://a.example.test/{n}", "content_text": "x" * 5000} for n in range(1000)
    ]
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "big", "items": items}
    body = json.dumps(doc).encode()
    result = FetchResult(BASE, 200, {"content-type": "application/feed+json"}, body)
    with pytest.raises(ParseError, match="gave up after"):
        asyncio.run(parse_feed(result, BASE, timeout=0.001))
    assert len(asyncio.run(parse_feed(result, BASE))) == 1000  # a fresh worker takes over

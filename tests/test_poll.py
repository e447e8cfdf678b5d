"""poll: the pure state decider, golden feed parses, and polling real feeds from 127.0.0.1."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import entry_rows, local_feeds
from tracker.config import FeedsConfig
from tracker.errors import ParseError
from tracker.feedstate import BACKOFF_CAP, backoff_delay, feed_health, is_due, is_stale, next_state
from tracker.fetch import FetchResult
from tracker.poll import FeedResult, _parse_feed_in_worker, entries_from_parsed, parse_feed, poll_feeds
from tracker.records import Entry, Feed
from tracker.store import Store

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
BASE = "https://feeds.example.test/feed.xml"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


# -- the decider ---------------------------------------------------------------------------------------


def test_state_keys_are_the_store_feed_fields() -> None:
    state = next_state({}, "ok", T0)
    assert set(state) | {"name"} == set(Store.FEED_FIELDS)


def test_success_records_validators_and_health() -> None:
    stamp = "Sun, 01 Mar 2026 10:00:00 GMT"
    state = next_state({}, "ok", T0, new_entries=3, etag='"e1"', last_modified=stamp)
    assert state["etag"] == '"e1"' and state["last_modified"].startswith("Sun")
    assert state["last_success"] == state["last_checked"] == state["last_new"] == T0.isoformat()
    assert state["consecutive_errors"] == 0 and state["entries_seen"] == 3 and state["retry_after"] is None


def test_errors_back_off_exponentially_up_to_the_cap_and_reset_on_success() -> None:
    state: dict[str, Any] = {}
    now = T0
    delays = []
    for _ in range(8):
        state = next_state(state, "error", now, error="HTTP 500")
        delays.append(datetime.fromisoformat(state["retry_after"]) - now)
        now += timedelta(days=1)
    assert delays[:3] == [timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1)]
    assert max(delays) == BACKOFF_CAP == delays[-1]
    assert state["consecutive_errors"] == 8 and state["last_error"] == "HTTP 500"
    state = next_state(state, "ok", now)
    assert state["consecutive_errors"] == 0 and state["retry_after"] is None and state["last_error"] is None


def test_retry_after_later_than_backoff_wins() -> None:
    later = T0 + timedelta(hours=3)
    state = next_state({}, "error", T0, retry_after=later, error="HTTP 429")
    assert datetime.fromisoformat(state["retry_after"]) == later
    sooner = T0 + timedelta(minutes=1)
    state = next_state({}, "error", T0, retry_after=sooner, error="HTTP 503")
    assert datetime.fromisoformat(state["retry_after"]) == T0 + timedelta(minutes=15)


def test_not_modified_keeps_validators_and_counts_nothing_new() -> None:
    old = next_state({}, "ok", T0, new_entries=2, etag='"a"', last_modified="x")
    state = next_state(old, "not_modified", T0 + timedelta(hours=1))
    assert state["etag"] == '"a"' and state["last_modified"] == "x"
    assert state["last_new"] == old["last_new"] and state["entries_seen"] == 2
    assert state["last_success"] == (T0 + timedelta(hours=1)).isoformat()


def test_backoff_changes_nothing_but_a_later_retry_after() -> None:
    old = next_state({}, "error", T0, error="boom")
    assert next_state(old, "backoff", T0 + timedelta(minutes=1)) == old
    later = T0 + timedelta(days=1)
    assert next_state(old, "backoff", T0, retry_after=later)["retry_after"] == later.isoformat()


def test_is_due_and_is_stale() -> None:
    failing = next_state({}, "error", T0, error="x")
    assert not is_due(failing, T0 + timedelta(minutes=14))
    assert is_due(failing, T0 + timedelta(minutes=15))
    assert is_due({}, T0)
    fresh = next_state({}, "ok", T0, new_entries=1)
    quiet = next_state(fresh, "ok", T0 + timedelta(days=40))  # answered, nothing new
    assert not is_stale(fresh, T0 + timedelta(days=29))
    assert is_stale(quiet, T0 + timedelta(days=40))
    day41 = T0 + timedelta(days=41)
    assert not is_stale(next_state(quiet, "ok", day41, new_entries=1), day41)
    assert not is_stale({}, T0)  # never polled is not stale


def test_feed_health_reads_the_decided_state() -> None:
    fresh = next_state({}, "ok", T0, new_entries=2)
    failing = next_state(fresh, "error", T0 + timedelta(hours=1), error="HTTP 500")
    quiet = next_state(fresh, "ok", T0 + timedelta(days=40))

    def health(state: dict[str, Any], enabled: bool | None = True, days: int = 0) -> str:
        return str(feed_health("u", "n", state, enabled=enabled, now=T0 + timedelta(days=days))["health"])

    assert health({}) == "never polled" and health(fresh) == "ok" and health(failing) == "failing"
    assert health(quiet, days=40) == "stale" and health(fresh, enabled=False) == "disabled"


@given(st.lists(st.sampled_from(["ok", "not_modified", "error", "backoff"]), max_size=30))
def test_decider_invariants(outcomes: list[str]) -> None:
    state: dict[str, Any] = {}
    now = T0
    trailing_errors = 0
    for outcome in outcomes:
        state = next_state(state, outcome, now, error="e")  # type: ignore[arg-type]
        if outcome == "error":
            trailing_errors += 1
            until = datetime.fromisoformat(state["retry_after"])
            assert until - now == backoff_delay(trailing_errors) <= BACKOFF_CAP
        elif outcome in ("ok", "not_modified"):
            trailing_errors = 0
            assert state["retry_after"] is None
        assert state["consecutive_errors"] == trailing_errors
        now += timedelta(hours=7)


# -- parsing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(FEEDS.glob("*.xml")), ids=lambda p: p.stem)
def test_golden_feed(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    parsed = _parse_feed_in_worker(path.read_bytes(), BASE, "application/xml")
    entries = entries_from_parsed(BASE, BASE, parsed)
    got = entry_rows(entries)
    assert parsed["version"] == expected["version"]
    assert got == expected["entries"]


def test_parse_feed_runs_in_the_sandbox_and_rejects_non_feeds(tmp_path: Path) -> None:
    import asyncio

    body = (FEEDS / "rss2_basic.xml").read_bytes()
    entries = asyncio.run(parse_feed(FetchResult(BASE, 200, {}, body), BASE))
    assert [e.guid for e in entries][:1] == ["halcyon-2-post"]
    secret = tmp_path / "secret.txt"
    secret.write_text("<rss version='2.0'><channel><item><title>LEAK</title></item></channel></rss>")
    # bytes that look like a path must never be opened as a file (feedparser would, given raw bytes)
    with pytest.raises(ParseError, match="not a feed"):
        asyncio.run(parse_feed(FetchResult(BASE, 200, {}, str(secret).encode()), BASE))


# -- polling from 127.0.0.1 ----------------------------------------------------------------------------


def _page(title: str) -> str:
    paragraphs = "".join(
        f"<p>{title} is a language model with 13 billion parameters and a context window of 32,000 tokens. "
        f"Paragraph {i} of the announcement describes its benchmark results and API prices.</p>"
        for i in range(4)
    )
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}"
        "</article></body></html>"
    )


def _rss(items: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>{link}</link>"
        f"<description>feed text of {t}</description><pubDate>Sun, 01 Mar 2026 10:00:00 GMT</pubDate></item>"
        for g, t, link in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{body}</channel></rss>'


@pytest.fixture
def site(http_server: Any) -> Any:
    srv = http_server
    srv.add("/a1", _page("Osprey-1"))
    srv.add("/a2", _page("Osprey-2"))
    srv.add(
        "/rss",
        _rss([("g1", "Osprey-1", srv.url("/a1")), ("g2", "Osprey-2", srv.url("/a2"))]),
        content_type="application/rss+xml",
        headers={"ETag": '"rss-1"'},
    )
    srv.add("/broken", "<rss><channel><item>", content_type="text/html")
    srv.add("/failing", "nope", status=500)
    return srv


def test_poll_feeds_end_to_end(site: Any) -> None:
    feeds = [
        Feed(name="good", url=site.url("/rss")),
        Feed(name="broken", url=site.url("/broken")),
        Feed(name="failing", url=site.url("/failing")),
        Feed(name="off", url=site.url("/never"), enabled=False),
    ]
    messages: list[str] = []
    results = poll_feeds(
        local_feeds(site, *feeds), {}, is_known=lambda e: False, now=T0, progress=messages.append
    )
    by_name = {r.feed.name: r for r in results}
    assert set(by_name) == {"good", "broken", "failing"}  # disabled feeds are not polled
    good = by_name["good"]
    assert good.outcome == "ok" and good.state["etag"] == '"rss-1"' and good.state["name"] == "good"
    assert sorted(it.entry.guid for it in good.items) == ["g1", "g2"]
    for it in good.items:
        assert it.error is None and it.page is not None
        assert "13 billion parameters" in it.page.text and it.page.canonical_url == it.entry.link
    assert by_name["broken"].outcome == "error" and "parse" in (by_name["broken"].error or "")
    assert by_name["failing"].outcome == "error" and by_name["failing"].state["consecutive_errors"] == 1
    assert len(messages) == 3 and site.count("/never") == 0

    # second run: the stored ETag gives a 304, nothing is parsed or fetched again
    states = {r.feed.url: r.state for r in results}
    again = poll_feeds(
        local_feeds(site, feeds[0]), states, is_known=lambda e: False, now=T0 + timedelta(hours=1)
    )
    assert again[0].outcome == "not_modified" and again[0].items == []
    assert site.count("/a1") == 1 and site.count("/rss") == 2


def test_known_entries_are_skipped_without_fetching_their_page(site: Any) -> None:
    results = poll_feeds(
        local_feeds(site, Feed(name="good", url=site.url("/rss"))),
        {},
        is_known=lambda e: e.guid == "g1",
        now=T0,
    )
    assert [it.entry.guid for it in results[0].items] == ["g2"]
    assert site.count("/a1") == 0 and site.count("/a2") == 1


def test_page_failure_falls_back_to_the_feed_text(http_server: Any) -> None:
    srv = http_server
    srv.add("/gone", "x", status=404)
    srv.add("/rss", _rss([("g1", "Wren-3", srv.url("/gone"))]), content_type="application/rss+xml")
    config = local_feeds(srv, Feed(name="f", url=srv.url("/rss")))
    results = poll_feeds(config, {}, is_known=lambda e: False, now=T0)
    (item,) = results[0].items
    assert item.error and "404" in item.error
    assert item.page is not None and item.page.text == "feed text of Wren-3" and item.page.title == "Wren-3"


def test_private_addresses_are_refused_unless_allowed(site: Any) -> None:
    config = FeedsConfig(allow_private=False, feeds=[Feed(name="good", url=site.url("/rss"))])
    (result,) = poll_feeds(config, {}, is_known=lambda e: False, now=T0)
    assert result.outcome == "error" and "refused" in (result.error or "")
    assert site.count("/rss") == 0


def test_feed_result_is_serialisable() -> None:
    entry = Entry(feed_url=BASE, guid="g")
    result = FeedResult(feed=Feed(name="n", url=BASE), outcome="ok", state=next_state({}, "ok", T0))
    assert FeedResult.model_validate_json(result.model_dump_json()) == result
    assert entry.guid == "g"


def test_a_feed_that_overruns_its_parse_limit_is_abandoned(http_server: Any) -> None:
    srv = http_server
    items = [(f"g{i}", f"Entry {i}", srv.url(f"/p{i}")) for i in range(2000)]
    srv.add("/slow", _rss(items), content_type="application/rss+xml")
    srv.add("/ok", _rss([("g1", "Fine", srv.url("/gone"))]), content_type="application/rss+xml")
    feeds = [Feed(name="slow", url=srv.url("/slow")), Feed(name="ok", url=srv.url("/ok"))]
    results = poll_feeds(local_feeds(srv, *feeds), {}, is_known=lambda e: False, now=T0, parse_timeout=0.01)
    slow = results[0]
    assert slow.outcome == "error" and "gave up" in (slow.error or "")
    # the killed worker is replaced: the next run parses normally
    again = poll_feeds(local_feeds(srv, feeds[1]), {}, is_known=lambda e: False, now=T0)
    assert again[0].outcome == "ok" and [it.entry.guid for it in again[0].items] == ["g1"]


# -- the HTTP charset and recoverable errors ----------------------------------------------------------


def test_the_http_charset_decodes_a_feed_without_an_xml_encoding(http_server: Any) -> None:
    srv = http_server
    body = (FEEDS / "charset_windows1251.rss").read_bytes()
    assert b"encoding=" not in body  # only the HTTP header can tell how to decode it
    srv.add("/ru", body, content_type="application/rss+xml; charset=windows-1251")
    srv.add("/osprey-3", "x", status=404)
    (result,) = poll_feeds(
        local_feeds(srv, Feed(name="ru", url=srv.url("/ru"))), {}, is_known=lambda e: False, now=T0
    )
    assert result.outcome == "ok"
    (item,) = result.items
    assert item.entry.title == "Модель Osprey-3 вышла"
    assert item.page is not None and item.page.text == "Модель Osprey-3 имеет 12 миллиардов параметров."


def test_an_item_less_feed_with_a_recoverable_error_counts_as_read(http_server: Any) -> None:
    srv = http_server
    srv.add("/empty", (FEEDS / "bozo_empty_channel.rss").read_bytes(), content_type="application/rss+xml")
    srv.add("/truncated", "<rss version='2.0'><channel><item>", content_type="application/rss+xml")
    feeds = [Feed(name="empty", url=srv.url("/empty")), Feed(name="truncated", url=srv.url("/truncated"))]
    empty, truncated = poll_feeds(local_feeds(srv, *feeds), {}, is_known=lambda e: False, now=T0)
    assert empty.outcome == "ok" and empty.items == [] and empty.state["consecutive_errors"] == 0
    assert truncated.outcome == "error" and "malformed feed" in (truncated.error or "")

"""The hostile-feed behaviours: each scripts a server misbehaviour, polls it next to a good control feed,
and asserts what the poller must do. Shared by tests/test_hostile.py and bench/hostile.py.

Three servers per behaviour: `main` (allowed as "127.0.0.1:PORT"; serves the control feed and most
behaviours), `polite` (allowed; the 429 / 503 behaviours, so a Retry-After there never silences the
control feed's host) and `refused` (a listening loopback port that is NOT allowed: any request it
receives is a policy failure).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import brotli

from localserver import LocalServer
from tracker.config import FeedsConfig
from tracker.fetch import Limits
from tracker.poll import FeedResult, poll_feeds
from tracker.records import Entry, Feed

from .server import chunked_stream, raw, response, retry_after, slow_drip

LIMITS = Limits(total=2.5, connect=1.0, read=2.0, max_bytes=512 * 1024, max_connections=16, max_per_host=4)
CONTROL_MARKER = "Kestrel-9"


# -- content we write ourselves ---------------------------------------------------------------------------


def article_html(title: str, paragraphs: Iterable[str]) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Copyright the example newsroom.</footer></body></html>"
    )


def launch_paragraphs(model: str) -> list[str]:
    return [
        f"The lab behind {model} released the model on Monday as an open-weight language model "
        "for developers.",
        f"{model} has 34 billion parameters in total and a context window of 256,000 tokens, "
        "according to the model card published alongside the weights.",
        f"On the MMLU benchmark {model} scored 81.5 percent, and the team says it was trained on 4,096 GPUs "
        "over eleven weeks.",
        f"Access through the API costs $0.40 per million input tokens and $1.20 per million output tokens, "
        f"and {model} is licensed under Apache 2.0.",
    ]


def rss(items: Iterable[Mapping[str, str]], *, title: str = "Example feed", extra_head: str = "") -> bytes:
    parts = []
    for item in items:
        fields = "".join(f"<{k}>{v}</{k}>" for k, v in item.items())
        parts.append(f"<item>{fields}</item>")
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{extra_head}<rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://example.invalid/</link><description>d</description>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode("utf-8")


def atom(items: Iterable[Mapping[str, str]]) -> bytes:
    parts = []
    for item in items:
        parts.append(
            f"<entry><id>{item['id']}</id><title>{item['title']}</title>"
            f"<link rel='alternate' href='{item['link']}'/><updated>{item['updated']}</updated>"
            f"<summary>{item.get('summary', '')}</summary></entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Example atom</title><id>urn:example:atom</id><updated>2026-03-01T10:00:00Z</updated>"
        + "".join(parts)
        + "</feed>"
    ).encode("utf-8")


def item(n: int, link: str, *, guid: str | None = None, title: str | None = None) -> dict[str, str]:
    return {
        "guid": guid or f"urn:example:{n}",
        "title": title or f"Model launch number {n}",
        "link": link,
        "pubDate": "Sun, 01 Mar 2026 10:00:00 GMT",
        "description": escape(f"<p>Short summary {n}: a new language model with 7 billion parameters.</p>"),
    }


_MB = b"\0" * (1024 * 1024)


@cache
def gzip_bomb(mb: int = 64) -> bytes:
    """mb MB of zeros, gzipped, built a megabyte at a time (the harness never holds the inflated bomb)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    return b"".join(packer.compress(_MB) for _ in range(mb)) + packer.flush()


@cache
def deflate_bomb(mb: int = 64) -> bytes:
    packer = zlib.compressobj(9)
    return b"".join(packer.compress(_MB) for _ in range(mb)) + packer.flush()


@cache
def brotli_bomb(mb: int = 256) -> bytes:
    packer = brotli.Compressor(quality=5)
    return b"".join(packer.process(_MB) for _ in range(mb)) + packer.finish()


# -- the context ------------------------------------------------------------------------------------------


class Crash(Exception):
    """poll_feeds raised: the run would have died."""


@dataclass
class Ctx:
    main: LocalServer
    polite: LocalServer
    refused: LocalServer
    tmp: Path
    limits: Limits = LIMITS
    crashes: int = 0
    lost: int = 0
    polls: int = 0
    log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        entries = []
        for n in range(3):
            page = f"/control/p{n}.html"
            model = f"{CONTROL_MARKER}-{n}"
            self.main.add(page, article_html(f"{model} arrives", launch_paragraphs(model)))
            entries.append(item(n, self.main.url(page), guid=f"urn:control:{n}", title=f"{model} arrives"))
        self.main.add("/control/feed.xml", rss(entries), content_type="application/rss+xml")
        self.control = Feed(name="control", url=self.main.url("/control/feed.xml"))

    @classmethod
    def open(cls, tmp: Path) -> Ctx:
        return cls(LocalServer(), LocalServer(), LocalServer(), tmp)

    def close(self) -> None:
        for server in (self.main, self.polite, self.refused):
            server.close()

    def config(self, feeds: Iterable[Feed]) -> FeedsConfig:
        return FeedsConfig(allow_private=[self.main.netloc, self.polite.netloc], feeds=[self.control, *feeds])

    def feed(
        self,
        name: str,
        path: str,
        body: bytes | str = b"",
        *,
        server: LocalServer | None = None,
        **kwargs: Any,
    ) -> Feed:
        """Register a route (as LocalServer.add) and return the Feed pointing at it."""
        server = server or self.main
        kwargs.setdefault("content_type", "application/rss+xml")
        return Feed(name=name, url=server.add(path, body, **kwargs))

    def poll(
        self,
        *feeds: Feed,
        states: Mapping[str, dict[str, Any]] | None = None,
        known: Callable[[Entry], bool] | None = None,
        now: datetime | None = None,
        page_timeout: float = 5.0,
    ) -> dict[str, FeedResult]:
        """Poll these feeds and the control feed; count a crash, and control entries that went missing."""
        self.polls += 1
        try:
            results = poll_feeds(
                self.config(feeds),
                states or {},
                is_known=known or (lambda _e: False),
                now=now or datetime.now(UTC),
                limits=self.limits,
                page_timeout=page_timeout,
                parse_timeout=5.0,
            )
        except Exception as exc:
            self.crashes += 1
            raise Crash(f"{type(exc).__name__}: {exc}") from exc
        by_url = {r.feed.url: r for r in results}
        control = by_url[self.control.url]
        got = sum(
            1 for it in control.items if it.page and CONTROL_MARKER in it.page.text and it.error is None
        )
        self.lost += 3 - got
        return by_url

    def one(self, feed: Feed, **kwargs: Any) -> FeedResult:
        return self.poll(feed, **kwargs)[feed.url]

    @property
    def refused_hits(self) -> int:
        return self.refused.count()

    @property
    def early_hits(self) -> int:
        return self.polite.early_hits + self.main.early_hits


# -- behaviours -------------------------------------------------------------------------------------------

Behaviour = Callable[[Ctx], None]
BEHAVIOURS: dict[str, Behaviour] = {}


def behaviour(fn: Behaviour) -> Behaviour:
    BEHAVIOURS[fn.__name__.removeprefix("b_")] = fn
    return fn


def good_items(
    ctx: Ctx, prefix: str, n: int = 2, *, server: LocalServer | None = None
) -> list[dict[str, str]]:
    server = server or ctx.main
    out = []
    for i in range(n):
        model = f"Vireo-{prefix}-{i}"
        page = server.add(f"/{prefix}/p{i}.html", article_html(f"{model} launches", launch_paragraphs(model)))
        out.append(item(i, page, guid=f"urn:{prefix}:{i}", title=f"{model} launches"))
    return out


def assert_error(result: FeedResult, *words: str) -> None:
    assert result.outcome == "error", (result.outcome, result.error)
    assert result.error
    for word in words:
        assert word.lower() in result.error.lower(), (word, result.error)
    assert result.state["consecutive_errors"] == 1
    assert result.items == []


def assert_pages(result: FeedResult, n: int) -> None:
    assert result.outcome == "ok", result.error
    assert len(result.items) == n, [i.entry.guid for i in result.items]
    for it in result.items:
        assert it.error is None, it.error
        assert it.page is not None and "billion parameters" in it.page.text


# fetch limits ------------------------------------------------------------------------------------------


@behaviour
def b_rss_ok(ctx: Ctx) -> None:
    assert_pages(ctx.one(ctx.feed("rss", "/rss.xml", rss(good_items(ctx, "rss", 3)))), 3)


@behaviour
def b_atom_ok(ctx: Ctx) -> None:
    items = [
        {
            "id": f"urn:atom:{i['guid']}",
            "title": i["title"],
            "link": i["link"],
            "updated": "2026-03-01T10:00:00Z",
        }
        for i in good_items(ctx, "atom", 2)
    ]
    result = ctx.one(ctx.feed("atom", "/atom.xml", atom(items), content_type="application/atom+xml"))
    assert_pages(result, 2)
    assert all(it.entry.published == datetime(2026, 3, 1, 10, tzinfo=UTC) for it in result.items)


@behaviour
def b_oversized_declared(ctx: Ctx) -> None:
    body = rss(good_items(ctx, "big", 1), extra_head="<!--" + "x" * (ctx.limits.max_bytes + 10) + "-->")
    assert_error(ctx.one(ctx.feed("big", "/big.xml", body)), "limit")


@behaviour
def b_oversized_chunked(ctx: Ctx) -> None:
    feed = ctx.feed("chunked", "/chunked.xml", handler=chunked_stream(b"<!-- " + b"y" * 65530 + b" -->", 64))
    assert_error(ctx.one(feed), "limit")


@behaviour
def b_lying_length_longer(ctx: Ctx) -> None:
    body = rss(good_items(ctx, "liar", 1))
    feed = ctx.feed(
        "liar",
        "/liar.xml",
        handler=response(200, body[:80], {"Content-Type": "application/rss+xml"}, length=len(body) * 10),
    )
    assert_error(ctx.one(feed))


@behaviour
def b_lying_length_shorter(ctx: Ctx) -> None:
    body = rss(good_items(ctx, "short", 2))
    feed = ctx.feed(
        "short", "/short.xml", handler=response(200, body, {"Content-Type": "application/rss+xml"}, length=60)
    )
    result = ctx.one(feed)
    assert result.items == []  # 60 bytes hold no entry, whatever the rest of the stream says


@behaviour
def b_gzip_bomb(ctx: Ctx) -> None:
    feed = ctx.feed("gzbomb", "/gzbomb.xml", gzip_bomb(), headers={"Content-Encoding": "gzip"})
    assert_error(ctx.one(feed), "limit")


@behaviour
def b_brotli_bomb(ctx: Ctx) -> None:
    feed = ctx.feed("brbomb", "/brbomb.xml", brotli_bomb(), headers={"Content-Encoding": "br"})
    assert_error(ctx.one(feed), "limit")


@behaviour
def b_deflate_bomb(ctx: Ctx) -> None:
    feed = ctx.feed("dfbomb", "/dfbomb.xml", deflate_bomb(), headers={"Content-Encoding": "deflate"})
    assert_error(ctx.one(feed), "limit")


@behaviour
def b_double_gzip_bomb(ctx: Ctx) -> None:
    feed = ctx.feed("gz2", "/gz2.xml", gzip.compress(gzip_bomb()), headers={"Content-Encoding": "gzip, gzip"})
    assert_error(ctx.one(feed), "limit")


@behaviour
def b_gzip_feed_ok(ctx: Ctx) -> None:
    body = gzip.compress(rss(good_items(ctx, "gz", 2)))
    assert_pages(ctx.one(ctx.feed("gz", "/gz.xml", body, headers={"Content-Encoding": "gzip"})), 2)


@behaviour
def b_brotli_feed_ok(ctx: Ctx) -> None:
    body = brotli.compress(rss(good_items(ctx, "br", 2)))
    assert_pages(ctx.one(ctx.feed("br", "/br.xml", body, headers={"Content-Encoding": "br"})), 2)


@behaviour
def b_raw_deflate_feed_ok(ctx: Ctx) -> None:
    packer = zlib.compressobj(wbits=-15)
    body = packer.compress(rss(good_items(ctx, "df", 1))) + packer.flush()
    assert_pages(ctx.one(ctx.feed("df", "/df.xml", body, headers={"Content-Encoding": "deflate"})), 1)


@behaviour
def b_corrupt_gzip(ctx: Ctx) -> None:
    body = b"\x1f\x8b\x08\x00" + b"not really gzip at all" * 10
    assert_error(ctx.one(ctx.feed("badgz", "/badgz.xml", body, headers={"Content-Encoding": "gzip"})), "gzip")


@behaviour
def b_unknown_encoding(ctx: Ctx) -> None:
    feed = ctx.feed("lzw", "/lzw.xml", b"\x1f\x9d\x90abc", headers={"Content-Encoding": "compress"})
    assert_error(ctx.one(feed), "encoding")


@behaviour
def b_slow_drip(ctx: Ctx) -> None:
    feed = ctx.feed(
        "drip", "/drip.xml", handler=slow_drip(rss(good_items(ctx, "drip", 2)), step=16, delay=0.3)
    )
    assert_error(ctx.one(feed), "deadline")


@behaviour
def b_slow_headers(ctx: Ctx) -> None:
    feed = ctx.feed("sleepy", "/sleepy.xml", handler=slow_drip(b"<rss/>", header_delay=6.0))
    assert_error(ctx.one(feed))


# redirects and the address policy ------------------------------------------------------------------------


def redirect(ctx: Ctx, path: str, to: str, status: int = 302) -> str:
    return ctx.main.add(path, b"", status=status, headers={"Location": to})


@behaviour
def b_redirect_loop(ctx: Ctx) -> None:
    redirect(ctx, "/loop-a", "/loop-b")
    redirect(ctx, "/loop-b", "/loop-a")
    assert_error(ctx.one(Feed(name="loop", url=ctx.main.url("/loop-a"))), "redirects")
    assert ctx.main.count("/loop-a") + ctx.main.count("/loop-b") == 6  # the first request and 5 hops


@behaviour
def b_redirect_chain_five(ctx: Ctx) -> None:
    ctx.feed("chain", "/chain/end.xml", rss(good_items(ctx, "chain", 1)))
    for i in range(5):
        redirect(ctx, f"/chain/{i}", f"/chain/{i + 1}" if i < 4 else "/chain/end.xml", status=301 + i % 2)
    assert_pages(ctx.one(Feed(name="chain", url=ctx.main.url("/chain/0"))), 1)


@behaviour
def b_redirect_chain_six(ctx: Ctx) -> None:
    ctx.feed("chain6", "/chain6/end.xml", rss(good_items(ctx, "chain6", 1)))
    for i in range(6):
        redirect(ctx, f"/chain6/{i}", f"/chain6/{i + 1}" if i < 5 else "/chain6/end.xml", status=307)
    assert_error(ctx.one(Feed(name="chain6", url=ctx.main.url("/chain6/0"))), "redirects")
    assert ctx.main.count("/chain6/end.xml") == 0


def refused_redirect(ctx: Ctx, name: str, target: str, *words: str) -> None:
    ctx.refused.add("/secret.xml", rss(good_items(ctx, name, 1, server=ctx.refused)))
    redirect(ctx, f"/{name}", target)
    assert_error(ctx.one(Feed(name=name, url=ctx.main.url(f"/{name}"))), *words)


@behaviour
def b_redirect_to_refused_port(ctx: Ctx) -> None:
    refused_redirect(ctx, "r-port", ctx.refused.url("/secret.xml"), "refused")


@behaviour
def b_redirect_to_localhost_name(ctx: Ctx) -> None:
    refused_redirect(ctx, "r-localhost", f"http://localhost:{ctx.refused.port}/secret.xml", "refused")


@behaviour
def b_redirect_to_metadata(ctx: Ctx) -> None:
    refused_redirect(ctx, "r-meta", "http://169.254.169.254/latest/meta-data/", "refused")


@behaviour
def b_redirect_to_private_range(ctx: Ctx) -> None:
    refused_redirect(ctx, "r-private", "http://10.0.0.1/feed.xml", "refused")


@behaviour
def b_redirect_to_file(ctx: Ctx) -> None:
    refused_redirect(ctx, "r-file", "file:///etc/passwd", "http")


@behaviour
def b_redirect_to_ipv6_loopback(ctx: Ctx) -> None:
    refused_redirect(ctx, "r-v6", f"http://[::1]:{ctx.refused.port}/secret.xml", "refused")


@behaviour
def b_redirect_to_decimal_ip(ctx: Ctx) -> None:
    # 2130706433 == 127.0.0.1: only the resolved address tells
    refused_redirect(ctx, "r-dec", f"http://2130706433:{ctx.refused.port}/secret.xml")


@behaviour
def b_feed_on_refused_port(ctx: Ctx) -> None:
    ctx.refused.add("/feed.xml", rss(good_items(ctx, "rf", 1, server=ctx.refused)))
    assert_error(ctx.one(Feed(name="rf", url=ctx.refused.url("/feed.xml"))), "refused")


# politeness -------------------------------------------------------------------------------------------


@behaviour
def b_not_modified_etag(ctx: Ctx) -> None:
    feed = ctx.feed("etag", "/etag.xml", rss(good_items(ctx, "etag", 2)), headers={"ETag": '"v1"'})
    first = ctx.one(feed)
    assert_pages(first, 2)
    assert first.state["etag"] == '"v1"'
    second = ctx.one(feed, states={feed.url: first.state})
    assert second.outcome == "not_modified" and second.items == []
    assert second.state["etag"] == '"v1"' and second.state["consecutive_errors"] == 0
    assert [h.headers.get("If-None-Match") for h in ctx.main.hits if h.path == "/etag.xml"] == [None, '"v1"']


@behaviour
def b_not_modified_last_modified(ctx: Ctx) -> None:
    stamp = "Sun, 01 Mar 2026 10:00:00 GMT"
    body = rss(good_items(ctx, "lm", 1))

    def handle(req: Any) -> None:
        if req.headers.get("If-Modified-Since") == stamp:
            response(304, b"", {})(req)
        else:
            response(200, body, {"Content-Type": "application/rss+xml", "Last-Modified": stamp})(req)

    feed = ctx.feed("lm", "/lm.xml", handler=handle)
    first = ctx.one(feed)
    assert_pages(first, 1)
    second = ctx.one(feed, states={feed.url: first.state})
    assert second.outcome == "not_modified"
    assert ctx.main.count("/lm/p0.html") == 1  # a 304 fetches no page again


def polite_feed(ctx: Ctx, name: str, status: int, value: str | None, quiet: datetime | None) -> Feed:
    url = ctx.polite.add(f"/{name}.xml", handler=retry_after(ctx.polite, status, value, quiet))
    return Feed(name=name, url=url)


@behaviour
def b_retry_after_seconds_429(ctx: Ctx) -> None:
    real_now = datetime.now(UTC)
    feed = polite_feed(ctx, "ra429", 429, "1200", real_now + timedelta(seconds=1199))
    first = ctx.one(feed, now=real_now)
    assert_error(first, "429")
    until = datetime.fromisoformat(first.state["retry_after"])
    assert until >= real_now + timedelta(seconds=1199)  # Retry-After, later than the 15 min backoff
    second = ctx.one(feed, states={feed.url: first.state})
    assert second.outcome == "backoff"
    assert ctx.polite.count() == 1


@behaviour
def b_retry_after_date_503(ctx: Ctx) -> None:
    real_now = datetime.now(UTC)
    deadline = real_now + timedelta(hours=2)
    feed = polite_feed(ctx, "ra503", 503, format_datetime(deadline, usegmt=True), deadline)
    first = ctx.one(feed, now=real_now)
    assert_error(first, "503")
    assert abs(datetime.fromisoformat(first.state["retry_after"]) - deadline) < timedelta(seconds=2)
    second = ctx.one(feed, states={feed.url: first.state}, now=real_now + timedelta(hours=1))
    assert second.outcome == "backoff"
    assert ctx.polite.count() == 1


@behaviour
def b_retry_after_host_wide(ctx: Ctx) -> None:
    real_now = datetime.now(UTC)
    first_feed = polite_feed(ctx, "host-a", 429, "600", real_now + timedelta(seconds=599))
    other = Feed(name="host-b", url=ctx.polite.add("/host-b.xml", rss(good_items(ctx, "hb", 1))))
    first = ctx.one(first_feed)
    results = ctx.poll(first_feed, other, states={first_feed.url: first.state})
    assert results[first_feed.url].outcome == "backoff"
    assert results[other.url].outcome == "backoff"  # same host: not contacted before the deadline
    assert ctx.polite.count("/host-b.xml") == 0


@behaviour
def b_retry_after_huge(ctx: Ctx) -> None:
    feed = polite_feed(ctx, "ra-huge", 429, "999999999", None)
    first = ctx.one(feed)
    assert_error(first, "429")
    until = datetime.fromisoformat(first.state["retry_after"])
    assert until <= datetime.now(UTC) + timedelta(days=1, minutes=1)  # capped


@behaviour
def b_429_without_retry_after(ctx: Ctx) -> None:
    feed = polite_feed(ctx, "ra-none", 429, None, None)
    assert_error(ctx.one(feed), "429")


@behaviour
def b_503_without_retry_after(ctx: Ctx) -> None:
    feed = polite_feed(ctx, "ra-503", 503, None, None)
    t0 = datetime.now(UTC).replace(microsecond=0)
    first = ctx.one(feed, now=t0)
    assert_error(first, "503")
    assert datetime.fromisoformat(first.state["retry_after"]) == t0 + timedelta(minutes=15)


@behaviour
def b_http_500_backoff(ctx: Ctx) -> None:
    feed = ctx.feed("e500", "/e500.xml", b"oops", status=500)
    t0 = datetime.now(UTC).replace(microsecond=0)
    first = ctx.one(feed, now=t0)
    assert_error(first, "500")
    second = ctx.one(feed, states={feed.url: first.state}, now=t0 + timedelta(minutes=1))
    assert second.outcome == "backoff" and ctx.main.count("/e500.xml") == 1
    later = t0 + timedelta(minutes=16)
    third = ctx.one(feed, states={feed.url: first.state}, now=later)
    assert third.outcome == "error" and third.state["consecutive_errors"] == 2
    assert datetime.fromisoformat(third.state["retry_after"]) == later + timedelta(minutes=30)


@behaviour
def b_http_404(ctx: Ctx) -> None:
    assert_error(ctx.one(Feed(name="gone", url=ctx.main.url("/nothing-here.xml"))), "404")


# not HTTP, not a feed --------------------------------------------------------------------------------


@behaviour
def b_junk_bytes(ctx: Ctx) -> None:
    assert_error(
        ctx.one(ctx.feed("junk", "/junk", handler=raw(b"\x00\xff\xfeSMB junk that is not HTTP\r\n\r\n")))
    )


@behaviour
def b_tls_handshake_bytes(ctx: Ctx) -> None:
    hello = bytes.fromhex("160301002a0100002603035f") + b"\x00" * 40
    assert_error(ctx.one(ctx.feed("tls", "/tls", handler=raw(hello))))


@behaviour
def b_close_without_response(ctx: Ctx) -> None:
    assert_error(ctx.one(ctx.feed("hangup", "/hangup", handler=raw(b""))))


@behaviour
def b_malformed_xml(ctx: Ctx) -> None:
    good = rss(good_items(ctx, "mal", 2)).decode()
    broken = good.replace("</title>", "", 1).replace("<channel>", "<channel><bogus attr=>& stray", 1)
    result = ctx.one(ctx.feed("mal", "/mal.xml", broken))
    assert result.outcome == "ok", result.error
    assert len(result.items) >= 1


@behaviour
def b_mis_encoded(ctx: Ctx) -> None:
    items = good_items(ctx, "enc", 2)
    items[0]["title"] = "Caf\u00e9 launches Vireo-enc-0"
    body = rss(items).replace("Caf\u00e9".encode(), "Caf\u00e9".encode("latin-1"))  # not valid UTF-8
    result = ctx.one(ctx.feed("enc", "/enc.xml", body))
    assert result.outcome == "ok", result.error
    assert len(result.items) == 2
    assert "Caf" in result.items[0].entry.title


@behaviour
def b_html_served_as_feed(ctx: Ctx) -> None:
    page = article_html("Not a feed", ["This is a web page with a link rel alternate nowhere."] * 3)
    assert_error(ctx.one(ctx.feed("html", "/html.xml", page)), "not a feed")


@behaviour
def b_empty_body(ctx: Ctx) -> None:
    assert_error(ctx.one(ctx.feed("empty", "/empty.xml", b"")), "empty")


@behaviour
def b_binary_body(ctx: Ctx) -> None:
    assert_error(ctx.one(ctx.feed("bin", "/bin.xml", bytes(range(256)) * 64)))


# entities -------------------------------------------------------------------------------------------


def laughs() -> str:
    decl = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        prev = "lol" if i == 1 else f"lol{i - 1}"
        decl.append(f'<!ENTITY lol{i} "{("&" + prev + ";") * 10}">')
    return "<!DOCTYPE rss [" + "".join(decl) + "]>"


@behaviour
def b_billion_laughs(ctx: Ctx) -> None:
    items = good_items(ctx, "lol", 1)
    items[0]["description"] = "&lol9;"
    result = ctx.one(ctx.feed("lol", "/lol.xml", rss(items, extra_head=laughs())))
    for it in result.items:
        assert "lollollollol" not in it.entry.content + it.entry.title


@behaviour
def b_quadratic_blowup(ctx: Ctx) -> None:
    items = good_items(ctx, "quad", 1)
    items[0]["description"] = "&big;" * 2000
    head = f'<!DOCTYPE rss [<!ENTITY big "{"B" * 20000}">]>'
    result = ctx.one(ctx.feed("quad", "/quad.xml", rss(items, extra_head=head)))
    assert all(len(it.entry.content) < 1_000_001 for it in result.items)


@behaviour
def b_external_entity_file(ctx: Ctx) -> None:
    secret = ctx.tmp / "secret.txt"
    secret.write_text("TOPSECRET-4471")
    items = good_items(ctx, "xxe", 1)
    items[0]["description"] = "&xxe;"
    head = f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    result = ctx.one(ctx.feed("xxe", "/xxe.xml", rss(items, extra_head=head)))
    for it in result.items:
        assert "TOPSECRET" not in it.entry.content + it.entry.title + (it.page.text if it.page else "")


@behaviour
def b_external_entity_http(ctx: Ctx) -> None:
    ctx.refused.add("/xxe.txt", "LEAKED")
    items = good_items(ctx, "xxeh", 1)
    items[0]["title"] = "&xxe;"
    head = f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{ctx.refused.url("/xxe.txt")}">]>'
    result = ctx.one(ctx.feed("xxeh", "/xxeh.xml", rss(items, extra_head=head)))
    assert all("LEAKED" not in it.entry.title for it in result.items)


@behaviour
def b_external_dtd_and_parameter_entity(ctx: Ctx) -> None:
    ctx.refused.add("/evil.dtd", "<!ENTITY % all \"<!ENTITY leak 'LEAKED'>\"> %all;")
    dtd = ctx.refused.url("/evil.dtd")
    head = f'<!DOCTYPE rss SYSTEM "{dtd}" [<!ENTITY % remote SYSTEM "{dtd}"> %remote;]>'
    items = good_items(ctx, "pe", 1)
    items[0]["description"] = "&leak;"
    result = ctx.one(ctx.feed("pe", "/pe.xml", rss(items, extra_head=head)))
    assert all("LEAKED" not in it.entry.content for it in result.items)


# entries ----------------------------------------------------------------------------------------------


@behaviour
def b_entries_without_guid(ctx: Ctx) -> None:
    items = good_items(ctx, "noguid", 2)
    for it in items:
        del it["guid"]
    result = ctx.one(ctx.feed("noguid", "/noguid.xml", rss(items)))
    assert_pages(result, 2)
    assert [it.entry.guid for it in result.items] == [i["link"] for i in items]


@behaviour
def b_entries_without_guid_or_link(ctx: Ctx) -> None:
    items = [
        {"title": f"Bare entry {n}", "description": f"Feed-only text {n} about a model."} for n in range(3)
    ]
    result = ctx.one(ctx.feed("bare", "/bare.xml", rss(items)))
    assert result.outcome == "ok" and len(result.items) == 3
    guids = {it.entry.guid for it in result.items}
    assert len(guids) == 3 and all(g.startswith("sha256:") for g in guids)
    for it in result.items:
        assert it.entry.link is None and it.error == "entry has no link"
        assert it.page is not None and "Feed-only text" in it.page.text


@behaviour
def b_entries_without_anything(ctx: Ctx) -> None:
    result = ctx.one(ctx.feed("nothing", "/nothing.xml", rss([{"category": "x"}, {"comments": "y"}])))
    assert result.outcome == "ok" and result.items == []


@behaviour
def b_entries_without_date(ctx: Ctx) -> None:
    items = good_items(ctx, "nodate", 2)
    for it in items:
        del it["pubDate"]
    result = ctx.one(ctx.feed("nodate", "/nodate.xml", rss(items)))
    assert_pages(result, 2)
    assert all(it.entry.published is None for it in result.items)


@behaviour
def b_garbage_dates(ctx: Ctx) -> None:
    items = good_items(ctx, "baddate", 3)
    items[0]["pubDate"] = "yesterday-ish"
    items[1]["pubDate"] = "Mon, 01 Jan 99999 00:00:00 GMT"
    items[2]["pubDate"] = "Thu, 01 Jan 1970 00:00:00 GMT"
    result = ctx.one(ctx.feed("baddate", "/baddate.xml", rss(items)))
    assert_pages(result, 3)
    assert all(it.entry.published is None for it in result.items)


@behaviour
def b_duplicate_guids(ctx: Ctx) -> None:
    items = good_items(ctx, "dup", 3)
    for it in items:
        it["guid"] = "urn:same"
    result = ctx.one(ctx.feed("dup", "/dup.xml", rss(items)))
    assert_pages(result, 1)


@behaviour
def b_same_link_in_two_feeds(ctx: Ctx) -> None:
    shared = good_items(ctx, "shared", 1)[0]
    one = ctx.feed("one", "/one.xml", rss([shared]))
    two = ctx.feed("two", "/two.xml", rss([{**shared, "guid": "urn:other:1"}]))
    results = ctx.poll(one, two)
    assert_pages(results[one.url], 1)
    assert_pages(results[two.url], 1)
    assert ctx.main.count("/shared/p0.html") == 1
    a, b = results[one.url].items[0].page, results[two.url].items[0].page
    assert a is not None and b is not None and a.canonical_url == b.canonical_url


@behaviour
def b_known_entries_skipped(ctx: Ctx) -> None:
    items = good_items(ctx, "known", 3)
    result = ctx.one(ctx.feed("known", "/known.xml", rss(items)), known=lambda e: e.guid == "urn:known:1")
    assert_pages(result, 2)
    assert ctx.main.count("/known/p1.html") == 0


@behaviour
def b_many_entries(ctx: Ctx) -> None:
    items = [
        {"guid": f"urn:many:{n}", "title": f"t{n}", "link": ctx.main.url(f"/many/{n}")} for n in range(3000)
    ]
    result = ctx.one(ctx.feed("many", "/many.xml", rss(items)))
    assert result.outcome == "ok"
    assert 0 < len(result.items) <= 200


@behaviour
def b_javascript_link(ctx: Ctx) -> None:
    items = [
        {"guid": "urn:js", "title": "js", "link": "javascript:alert(1)", "description": "Text of the entry."}
    ]
    result = ctx.one(ctx.feed("js", "/js.xml", rss(items)))
    assert result.outcome == "ok" and result.items[0].entry.link is None


@behaviour
def b_control_characters(ctx: Ctx) -> None:
    items = good_items(ctx, "ansi", 1)
    items[0]["title"] = "Evil &#27;[2J&#27;]0;pwned&#7; title"
    result = ctx.one(ctx.feed("ansi", "/ansi.xml", rss(items)))
    assert_pages(result, 1)
    title = result.items[0].entry.title
    assert "\x1b" not in title and "\x07" not in title and "title" in title


@behaviour
def b_tracking_parameters(ctx: Ctx) -> None:
    items = good_items(ctx, "utm", 1)
    items[0]["link"] = escape(items[0]["link"] + "?utm_source=rss&utm_medium=feed&fbclid=abc#comments")
    result = ctx.one(ctx.feed("utm", "/utm.xml", rss(items)))
    assert_pages(result, 1)
    page = result.items[0].page
    assert page is not None and "utm_" not in page.canonical_url and "#" not in page.canonical_url


# hostile article pages ----------------------------------------------------------------------------------


def page_case(ctx: Ctx, name: str, **route: Any) -> FeedResult:
    """A good feed whose single entry's page misbehaves; the entry must still arrive (feed content)."""
    it = item(0, ctx.main.add(f"/{name}/page", **route), guid=f"urn:{name}")
    result = ctx.one(ctx.feed(name, f"/{name}.xml", rss([it])))
    assert result.outcome == "ok", result.error
    assert len(result.items) == 1
    assert result.items[0].page is not None
    return result


def assert_fallback(result: FeedResult, *words: str) -> None:
    got = result.items[0]
    assert got.error, "expected the page to fail"
    for word in words:
        assert word.lower() in got.error.lower(), (word, got.error)
    assert got.page is not None and "7 billion parameters" in got.page.text  # the feed's own summary


@behaviour
def b_page_deep_nesting(ctx: Ctx) -> None:
    depth = 30_000  # about 330 kB: under the body cap, so the extractor itself meets it
    body = "<html><body>" + "<div>" * depth + "<p>deep</p>" + "</div>" * depth + "</body></html>"
    page_case(ctx, "deep", body=body)


@behaviour
def b_page_huge_table(ctx: Ctx) -> None:
    rows = "".join(f"<tr>{'<td>cell</td>' * 40}</tr>" for _ in range(800))
    page_case(ctx, "table", body=f"<html><body><table>{rows}</table></body></html>")


@behaviour
def b_page_500(ctx: Ctx) -> None:
    assert_fallback(page_case(ctx, "p500", body="broken", status=500), "500")


@behaviour
def b_page_slow_drip(ctx: Ctx) -> None:
    html = article_html("slow", launch_paragraphs("Slowpoke-1")).encode()
    assert_fallback(page_case(ctx, "pslow", handler=slow_drip(html, step=32, delay=0.3)), "deadline")


@behaviour
def b_page_gzip_bomb(ctx: Ctx) -> None:
    assert_fallback(page_case(ctx, "pbomb", body=gzip_bomb(), headers={"Content-Encoding": "gzip"}), "limit")


@behaviour
def b_page_redirect_to_refused(ctx: Ctx) -> None:
    ctx.refused.add("/page", article_html("leak", launch_paragraphs("Leak-1")))
    result = page_case(ctx, "pref", status=302, headers={"Location": ctx.refused.url("/page")})
    assert_fallback(result, "refused")


@behaviour
def b_page_not_html(ctx: Ctx) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 2000
    assert_fallback(page_case(ctx, "ppng", body=png, content_type="image/png"), "image/png")


@behaviour
def b_page_empty(ctx: Ctx) -> None:
    assert_fallback(page_case(ctx, "pempty", body="<html><body></body></html>"))


@behaviour
def b_page_junk_bytes(ctx: Ctx) -> None:
    assert_fallback(page_case(ctx, "pjunk", handler=raw(b"\xde\xad\xbe\xef" * 100)))


@behaviour
def b_page_extraction_overrun(ctx: Ctx) -> None:
    # a page that takes the extractor longer than its limit: the worker is killed, the entry falls back
    rows = "".join(f"<tr>{'<td>cell</td>' * 40}</tr>" for _ in range(800))
    it = item(
        0,
        ctx.main.add("/overrun/page", f"<html><body><table>{rows}</table></body></html>"),
        guid="urn:overrun",
    )
    feed = ctx.feed("overrun", "/overrun.xml", rss([it]))
    ctx.lost -= 3  # the control feed shares the tiny limit in this poll; it is checked in the next one
    result = ctx.poll(feed, page_timeout=0.3)[feed.url]
    ctx.lost = max(ctx.lost, 0)
    assert_fallback(result, "gave up")
    assert_pages(ctx.one(ctx.feed("after", "/after.xml", rss(good_items(ctx, "after", 1)))), 1)

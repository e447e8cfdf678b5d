"""fetch: the address policy, bounded decoding, Retry-After, redirects, against 127.0.0.1 and a mock."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.errors import FetchError, RefusedAddressError
from tracker.fetch import (
    AddressPolicy,
    Fetcher,
    FetchResult,
    Limits,
    RetryAfterError,
    _Decoder,
    fetch_bytes,
    host_key,
    parse_retry_after,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


# -- policy --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "100.64.0.1",
        "224.0.0.1",
        "255.255.255.255",
        "192.0.2.1",
        "::1",
        "::",
        "fe80::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
    ],
)
def test_policy_refuses_non_public_addresses(ip: str) -> None:
    with pytest.raises(RefusedAddressError):
        AddressPolicy(False).check_ip("example.test", 80, ipaddress.ip_address(ip))


@pytest.mark.parametrize("ip", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_policy_allows_public_addresses(ip: str) -> None:
    AddressPolicy(False).check_ip("example.test", 443, ipaddress.ip_address(ip))


def test_allow_list_matches_host_or_host_and_port() -> None:
    loop = ipaddress.ip_address("127.0.0.1")
    policy = AddressPolicy(["127.0.0.1:8080", "intranet.local", "[::1]:9000"])
    policy.check_ip("127.0.0.1", 8080, loop)
    policy.check_ip("intranet.local", 1234, ipaddress.ip_address("10.0.0.5"))
    policy.check_ip("::1", 9000, ipaddress.ip_address("::1"))
    with pytest.raises(RefusedAddressError):
        policy.check_ip("127.0.0.1", 8081, loop)  # another port of an allowed host
    with pytest.raises(RefusedAddressError):
        policy.check_ip("other.local", 8080, ipaddress.ip_address("10.0.0.5"))
    AddressPolicy(True).check_ip("anything", 1, loop)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.test/x",
        "javascript:alert(1)",
        "gopher://x/",
        "http://",
        "http://127.0.0.1/",
        "http://[::1]:80/",
        "http://example.test:99999/",
    ],
)
def test_check_url_refuses_schemes_and_literals(url: str) -> None:
    with pytest.raises(RefusedAddressError):
        AddressPolicy(False).check_url(url)


def test_names_are_checked_on_their_resolved_address() -> None:
    # "localhost" looks harmless as a name; what it resolves to is refused
    with pytest.raises(RefusedAddressError):
        asyncio.run(AddressPolicy(False).resolve("localhost", 80, 5.0))
    assert asyncio.run(AddressPolicy(["localhost:80"]).resolve("localhost", 80, 5.0))


def test_only_allowed_addresses_of_a_name_are_connected_to(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    async def fake_getaddrinfo(self: object, host: str, port: int, **kwargs: object) -> list[tuple]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
            for ip in ("127.0.0.1", "93.184.216.34", "169.254.169.254")
        ]

    monkeypatch.setattr(asyncio.base_events.BaseEventLoop, "getaddrinfo", fake_getaddrinfo)
    # a name that resolves to public and private addresses: we connect only to the checked public one
    assert asyncio.run(AddressPolicy(False).resolve("mixed.example.test", 443, 5.0)) == ["93.184.216.34"]


# -- Retry-After and decoding -----------------------------------------------------------------------------


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("120", NOW) == NOW + timedelta(seconds=120)
    when = NOW + timedelta(hours=3)
    assert parse_retry_after(format_datetime(when, usegmt=True), NOW) == when
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after("", NOW) is None and parse_retry_after(None, NOW) is None


@given(st.integers(min_value=0, max_value=10**8))
def test_retry_after_seconds_property(seconds: int) -> None:
    assert parse_retry_after(f" {seconds} ", NOW) == NOW + timedelta(seconds=seconds)


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)))
def test_retry_after_date_property(when: datetime) -> None:
    when = when.replace(microsecond=0, tzinfo=UTC)
    assert parse_retry_after(format_datetime(when, usegmt=True), NOW) == when


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate"])
def test_decoder_output_is_bounded_per_step_and_capped(encoding: str) -> None:
    import zlib

    import brotli

    zeros = b"\0" * (8 * 1024 * 1024)
    bomb = {"gzip": gzip.compress, "br": lambda b: brotli.compress(b, quality=4), "deflate": zlib.compress}[
        encoding
    ](zeros)
    decoder = _Decoder(encoding, cap=1024 * 1024)
    with pytest.raises(Exception) as info:
        for i in range(0, len(bomb), 4096):
            for chunk in decoder.feed(bomb[i : i + 4096]):
                assert len(chunk) <= 128 * 1024  # one bounded step (brotli rounds up to its block size)
    assert type(info.value).__name__ == "_BodyTooLarge"
    assert decoder.total <= 1024 * 1024 + 128 * 1024
    ok = _Decoder("gzip", cap=1024)
    assert b"".join(ok.feed(gzip.compress(b"hello") * 2)) == b"hellohello"  # two gzip members


@pytest.mark.parametrize("encoding", ["gzip", "br", "deflate", "raw-deflate"])
def test_decoder_round_trip_in_small_pieces(encoding: str) -> None:
    import random
    import zlib

    import brotli

    rng = random.Random(7)
    text = " ".join(rng.choice(["model", "tokens", "launch", "0.5", "GPU"]) for _ in range(60_000)).encode()
    if encoding == "raw-deflate":
        packer = zlib.compressobj(wbits=-15)
        packed, encoding = packer.compress(text) + packer.flush(), "deflate"
    else:
        packed = {
            "gzip": gzip.compress,
            "br": lambda b: brotli.compress(b, quality=4),
            "deflate": zlib.compress,
        }[encoding](text)
    decoder = _Decoder(encoding, cap=len(text))
    out = b"".join(c for i in range(0, len(packed), 1000) for c in decoder.feed(packed[i : i + 1000]))
    assert out == text


def test_host_key() -> None:
    assert host_key("https://Example.TEST:8443/a?b") == "example.test:8443"
    assert host_key("http://example.test/") == "example.test"


# -- the fetcher against 127.0.0.1 -------------------------------------------------------------------------


def _policy(srv: Any) -> AddressPolicy:
    return AddressPolicy([f"127.0.0.1:{srv.port}"])


def _get(srv: Any, url: str, limits: Limits | None = None, **kwargs: Any) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(_policy(srv), limits) as fetcher:
            return await fetcher.get(url, **kwargs)

    return asyncio.run(run())


def test_get_conditional_and_redirects(http_server: Any) -> None:
    srv = http_server
    srv.add("/feed", b"<rss/>", content_type="application/rss+xml", headers={"ETag": '"x1"'})
    srv.add("/moved", status=301, headers={"Location": "/feed"})
    result = _get(srv, srv.url("/moved"))
    assert result.status == 200 and result.body == b"<rss/>" and result.url == srv.url("/feed")
    assert result.content_type == "application/rss+xml" and result.headers["etag"] == '"x1"'
    again = _get(srv, srv.url("/feed"), etag='"x1"', last_modified="Sun, 01 Mar 2026 10:00:00 GMT")
    assert again.not_modified and again.status == 304 and again.body == b""
    sent = srv.sent()[-1]
    assert sent["If-None-Match"] == '"x1"' and sent["If-Modified-Since"].startswith("Sun")
    assert "gzip" in sent["Accept-Encoding"] and sent["User-Agent"].startswith("tracker/")


def test_gzip_body_is_decoded(http_server: Any) -> None:
    srv = http_server
    srv.add("/gz", gzip.compress(b"<rss>ok</rss>"), headers={"Content-Encoding": "gzip"})
    assert _get(srv, srv.url("/gz")).body == b"<rss>ok</rss>"


def test_body_cap(http_server: Any) -> None:
    srv = http_server
    srv.add("/big", b"x" * 5000)
    srv.add("/bomb", gzip.compress(b"\0" * 10**6), headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="limit"):
        _get(srv, srv.url("/big"), Limits(max_bytes=4096))
    with pytest.raises(FetchError, match="limit"):
        _get(srv, srv.url("/bomb"), Limits(max_bytes=4096))
    assert len(_get(srv, srv.url("/big"), Limits(max_bytes=5000)).body) == 5000


def test_http_errors_and_refused_ports(http_server: Any) -> None:
    srv = http_server
    srv.add("/e", b"no", status=500)
    with pytest.raises(FetchError) as info:
        _get(srv, srv.url("/e"))
    assert info.value.status == 500
    other = f"http://127.0.0.1:{srv.port + 1 if srv.port < 65535 else srv.port - 1}/x"
    with pytest.raises(RefusedAddressError):
        _get(srv, other)
    srv.add("/to-other", status=302, headers={"Location": other})
    with pytest.raises(RefusedAddressError):
        _get(srv, srv.url("/to-other"))


def test_retry_after_blocks_the_whole_host(http_server: Any) -> None:
    srv = http_server
    srv.add("/busy", status=429, headers={"Retry-After": "3600"})
    srv.add("/other", b"fine")

    async def run() -> tuple[RetryAfterError, RetryAfterError]:
        async with Fetcher(_policy(srv)) as fetcher:
            with pytest.raises(RetryAfterError) as first:
                await fetcher.get(srv.url("/busy"))
            with pytest.raises(RetryAfterError) as second:
                await fetcher.get(srv.url("/other"))
            return first.value, second.value

    first, second = asyncio.run(run())
    assert first.status == 429 and second.status is None  # the second was never sent
    assert first.until - datetime.now(UTC) > timedelta(minutes=59)
    assert srv.count("/busy") == 1 and srv.count("/other") == 0


def test_a_remembered_block_is_honoured(http_server: Any) -> None:
    srv = http_server
    srv.add("/feed", b"x")

    async def run() -> None:
        async with Fetcher(_policy(srv)) as fetcher:
            fetcher.block_host(srv.url("/"), datetime.now(UTC) + timedelta(minutes=5))
            await fetcher.get(srv.url("/feed"))

    with pytest.raises(RetryAfterError):
        asyncio.run(run())
    assert srv.count("/feed") == 0


def test_host_header_keeps_the_name(http_server: Any) -> None:
    srv = http_server
    srv.add("/h", b"ok")

    async def run() -> FetchResult:
        async with Fetcher(AddressPolicy([f"localhost:{srv.port}"])) as fetcher:
            return await fetcher.get(f"http://localhost:{srv.port}/h")

    assert asyncio.run(run()).body == b"ok"
    assert srv.sent()[-1]["Host"] == f"localhost:{srv.port}"  # connected to the IP, asked for the name


def test_fetch_bytes_sync(http_server: Any) -> None:
    srv = http_server
    srv.add("/page", b"<html>hi</html>")
    assert fetch_bytes(srv.url("/page"), _policy(srv), Limits()).body == b"<html>hi</html>"
    with pytest.raises(RefusedAddressError):
        fetch_bytes(srv.url("/page"), AddressPolicy(False), Limits())


# -- the mock transport seam -------------------------------------------------------------------------------


def _mock_get(handler: Any, url: str, limits: Limits | None = None) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(AddressPolicy(False), limits, transport=httpx.MockTransport(handler)) as fetcher:
            return await fetcher.get(url)

    return asyncio.run(run())


def test_redirect_to_a_non_http_scheme_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "file:///etc/passwd"})

    with pytest.raises(RefusedAddressError, match="non-http"):
        _mock_get(handler, "https://feeds.example.test/")


def test_redirect_limit_counts_hops() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        n = int(request.url.params.get("n", "0"))
        return httpx.Response(302, headers={"Location": f"/r?n={n + 1}"})

    with pytest.raises(FetchError, match="redirects"):
        _mock_get(handler, "https://feeds.example.test/r?n=0", Limits(max_redirects=3))
    assert len(seen) == 4


def test_brotli_bomb_stops_at_the_cap() -> None:
    import brotli

    bomb = brotli.compress(b"\0" * (64 * 1024 * 1024), quality=5)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "br"}, stream=httpx.ByteStream(bomb))

    with pytest.raises(FetchError, match="limit"):
        _mock_get(handler, "https://feeds.example.test/", Limits(max_bytes=100_000))


# -- TLS through the guarded backend ------------------------------------------------------------------------


def _tls_server(tmp_path: Any, name: str, sni: list[str | None]) -> tuple[Any, int, Any]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate for `name` that records the SNI names
    it is sent; returns (server, port, client context trusting the certificate)."""
    import shutil
    import ssl
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={name}",
            "-addext",
            f"subjectAltName=DNS:{name}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = b"hello"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(cert, key)
    server_ctx.sni_callback = lambda _sock, server_name, _ctx: sni.append(server_name)  # type: ignore[assignment]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = server_ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    client_ctx = ssl.create_default_context(cafile=str(cert))
    return httpd, int(httpd.server_address[1]), client_ctx


def test_tls_verifies_and_sends_the_host_name_while_connecting_to_the_checked_ip(tmp_path: Any) -> None:
    sni: list[str | None] = []
    httpd, port, ctx = _tls_server(tmp_path, "localhost", sni)
    policy = AddressPolicy([f"localhost:{port}", f"127.0.0.1:{port}"])
    try:

        async def run(url: str) -> FetchResult:
            async with Fetcher(policy, ssl_context=ctx) as fetcher:
                return await fetcher.get(url)

        assert asyncio.run(run(f"https://localhost:{port}/")).body == b"hello"
        assert sni == ["localhost"]
        with pytest.raises(FetchError):  # the certificate names localhost, not 127.0.0.1
            asyncio.run(run(f"https://127.0.0.1:{port}/"))
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_private_pool_seam_still_exists(http_server: Any) -> None:
    """fetch.py replaces httpx's connection pool (`transport._pool`) with one on the guarded backend; an httpx
    release that renames it must fail here, not silently connect without the address policy."""
    import httpcore

    native = httpx.AsyncHTTPTransport()
    assert isinstance(
        getattr(native, "_pool", None), httpcore.AsyncConnectionPool
    )  # what httpx sends through
    http_server.add("/page", "<p>hi</p>")
    # a name passes the URL check; only the guarded backend sees that it resolves to 127.0.0.1
    with pytest.raises(RefusedAddressError):
        fetch_bytes(f"http://localhost:{http_server.port}/page", AddressPolicy(False), Limits())
    assert http_server.count("/page") == 0

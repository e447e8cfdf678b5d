"""The only network code: an httpx client under our own limits and address policy.

Everything downloaded from the outside goes through `Fetcher.get` (async) or `fetch_bytes` (sync):

- `Limits`: a total deadline per request (slow-drip servers included), a cap on the *decoded* body that is
  enforced while streaming (we decode gzip / deflate / brotli ourselves in bounded steps, so a bomb stops
  at the cap instead of being inflated in one call), at most 5 redirects followed by hand so every hop is
  checked, and bounded concurrency overall and per host.
- `AddressPolicy`: loopback, private, link-local, metadata, unspecified, multicast and reserved
  addresses are refused on the *resolved* IP at connect time (a guarded httpcore network backend resolves
  the name, checks each address and connects to the checked IP; TLS still uses the host name for SNI and
  certificate checks, and the Host header is untouched), unless feeds.yaml `allow_private` names the host
  or host:port. Only http and https.
- Politeness: conditional GET (ETag / Last-Modified) and `Retry-After` on 429 / 503, remembered per host:
  no request goes to that host before the deadline (`RetryAfterError` says until when).
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
import ssl
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from .errors import FetchError, RefusedAddressError
from .urls import AddressRules, is_http

USER_AGENT = "tracker/0.1 (+https://github.com/; AI model launch tracker)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DECODE_STEP = 64 * 1024  # bytes of output per decompression step: memory stays bounded whatever the ratio


@dataclass(frozen=True)
class Limits:
    """Limits applied to every request."""

    total: float = 30.0  # seconds for one get(), all hops and the whole body (slow drip included)
    connect: float = 10.0
    read: float = 15.0  # seconds without a single byte
    max_bytes: int = 10 * 1024 * 1024  # decoded body
    max_redirects: int = 5
    max_connections: int = 32  # overall concurrency
    max_per_host: int = 4
    max_retry_after: float = 24 * 3600.0  # a hostile Retry-After cannot silence a host for longer
    default_retry_after: float = 300.0  # a 429 without Retry-After
    user_agent: str = USER_AGENT


class RetryAfterError(FetchError):
    """The host asked us to wait (429 / 503 with Retry-After), or is still inside such a window."""

    def __init__(self, message: str, *, url: str, until: datetime, status: int | None = None) -> None:
        super().__init__(message, url=url, status=status)
        self.until = until


@dataclass
class FetchResult:
    """A completed download: the final URL (after redirects), its status, headers and decoded body."""

    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


# -- address policy --------------------------------------------------------------------------------------


class AddressPolicy(AddressRules):
    """AddressRules, and the resolver that checks each resolved address before any connection."""

    async def resolve(self, host: str, port: int, timeout: float | None) -> list[str]:
        """Resolve `host` and return the addresses we may connect to (refusing when there is none)."""
        try:
            literal = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            literal = None
        if literal is not None:
            self.check_ip(host, port, literal)
            return [str(literal)]
        loop = asyncio.get_running_loop()
        try:
            infos = await asyncio.wait_for(
                loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout=timeout or 10.0
            )
        except (OSError, TimeoutError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        allowed: list[str] = []
        refused: RefusedAddressError | None = None
        for _family, _type, _proto, _canon, sockaddr in infos:
            ip = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
            try:
                self.check_ip(host, port, ip)
            except RefusedAddressError as exc:
                refused = exc
                continue
            if str(ip) not in allowed:
                allowed.append(str(ip))
        if not allowed:
            raise refused or RefusedAddressError(f"{host} resolves to nothing")
        return allowed


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, check every address against the policy, then connect to a checked IP (never the name)."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._policy.resolve(host, port, timeout)
        last: Exception | None = None
        for ip in addresses:
            try:
                return await self._inner.connect_tcp(
                    ip, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise RefusedAddressError("unix sockets are never used")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


# -- bounded decoding ------------------------------------------------------------------------------------


class _BodyTooLarge(Exception):
    pass


class _Decoder:
    """Streaming Content-Encoding decoder whose output per step is bounded (no bomb is inflated at once)."""

    def __init__(self, encoding: str, cap: int) -> None:
        self.encoding = encoding
        self.cap = cap
        self.total = 0
        self._brotli: Any = None
        self._zlib: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            self._zlib = None  # decided on the first bytes: zlib-wrapped or raw
            self._deflate_pending = b""
        elif encoding == "br":
            import brotli

            self._brotli = brotli.Decompressor()
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")

    def _count(self, chunk: bytes) -> bytes:
        self.total += len(chunk)
        if self.total > self.cap:
            raise _BodyTooLarge
        return chunk

    def feed(self, data: bytes) -> list[bytes]:
        if self._brotli is not None:
            return self._feed_brotli(data)
        if self.encoding == "deflate" and self._zlib is None:
            self._deflate_pending += data
            if len(self._deflate_pending) < 2:
                return []
            head = self._deflate_pending[:2]
            zlib_wrapped = (head[0] & 0x0F) == 8 and int.from_bytes(head) % 31 == 0
            wbits = zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS
            self._zlib = zlib.decompressobj(wbits)
            data, self._deflate_pending = self._deflate_pending, b""
        return self._feed_zlib(data)

    def _feed_zlib(self, data: bytes) -> list[bytes]:
        out: list[bytes] = []
        d = self._zlib
        try:
            while data:
                chunk = d.decompress(data, _DECODE_STEP)
                out.append(self._count(chunk))
                data = d.unconsumed_tail
                if d.eof and d.unused_data and self.encoding != "deflate":
                    data = d.unused_data  # another gzip member follows
                    d = self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
                elif d.eof:
                    break
        except zlib.error as exc:
            raise FetchError(f"corrupt {self.encoding} body: {exc}") from None
        return out

    def _feed_brotli(self, data: bytes) -> list[bytes]:
        import brotli

        out: list[bytes] = []
        d = self._brotli
        try:
            # each call yields at most about one output block; drain what this input makes available
            chunk = d.process(data, output_buffer_limit=_DECODE_STEP)
            out.append(self._count(chunk))
            while chunk and not d.is_finished():
                chunk = d.process(b"", output_buffer_limit=_DECODE_STEP)
                out.append(self._count(chunk))
        except brotli.error as exc:
            raise FetchError(f"corrupt br body: {exc}") from None
        return out


# -- fetcher ---------------------------------------------------------------------------------------------


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """`Retry-After` as seconds or an HTTP date -> an absolute UTC deadline (None when absent / invalid)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + timedelta(seconds=min(int(value), 10**9))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def host_key(url: str) -> str:
    """The unit of politeness: host[:port], lower-case."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


class Fetcher:
    """Async HTTP client under `Limits` and `AddressPolicy`. Use as `async with Fetcher(...) as f`."""

    def __init__(
        self,
        policy: AddressPolicy | None = None,
        limits: Limits | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        ssl_context: ssl.SSLContext | None = None,
        clock: Any = None,
    ) -> None:
        self.policy = policy or AddressPolicy(False)
        self.limits = limits or Limits()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._transport = transport
        self._ssl_context = ssl_context
        self._client: httpx.AsyncClient | None = None
        self._overall = asyncio.Semaphore(self.limits.max_connections)
        self._per_host: dict[str, asyncio.Semaphore] = {}
        self.blocked_until: dict[str, datetime] = {}  # host -> no request before this instant

    # -- lifecycle
    async def __aenter__(self) -> Fetcher:
        transport = self._transport or self._make_transport()
        lim = self.limits
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,  # every hop is checked by hand
            trust_env=False,  # no proxy from the environment may bypass the address policy
            timeout=httpx.Timeout(lim.read, connect=lim.connect, pool=None),
            headers={"User-Agent": lim.user_agent, "Accept-Encoding": "gzip, deflate, br"},
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _make_transport(self) -> httpx.AsyncBaseTransport:
        lim = self.limits
        ssl_context = self._ssl_context or httpx.create_ssl_context()
        transport = httpx.AsyncHTTPTransport(verify=ssl_context, trust_env=False)
        # httpx does not expose httpcore's network_backend: swap in a pool built on the guarded backend.
        # A private attribute, so pyproject pins httpx to the tested range and test_fetch checks the seam.
        # TLS still verifies the certificate against, and sends SNI for, the URL's host name.
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=lim.max_connections,
            max_keepalive_connections=lim.max_connections,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(self.policy),
        )
        return transport

    # -- politeness
    def block_host(self, url_or_host: str, until: datetime) -> None:
        """Send nothing to this host before `until` (e.g. a Retry-After remembered from an earlier run)."""
        key = host_key(url_or_host) if "//" in url_or_host else url_or_host.lower()
        if key not in self.blocked_until or self.blocked_until[key] < until:
            self.blocked_until[key] = until

    def _check_blocked(self, url: str) -> None:
        until = self.blocked_until.get(host_key(url))
        if until is not None and self._clock() < until:
            raise RetryAfterError(
                f"host asked us to wait until {until.isoformat(timespec='seconds')}", url=url, until=until
            )

    def _sem(self, url: str) -> asyncio.Semaphore:
        key = host_key(url)
        sem = self._per_host.get(key)
        if sem is None:
            sem = self._per_host[key] = asyncio.Semaphore(self.limits.max_per_host)
        return sem

    # -- the one public operation
    async def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        """GET `url` under our limits; 304 gives `not_modified=True`. Raises FetchError and subclasses."""
        if self._client is None:
            raise RuntimeError("Fetcher used outside 'async with'")
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        budget = self.limits.total
        current = url
        loop = asyncio.get_running_loop()
        for hop in range(self.limits.max_redirects + 1):
            self.policy.check_url(current)
            self._check_blocked(current)
            async with self._overall, self._sem(current):
                self._check_blocked(current)  # another task may have learned a deadline while we waited
                started = loop.time()
                try:
                    async with asyncio.timeout(max(budget, 0.001)):
                        result, location = await self._one(current, headers)
                except TimeoutError:
                    raise FetchError(f"deadline of {self.limits.total:g} s exceeded", url=current) from None
                budget -= loop.time() - started
            if location is None:
                assert result is not None
                return result
            nxt = urljoin(current, location)
            if not is_http(nxt):
                raise RefusedAddressError(f"redirect to a non-http(s) URL {nxt[:200]!r}", url=current)
            if hop == self.limits.max_redirects:
                break
            current = nxt
        raise FetchError(f"more than {self.limits.max_redirects} redirects", url=url)

    async def _one(self, url: str, headers: dict[str, str]) -> tuple[FetchResult | None, str | None]:
        assert self._client is not None
        try:
            request = self._client.build_request("GET", url, headers=headers)
            response = await self._client.send(request, stream=True)
        except RefusedAddressError as exc:
            exc.url = exc.url or url
            raise
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL: {exc}", url=url) from None
        except httpx.HTTPError as exc:
            message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raise FetchError(message, url=url) from None
        try:
            status = response.status_code
            hdrs = {k.lower(): v for k, v in response.headers.multi_items()}
            if status in REDIRECT_STATUSES:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"redirect {status} without Location", url=url, status=status)
                return None, location
            if status == 304:
                return FetchResult(url, status, hdrs, b"", not_modified=True), None
            if status in (429, 503):
                now = self._clock()
                until = parse_retry_after(response.headers.get("retry-after"), now)
                if until is None and status == 429:
                    until = now + timedelta(seconds=self.limits.default_retry_after)
                if until is not None:
                    until = min(until, now + timedelta(seconds=self.limits.max_retry_after))
                    if until > now:
                        self.block_host(host_key(url), until)
                        when = until.isoformat(timespec="seconds")
                        raise RetryAfterError(
                            f"HTTP {status}, retry after {when}", url=url, until=until, status=status
                        )
            if not 200 <= status < 300:
                raise FetchError(f"HTTP {status}", url=url, status=status)
            body = await self._read_body(response, url)
            return FetchResult(str(response.url), status, hdrs, body), None
        finally:
            await response.aclose()

    async def _read_body(self, response: httpx.Response, url: str) -> bytes:
        cap = self.limits.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.strip().isdigit() and int(declared) > cap:
            raise FetchError(f"body of {int(declared)} bytes exceeds the {cap} byte limit", url=url)
        encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",")]
        encodings = [e for e in encodings if e and e != "identity"]
        if len(encodings) > 2:
            raise FetchError("too many Content-Encoding layers", url=url)
        decoders = [_Decoder(e, cap) for e in reversed(encodings)]
        parts: list[bytes] = []
        total = 0
        try:
            async for raw in response.aiter_raw():
                chunks = [raw]
                for decoder in decoders:
                    chunks = [out for c in chunks for out in decoder.feed(c)]
                for c in chunks:
                    total += len(c)
                    if total > cap:
                        raise _BodyTooLarge
                    parts.append(c)
        except _BodyTooLarge:
            raise FetchError(f"decoded body exceeds the {cap} byte limit", url=url) from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}", url=url) from None
        return b"".join(parts)


def fetch_bytes(
    url: str, policy: AddressPolicy | None = None, limits: Limits | None = None, *, accept: str | None = None
) -> FetchResult:
    """Synchronous one-off download (for `tracker add URL`), under the same limits and policy."""

    async def run() -> FetchResult:
        async with Fetcher(policy, limits) as fetcher:
            return await fetcher.get(url, accept=accept)

    return asyncio.run(run())


__all__ = [
    "AddressPolicy",
    "FetchResult",
    "Fetcher",
    "Limits",
    "RetryAfterError",
    "fetch_bytes",
    "host_key",
    "parse_retry_after",
]

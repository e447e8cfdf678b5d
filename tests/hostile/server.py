"""A scripted HTTP server on 127.0.0.1 for the hostile-feed suite and its benchmark (no pytest needed).

Routes map a path to either a canned response or a handler that writes raw bytes itself (junk, slow
drip, lying lengths). Every request is logged with its arrival time, so a test can count requests that
should never have happened (a refused address, a host inside its Retry-After window).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    at: datetime


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    handler: Handler | None = None


class ScriptServer:
    """Threaded HTTP/1.1 server on 127.0.0.1:<free port>; use as a context manager."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self.quiet_until: datetime | None = None  # a Retry-After we sent: hits before it are violations
        self.early_hits = 0
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                now = datetime.now(UTC)
                with server._lock:
                    server.hits.append(Hit(self.path, dict(self.headers.items()), now))
                    if server.quiet_until is not None and now < server.quiet_until:
                        server.early_hits += 1
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                if route is None:
                    self._send(404, b"", {})
                    return
                if route.handler is not None:
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        route.handler(self)
                    return
                etag = route.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", {"ETag": etag})
                    return
                self._send(route.status, route.body, route.headers)

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # clients that hang up on purpose (limits, refusals) are not news

        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self.port = int(self._httpd.server_address[1])
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    # -- set-up
    @property
    def netloc(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        status: int = 200,
        content_type: str = "text/html",
        headers: dict[str, str] | None = None,
        handler: Handler | None = None,
    ) -> str:
        if isinstance(body, str):
            body = body.encode("utf-8")
        hdrs = {"Content-Type": content_type, **(headers or {})}
        self.routes[path] = Route(status, body, hdrs, handler)
        return self.url(path)

    def count(self, path: str | None = None) -> int:
        with self._lock:
            return sum(1 for h in self.hits if path is None or h.path.split("?")[0] == path)

    # -- lifecycle
    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> ScriptServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- raw handlers -----------------------------------------------------------------------------------------


def raw(data: bytes) -> Handler:
    """Write these bytes as the whole response (junk, or a hand-made HTTP message), then close."""

    def handle(req: BaseHTTPRequestHandler) -> None:
        req.close_connection = True
        req.wfile.write(data)
        req.wfile.flush()

    return handle


def response(status: int, body: bytes, headers: dict[str, str], *, length: int | None = None) -> Handler:
    """A response whose Content-Length may lie (`length`), or is absent when length == -1 (read to close)."""

    def handle(req: BaseHTTPRequestHandler) -> None:
        req.close_connection = True
        req.send_response(status)
        for key, value in headers.items():
            req.send_header(key, value)
        if length is None:
            req.send_header("Content-Length", str(len(body)))
        elif length >= 0:
            req.send_header("Content-Length", str(length))
        req.send_header("Connection", "close")
        req.end_headers()
        req.wfile.write(body)
        req.wfile.flush()

    return handle


def slow_drip(body: bytes, *, step: int = 8, delay: float = 0.2, header_delay: float = 0.0) -> Handler:
    """Headers (after `header_delay`), then `step` bytes every `delay` seconds: alive, but never done."""

    def handle(req: BaseHTTPRequestHandler) -> None:
        req.close_connection = True
        time.sleep(header_delay)
        req.send_response(200)
        req.send_header("Content-Type", "application/rss+xml")
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.flush()
        for i in range(0, len(body), step):
            req.wfile.write(body[i : i + step])
            req.wfile.flush()
            time.sleep(delay)

    return handle


def chunked_stream(chunk: bytes, count: int, content_type: str = "application/rss+xml") -> Handler:
    """A chunked body of `count` x `chunk`, no Content-Length (so the cap must stop it while streaming)."""

    def handle(req: BaseHTTPRequestHandler) -> None:
        req.close_connection = True
        req.send_response(200)
        req.send_header("Content-Type", content_type)
        req.send_header("Transfer-Encoding", "chunked")
        req.end_headers()
        for _ in range(count):
            req.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        req.wfile.write(b"0\r\n\r\n")
        req.wfile.flush()

    return handle


def retry_after(server: ScriptServer, status: int, value: str | None, quiet: datetime | None) -> Handler:
    """Answer `status` with this Retry-After and remember the window in which no request may come."""

    def handle(req: BaseHTTPRequestHandler) -> None:
        if quiet is not None:
            server.quiet_until = quiet
        req.send_response(status)
        if value is not None:
            req.send_header("Retry-After", value)
        req.send_header("Content-Length", "0")
        req.end_headers()

    return handle

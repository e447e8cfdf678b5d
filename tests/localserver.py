"""The one local HTTP server: 127.0.0.1, a free port, scripted routes, ETag / 304, a request log.

Used by the tests (the `http_server` fixture), the hostile-feed suite, the benchmarks (bench/corpus.py,
bench/poll304.py) and `make demo` (scripts/demo.py); it needs nothing but the standard library, so
scripts put tests/ on sys.path and import it. Routes map a path to a canned response or to a handler that
writes raw bytes itself (junk, slow drip, lying lengths: see hostile/server.py). Every request is logged
with its arrival time, so a test can count requests that should never have happened.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable, Mapping
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
    handler: Handler | None = None  # full control: write the response yourself


def etag_of(body: bytes) -> str:
    """A strong ETag from the body's content."""
    return '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


class LocalServer:
    """Threaded HTTP/1.1 server on 127.0.0.1:<free port>; use as a context manager (or call close())."""

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

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        status: int = 200,
        content_type: str = "text/html",
        headers: dict[str, str] | None = None,
        handler: Handler | None = None,
    ) -> str:
        """Serve this response at `path` (an ETag header makes a matching If-None-Match a 304)."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        hdrs = {"Content-Type": content_type, **(headers or {})}
        self.routes[path] = Route(status, body, hdrs, handler)
        return self.url(path)

    def add_files(self, files: Mapping[str, tuple[bytes, str]]) -> None:
        """Serve path -> (body, content type), each with an ETag from its content (conditional GET)."""
        for path, (body, content_type) in files.items():
            self.add(path, body, content_type=content_type, headers={"ETag": etag_of(body)})

    def count(self, path: str | None = None) -> int:
        """Requests so far (for `path` only, query ignored, when given)."""
        with self._lock:
            return sum(1 for h in self.hits if path is None or h.path.split("?")[0] == path)

    def sent(self, path: str | None = None) -> list[dict[str, str]]:
        """The request headers of each request (to `path`), oldest first."""
        with self._lock:
            return [h.headers for h in self.hits if path is None or h.path.split("?")[0] == path]

    # -- lifecycle
    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

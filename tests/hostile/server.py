"""Hostile responses for the hostile-feed suite and its benchmark: handlers that write raw bytes
(junk, slow drip, lying lengths, Retry-After windows) on the one local server (tests/localserver.py)."""

from __future__ import annotations

import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler

from localserver import Handler, LocalServer

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


def retry_after(server: LocalServer, status: int, value: str | None, quiet: datetime | None) -> Handler:
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

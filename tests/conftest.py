"""Shared fixtures: a temp data dir, the eval kit path, the real CLI, a scripted HTTP server on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from helpers import SHARED, CliResult, LocalServer, tracker_exe

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def shared_dir() -> Path:
    """../shared/eval, or skip when the evaluation kit is absent."""
    eval_dir = SHARED / "eval"
    if not eval_dir.is_dir():
        pytest.skip("../shared/eval is not present")
    return eval_dir


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def run_cli(data_dir: Path) -> Callable[..., CliResult]:
    """Run the real `tracker` entry point in a subprocess with a temp data dir."""

    def run(
        *args: str, env: dict[str, str] | None = None, input: str | None = None, timeout: float = 300
    ) -> CliResult:
        full_env = dict(os.environ, TRACKER_DATA_DIR=str(data_dir), HF_HUB_OFFLINE="1")
        full_env.update(env or {})
        proc = subprocess.run(
            [tracker_exe(), *args],
            capture_output=True,
            text=True,
            env=full_env,
            input=input,
            timeout=timeout,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    server_state = LocalServer()

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:  # noqa: N802
            server_state.requests.append(("GET", self.path, dict(self.headers.items())))
            route = server_state.routes.get(self.path) or server_state.routes.get(self.path.split("?")[0])
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.handler is not None:
                route.handler(self)
                return
            etag = route.headers.get("ETag")
            if etag and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(route.status)
            for key, value in route.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    server_state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()

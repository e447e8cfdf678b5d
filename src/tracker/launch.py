"""The `tracker` console script: starts the dense side of `ask` before the CLI has even loaded.

Why: a cold `tracker ask` spends ~180 ms importing typer / pydantic and parsing before it knows whether
the question needs dense retrieval, and the dense side itself is mostly fixed start-up cost (numpy,
onnxruntime, the ONNX session: ~150-200 ms). For `ask`, this module forks a warm child first, with
nothing but the standard library loaded (no threads, no native pools: safe to fork); the child imports
and warms the query encoder on the second core while this process imports the CLI. When `ask` needs
dense neighbours (ask._DenseJob) it hands the question to the child; when it does not, the child is
killed. The child runs exactly `ask._dense`, so answers are the same with or without it
(TRACKER_ASK_FORK=0 turns it off).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

GLOBAL_OPTIONS_WITH_VALUE = ("--data-dir", "--feeds")

_warm: tuple[int, int, int] | None = None  # (pid, request write fd, response read fd)


def main() -> None:
    """Entry point: warm the dense side for `ask`, run the CLI, never leave a child behind."""
    if _is_ask(sys.argv[1:]):
        _start()
    try:
        from .cli import main as cli_main

        cli_main()
    finally:
        discard()


def _is_ask(args: list[str]) -> bool:
    """Whether the command (the first word that is not a global option or its value) is `ask`."""
    i = 0
    while i < len(args):
        word = args[i]
        if word in GLOBAL_OPTIONS_WITH_VALUE:
            i += 2
        elif word.startswith("-"):
            i += 1
        else:
            return word == "ask" and "--help" not in args
    return False


def _start() -> None:
    global _warm
    if os.environ.get("TRACKER_ASK_FORK", "1") == "0" or not hasattr(os, "fork"):
        return
    req_r, req_w = os.pipe()
    resp_r, resp_w = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (req_r, req_w, resp_r, resp_w):
            os.close(fd)
        return
    if pid == 0:  # the child: serve one request, then leave without running the parent's cleanup
        code = 1
        try:
            os.close(req_w)
            os.close(resp_r)
            _serve(req_r, resp_w)
            code = 0
        finally:
            os._exit(code)
    os.close(req_r)
    os.close(resp_w)
    _warm = (pid, req_w, resp_r)


def _serve(req_fd: int, resp_fd: int) -> None:
    # One query is a few matrix-vector products; BLAS / OpenMP pools would only spin on the shared cores.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    embedder = None
    try:
        from . import ask, index  # noqa: F401 - index: numpy and the FAISS file reader, loaded now
        from .embed import Embedder

        embedder = Embedder(threads=1)
        embedder.encode_query("warm up")  # session start and first run, before the question arrives
    except Exception:  # noqa: BLE001 - the parent then computes in-process (ask._DenseJob.result)
        embedder = None
    request = _read_all(req_fd)
    if not request:
        return  # the parent did not need us
    question, data_dir, limit = json.loads(request)
    from .ask import _dense
    from .config import Paths

    neighbours = _dense(question, Paths(Path(data_dir)), int(limit), embedder=embedder)
    view = memoryview(json.dumps(neighbours).encode())
    while view:
        view = view[os.write(resp_fd, view) :]


def submit(question: str, data_dir: Path, limit: int) -> tuple[int, int] | None:
    """Hand the question to the warm child: (pid, fd to read its JSON answer from), or None."""
    global _warm
    if _warm is None:
        return None
    pid, req_w, resp_r = _warm
    _warm = None
    try:
        os.write(req_w, json.dumps([question, str(data_dir), limit]).encode())
    except OSError:
        _kill(pid, resp_r)
        return None
    finally:
        os.close(req_w)
    return pid, resp_r


def discard() -> None:
    """Stop an unused warm child (the question named a model, or the command failed)."""
    global _warm
    if _warm is None:
        return
    pid, req_w, resp_r = _warm
    _warm = None
    os.close(req_w)
    _kill(pid, resp_r)


def _kill(pid: int, fd: int) -> None:
    os.close(fd)
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)

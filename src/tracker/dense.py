"""Dense retrieval for `tracker ask`: the query embedding searched in the FAISS index, in a forked child.

Why a child: the dense side of a cold `tracker ask` is mostly fixed start-up cost (numpy, onnxruntime,
the ONNX session, ~150-200 ms) while the SQL side (typer, pydantic, BM25, reconciliation) is another
~150 ms. `warm_start()` (called by the console script, launch.py, before anything heavy is imported: no
threads, no native pools, safe to fork) forks a child that imports and warms the query encoder on the
second core. `start()` hands the question to that child, or forks a fresh one when there is none, or
returns None (then the caller computes in-process with `search`). The child runs exactly `search`, so
answers are the same with or without it (TRACKER_ASK_FORK=0 turns forking off).

This is the only fork-and-pipe implementation; it imports nothing from ask, cli or launch. Import cost:
the standard library only (numpy / onnxruntime / faiss load inside the functions that need them).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import Paths
    from .embed import Embedder

CANDIDATES = 100  # neighbours asked for per question, before fusion with BM25
Neighbours = list[tuple[int, float]]
_NATIVE_POOLS = ("numpy", "onnxruntime", "faiss", "torch")

_warm: tuple[int, int, int] | None = None  # (pid, request write fd, response read fd)


def search(
    question: str, paths: Paths | None, limit: int = CANDIDATES, *, embedder: Embedder | None = None
) -> Neighbours:
    """Dense neighbours (claim id, score) from the index; [] when the index (or its runtime) is missing.

    `embedder`: an already started query encoder (the warm child's), else one is made here."""
    if paths is None or not paths.index_dir.is_dir():
        return []  # no index yet: lexical only, without paying for numpy / faiss imports
    try:
        from . import index as index_mod
    except ImportError:
        return []
    try:
        idx = index_mod.load_for_query(paths)
        if idx is None:
            return []
        from .embed import Embedder

        # One thread: for one short text a second intra-op thread costs more to start and synchronize
        # than it saves (measured ~30 vs ~50 ms CPU to the first vector, and less wall time under load).
        vec = (embedder or Embedder(threads=1)).encode_query(question)
        return [(int(cid), float(score)) for cid, score in idx.search(vec, limit)]
    except Exception:  # noqa: BLE001 - a broken index degrades to lexical search, never fails the answer
        return []


class Job:
    """Dense neighbours being computed in a child process; `result()` collects, `cancel()` kills.

    When the child fails (or there is none), `result()` computes in-process instead."""

    def __init__(
        self, question: str, paths: Paths, limit: int, pid: int | None = None, fd: int | None = None
    ) -> None:
        self.question, self.paths, self.limit = question, paths, limit
        self.pid, self.fd = pid, fd

    def result(self, while_waiting: Callable[[], None] | None = None) -> Neighbours:
        """The child's neighbours; `while_waiting` runs first (useful work while the child computes)."""
        if while_waiting is not None and self.pid is not None:
            while_waiting()
        chunks = []
        if self.fd is not None:
            while chunk := os.read(self.fd, 65536):
                chunks.append(chunk)
            os.close(self.fd)
            self.fd = None
        if self._reap() == 0:
            try:
                return [(int(cid), float(score)) for cid, score in json.loads(b"".join(chunks))]
            except (ValueError, TypeError):
                pass
        return search(self.question, self.paths, self.limit)

    def cancel(self) -> None:
        """Stop the child (the question did not need it) and reap it."""
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap()
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def _reap(self) -> int | None:
        if self.pid is None:
            return None
        pid, self.pid = self.pid, None
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return None
        return os.waitstatus_to_exitcode(status)


def start(question: str, paths: Paths, limit: int = CANDIDATES) -> Job | None:
    """Dense search of this question in a child: the warm one if launch.py forked it, else a new fork.

    None when there is no index (nothing to compute) or forking is not safe here."""
    import threading

    if os.environ.get("TRACKER_ASK_FORK", "1") == "0":
        return None  # opt-out (and a way to time the single-process path)
    handed = submit(question, paths.data_dir, limit)
    if handed is not None:
        return Job(question, paths, limit, *handed)
    if not paths.index_dir.is_dir() or not hasattr(os, "fork"):
        return None
    # Fork only from a clean process: with other threads running - Python's, or the native pools numpy
    # (OpenBLAS) and onnxruntime start - a child may inherit a lock held by a thread it lacks.
    if threading.active_count() != 1 or any(m in sys.modules for m in _NATIVE_POOLS):
        return None
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: compute, write, leave without running any of the parent's cleanup
        code = 1
        try:
            os.close(read_fd)
            _single_threaded()
            _write_all(write_fd, json.dumps(search(question, paths, limit)).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    return Job(question, paths, limit, pid, read_fd)


# -- the warm child, forked by the console script before the CLI loads -----------------------------------


def warm_start() -> None:
    """Fork the warm child (for `tracker ask`); call before anything heavy is imported."""
    global _warm
    if os.environ.get("TRACKER_ASK_FORK", "1") == "0" or not hasattr(os, "fork") or _warm is not None:
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


def _single_threaded() -> None:
    # One query is a few matrix-vector products; BLAS / OpenMP pools would only spin on the shared cores.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def _serve(req_fd: int, resp_fd: int) -> None:
    _single_threaded()
    embedder = None
    try:
        from . import index  # noqa: F401 - numpy and the index file reader, loaded now
        from .embed import Embedder

        embedder = Embedder(threads=1)
        embedder.encode_query("warm up")  # session start and first run, before the question arrives
    except Exception:  # noqa: BLE001 - the parent then computes in-process (Job.result)
        embedder = None
    request = _read_all(req_fd)
    if not request:
        return  # the parent did not need us
    question, data_dir, limit = json.loads(request)
    from .config import Paths

    _write_all(
        resp_fd, json.dumps(search(question, Paths(Path(data_dir)), int(limit), embedder=embedder)).encode()
    )


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


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


# -- index health (stdlib only: checked on every open question, and by `tracker status`) ------------------


def index_health(paths: Paths, max_claim_id: int, store_uuid: str | None = None) -> dict[str, object]:
    """{"health": ok | missing | empty | stale | corrupt | foreign, "detail": ..., "count": ...}.

    Cheap (one small JSON file and a stat): the index covers claims up to its max_id; a store whose newest
    claim is above that has claims the dense search cannot find."""
    meta_path = paths.index_dir / "meta.json"
    if not meta_path.is_file():
        state = "missing" if max_claim_id else "ok"
        return {"health": state, "detail": "no index" if max_claim_id else "nothing to index", "count": 0}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        count, top, name, size = int(meta["count"]), int(meta["max_id"]), str(meta["file"]), int(meta["size"])
    except (OSError, ValueError, KeyError, TypeError):
        return {"health": "corrupt", "detail": f"{meta_path} unreadable", "count": 0}
    try:
        actual = (paths.index_dir / name).stat().st_size
    except OSError:
        return {"health": "corrupt", "detail": f"{name} missing", "count": count}
    if actual != size:
        detail = f"{name} is {actual} bytes, meta.json says {size}"
        return {"health": "corrupt", "detail": detail, "count": count}
    if store_uuid and meta.get("store_uuid") not in (None, store_uuid):
        return {"health": "foreign", "detail": "built from another store", "count": count}
    if count == 0 and max_claim_id:
        return {"health": "empty", "detail": "the index holds no claims", "count": 0}
    if top < max_claim_id:
        return {
            "health": "stale",
            "detail": f"indexed up to claim {top}, the store has up to {max_claim_id}",
            "count": count,
        }
    return {"health": "ok", "detail": f"{count} claims indexed", "count": count}

"""Durable file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write `data` to a temp file beside `path`, fsync it, rename it over `path`, fsync the directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode)  # mkstemp makes 0600; data files and the model cache are meant to be readable
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """atomic_write_bytes for UTF-8 text, written byte for byte (no newline translation)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def fsync_dir(path: Path) -> None:
    """Make a rename inside `path` durable; silently skipped where directories cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def out_target(value: str | os.PathLike[str]) -> Path:
    """Where `--out VALUE` may write: a regular file (a symlink stands for its target) in an existing dir.

    Raises UsageError with the path and the reason for '' , a directory, a device, a fifo or socket, a
    missing parent directory (never created silently) or a parent that is not a directory. `-` (stdout) is
    the caller's business and never reaches here.
    """
    from .errors import UsageError

    text = os.fspath(value)
    if not text.strip():
        raise UsageError("--out: empty path (use - for stdout)")
    path = Path(text).expanduser()
    try:
        st = path.stat()  # follows symlinks: a link to a file means its target
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise UsageError(f"--out {text}: {exc.strerror or exc}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"--out {text}: is a directory (give a file name)")
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"--out {text}: not a regular file ({_kind(st.st_mode)}); use - for stdout")
    real = Path(os.path.realpath(path))  # a dangling link: write where it points, like `>` does
    parent = real.parent
    if not parent.exists():
        raise UsageError(f"--out {text}: directory {parent} does not exist")
    if not parent.is_dir():
        raise UsageError(f"--out {text}: {parent} is not a directory")
    return real


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a fifo"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "a special file"


def write_out(value: str | os.PathLike[str], data: bytes) -> Path:
    """Write a user's `--out` file: checked by out_target, then atomically; keeps an existing file's mode.

    OS errors (read-only place, no permission, disk full, a pseudo-file system) become one UsageError line.
    """
    from .errors import UsageError

    target = out_target(value)
    try:
        mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
        atomic_write_bytes(target, data, mode=mode)
    except OSError as exc:
        raise UsageError(f"--out {os.fspath(value)}: cannot write: {exc.strerror or exc}") from None
    return target

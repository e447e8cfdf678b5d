"""The nightly job (ingest + digest under a kernel lock) and the crontab line that runs it.

Lock: `fcntl.flock` on <data>/nightly.lock. The kernel drops the lock when its holder dies, however it
dies (kill -9 included), so a crashed run never blocks the next one; a second run while one is alive
raises LockedError (exit 75) before it opens the store or writes anything.

Cron: `tracker cron install|remove|show` edits the user's crontab through the real `crontab` command
(`crontab -l` / `crontab -`). Our line carries a marker comment naming the data directory, so install is
idempotent (it replaces our line), remove touches nothing else, and several data dirs can coexist.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .config import FeedsConfig, Paths
from .dates import parse_iso
from .errors import LockedError, TrackerError, UsageError

if TYPE_CHECKING:
    from .digest import Digest
    from .pipeline import FeedLine, IngestReport, Progress

# The nightly digest covers articles stored since the previous nightly run, so each article appears in
# exactly one nightly digest: the last day on the first run, at most MAX_PERIOD when runs were missed.
META_LAST_UNTIL = "nightly.last_until"
DEFAULT_PERIOD = timedelta(days=1)
MAX_PERIOD = timedelta(days=7)
LOG_NAME = "nightly.log"


# -- lock ------------------------------------------------------------------------------------------------
@contextmanager
def nightly_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive flock on `path` for the duration; LockedError at once if someone else holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise LockedError(
                f"another `tracker nightly` is running{who}; lock {path} is held, nothing was done"
            ) from None
        # The pid is only for the message above; the lock itself is the flock, not the file's content.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the flock


NIGHTLY_LOCK_KEY = 0x7472_6B6E  # PostgreSQL advisory lock key of `tracker nightly`


@contextmanager
def run_lock(paths: Paths) -> Iterator[None]:
    """The nightly job's lock: the kernel lock on the data dir for SQLite; for a shared PostgreSQL store an
    advisory lock held by a connection for the duration (the server drops it when that connection ends,
    however its process dies), so one nightly runs at a time across every host."""
    if not paths.database:
        with nightly_lock(paths.lock):
            yield
        return
    from .store import Store

    with Store.open(paths, "write") as store:
        if not store.try_advisory_lock(NIGHTLY_LOCK_KEY):
            raise LockedError(
                f"another `tracker nightly` is running on {store.location}; lock held, nothing was done"
            )
        yield


# -- nightly ---------------------------------------------------------------------------------------------
@dataclass
class NightlyReport:
    """What one nightly run did."""

    ingest: IngestReport
    digest: Digest
    digest_path: Path
    since: datetime
    until: datetime
    lines: list[str] = field(default_factory=list)  # one per feed, as written to nightly.log

    @property
    def exit_code(self) -> int:
        """As `ingest`: 3 when some feeds failed, else 0."""
        return 3 if self.ingest.feeds_failed else 0


def feed_line(line: FeedLine) -> str:
    """One log line for one feed: outcome, name, what came of it (control characters removed)."""
    from .sanitize import safe_text

    if line.outcome in ("ok", "not_modified"):
        detail = f"{line.articles_new} new article{'s' if line.articles_new != 1 else ''}"
        if line.outcome == "not_modified":
            detail = "not modified"
    else:
        detail = line.error or line.outcome
    name, url = safe_text(line.name)[:60], safe_text(line.url)[:200]
    return f"{line.outcome:<12} {name} <{url}>: {safe_text(detail)[:300]}"


def run_nightly(
    config: FeedsConfig, paths: Paths, *, now: datetime | None = None, progress: Progress | None = None
) -> NightlyReport:
    """Under the nightly lock: ingest every feed, then write digests/YYYY-MM-DD.md (+ chart) atomically.

    Raises LockedError when another run holds the lock (nothing is written then).
    """
    from .digest import write_digest
    from .pipeline import ingest
    from .store import Store

    now = (now or datetime.now(UTC)).astimezone(UTC)
    with run_lock(paths):
        report = ingest(config, paths, now=now, progress=progress)
        # Articles are stamped with the wall clock when stored (to the second): end the period just after.
        until = max(now, (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0))
        with Store.open(paths, "write") as store:
            since = _period_start(store.get_meta(META_LAST_UNTIL), until)
            until = max(until, since + timedelta(seconds=1))  # never an empty period
            out = _free_digest_path(paths.digests, now.date().isoformat())
            digest = write_digest(store, since=since, until=until, out=out, by="fetched")
            store.set_meta(META_LAST_UNTIL, until.isoformat(timespec="seconds"))
        lines = [feed_line(f) for f in report.feeds]
        _append_log(paths.data_dir / LOG_NAME, now, lines, report, out)
    return NightlyReport(ingest=report, digest=digest, digest_path=out, since=since, until=until, lines=lines)


SAME_RUN_SLACK = timedelta(seconds=5)


def _free_digest_path(directory: Path, day: str) -> Path:
    """digests/DAY.md, or DAY-2.md, DAY-3.md ... when that day already has a digest (a second run keeps the
    first: each run's digest covers only what that run fetched)."""
    out = directory / f"{day}.md"
    n = 2
    while out.exists():
        out = directory / f"{day}-{n}.md"
        n += 1
    return out


def _period_start(last: str | None, until: datetime) -> datetime:
    """Where the previous nightly period ended (so each article is in one digest), within MAX_PERIOD."""
    previous = parse_iso(last)
    if previous is None:
        return until - DEFAULT_PERIOD
    if previous >= until:
        if previous - until <= SAME_RUN_SLACK:  # a run right after the last one (same second): go on from it
            return previous
        return until - DEFAULT_PERIOD  # the clock went backwards: fall back to the last day
    return max(previous, until - MAX_PERIOD)


def _append_log(path: Path, now: datetime, lines: list[str], report: IngestReport, digest: Path) -> None:
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    summary = (
        f"run: {report.feeds_ok} feeds ok, {report.feeds_failed} failed, {report.articles_new} new articles, "
        f"{report.claims_new} claims; digest {digest}"
    )
    with open(path, "a", encoding="utf-8") as fh:
        for line in [*lines, summary]:
            fh.write(f"{stamp} {line}\n")


# -- cron ------------------------------------------------------------------------------------------------
MARKER = "# tracker-nightly"
_AT = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class CronStatus:
    """Our line in the crontab (None when not installed) and the command it runs."""

    line: str | None
    marker: str


def _crontab_exe() -> str:
    exe = shutil.which("crontab")
    if exe is None:
        raise TrackerError(
            "the `crontab` command is not installed (on Debian / Ubuntu: apt-get install cron)"
        )
    return exe


def _tracker_exe() -> str:
    """The absolute path of the `tracker` script of this installation."""
    candidate = Path(sys.executable).with_name("tracker")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("tracker")
    if found:
        return str(Path(found).resolve())
    raise TrackerError("cannot find the `tracker` script next to this Python; is the package installed?")


def marker_for(paths: Paths) -> str:
    """The marker that identifies the line of this data directory (no spaces, no cron-special chars)."""
    digest = hashlib.sha256(str(paths.data_dir.resolve()).encode()).hexdigest()[:12]
    return f"{MARKER} data={digest}"


def _cron_quote(text: str) -> str:
    # cron turns an unescaped % into a newline; shlex quoting protects everything else from /bin/sh.
    return shlex.quote(text).replace("%", "\\%")


def cron_line(paths: Paths, feeds_path: Path, at: str = "06:00") -> str:
    """The crontab line that runs `tracker nightly` daily at `at` (HH:MM, the machine's local time)."""
    m = _AT.match(at.strip())
    if not m:
        raise UsageError(f"--at: expected HH:MM (00:00-23:59), got {at!r}")
    hour, minute = int(m.group(1)), int(m.group(2))
    data = paths.data_dir.resolve()
    feeds = feeds_path.expanduser().resolve()
    env = " ".join(
        f"{k}={_cron_quote(v)}"
        for k, v in (("HF_HUB_OFFLINE", "1"), ("TRACKER_DATA_DIR", str(data)), ("TRACKER_FEEDS", str(feeds)))
    )
    log = _cron_quote(str(data / "cron.log"))
    return (
        f"{minute} {hour} * * * {env} {_cron_quote(_tracker_exe())} nightly >> {log} 2>&1 {marker_for(paths)}"
    )


def read_crontab() -> list[str]:
    """The user's crontab lines ([] when they have none)."""
    proc = subprocess.run([_crontab_exe(), "-l"], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        if "no crontab" in proc.stderr.lower():
            return []
        raise TrackerError(f"crontab -l failed: {proc.stderr.strip() or proc.returncode}")
    return proc.stdout.splitlines()


def write_crontab(lines: list[str]) -> None:
    """Replace the user's crontab with `lines` (through `crontab -`, which validates it)."""
    text = "\n".join(lines) + "\n" if lines else ""
    proc = subprocess.run([_crontab_exe(), "-"], input=text, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise TrackerError(f"crontab - failed: {proc.stderr.strip() or proc.returncode}")


def _ours(line: str, marker: str) -> bool:
    return line.rstrip().endswith(marker)


def cron_install(paths: Paths, feeds_path: Path, at: str = "06:00") -> str:
    """Install (or replace) our line; every other line of the crontab is kept as it was."""
    if not feeds_path.expanduser().exists():
        raise UsageError(f"feeds file not found: {feeds_path} (cron would run with nothing to read)")
    line = cron_line(paths, feeds_path, at)
    paths.ensure()  # the line appends to <data>/cron.log: the directory must exist when cron runs it
    marker = marker_for(paths)
    lines = read_crontab()
    kept = [entry for entry in lines if not _ours(entry, marker)]
    write_crontab([*kept, line])
    return line


def cron_remove(paths: Paths) -> str | None:
    """Remove our line; return it (None when it was not installed)."""
    marker = marker_for(paths)
    lines = read_crontab()
    ours = [entry for entry in lines if _ours(entry, marker)]
    if ours:
        write_crontab([entry for entry in lines if not _ours(entry, marker)])
    return ours[0] if ours else None


def cron_daemon_running() -> bool | None:
    """Whether a cron daemon is alive (None when /proc cannot tell): our line does nothing without one."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    for comm in proc.glob("[0-9]*/comm"):
        try:
            if comm.read_text(encoding="utf-8", errors="replace").strip() in (
                "cron",
                "crond",
                "cronie",
                "busybox",
            ):
                return True
        except OSError:
            continue
    return False


def cron_show(paths: Paths) -> CronStatus:
    """Our installed line for this data directory, if any."""
    marker = marker_for(paths)
    ours = [entry for entry in read_crontab() if _ours(entry, marker)]
    return CronStatus(line=ours[0] if ours else None, marker=marker)

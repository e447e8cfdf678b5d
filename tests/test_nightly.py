"""`tracker nightly` (lock, ingest + digest, logs, exit codes) and `tracker cron install|show|remove`.

The lock tests hold the lock from another process, as a concurrent nightly would, and kill -9 it to
leave a "stale" lock behind. The cron tests run the real `tracker cron` commands
against a stand-in `crontab` command over a private file: the user's crontab is never read or edited.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers import CliResult
from localserver import LocalServer
from tracker.config import Paths
from tracker.errors import LockedError
from tracker.nightly import _period_start, cron_line, nightly_lock

Run = Callable[..., CliResult]


@pytest.fixture
def empty_feeds(tmp_path: Path) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text("allow_private: false\nfeeds: []\n", encoding="utf-8")
    return path


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


@pytest.fixture
def lock_holder(data_dir: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the nightly lock of data_dir (as a running `tracker nightly` would)."""
    code = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from tracker.nightly import nightly_lock
        with nightly_lock(Path({str(data_dir / "nightly.lock")!r})):
            print("locked", flush=True)
            time.sleep(600)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def test_second_run_exits_75_and_writes_nothing(
    run_cli: Run, data_dir: Path, empty_feeds: Path, lock_holder: subprocess.Popen[str]
) -> None:
    before = _snapshot(data_dir)
    res = run_cli("--feeds", str(empty_feeds), "nightly")
    assert res.code == 75, (res.stdout, res.stderr)
    assert res.stderr.strip() == res.stderr.strip().splitlines()[0]  # one line
    assert "another `tracker nightly` is running" in res.stderr and f"pid {lock_holder.pid}" in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert _snapshot(data_dir) == before  # no store, no digest, no log, lock file untouched


def test_lock_left_by_a_killed_run_does_not_block(
    run_cli: Run, data_dir: Path, empty_feeds: Path, lock_holder: subprocess.Popen[str]
) -> None:
    os.kill(lock_holder.pid, signal.SIGKILL)
    lock_holder.wait(timeout=30)
    assert (data_dir / "nightly.lock").exists()  # the file stays; the kernel dropped the flock
    res = run_cli("--feeds", str(empty_feeds), "nightly")
    assert res.code == 0, res.stderr
    digests = list((data_dir / "digests").glob("*.md"))
    assert len(digests) == 1 and "Nothing new" in digests[0].read_text(encoding="utf-8")
    assert res.stdout == "" and res.stderr == ""  # quiet when not on a terminal


def test_lock_is_exclusive_within_a_process(tmp_path: Path) -> None:
    lock = tmp_path / "nightly.lock"
    with nightly_lock(lock), pytest.raises(LockedError, match="another"), nightly_lock(lock):
        pass
    with nightly_lock(lock):  # released on exit
        pass


def test_period_start() -> None:
    until = datetime(2026, 11, 24, 6, tzinfo=UTC)
    assert _period_start(None, until) == datetime(2026, 11, 23, 6, tzinfo=UTC)
    assert _period_start("2026-11-20T06:00:00+00:00", until) == datetime(2026, 11, 20, 6, tzinfo=UTC)
    assert _period_start("2026-11-24T01:00:00+00:00", until) == datetime(2026, 11, 24, 1, tzinfo=UTC)
    assert _period_start("2026-11-25T01:00:00+00:00", until) == datetime(2026, 11, 23, 6, tzinfo=UTC)
    assert _period_start("2026-10-01T06:00:00+00:00", until) == datetime(2026, 11, 17, 6, tzinfo=UTC)
    assert _period_start("garbage", until) == datetime(2026, 11, 23, 6, tzinfo=UTC)


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example AI desk</title><link>{base}/</link>
<item><title>Mistral AI launches Mistral Large 4</title><link>{base}/large-4</link>
<guid>large-4</guid><pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate>
<description>Mistral AI released Mistral Large 4, a large language model.</description></item>
</channel></rss>"""

PAGE = """<!doctype html><html><head><title>Mistral AI launches Mistral Large 4</title></head><body><article>
<h1>Mistral AI launches Mistral Large 4</h1>
<p>Mistral AI on Monday released Mistral Large 4, its largest open-weight language model so far.</p>
<p>Mistral Large 4 has 1.6 trillion parameters in total, of which 32 billion are active for each token,
and a context window of 256K tokens. The model is available under the Apache 2.0 license.</p>
<p>Through the Mistral API, Mistral Large 4 costs $0.60 per million input tokens and $2.50 per million
output tokens. Mistral AI said the model was trained on Nvidia H800 GPUs and scores 88.1 on MMLU.</p>
<p>The company says the large language model beats its previous release on coding and reasoning tasks, and
that a smaller version for laptops will follow next year.</p>
</article></body></html>"""


def test_nightly_ingests_logs_and_writes_the_digest(
    run_cli: Run, data_dir: Path, tmp_path: Path, http_server: LocalServer
) -> None:
    base = http_server.url("")
    http_server.add("/feed.xml", RSS.format(base=base), content_type="application/rss+xml")
    http_server.add("/large-4", PAGE)
    http_server.add("/broken.xml", "server trouble", status=500, content_type="text/plain")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f"allow_private: true\nfeeds:\n  - name: Example AI desk\n    url: {base}/feed.xml\n"
        f"  - name: Broken feed\n    url: {base}/broken.xml\n",
        encoding="utf-8",
    )
    res = run_cli("--feeds", str(feeds), "nightly")
    assert res.code == 3, (res.stdout, res.stderr)  # as ingest: some feeds failed, the rest were read
    assert res.stdout == "" and len(res.stderr.strip().splitlines()) == 1 and "Broken feed" in res.stderr
    log = (data_dir / "nightly.log").read_text(encoding="utf-8").splitlines()
    assert any(" ok " in line and "Example AI desk" in line and "1 new article" in line for line in log)
    assert any("error" in line and "Broken feed" in line for line in log)
    digests = sorted((data_dir / "digests").glob("*.md"))
    assert len(digests) == 1
    text = digests[0].read_text(encoding="utf-8")
    assert "1 ingest run polling 2 feeds (1 feed failure)" in text and "1 article from 1 site" in text
    # A second run the same day: nothing new is fetched, so the article is not repeated; the run is still
    # partial. The first digest of the day is kept; the second goes beside it as DAY-2.md.
    again = run_cli("--feeds", str(feeds), "nightly")
    assert again.code == 3
    assert digests[0].read_text(encoding="utf-8") == text
    second_path = digests[0].with_name(digests[0].stem + "-2.md")
    assert set((data_dir / "digests").glob("*.md")) == {digests[0], second_path}
    second = second_path.read_text(encoding="utf-8")
    assert "0 articles" in second and "Nothing new" in second
    if _extractor_is_placeholder():
        pytest.skip("claims extractor not in place yet (tracker.claims.extract_claims is a placeholder)")
    assert "Mistral" in text and f"]({base}/large-4)" in text  # figures of the article, linked to it


def _extractor_is_placeholder() -> bool:
    from tracker.claims import extract_claims

    return (extract_claims.__doc__ or "").startswith("Placeholder")


# -- cron -------------------------------------------------------------------------------------------------
# A stand-in for the `crontab` command, first on PATH: the same interface (-l, -, -r; "no crontab for"
# on stderr when there is none) over a private file, so a test never reads or edits the user's crontab
# and needs neither the `cron` package nor root. Like the real one, `crontab -` refuses a line whose
# schedule is not five fields (so a malformed line from us still fails the test).
FAKE_CRONTAB = r"""
import re, sys
from pathlib import Path

table = Path(TABLE)
args = sys.argv[1:]
if args[:1] == ["-u"]:  # root may name the user; the table is private either way
    args = args[2:]
if args == ["-l"]:
    if not table.exists():
        sys.exit("no crontab for tester")
    sys.stdout.write(table.read_text())
elif args == ["-r"]:
    if not table.exists():
        sys.exit("no crontab for tester")
    table.unlink()
elif args == ["-"]:
    text = sys.stdin.read()
    field = r"(\*|\d+)(-\d+)?(,(\d+)(-\d+)?)*(/\d+)?"
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#") or re.match(r"^\s*\w+\s*=", line):
            continue
        parts = line.split(None, 5)
        if len(parts) < 6 or not all(re.fullmatch(field, p) for p in parts[:5]):
            sys.exit(f"bad crontab line: {line!r}")
    table.write_text(text)
else:
    sys.exit(f"usage: crontab [-u user] -l | -r | -  (got {args})")
"""


@dataclass
class FakeCrontab:
    exe: Path  # the stand-in `crontab` script
    table: Path  # the private crontab file it edits
    env: dict[str, str]  # for run_cli: PATH with the stand-in first

    def read(self) -> str:
        return self.table.read_text() if self.table.exists() else ""

    def write(self, text: str) -> None:
        subprocess.run([str(self.exe), "-"], input=text, text=True, check=True)


@pytest.fixture
def crontab(tmp_path: Path) -> FakeCrontab:
    """A private crontab behind a stand-in `crontab` command (the user's own is never touched)."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    table = tmp_path / "crontab.txt"
    exe = bin_dir / "crontab"
    exe.write_text(f"#!{sys.executable}\nTABLE = {str(table)!r}\n{FAKE_CRONTAB}")
    exe.chmod(0o755)
    return FakeCrontab(exe, table, {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"})


def test_fake_crontab_behaves_like_the_real_one(crontab: FakeCrontab) -> None:
    def run(*args: str, text: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(crontab.exe), *args], input=text, capture_output=True, text=True)

    missing = run("-l")
    assert missing.returncode != 0 and "no crontab for" in missing.stderr
    job = "5 7 * * * /bin/true\n"
    assert run("-", text=job).returncode == 0 and run("-l").stdout == job
    assert run("-", text="every day /bin/true\n").returncode != 0  # refused, the table is kept
    assert crontab.read() == job
    assert run("-r").returncode == 0 and not crontab.table.exists()


OTHERS = ['MAILTO=""', "# a comment someone wrote", "15 3 * * * /bin/true  # someone else's job"]


def test_cron_install_show_remove(
    crontab: FakeCrontab, run_cli: Run, data_dir: Path, empty_feeds: Path, tmp_path: Path
) -> None:
    crontab.write("\n".join(OTHERS) + "\n")

    def cli(*args: str, data: Path = data_dir) -> CliResult:
        return run_cli("--data-dir", str(data), "--feeds", str(empty_feeds), *args, env=crontab.env)

    assert "not installed" in cli("cron", "show").stdout
    res = cli("cron", "install", "--at", "05:30")
    assert res.code == 0, res.stderr
    lines = crontab.read().splitlines()
    ours = [line for line in lines if "tracker-nightly" in line]
    assert len(ours) == 1 and lines[:3] == OTHERS
    line = ours[0]
    assert line.startswith("30 5 * * * ") and " nightly " in line
    assert f"TRACKER_DATA_DIR={data_dir.resolve()}" in line
    assert f"TRACKER_FEEDS={empty_feeds.resolve()}" in line and "HF_HUB_OFFLINE=1" in line
    tracker = line.split(" nightly ")[0].split()[-1]
    assert os.path.isabs(tracker) and os.access(tracker, os.X_OK)
    assert cli("cron", "show").stdout.strip() == line

    # Idempotent: installing again replaces our line (new time), nothing is duplicated.
    assert cli("cron", "install", "--at", "07:05").code == 0
    lines = crontab.read().splitlines()
    ours = [line for line in lines if "tracker-nightly" in line]
    assert len(ours) == 1 and ours[0].startswith("5 7 * * * ") and lines[:3] == OTHERS

    # A second data directory gets its own line; removing one leaves the other and everything else.
    other_data = tmp_path / "other-data"
    assert cli("cron", "install", data=other_data).code == 0
    assert len([line for line in crontab.read().splitlines() if "tracker-nightly" in line]) == 2
    removed = cli("cron", "remove")
    assert removed.code == 0 and "removed" in removed.stdout
    lines = crontab.read().splitlines()
    assert lines[:3] == OTHERS and len(lines) == 4 and str(other_data.resolve()) in lines[3]
    assert "nothing to remove" in cli("cron", "remove").stdout

    # The installed command really runs: the line minus its schedule, through /bin/sh as cron would.
    command = ours[0].split(" ", 5)[5]
    proc = subprocess.run(
        ["/bin/sh", "-c", command], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert list((data_dir / "digests").glob("*.md")) and (data_dir / "cron.log").exists()


def test_cron_bad_time_and_missing_crontab(run_cli: Run, empty_feeds: Path) -> None:
    bad = run_cli("--feeds", str(empty_feeds), "cron", "install", "--at", "25:00")
    assert bad.code == 2 and "HH:MM" in bad.stderr
    missing = run_cli("cron", "show", env={"PATH": "/nonexistent"})
    assert missing.code == 1 and "`crontab` command is not installed" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_cron_line_escapes_percent_and_spaces(tmp_path: Path) -> None:
    feeds = tmp_path / "my feeds%.yaml"
    line = cron_line(Paths(tmp_path / "data dir%x"), feeds, "6:00")
    assert line.startswith("0 6 * * * ")
    assert "%" not in line.replace("\\%", "")  # cron would turn a bare % into a newline
    assert "'" in line  # quoted for /bin/sh

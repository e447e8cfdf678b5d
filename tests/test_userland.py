"""The tracker on a user's machine: --out paths, one-line errors, a read-only store, feeds.yaml mistakes,
the CLI surface (global options anywhere, --version, --json, exit 4), default locations, add / forget,
and a second nightly on the same day.

Everything runs the real `tracker` entry point on temp dirs with two small articles we wrote. Tests run as
root here, and root ignores file modes: read-only and permission cases drop the capabilities that let root
write anywhere (setpriv), or run plainly when the tests are not root, or skip saying why.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers import CliResult
from localserver import LocalServer

ARTICLE_A = """Mistral AI releases Mistral Large 2

Mistral AI today released Mistral Large 2, a new open-weights large language model. Mistral Large 2 has \
70 billion parameters and a context window of 128K tokens. The model is available under the Apache 2.0 \
license.
"""
ARTICLE_B = """Hands-on with Mistral Large 2

We tested the Mistral Large 2 language model from Mistral AI this week. Mistral Large 2 offers a context \
window of 64K tokens, according to its model card.
"""
OFF_TOPIC = "Rye bread\n\nMix the flour, water and salt, leave the dough overnight and bake it for an hour.\n"

DROP_ROOT = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def _tracker() -> str:
    exe = Path(sys.executable).with_name("tracker")
    return str(exe) if exe.exists() else "tracker"


def run(
    *args: str,
    data: Path | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    unprivileged: bool = False,
    timeout: float = 300,
) -> CliResult:
    """The real entry point; `unprivileged`: without root's power to ignore file modes (or skip)."""
    full = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "XDG_"))}
    full["HF_HUB_OFFLINE"] = "1"
    if data is not None:
        full["TRACKER_DATA_DIR"] = str(data)
    if "TRACKER_MODEL_DIR" in os.environ:
        full["TRACKER_MODEL_DIR"] = os.environ["TRACKER_MODEL_DIR"]
    full.update(env or {})
    cmd = [_tracker(), *args]
    if unprivileged and os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: file modes cannot be enforced")
        cmd = DROP_ROOT + cmd
    proc = subprocess.run(cmd, capture_output=True, text=True, env=full, cwd=cwd, timeout=timeout)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def one_line_error(result: CliResult, code: int, *needles: str) -> None:
    assert result.code == code, (result.code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding our two articles (a context-window disagreement between them)."""
    base = tmp_path_factory.mktemp("store")
    docs = []
    for name, text in (("a.txt", ARTICLE_A), ("b.txt", ARTICLE_B)):
        (base / name).write_text(text, encoding="utf-8")
        docs.append(str(base / name))
    data = base / "data"
    result = run("add", *docs, "--published", "2026-11-20", data=data)
    assert result.code == 0, result.stderr
    return data


@pytest.fixture
def copy(store: Path, tmp_path: Path) -> Path:
    """A private copy of the store, for tests that change it or its modes."""
    target = tmp_path / "data"
    shutil.copytree(store, target)
    return target


def _make_read_only(path: Path) -> None:
    for p in [path, *path.rglob("*")]:
        mode = stat.S_IMODE(p.stat().st_mode)
        p.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _restore(path: Path) -> None:
    for p in [path, *path.rglob("*")]:
        p.chmod(stat.S_IMODE(p.stat().st_mode) | stat.S_IWUSR | stat.S_IRUSR | stat.S_IXUSR)


# -- --out ------------------------------------------------------------------------------------------------
def test_out_follows_a_symlink_to_its_target(store: Path, tmp_path: Path) -> None:
    target = tmp_path / "claims.csv"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target.name)
    result = run("export", "--out", str(link), data=store)
    assert result.code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == target.name  # the link itself is untouched
    assert target.read_text(encoding="utf-8").startswith("claim_id,model,attribute")  # CSV from .csv
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "link.csv"]  # no temp file left


@pytest.mark.parametrize("kind", ["fifo", "directory", "dev_full", "missing_parent", "empty", "proc"])
def test_out_refuses_what_is_not_a_regular_file(kind: str, store: Path, tmp_path: Path) -> None:
    if kind == "fifo":
        out = tmp_path / "pipe"
        os.mkfifo(out)
        reason = "not a regular file"
    elif kind == "directory":
        out = tmp_path / "adir"
        out.mkdir()
        reason = "is a directory"
    elif kind == "dev_full":
        if not Path("/dev/full").exists():
            pytest.skip("no /dev/full here")
        out, reason = Path("/dev/full"), "not a regular file"
    elif kind == "missing_parent":
        out, reason = tmp_path / "no" / "such" / "x.csv", "does not exist"
    elif kind == "empty":
        out, reason = Path(""), "empty path"
    else:
        if not Path("/proc/version").is_file():
            pytest.skip("no /proc/version here")
        out, reason = Path("/proc/version"), "cannot write"
    before = sorted(p.name for p in tmp_path.iterdir())
    for command in (["export"], ["digest", "--since", "5y"]):
        result = run(*command, "--out", "" if kind == "empty" else str(out), data=store)
        one_line_error(result, 2, "--out", reason)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing created, nothing replaced
    if kind == "dev_full":
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    if kind == "fifo":
        assert stat.S_ISFIFO(os.stat(out).st_mode)


def test_out_dash_is_stdout(store: Path, tmp_path: Path) -> None:
    result = run("export", "--out", "-", data=store, cwd=tmp_path)
    assert result.code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and {r["model"] for r in rows} == {"Mistral-Large-2"}
    assert not (tmp_path / "-").exists()
    digest = run("digest", "--since", "5y", "--out", "-", data=store, cwd=tmp_path)
    assert digest.code == 0 and digest.stdout.startswith("# AI model digest")
    assert list(tmp_path.iterdir()) == []


def test_out_to_a_read_only_directory_is_one_line(store: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = run("export", "--out", str(locked / "x.jsonl"), data=store, unprivileged=True)
    finally:
        locked.chmod(0o755)
    one_line_error(result, 2, "--out", "x.jsonl")
    assert list(locked.iterdir()) == []


def test_export_format_follows_the_extension_unless_given(store: Path, tmp_path: Path) -> None:
    assert run("export", "--out", str(tmp_path / "c.csv"), data=store).code == 0
    assert (tmp_path / "c.csv").read_text(encoding="utf-8").startswith("claim_id,")
    assert run("export", "--out", str(tmp_path / "c.jsonl"), data=store).code == 0
    json.loads((tmp_path / "c.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert run("export", "--format", "jsonl", "--out", str(tmp_path / "d.csv"), data=store).code == 0
    json.loads((tmp_path / "d.csv").read_text(encoding="utf-8").splitlines()[0])


def test_fileio_write_out_keeps_the_mode_and_atomicity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker import fileio
    from tracker.errors import UsageError

    target = tmp_path / "keep.md"
    target.write_bytes(b"old")
    target.chmod(0o600)
    fileio.write_out(str(target), b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o600

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "replace", boom)
    with pytest.raises(UsageError, match="No space left"):
        fileio.write_out(str(target), b"newer")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.md"]


# -- one-line errors ----------------------------------------------------------------------------------------
def test_data_dir_that_is_a_regular_file(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_text("not a directory\n", encoding="utf-8")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\n", encoding="utf-8")
    for args in (
        ["ingest"],
        ["status"],
        ["ask", "How big is Mistral Large 2?"],
        ["add", str(feeds)],
        ["conflicts"],
        ["digest"],
    ):
        result = run("--feeds", str(feeds), *args, data=plain)
        one_line_error(result, 1, str(plain), "not a directory")
    assert plain.read_text(encoding="utf-8") == "not a directory\n"


def test_read_only_data_dir_refuses_writes_in_one_line(copy: Path, tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\n", encoding="utf-8")
    doc = tmp_path / "c.txt"
    doc.write_text(ARTICLE_A.replace("128K", "96K"), encoding="utf-8")
    _make_read_only(copy)
    try:
        for args in (["--feeds", str(feeds), "ingest"], ["add", str(doc)], ["reindex"]):
            one_line_error(run(*args, data=copy, unprivileged=True), 1, str(copy), "not writable")
    finally:
        _restore(copy)


def test_unreadable_data_dir_is_one_line(copy: Path) -> None:
    copy.chmod(0)
    try:
        for args in (["status"], ["ask", "How big is Mistral Large 2?"], ["summary", "Mistral Large 2"]):
            result = run(*args, data=copy, unprivileged=True)
            assert result.code == 1, (args, result.stdout, result.stderr)
            assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
            assert str(copy) in result.stderr
    finally:
        copy.chmod(0o755)


def test_random_bytes_in_the_store(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tracker.db").write_bytes(bytes(range(256)) * 40)
    for args in (
        ["ask", "How big is Mistral Large 2?"],
        ["conflicts"],
        ["summary", "Mistral Large 2"],
        ["digest"],
        ["status"],
        ["models"],
        ["export"],
    ):
        one_line_error(run(*args, data=data), 1, "tracker.db", "not a database")


def test_since_far_back_and_bad_forms_are_usage_errors(store: Path) -> None:
    for args in (
        ["ask", "How big is Mistral Large 2?", "--since", "10000000000d"],
        ["digest", "--since", "10000000000d"],
        ["digest", "--since", "99999y"],
        ["digest", "--since", "2026-13"],
        ["ask", "x", "--since", "someday"],
    ):
        one_line_error(run(*args, data=store), 2, "--since")


# -- read-only store -----------------------------------------------------------------------------------------
def test_a_read_only_store_serves_every_read_command(copy: Path) -> None:
    reads = [
        ["ask", "What is the context window of Mistral Large 2?", "--json"],
        ["conflicts", "--json"],
        ["summary", "Mistral Large 2", "--json"],
        ["status", "--json"],
        ["models", "--json"],
        ["export"],
        ["digest", "--since", "5y", "--json"],
    ]
    writable = [run(*args, data=copy) for args in reads]
    _make_read_only(copy)
    try:
        read_only = [run(*args, data=copy, unprivileged=True) for args in reads]
    finally:
        _restore(copy)
    for args, before, after in zip(reads, writable, read_only, strict=True):
        assert after.code == 0, (args, after.stderr)
        assert before.stdout == after.stdout or args[0] in ("digest",), args
    assert json.loads(read_only[0].stdout)["answers"]


def test_store_opens_read_only_without_creating_files(copy: Path) -> None:
    from tracker.store import Store

    before = sorted(p.name for p in copy.iterdir())
    _make_read_only(copy)
    try:
        proc = subprocess.run(
            [
                *(DROP_ROOT if os.geteuid() == 0 else []),
                sys.executable,
                "-c",
                "import sys; from tracker.store import Store\n"
                f"s = Store({str(copy / 'tracker.db')!r}, readonly=True); print(s.counts()['claims'])",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        _restore(copy)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) > 0
    assert sorted(p.name for p in copy.iterdir()) == before
    with Store(copy / "tracker.db", readonly=True) as s:
        assert s.counts()["articles"] == 2


# -- feeds.yaml ----------------------------------------------------------------------------------------------
def test_config_reports_every_error_once_with_1_based_positions(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        'allow_private: "yes"\n'
        "feeds:\n"
        "  - {name: A, url: 'http://'}\n"
        "  - {name: B, url: 'http://exa mple.com/feed'}\n"
        "  - {name: C, url: 'https://[::1/feed'}\n"
        "  - {name: D, url: 'https://ok.example.com/feed', enabled: 1}\n"
        "  - {name: E, url: 'https://ok.example.com/feed'}\n",
        encoding="utf-8",
    )
    result = run("--feeds", str(feeds), "ingest", data=tmp_path / "data")
    assert result.code == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 6, result.stderr
    assert all(str(feeds) in line for line in lines)
    assert "allow_private" in lines[0] and "'yes'" in lines[0]
    for n, line in zip(range(1, 6), lines[1:], strict=True):
        assert f"feed {n} " in line, (n, line)
    assert "enabled" in lines[4] and "true or false" in lines[4]
    assert "duplicate of feed 4" in lines[5]
    assert not any("Value error" in line or "Input should" in line for line in lines)
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("value", ['"yes"', "1", "0", '"false"', "[1, 2]"])
def test_allow_private_is_strict(value: str, tmp_path: Path) -> None:
    from tracker.config import load_feeds
    from tracker.errors import ConfigError

    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"allow_private: {value}\nfeeds: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="allow_private"):
        load_feeds(feeds)
    feeds.write_text('allow_private: ["127.0.0.1:8080", localhost]\nfeeds: []\n', encoding="utf-8")
    assert load_feeds(feeds).allow_private == ["127.0.0.1:8080", "localhost"]


def test_yaml_error_names_line_and_column(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - name: A\n    url: [unclosed\n", encoding="utf-8")
    result = run("--feeds", str(feeds), "ingest", data=tmp_path / "data")
    one_line_error(result, 2, str(feeds), "not valid YAML", "line 4")


@pytest.mark.parametrize(
    "url",
    [
        "http://",
        "http://exa mple.com/f",
        "https://[::1/feed",
        "ftp://x.org/f",
        "https://bad_host!.org/f",
        "https://x.org:99999/f",
    ],
)
def test_feeds_add_validates(url: str, tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    result = run("--feeds", str(feeds), "feeds", "add", url, data=tmp_path / "data")
    one_line_error(result, 2, "URL")
    assert not feeds.exists()


def test_feeds_add_warns_about_a_refused_address(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    result = run("--feeds", str(feeds), "feeds", "add", "http://127.0.0.1:8080/feed.xml", data=tmp_path / "d")
    assert result.code == 0 and "added" in result.stdout
    assert "warning" in result.stderr and "allow_private" in result.stderr
    ok = run("--feeds", str(feeds), "feeds", "add", "https://example.com/rss", data=tmp_path / "d")
    assert ok.code == 0 and ok.stderr == ""
    feeds.write_text(
        feeds.read_text(encoding="utf-8").replace("allow_private: false", "allow_private: ['127.0.0.1:9090']")
    )
    again = run("--feeds", str(feeds), "feeds", "add", "http://127.0.0.1:9090/f", data=tmp_path / "d")
    assert again.code == 0 and again.stderr == ""


def test_feeds_refresh_clears_backoff_and_enable_disable(tmp_path: Path, http_server: LocalServer) -> None:
    from tracker.feedstate import is_due
    from tracker.store import Store

    data = tmp_path / "data"
    feeds = tmp_path / "feeds.yaml"
    url = http_server.add("/feed.xml", b"", status=500)
    feeds.write_text(
        f"allow_private: ['127.0.0.1:{http_server.port}']\nfeeds:\n  - name: Flaky\n    url: {url}\n",
        encoding="utf-8",
    )
    first = run("--feeds", str(feeds), "ingest", "-q", data=data)
    assert first.code == 3
    assert http_server.count("/feed.xml") == 1
    run("--feeds", str(feeds), "ingest", "-q", data=data)
    assert http_server.count("/feed.xml") == 1  # backing off: not contacted
    with Store(data / "tracker.db", readonly=True) as s:
        assert not is_due(s.feed_states()[0], datetime.now(UTC))
    result = run("--feeds", str(feeds), "feeds", "refresh", "Flaky", data=data)
    assert result.code == 0 and "refreshed Flaky" in result.stdout
    with Store(data / "tracker.db", readonly=True) as s:
        assert is_due(s.feed_states()[0], datetime.now(UTC))
    run("--feeds", str(feeds), "ingest", "-q", data=data)
    assert http_server.count("/feed.xml") == 2  # polled now
    assert run("--feeds", str(feeds), "feeds", "refresh", data=data).code == 2  # a name or --all
    assert run("--feeds", str(feeds), "feeds", "refresh", "--all", data=data).code == 0

    assert run("--feeds", str(feeds), "feeds", "disable", "flaky", data=data).code == 0
    assert "enabled: false" in feeds.read_text(encoding="utf-8")
    run("--feeds", str(feeds), "feeds", "refresh", "--all", data=data)
    assert run("--feeds", str(feeds), "ingest", "-q", data=data).code == 0  # a disabled feed is not polled
    assert http_server.count("/feed.xml") == 2
    assert "already disabled" in run("--feeds", str(feeds), "feeds", "disable", url, data=data).stdout
    assert run("--feeds", str(feeds), "feeds", "enable", "Flaky", data=data).code == 0
    assert "enabled: true" in feeds.read_text(encoding="utf-8")
    one_line_error(run("--feeds", str(feeds), "feeds", "enable", "Nope", data=data), 2, "Nope")


# -- CLI surface ---------------------------------------------------------------------------------------------
def test_version(tmp_path: Path) -> None:
    from tracker import __version__

    result = run("--version", data=tmp_path / "d")
    assert result.code == 0 and result.stdout.strip() == f"tracker {__version__}"


def test_global_options_before_or_after_the_command(store: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    for args in (
        ["--data-dir", str(store), "status", "--json"],
        ["status", "--json", "--data-dir", str(store)],
        ["status", f"--data-dir={store}", "--json"],
        ["models", "--json", "--data-dir", str(store)],
        ["export", "--data-dir", str(store)],
        ["digest", "--since", "5y", "--data-dir", str(store)],
    ):
        result = run(*args, data=elsewhere)
        assert result.code == 0, (args, result.stderr)
        assert "Mistral" in result.stdout or f'"data_dir": "{store}"' in result.stdout, args
    assert not elsewhere.exists()
    missing = tmp_path / "absent.yaml"
    for args in (["-v", "ingest", "--feeds", str(missing)], ["ingest", "--feeds", str(missing), "-v"]):
        result = run(*args, data=elsewhere)
        assert result.code == 2 and "Traceback" in result.stderr  # -v after the command works too
    quiet = run("reindex", "-q", data=store)
    assert quiet.code == 0 and quiet.stderr == ""
    assert run("-q", "reindex", data=store).stderr == ""


def test_json_on_digest_and_summary(store: Path) -> None:
    digest = json.loads(run("digest", "--since", "5y", "--json", data=store).stdout)
    assert digest["models_new"] == ["Mistral-Large-2"] and len(digest["articles"]) == 2
    assert digest["markdown"].startswith("# AI model digest")
    summary = run("summary", "Mistral Large 2", "--json", data=store)
    assert summary.code == 0 and json.loads(summary.stdout)["model"] == "Mistral-Large-2"
    assert json.loads(run("summary", "Mistral Large 2", "--format", "json", data=store).stdout) == json.loads(
        summary.stdout
    )
    assert run("summary", "Mistral Large 2", data=store).stdout.startswith("# Mistral-Large-2")


def test_a_one_to_one_split_shows_as_a_tie(store: Path) -> None:
    digest = run("digest", "--since", "5y", data=store).stdout
    assert "*(tie)*" in digest and "context" in digest
    line = next(x for x in digest.splitlines() if x.startswith("- **Mistral-Large-2**"))
    assert "128K" in line and "64K" in line and " or " in line and "(disputed)" not in line
    text = run("conflicts", data=store).stdout
    assert "context_window: a tie, sources evenly split" in text
    report = json.loads(run("conflicts", "--json", data=store).stdout)
    assert [c["tie"] for c in report["conflicts"]] == [True]


def test_nothing_found_is_exit_4(store: Path) -> None:
    result = run("summary", "NoSuchModel", data=store)
    assert result.code == 4 and "no claims about NoSuchModel" in result.stdout
    assert run("summary", "NoSuchModel", "--json", data=store).code == 4
    assert run("forget", "999999", data=store).code == 4


@pytest.mark.parametrize("k", ["0", "-1", "x"])
def test_ask_k_must_be_positive(k: str, store: Path) -> None:
    result = run("ask", "How big is Mistral Large 2?", "-k", k, data=store)
    assert result.code == 2 and "-k" in result.stderr and "Traceback" not in result.stderr


def test_period_words() -> None:
    from tracker.dates import parse_when
    from tracker.errors import UsageError

    now = datetime(2026, 3, 31, 15, 30, tzinfo=UTC)
    assert parse_when("1m", now=now) == datetime(2026, 2, 28, 15, 30, tzinfo=UTC)  # clamped to February
    assert parse_when("1y", now=now) == datetime(2025, 3, 31, 15, 30, tzinfo=UTC)
    assert parse_when("2024-07", now=now) == datetime(2024, 7, 1, tzinfo=UTC)
    assert parse_when("yesterday", now=now) == datetime(2026, 3, 30, tzinfo=UTC)
    assert parse_when("today", now=now) == datetime(2026, 3, 31, tzinfo=UTC)
    assert parse_when("last week", now=now) == datetime(2026, 3, 24, 15, 30, tzinfo=UTC)
    assert parse_when("Last Month", now=now) == datetime(2026, 2, 28, 15, 30, tzinfo=UTC)
    assert parse_when("3 days", now=now) == datetime(2026, 3, 28, 15, 30, tzinfo=UTC)
    assert parse_when("7d", now=now) == datetime(2026, 3, 24, 15, 30, tzinfo=UTC)
    assert parse_when("2026-01-02", now=now) == datetime(2026, 1, 2, tzinfo=UTC)
    for bad in ("10000000000d", "3000y", "2026-13", "soon", ""):
        with pytest.raises(UsageError):
            parse_when(bad, now=now)


def test_ask_since_takes_the_new_forms(store: Path) -> None:
    for since in ("1y", "2026-11", "last year"):
        result = run("ask", "What is the context window of Mistral Large 2?", "--since", since, data=store)
        assert result.code == 0 and "Mistral-Large-2" in result.stdout, (since, result.stderr)


def test_ctrl_c_during_ingest_says_what_was_kept(tmp_path: Path, http_server: LocalServer) -> None:
    import threading

    release = threading.Event()

    def slow(handler: object) -> None:
        release.wait(60)  # hold the request until the test has interrupted the client
        h = handler  # type: ignore[assignment]
        h.send_response(500)  # type: ignore[attr-defined]
        h.send_header("Content-Length", "0")  # type: ignore[attr-defined]
        h.end_headers()  # type: ignore[attr-defined]

    url = http_server.add("/slow.xml", handler=slow)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        f"allow_private: ['127.0.0.1:{http_server.port}']\nfeeds:\n  - name: Slow\n    url: {url}\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(TRACKER_DATA_DIR=str(tmp_path / "data"), HF_HUB_OFFLINE="1")
    proc = subprocess.Popen(
        [_tracker(), "--feeds", str(feeds), "ingest", "-q"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(6000):
            if http_server.count("/slow.xml"):
                break
            if proc.poll() is not None:
                break
            threading.Event().wait(0.01)
        assert http_server.count("/slow.xml") == 1, proc.communicate(timeout=30)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted: 0 new article(s) were stored and kept" in err


# -- locations -----------------------------------------------------------------------------------------------
def test_default_locations_follow_xdg_and_tracker_home(tmp_path: Path) -> None:
    xdg = {
        "XDG_DATA_HOME": str(tmp_path / "xd"),
        "XDG_CONFIG_HOME": str(tmp_path / "xc"),
        "XDG_CACHE_HOME": str(tmp_path / "xk"),
    }
    work = tmp_path / "work"
    work.mkdir()
    info = json.loads(run("paths", "--json", env=xdg, cwd=work).stdout)
    assert info["data_dir"] == str(tmp_path / "xd" / "tracker") and info["data_dir_from"] == "XDG_DATA_HOME"
    assert info["feeds"] == str(tmp_path / "xc" / "tracker" / "feeds.yaml")
    assert info["model"] == str(tmp_path / "xk" / "tracker" / "model")
    home = {**xdg, "TRACKER_HOME": str(tmp_path / "th")}
    info = json.loads(run("paths", "--json", env=home, cwd=work).stdout)
    assert info["data_dir"] == str(tmp_path / "th") and info["feeds"] == str(tmp_path / "th" / "feeds.yaml")
    (work / "feeds.yaml").write_text("feeds: []\n", encoding="utf-8")  # a local feeds.yaml still wins
    info = json.loads(run("paths", "--json", env=home, cwd=work).stdout)
    assert info["feeds"] == str(work / "feeds.yaml") and info["feeds_from"] == "./feeds.yaml"
    env = {**home, "TRACKER_DATA_DIR": str(tmp_path / "explicit")}
    info = json.loads(run("paths", "--json", env=env, cwd=work).stdout)
    assert info["data_dir"] == str(tmp_path / "explicit") and info["data_dir_from"] == "TRACKER_DATA_DIR"
    text = run("paths", "--data-dir", str(tmp_path / "opt"), env=env, cwd=work).stdout
    assert f"data:    {tmp_path / 'opt'}  [--data-dir]" in text


def test_the_same_store_from_any_working_directory(store: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(store, home)
    for cwd in (tmp_path, home, Path("/")):
        result = run("status", "--json", env={"TRACKER_HOME": str(home)}, cwd=cwd)
        assert json.loads(result.stdout)["articles"] == 2, cwd


# -- add, forget, nightly ------------------------------------------------------------------------------------
def test_add_applies_the_relevance_filter_unless_forced(tmp_path: Path) -> None:
    data = tmp_path / "data"
    doc = tmp_path / "bread.txt"
    doc.write_text(OFF_TOPIC, encoding="utf-8")
    result = run("add", str(doc), data=data)
    assert result.code == 0 and "1 off-topic" in result.stdout
    assert "not stored" in result.stderr and "--force" in result.stderr
    assert json.loads(run("status", "--json", data=data).stdout)["articles"] == 0
    forced = run("add", "--force", str(doc), data=data)
    assert forced.code == 0 and "1 new articles" in forced.stdout
    assert json.loads(run("status", "--json", data=data).stdout)["articles"] == 1


def test_forget_removes_the_article_its_claims_and_vectors(copy: Path, tmp_path: Path) -> None:
    from tracker.config import Paths
    from tracker.embed import DIM, MODEL_ID
    from tracker.index import VectorIndex

    rows = [json.loads(line) for line in run("export", data=copy).stdout.splitlines()]
    by_article: dict[int, list[int]] = {}
    for r in rows:
        by_article.setdefault(r["article_id"], []).append(r["claim_id"])
    (first, first_claims), (second, second_claims) = sorted(by_article.items())
    url = next(r["url"] for r in rows if r["article_id"] == second)
    result = run("forget", str(first), data=copy)
    assert result.code == 0 and f"forgot {first}" in result.stdout
    result = run("forget", url, "--json", data=copy)
    assert json.loads(result.stdout)["removed"][0]["id"] == second
    status = json.loads(run("status", "--json", data=copy).stdout)
    assert status["articles"] == 0 and status["claims"] == 0
    index = VectorIndex.open(Paths(copy).index_dir, model_id=MODEL_ID, dim=DIM)
    assert len(index) == 0
    con = sqlite3.connect(copy / "tracker.db")
    assert con.execute("SELECT count(*) FROM claims_fts WHERE claims_fts MATCH 'Mistral'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM models").fetchone()[0] == 0
    con.close()
    assert run("forget", url, data=copy).code == 4


def test_second_nightly_on_the_same_day_keeps_the_first_digest(tmp_path: Path) -> None:
    data = tmp_path / "data"
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\n", encoding="utf-8")
    doc = tmp_path / "a.txt"
    doc.write_text(ARTICLE_A, encoding="utf-8")
    assert run("add", str(doc), data=data).code == 0
    assert run("--feeds", str(feeds), "nightly", "-q", data=data).code == 0
    day = datetime.now(UTC).date().isoformat()
    first = (data / "digests" / f"{day}.md").read_text(encoding="utf-8")
    assert "Mistral-Large-2" in first
    assert run("--feeds", str(feeds), "nightly", "-q", data=data).code == 0
    assert (data / "digests" / f"{day}.md").read_text(encoding="utf-8") == first
    assert "Nothing new" in (data / "digests" / f"{day}-2.md").read_text(encoding="utf-8")

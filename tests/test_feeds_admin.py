"""`tracker feeds list|add|remove|import|export`: feeds.yaml edits, OPML in and out, hostile OPML refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from helpers import FIXTURES, ROOT, CliResult
from tracker.config import load_feeds
from tracker.errors import UsageError
from tracker.feeds_admin import export_opml, import_opml, parse_opml
from tracker.store import Store

OPML = FIXTURES / "opml"
Run = Callable[..., CliResult]


@pytest.fixture
def feeds_file(tmp_path: Path) -> Path:
    path = tmp_path / "feeds.yaml"
    path.write_text("allow_private: false\nfeeds: []\n", encoding="utf-8")
    return path


def _cli(run_cli: Run, feeds_file: Path) -> Run:
    def run(*args: str, **kwargs: object) -> CliResult:
        return run_cli("--feeds", str(feeds_file), *args, **kwargs)

    return run


def test_import_reader_export(run_cli: Run, feeds_file: Path) -> None:
    cli = _cli(run_cli, feeds_file)
    res = cli("feeds", "import", str(OPML / "reader_export.opml"))
    assert res.code == 0, res.stderr
    assert "4 added, 2 skipped" in res.stdout
    assert "file:///etc/passwd: not an http(s) URL" in res.stderr
    assert "already present" in res.stderr
    feeds = {f.url: f for f in load_feeds(feeds_file).feeds}
    assert list(feeds) == [
        "https://blog.windmill.example/feed.xml",
        "https://aquatic.example/news/atom",
        "https://tech.example.org/ai/rss",
        "https://untitled.example.net/rss",
    ]
    assert feeds["https://blog.windmill.example/feed.xml"].tags == ["Labs"]
    tech = feeds["https://tech.example.org/ai/rss"]
    assert tech.name == "Example Tech: AI & Machine Learning"
    assert tech.tags == ["AI desk", "Press", "ai", "daily"]  # folders and categories
    assert feeds["https://untitled.example.net/rss"].name == "untitled.example.net"
    # Importing again adds nothing.
    again = cli("feeds", "import", str(OPML / "reader_export.opml"))
    assert again.code == 0 and "0 added" in again.stdout


def test_opml_round_trip(feeds_file: Path, tmp_path: Path) -> None:
    import_opml(feeds_file, OPML / "reader_export.opml")
    exported = export_opml(feeds_file)
    assert exported.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    (tmp_path / "out.opml").write_text(exported, encoding="utf-8")
    other = tmp_path / "other.yaml"
    report = import_opml(other, tmp_path / "out.opml")  # a fresh feeds file is created
    assert not report.skipped
    before = [(f.name, f.url, f.tags) for f in load_feeds(feeds_file).feeds]
    after = [(f.name, f.url, f.tags) for f in load_feeds(other).feeds]
    assert before == after
    assert export_opml(other) == exported  # byte-identical second generation


def test_export_via_cli_is_valid_opml(run_cli: Run, feeds_file: Path) -> None:
    cli = _cli(run_cli, feeds_file)
    assert cli("feeds", "add", "https://a.example/feed", "--name", 'A <&> "quoted"', "--tag", "x").code == 0
    res = cli("feeds", "export")
    assert res.code == 0, res.stderr
    feeds = parse_opml(res.stdout.encode("utf-8"))
    assert [(f.name, f.url, f.tags) for f in feeds] == [('A <&> "quoted"', "https://a.example/feed", ["x"])]


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("billion_laughs.opml", "refused OPML"),
        ("external_entity.opml", "refused OPML"),
        ("not_opml.xml", "not an OPML document"),
        ("truncated.opml", "not valid XML"),
        ("does_not_exist.opml", "cannot read"),
    ],
)
def test_bad_opml_is_one_line_exit_2(run_cli: Run, feeds_file: Path, fixture: str, message: str) -> None:
    before = feeds_file.read_bytes()
    res = _cli(run_cli, feeds_file)("feeds", "import", str(OPML / fixture))
    assert res.code == 2, (res.stdout, res.stderr)
    assert message in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    assert "lollol" not in res.stderr and "root:" not in res.stderr  # nothing expanded, nothing read
    assert feeds_file.read_bytes() == before


def test_entity_bomb_refused_in_process() -> None:
    with pytest.raises(UsageError, match="refused"):
        parse_opml((OPML / "billion_laughs.opml").read_bytes())
    with pytest.raises(UsageError, match="refused"):
        parse_opml((OPML / "external_entity.opml").read_bytes())


def test_add_remove_list(run_cli: Run, feeds_file: Path) -> None:
    cli = _cli(run_cli, feeds_file)
    res = cli("feeds", "add", "https://news.example.com/ai/feed/", "--tag", "press", "--tag", "ai")
    assert res.code == 0, res.stderr
    assert "added news.example.com" in res.stdout
    assert cli("feeds", "add", "https://lab.example/rss", "--name", "Example Lab").code == 0
    dup = cli("feeds", "add", "https://lab.example/rss")
    assert dup.code == 2 and "already present" in dup.stderr
    bad = cli("feeds", "add", "javascript:alert(1)")
    assert bad.code == 2 and "http(s)" in bad.stderr
    listed = cli("feeds", "list", "--json")
    assert listed.code == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["tags"], r["health"]) for r in rows] == [
        ("news.example.com", ["ai", "press"], "never polled"),
        ("Example Lab", [], "never polled"),
    ]
    assert cli("feeds", "remove", "example lab").code == 0  # by name, case-insensitive
    assert cli("feeds", "remove", "https://news.example.com/ai/feed/").code == 0  # by URL
    missing = cli("feeds", "remove", "nope")
    assert missing.code == 2 and "no feed" in missing.stderr
    assert yaml.safe_load(feeds_file.read_text())["feeds"] == []


def test_list_shows_health_from_the_store(run_cli: Run, feeds_file: Path, data_dir: Path) -> None:
    cli = _cli(run_cli, feeds_file)
    for url in ("https://ok.example/rss", "https://old.example/rss", "https://down.example/rss"):
        assert cli("feeds", "add", url).code == 0
    now = datetime.now(UTC)
    with Store(data_dir / "tracker.db") as store:
        recent, old = (now - timedelta(hours=2)).isoformat(), (now - timedelta(days=90)).isoformat()
        store.save_feed_state("https://ok.example/rss", last_success=recent, last_new=recent)
        store.save_feed_state("https://old.example/rss", last_success=recent, last_new=old)
        store.save_feed_state("https://down.example/rss", consecutive_errors=4, last_error="HTTP 503")
    rows = {r["url"]: r for r in json.loads(cli("feeds", "list", "--json").stdout)}
    assert rows["https://ok.example/rss"]["health"] == "ok"
    assert rows["https://old.example/rss"]["health"] == "stale"
    assert rows["https://down.example/rss"]["health"] == "failing"
    assert rows["https://down.example/rss"]["consecutive_errors"] == 4
    text = cli("feeds", "list").stdout
    assert "stale" in text and "4 error(s) in a row: HTTP 503" in text


def test_shipped_feeds_yaml_is_valid() -> None:
    config = load_feeds(ROOT / "feeds.yaml")
    assert config.allow_private is False
    assert 10 <= len(config.feeds) <= 20
    assert all(f.url.startswith("https://") for f in config.feeds)
    assert len({f.name for f in config.feeds}) == len(config.feeds)
